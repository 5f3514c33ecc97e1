/** Counts from 1 to this are withheld (the CMS cell-size suppression policy). */
export const SMALL_CELL_MAX = 10;

export interface CountCell {
  /** The cell's value on each dimension, in the table's order. */
  keys: string[];
  /** The keys joined by " | " (a one-dimension table's only key). */
  key: string;
  count: number | null;
  suppressed: boolean;
}

export interface CountTable {
  dimensions: string[];
  /** The dimensions joined by " x ". */
  dimension: string;
  cells: CountCell[];
  /** null when it would let a withheld cell be recovered. */
  total: number | null;
  suppressedCells: number;
}

const SEP = '\u0000';

interface Table {
  counts: Map<string, number>;
  withheld: Set<string>;
}

/**
 * Small-cell suppression with complementary suppression over a whole family of tables at once:
 * every cross-tabulation of any subset of the dimensions (the one-dimension tables and the
 * total included) is suppressed together, so that what one query publishes never undoes what
 * another withholds. A cell is withheld when it counts 1 to 10 (primary). Then, over every
 * line (the cells of a table that differ in one dimension only, whose sum is a cell of the
 * table with that dimension left out, its margin), until nothing changes:
 * - a published margin may not let a withheld cell of its line be recovered: the line's withheld
 *   cells must be none, or at least two holding more than 10 together; otherwise the smallest
 *   published cell of the line is withheld too, or the margin itself when none is left;
 * - a withheld margin may not be recovered from its line: at least one cell of it is withheld.
 * This is the line-by-line protection of the hypercube method (tau-ARGUS); it does not solve
 * the linear program over all lines at once, so interval bounds on a withheld cell can remain.
 */
export class SuppressedCube {
  private readonly tables = new Map<number, Table>();

  /** `counts`: the full cross-tabulation, keys joined by NUL in `dimensions` order. */
  constructor(
    readonly dimensions: readonly string[],
    counts: ReadonlyMap<string, number>,
    private readonly threshold = SMALL_CELL_MAX,
  ) {
    if (dimensions.length > 8) throw new RangeError('at most 8 dimensions');
    const full = (1 << dimensions.length) - 1;
    for (let mask = 0; mask <= full; mask++) this.tables.set(mask, { counts: new Map(), withheld: new Set() });
    for (const [key, n] of counts) {
      if (n <= 0) continue;
      const values = key.split(SEP);
      for (let mask = 0; mask <= full; mask++) {
        const t = this.tables.get(mask)!.counts;
        const k = this.project(values, mask);
        t.set(k, (t.get(k) ?? 0) + n);
      }
    }
    this.suppress();
  }

  private project(values: readonly string[], mask: number): string {
    const out: string[] = [];
    for (let d = 0; d < this.dimensions.length; d++) if (mask & (1 << d)) out.push(values[d]!);
    return out.join(SEP);
  }

  /** The position of dimension d among the dimensions of `mask`. */
  private slot(mask: number, d: number): number {
    let i = 0;
    for (let e = 0; e < d; e++) if (mask & (1 << e)) i++;
    return i;
  }

  private suppress(): void {
    // Lines: for table `mask` and a dimension d in it, the cells grouped by their key without d.
    const lines = new Map<string, string[]>();
    const lineId = (mask: number, d: number, margin: string) => `${mask}:${d}:${margin}`;
    const marginOf = (mask: number, d: number, key: string) => {
      const values = mask === 0 ? [] : key.split(SEP);
      values.splice(this.slot(mask, d), 1);
      return values.join(SEP);
    };
    const queue: string[] = [];
    for (const [mask, t] of this.tables) {
      for (const [key, n] of t.counts) if (n <= this.threshold) t.withheld.add(key);
      for (let d = 0; d < this.dimensions.length; d++) {
        if (!(mask & (1 << d))) continue;
        for (const key of t.counts.keys()) {
          const id = lineId(mask, d, marginOf(mask, d, key));
          const line = lines.get(id);
          if (line) line.push(key);
          else {
            lines.set(id, [key]);
            queue.push(id);
          }
        }
      }
    }
    const withhold = (mask: number, key: string) => {
      const t = this.tables.get(mask)!;
      if (t.withheld.has(key)) return;
      t.withheld.add(key);
      // Recheck every line the cell is in, and every line it is the margin of.
      for (let d = 0; d < this.dimensions.length; d++) {
        if (mask & (1 << d)) queue.push(lineId(mask, d, marginOf(mask, d, key)));
        else queue.push(lineId(mask | (1 << d), d, key));
      }
    };
    while (queue.length > 0) {
      const id = queue.pop()!;
      const cells = lines.get(id);
      if (!cells) continue;
      const [maskText, dText] = id.split(':') as [string, string];
      const mask = Number(maskText);
      const d = Number(dText);
      const margin = id.slice(maskText.length + dText.length + 2);
      const t = this.tables.get(mask)!;
      const lower = this.tables.get(mask & ~(1 << d))!;
      const held = cells.filter((c) => t.withheld.has(c));
      const open = cells
        .filter((c) => !t.withheld.has(c))
        .sort((a, b) => t.counts.get(a)! - t.counts.get(b)! || a.localeCompare(b));
      const heldSum = held.reduce((s, c) => s + t.counts.get(c)!, 0);
      if (lower.withheld.has(margin)) {
        if (held.length === 0) withhold(mask, open[0]!);
      } else if (held.length === 1 || (held.length > 1 && heldSum <= this.threshold)) {
        if (open.length > 0) withhold(mask, open[0]!);
        else withhold(mask & ~(1 << d), margin);
      }
    }
  }

  /** The suppressed cross-tabulation over some of the dimensions, in the order asked. */
  table(dimensions: readonly string[]): CountTable {
    const order = dimensions.map((name) => this.dimensions.indexOf(name));
    if (order.some((d) => d < 0) || new Set(order).size !== order.length) throw new RangeError('unknown dimension');
    const mask = order.reduce((m, d) => m | (1 << d), 0);
    const t = this.tables.get(mask)!;
    const canonical = [...order].sort((a, b) => a - b);
    const cells = [...t.counts.entries()].map(([key, n]) => {
      const values = mask === 0 ? [] : key.split(SEP);
      const keys = order.map((d) => values[canonical.indexOf(d)]!);
      const suppressed = t.withheld.has(key);
      return { keys, key: keys.join(' | '), count: suppressed ? null : n, suppressed };
    });
    cells.sort((a, b) => a.key.localeCompare(b.key));
    const all = this.tables.get(0)!;
    return {
      dimensions: [...dimensions],
      dimension: dimensions.join(' x '),
      cells,
      total: all.withheld.has('') ? null : (all.counts.get('') ?? 0),
      suppressedCells: cells.filter((c) => c.suppressed).length,
    };
  }
}

/** One dimension's counts, suppressed (the tables of a single dimension and its total). */
export function suppressSmallCells(dimension: string, counts: Map<string, number>): CountTable {
  return new SuppressedCube([dimension], counts).table([dimension]);
}

/** The NUL-joined key of a full cross-tabulation cell (SuppressedCube's `counts`). */
export const cubeKey = (values: readonly string[]) => values.map((v) => v.replaceAll(SEP, '\uFFFD')).join(SEP);
