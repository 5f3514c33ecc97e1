import fc from 'fast-check';
import { cubeKey, SuppressedCube, SMALL_CELL_MAX } from '@ehr/common';
import { attack } from '../helpers/suppression-attacker';

const DIMS = ['A', 'B', 'C'] as const;
const DOMAINS: Record<string, string[]> = { A: ['a1', 'a2', 'a3'], B: ['b1', 'b2', 'b3', 'b4'], C: ['c1', 'c2'] };

/** Every subset of the dimensions, in cube order. */
const SUBSETS: string[][] = [[]];
for (const d of DIMS) for (const s of [...SUBSETS]) SUBSETS.push([...s, d]);

/** True counts of one table of the family, from the rows. */
function truth(rows: string[][], dims: readonly string[]) {
  const idx = dims.map((d) => DIMS.indexOf(d as (typeof DIMS)[number]));
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = idx.map((i) => r[i]).join(' | ');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

const rowsArb = fc.array(
  fc.tuple(fc.constantFrom(...DOMAINS.A!), fc.constantFrom(...DOMAINS.B!), fc.constantFrom(...DOMAINS.C!)),
  { maxLength: 400 },
);

function cubeOf(rows: string[][], revealed?: (dims: readonly string[], values: readonly string[]) => boolean) {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(cubeKey(r), (counts.get(cubeKey(r)) ?? 0) + 1);
  return new SuppressedCube(
    DIMS.map((name) => ({ name, domain: DOMAINS[name]! })),
    counts,
    revealed ? { revealed } : {},
  );
}

describe('cross-tabulations with small-cell and complementary suppression', () => {
  it('publishes only true counts over 10, in any table of the family', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const cube = cubeOf(rows);
        for (const dims of SUBSETS) {
          const table = cube.table(dims);
          const real = truth(rows, dims);
          for (const c of table.cells) {
            expect(c.count).toBeGreaterThan(SMALL_CELL_MAX);
            expect(c.count).toBe(real.get(c.key));
          }
          expect(table.total === null || table.total === rows.length).toBe(true);
          expect(table.total === null || table.total === 0 || table.total > SMALL_CELL_MAX).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('lets no withheld cell be pinned down by bounds along the lines of every table it publishes', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const cube = cubeOf(rows);
        const published = SUBSETS.map((dims) => cube.table(dims));
        const result = attack(DIMS, DOMAINS, published);
        for (const dims of SUBSETS.filter((d) => d.length > 0)) {
          const listed = new Set(cube.table(dims).cells.map((c) => c.key));
          for (const [key, n] of truth(rows, dims)) {
            if (listed.has(key)) continue;
            const [lo, hi] = result.bounds(dims, key.split(' | '));
            // A withheld cell is never worked out exactly, nor bounded into the small range.
            expect([dims.join(','), key, lo === hi]).toEqual([dims.join(','), key, false]);
            expect(lo <= n && n <= hi).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('says nothing of which withheld cells hold anyone: a listing is the same with a small cell empty', () => {
    // 40 in a1/b1/c1, 3 in a2/b2/c2: withheld. Without those 3, the tables list the same cells
    // (only the totals they publish change), so the listing does not reveal that the cell exists.
    const base = Array.from({ length: 40 }, () => ['a1', 'b1', 'c1']);
    const with3 = [...base, ['a2', 'b2', 'c2'], ['a2', 'b2', 'c2'], ['a2', 'b2', 'c2']];
    for (const dims of SUBSETS.filter((d) => d.length > 0)) {
      const keys = (rows: string[][]) =>
        cubeOf(rows)
          .table(dims)
          .cells.map((c) => c.key);
      expect(keys(with3)).toEqual(keys(base).filter((k) => keys(with3).includes(k)));
      expect(
        cubeOf(with3)
          .table(dims)
          .cells.some((c) => c.key.includes('a2')),
      ).toBe(false);
    }
  });

  it('protects withheld cells from an attacker who also knows the cells released rows reveal', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: 255 }), (rows, bits) => {
        // As released rows would: some full-table cells over 10 known exactly (no record of theirs suppressed).
        const full = truth(rows, DIMS);
        const isRevealed = (key: string) => {
          const n = full.get(key) ?? 0;
          const h = key.split('').reduce((x, c) => (x * 31 + c.charCodeAt(0)) % 8, 3);
          return n > SMALL_CELL_MAX && ((bits >> h) & 1) === 1;
        };
        const revealed = (dims: readonly string[], values: readonly string[]) =>
          dims.length === DIMS.length && isRevealed(values.join(' | '));
        const cube = cubeOf(rows, revealed);
        const published = SUBSETS.map((dims) => cube.table(dims));
        const result = attack(
          DIMS,
          DOMAINS,
          published,
          () => 0,
          (dims, values) => (revealed(dims, values) ? full.get(values.join(' | '))! : undefined),
        );
        for (const dims of SUBSETS.filter((d) => d.length > 0)) {
          const listed = new Set(cube.table(dims).cells.map((c) => c.key));
          for (const [key] of truth(rows, dims)) {
            if (listed.has(key) || revealed(dims, key.split(' | '))) continue;
            const [lo, hi] = result.bounds(dims, key.split(' | '));
            expect([dims.join(','), key, lo === hi]).toEqual([dims.join(','), key, false]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('does not protect a small cell with one the rows already reveal: it withholds the margin instead', () => {
    // Line a1: b1 30 and b3 40 are known exactly from released rows; b2 holds 5. Withholding b1
    // as the complementary cell would protect nothing: 75 - 30 - 40 = 5.
    const rows = [
      ...Array.from({ length: 30 }, () => ['a1', 'b1', 'c1']),
      ...Array.from({ length: 5 }, () => ['a1', 'b2', 'c1']),
      ...Array.from({ length: 40 }, () => ['a1', 'b3', 'c1']),
      ...Array.from({ length: 25 }, () => ['a2', 'b1', 'c1']),
      ...Array.from({ length: 22 }, () => ['a3', 'b4', 'c2']),
    ];
    const known = new Map([
      ['a1 | b1 | c1', 30],
      ['a1 | b3 | c1', 40],
    ]);
    const revealed = (dims: readonly string[], values: readonly string[]) =>
      dims.length === 3 && known.has(values.join(' | '));
    const cube = cubeOf(rows, revealed);
    const result = attack(
      DIMS,
      DOMAINS,
      SUBSETS.map((dims) => cube.table(dims)),
      () => 0,
      (dims, values) => (revealed(dims, values) ? known.get(values.join(' | ')) : undefined),
    );
    const [lo, hi] = result.bounds(['A', 'B', 'C'], ['a1', 'b2', 'c1']);
    expect(lo).not.toBe(hi);
    expect(cube.table(['A', 'B', 'C']).cells.map((c) => c.key)).toEqual(
      expect.arrayContaining(['a1 | b1 | c1', 'a1 | b3 | c1']),
    );
  });

  it('has an attacker that finds what primary suppression alone leaks (so the checks above can fail)', () => {
    // a1: b1 30, b2 5 (withheld), b3 40; the margin a1 = 75 is published: 75 - 30 - 40 = 5.
    const tables = [
      {
        dimensions: ['A', 'B'],
        cells: [
          { keys: ['a1', 'b1'], count: 30 },
          { keys: ['a1', 'b3'], count: 40 },
        ],
        total: 75,
      },
      { dimensions: ['A'], cells: [{ keys: ['a1'], count: 75 }], total: 75 },
    ];
    expect(attack(['A', 'B'], { A: ['a1'], B: ['b1', 'b2', 'b3'] }, tables).bounds(['B', 'A'], ['b2', 'a1'])).toEqual([
      5, 5,
    ]);
  });

  it('refuses a dimension it does not have, or a value outside a domain', () => {
    expect(() => cubeOf([]).table(['Z'])).toThrow(RangeError);
    expect(() => cubeOf([['a9', 'b1', 'c1']])).toThrow(/outside its domain/);
  });
});
