/** Counts from 1 to this are withheld (the CMS cell-size suppression policy). */
export const SMALL_CELL_MAX = 10;

export interface CountCell {
  key: string;
  count: number | null;
  suppressed: boolean;
}

export interface CountTable {
  dimension: string;
  cells: CountCell[];
  /** null when it would let a withheld cell be recovered. */
  total: number | null;
  suppressedCells: number;
}

/**
 * Small-cell suppression with complementary suppression. Primary: every count from 1 to 10 is
 * withheld. Complementary: while the withheld cells could be recovered from the total (a single
 * withheld cell, or withheld cells that together hold 10 or fewer), the next smallest cell is
 * withheld too; if no cell is left to withhold, the total is withheld instead.
 */
export function suppressSmallCells(dimension: string, counts: Map<string, number>): CountTable {
  const cells = [...counts.entries()]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
    .map(([key, count]) => ({ key, count, suppressed: count <= SMALL_CELL_MAX }));
  const total = cells.reduce((s, c) => s + c.count, 0);
  const withheld = () => cells.filter((c) => c.suppressed);
  const recoverable = () => {
    const w = withheld();
    return w.length === 1 || (w.length > 1 && w.reduce((s, c) => s + c.count, 0) <= SMALL_CELL_MAX);
  };
  while (withheld().length > 0 && recoverable()) {
    const next = cells.find((c) => !c.suppressed);
    if (!next) break;
    next.suppressed = true;
  }
  const hideTotal = (withheld().length > 0 && recoverable()) || (total > 0 && total <= SMALL_CELL_MAX);
  return {
    dimension,
    cells: cells
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((c) => ({ key: c.key, count: c.suppressed ? null : c.count, suppressed: c.suppressed })),
    total: hideTotal ? null : total,
    suppressedCells: withheld().length,
  };
}
