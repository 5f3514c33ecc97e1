/** Counts from 1 to this are withheld (the CMS cell-size suppression policy). */
export const SMALL_CELL_MAX = 10;

export interface CountCell {
  /** The cell's value on each dimension, in the table's order. */
  keys: string[];
  /** The keys joined by " | " (a one-dimension table's only key). */
  key: string;
  count: number;
  /** Always false: a withheld cell is not listed at all (see SuppressedCube). */
  suppressed: boolean;
}

export interface CountTable {
  dimensions: string[];
  /** The dimensions joined by " x ". */
  dimension: string;
  /** The published cells only. */
  cells: CountCell[];
  /** null when it would let a withheld cell be recovered. */
  total: number | null;
  /** Cells of the table not published: withheld or empty, which the answer does not tell apart. */
  suppressedCells: number;
}

export interface CubeDimension {
  name: string;
  /**
   * Every value the dimension can take, whatever the data (age bands, states, every ZIP3), so
   * that which cells exist says nothing; unset means the values present (one-dimension tables of
   * open vocabularies, such as medication codes, where an unlisted code is simply not there).
   */
  domain?: readonly string[];
}

export interface CubeOptions {
  threshold?: number;
  /** Tables with more possible cells than this are not offered (nor part of the family). */
  maxCells?: number;
  /**
   * Cells whose exact count the caller publishes elsewhere (the analyst's row-level release):
   * treated as published, so never chosen to protect another cell.
   */
  revealed?: (dimensions: readonly string[], values: readonly string[]) => boolean;
}

const SEP = '\u0000';

interface Table {
  counts: Map<string, number>;
  withheld: Set<string>;
}

/**
 * Small-cell suppression with complementary suppression over a family of tables at once: every
 * cross-tabulation of the dimensions small enough to offer (one-dimension tables and the total
 * included), so that what one query publishes never undoes what another withholds.
 *
 * Only published cells are listed. A cell that is withheld and a cell that is empty look the
 * same (not listed), so listing never tells that a withheld cell holds at least one record, and
 * every withheld cell lies anywhere from 0 up. A cell is withheld when it counts 1 to 10
 * (primary). Then, over every line (the cells of a table that differ in one dimension only, over
 * the dimension's whole domain; their sum is a cell of the table with that dimension left out,
 * the line's margin), until nothing changes:
 * - a published margin may not pin the unpublished cells of its line: their sum must be 0 or
 *   more than 10, and when it is not 0 more than one of them must be unpublished; otherwise the
 *   smallest published cell that is not revealed elsewhere is withheld too, or the margin itself;
 * - a withheld margin may not be the sum of published cells: one cell of its line at least is
 *   unpublished.
 * This is the line-by-line protection of the hypercube method (tau-ARGUS); it does not solve the
 * linear program over all lines at once, so an interval on a withheld cell can remain.
 */
export class SuppressedCube {
  readonly dimensions: readonly string[];
  private readonly domains: string[][];
  private readonly tables = new Map<number, Table>();
  private readonly threshold: number;

  /** `counts`: the full cross-tabulation, keys made with cubeKey in `dimensions` order. */
  constructor(
    dimensions: readonly CubeDimension[],
    counts: ReadonlyMap<string, number>,
    private readonly options: CubeOptions = {},
  ) {
    if (dimensions.length > 8) throw new RangeError('at most 8 dimensions');
    this.threshold = options.threshold ?? SMALL_CELL_MAX;
    this.dimensions = dimensions.map((d) => d.name);
    const present = dimensions.map(() => new Set<string>());
    for (const key of counts.keys()) key.split(SEP).forEach((v, d) => present[d]?.add(v));
    this.domains = dimensions.map((d, i) => [...(d.domain ?? [...present[i]!].sort())]);
    dimensions.forEach((d, i) => {
      const outside = [...present[i]!].filter((v) => !this.domains[i]!.includes(v));
      if (outside.length > 0) throw new RangeError(`${d.name} has values outside its domain`);
    });
    const full = (1 << dimensions.length) - 1;
    for (let mask = 0; mask <= full; mask++) {
      if (this.size(mask) <= (options.maxCells ?? Infinity))
        this.tables.set(mask, { counts: new Map(), withheld: new Set() });
    }
    for (const [key, n] of counts) {
      if (n <= 0) continue;
      const values = key.split(SEP);
      for (const [mask, t] of this.tables) {
        const k = this.project(values, mask);
        t.counts.set(k, (t.counts.get(k) ?? 0) + n);
      }
    }
    this.suppress();
  }

  /** How many cells a table has (the product of its domains). */
  private size(mask: number): number {
    let n = 1;
    for (let d = 0; d < this.domains.length; d++) if (mask & (1 << d)) n *= this.domains[d]!.length;
    return n;
  }

  private dimsOf(mask: number): number[] {
    return this.domains.map((_, d) => d).filter((d) => mask & (1 << d));
  }

  private project(values: readonly string[], mask: number): string {
    return this.dimsOf(mask)
      .map((d) => values[d]!)
      .join(SEP);
  }

  /** A table key's values by dimension index. */
  private valuesOf(mask: number, key: string): Map<number, string> {
    const dims = this.dimsOf(mask);
    const values = mask === 0 ? [] : key.split(SEP);
    return new Map(dims.map((d, i) => [d, values[i]!]));
  }

  private keyOf(mask: number, values: Map<number, string>): string {
    return this.dimsOf(mask)
      .map((d) => values.get(d)!)
      .join(SEP);
  }

  private revealed(mask: number, key: string): boolean {
    if (!this.options.revealed) return false;
    const values = this.valuesOf(mask, key);
    const dims = this.dimsOf(mask);
    return this.options.revealed(
      dims.map((d) => this.dimensions[d]!),
      dims.map((d) => values.get(d)!),
    );
  }

  private published(mask: number, key: string): boolean {
    const t = this.tables.get(mask)!;
    return (t.counts.get(key) ?? 0) > 0 && !t.withheld.has(key);
  }

  private suppress(): void {
    const lineId = (mask: number, d: number, margin: string) => `${mask}:${d}:${margin}`;
    const queue: string[] = [];
    // Every line of every table in the family, over the whole domain of its dimension.
    for (const mask of this.tables.keys()) {
      const t = this.tables.get(mask)!;
      for (const [key, n] of t.counts) if (n <= this.threshold) t.withheld.add(key);
      for (const d of this.dimsOf(mask)) {
        const lower = mask & ~(1 << d);
        // Lines are keyed by their margin: every cell of the table with d left out.
        for (const margin of this.keysOf(lower)) queue.push(lineId(mask, d, margin));
      }
    }
    const withhold = (mask: number, key: string) => {
      const t = this.tables.get(mask)!;
      if (t.withheld.has(key)) return;
      t.withheld.add(key);
      const values = this.valuesOf(mask, key);
      for (let d = 0; d < this.dimensions.length; d++) {
        if (mask & (1 << d)) {
          const lower = mask & ~(1 << d);
          queue.push(lineId(mask, d, this.keyOf(lower, values)));
        } else if (this.tables.has(mask | (1 << d))) queue.push(lineId(mask | (1 << d), d, key));
      }
    };
    while (queue.length > 0) {
      const id = queue.pop()!;
      const [maskText, dText] = id.split(':') as [string, string];
      const mask = Number(maskText);
      const d = Number(dText);
      const margin = id.slice(maskText.length + dText.length + 2);
      const lower = mask & ~(1 << d);
      const t = this.tables.get(mask)!;
      const marginCount = this.tables.get(lower)!.counts.get(margin) ?? 0;
      if (marginCount === 0) continue; // an empty line has nothing to protect
      const base = this.valuesOf(lower, margin);
      const cells = this.domains[d]!.map((v) => this.keyOf(mask, new Map(base).set(d, v)));
      const unpublished = cells.filter((c) => !this.published(mask, c));
      const hiddenSum = unpublished.reduce((s, c) => s + (t.counts.get(c) ?? 0), 0);
      const candidates = () =>
        cells
          .filter((c) => this.published(mask, c) && !this.revealed(mask, c))
          .sort((a, b) => t.counts.get(a)! - t.counts.get(b)! || a.localeCompare(b));
      if (!this.published(lower, margin)) {
        if (unpublished.length === 0) withhold(mask, candidates()[0] ?? cells[0]!);
      } else if (hiddenSum > 0 && (hiddenSum <= this.threshold || unpublished.length === 1)) {
        const next = candidates()[0];
        if (next !== undefined) withhold(mask, next);
        else withhold(lower, margin);
      }
    }
  }

  /** Every key of a table, over the product of its domains. */
  private keysOf(mask: number): string[] {
    let keys: string[][] = [[]];
    for (const d of this.dimsOf(mask)) keys = keys.flatMap((k) => this.domains[d]!.map((v) => [...k, v]));
    return keys.map((k) => k.join(SEP));
  }

  /** Whether a table over these dimensions is offered (small enough). */
  offers(dimensions: readonly string[]): boolean {
    const order = dimensions.map((name) => this.dimensions.indexOf(name));
    if (order.some((d) => d < 0) || new Set(order).size !== order.length) return false;
    return this.tables.has(order.reduce((m, d) => m | (1 << d), 0));
  }

  /** The suppressed cross-tabulation over some of the dimensions, in the order asked. */
  table(dimensions: readonly string[]): CountTable {
    if (!this.offers(dimensions)) throw new RangeError('not a table this cube offers');
    const order = dimensions.map((name) => this.dimensions.indexOf(name));
    const mask = order.reduce((m, d) => m | (1 << d), 0);
    const t = this.tables.get(mask)!;
    const cells = [...t.counts.keys()]
      .filter((key) => this.published(mask, key))
      .map((key) => {
        const values = this.valuesOf(mask, key);
        const keys = order.map((d) => values.get(d)!);
        return { keys, key: keys.join(' | '), count: t.counts.get(key)!, suppressed: false };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
    return {
      dimensions: [...dimensions],
      dimension: dimensions.join(' x '),
      cells,
      total: this.published(0, '')
        ? this.tables.get(0)!.counts.get('')!
        : (this.tables.get(0)!.counts.get('') ?? 0) === 0
          ? 0
          : null,
      suppressedCells: this.size(mask) - cells.length,
    };
  }
}

/** One dimension's counts, suppressed (the tables of a single dimension and its total). */
export function suppressSmallCells(dimension: string, counts: Map<string, number>): CountTable {
  return new SuppressedCube([{ name: dimension }], counts).table([dimension]);
}

/** The NUL-joined key of a full cross-tabulation cell (SuppressedCube's `counts`). */
export const cubeKey = (values: readonly string[]) => values.map((v) => v.replaceAll(SEP, '\uFFFD')).join(SEP);
