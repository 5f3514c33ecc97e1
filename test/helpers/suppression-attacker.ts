/**
 * An outsider working out withheld counts from what a family of suppressed tables publishes:
 * every cell of every table is an interval (published cells exact, the others from their lower
 * bound, 0 unless the attacker knows better, up to infinity), and every line (cells differing
 * in one dimension, over its whole domain) must add up to its margin. Bounds are tightened along
 * every line until nothing changes: interval propagation, the subtraction attack generalised,
 * with whatever lower bounds the attacker has (counted from released rows, say).
 */

export interface PublishedTable {
  dimensions: string[];
  cells: { keys: string[]; count: number | null }[];
  total: number | null;
}

type Interval = [number, number];

export interface AttackResult {
  /** The interval for a cell: dimensions in any order, values in the same order. */
  bounds(dimensions: readonly string[], values: readonly string[]): Interval;
}

export function attack(
  order: readonly string[],
  domains: Readonly<Record<string, readonly string[]>>,
  published: readonly PublishedTable[],
  lowerBound: (dimensions: readonly string[], values: readonly string[]) => number = () => 0,
  /** Cells the attacker knows exactly from elsewhere. */
  exact: (dimensions: readonly string[], values: readonly string[]) => number | undefined = () => undefined,
): AttackResult {
  const canon = (dims: readonly string[]) => [...dims].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const tables = new Map<string, Map<string, Interval>>();
  const keyOf = (values: readonly string[]) => values.join('\u0000');
  const product = (dims: readonly string[]): string[][] =>
    dims.reduce<string[][]>((acc, d) => acc.flatMap((k) => domains[d]!.map((v) => [...k, v])), [[]]);
  tables.set('', new Map<string, Interval>([['', [0, Infinity]]]));
  for (const t of published) {
    const dims = canon(t.dimensions);
    const perm = dims.map((d) => t.dimensions.indexOf(d));
    if (t.total !== null) tables.get('')!.set('', [t.total, t.total]);
    if (dims.length === 0) continue;
    const cells = new Map<string, Interval>();
    for (const values of product(dims)) {
      const known = exact(dims, values);
      cells.set(keyOf(values), known === undefined ? [lowerBound(dims, values), Infinity] : [known, known]);
    }
    for (const c of t.cells) {
      if (c.count !== null) cells.set(keyOf(perm.map((i) => c.keys[i]!)), [c.count, c.count]);
    }
    tables.set(dims.join(','), cells);
  }
  const get = (dims: readonly string[], key: string) => tables.get(dims.join(','))?.get(key);
  for (let changed = true, rounds = 0; changed && rounds < 200; rounds++) {
    changed = false;
    for (const [id, cells] of tables) {
      if (id === '') continue;
      const dims = id.split(',');
      for (let d = 0; d < dims.length; d++) {
        const lowerDims = dims.filter((_, i) => i !== d);
        if (!tables.has(lowerDims.join(','))) continue;
        const lines = new Map<string, string[]>();
        for (const key of cells.keys()) {
          const values = key.split('\u0000');
          const m = keyOf(values.filter((_, i) => i !== d));
          lines.set(m, [...(lines.get(m) ?? []), key]);
        }
        for (const [m, line] of lines) {
          const margin = get(lowerDims, m)!;
          const lo = line.reduce((sum, k) => sum + cells.get(k)![0], 0);
          const infinite = line.filter((k) => cells.get(k)![1] === Infinity).length;
          const finiteHi = line.reduce((sum, k) => sum + (cells.get(k)![1] === Infinity ? 0 : cells.get(k)![1]), 0);
          const hi = infinite > 0 ? Infinity : finiteHi;
          const tightened: Interval = [Math.max(margin[0], lo), Math.min(margin[1], hi)];
          if (tightened[0] !== margin[0] || tightened[1] !== margin[1]) {
            tables.get(lowerDims.join(','))!.set(m, tightened);
            changed = true;
          }
          for (const k of line) {
            const [clo, chi] = cells.get(k)!;
            const othersHi =
              infinite - (chi === Infinity ? 1 : 0) > 0 ? Infinity : finiteHi - (chi === Infinity ? 0 : chi);
            const nlo = Math.max(clo, tightened[0] - othersHi);
            const nhi = Math.min(chi, tightened[1] - (lo - clo));
            if (nlo !== clo || nhi !== chi) {
              cells.set(k, [nlo, nhi]);
              changed = true;
            }
          }
        }
      }
    }
  }
  return {
    bounds(dimensions, values) {
      const dims = canon(dimensions);
      const vals = dims.map((d) => values[dimensions.indexOf(d)]!);
      return get(dims, keyOf(vals)) ?? [0, Infinity];
    },
  };
}
