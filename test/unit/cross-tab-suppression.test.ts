import fc from 'fast-check';
import { cubeKey, SuppressedCube, SMALL_CELL_MAX } from '@ehr/common';

const DIMS = ['A', 'B', 'C'] as const;
const SEP = '\u0000';

/** Every table of the family, as an outsider sees it: published counts, withheld cells as null. */
function publish(cube: SuppressedCube) {
  const subsets: string[][] = [[]];
  for (const d of cube.dimensions) for (const s of [...subsets]) subsets.push([...s, d]);
  return subsets.map((dims) => ({ dims, table: cube.table(dims) }));
}

/** True counts of every table of the family, from the rows. */
function truth(rows: string[][], dims: string[]) {
  const idx = dims.map((d) => DIMS.indexOf(d as (typeof DIMS)[number]));
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = idx.map((i) => r[i]).join(' | ');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

const rowsArb = fc.array(
  fc.tuple(fc.constantFrom('a1', 'a2', 'a3'), fc.constantFrom('b1', 'b2', 'b3', 'b4'), fc.constantFrom('c1', 'c2')),
  { maxLength: 400 },
);

function cubeOf(rows: string[][]) {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(cubeKey(r), (counts.get(cubeKey(r)) ?? 0) + 1);
  return new SuppressedCube([...DIMS], counts);
}

describe('cross-tabulations with small-cell and complementary suppression', () => {
  it('publishes only true counts, and no count from 1 to 10, in any table of the family', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const cube = cubeOf(rows);
        for (const { dims, table } of publish(cube)) {
          const real = truth(rows, dims);
          for (const c of table.cells) {
            expect(c.count === null || c.count > SMALL_CELL_MAX).toBe(true);
            if (c.count !== null) expect(c.count).toBe(real.get(c.key));
          }
          expect(table.total === null || table.total === rows.length).toBe(true);
          expect(table.total === null || table.total === 0 || table.total > SMALL_CELL_MAX).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('lets no withheld cell be worked out by subtraction along any line, across every table it publishes', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const cube = cubeOf(rows);
        // The attacker's knowledge: every published count of every table (queried separately),
        // keyed by the dimension subset and the values. Cells absent from a table are zero.
        const known = new Map<string, number>();
        const cells = new Map<string, string[]>(); // table id -> its cell keys (including withheld)
        const id = (dims: string[], values: string[]) => `${dims.join(',')}=${values.join(SEP)}`;
        for (const { dims, table } of publish(cube)) {
          cells.set(
            dims.join(','),
            table.cells.map((c) => c.keys.join(SEP)),
          );
          for (const c of table.cells) if (c.count !== null) known.set(id(dims, c.keys), c.count);
          if (dims.length === 0 && table.total !== null) known.set(id([], []), table.total);
        }
        // Deduce to a fixpoint: a line whose margin is known and all but one cell known gives
        // that cell; a line whose cells are all known gives its margin.
        for (let changed = true; changed;) {
          changed = false;
          for (const [tableDims, keys] of cells) {
            const dims = tableDims === '' ? [] : tableDims.split(',');
            for (let d = 0; d < dims.length; d++) {
              const lowerDims = dims.filter((_, i) => i !== d);
              const byMargin = new Map<string, string[][]>();
              for (const k of keys) {
                const values = k.split(SEP);
                const margin = values.filter((_, i) => i !== d).join(SEP);
                byMargin.set(margin, [...(byMargin.get(margin) ?? []), values]);
              }
              for (const [margin, line] of byMargin) {
                const marginId = id(lowerDims, margin === '' && lowerDims.length === 0 ? [] : margin.split(SEP));
                const unknown = line.filter((v) => !known.has(id(dims, v)));
                const sum = line.filter((v) => known.has(id(dims, v))).reduce((s, v) => s + known.get(id(dims, v))!, 0);
                if (known.has(marginId) && unknown.length === 1) {
                  known.set(id(dims, unknown[0]!), known.get(marginId)! - sum);
                  changed = true;
                } else if (!known.has(marginId) && unknown.length === 0) {
                  known.set(marginId, sum);
                  changed = true;
                }
              }
            }
          }
        }
        for (const { dims, table } of publish(cube)) {
          for (const c of table.cells) if (c.suppressed) expect(known.has(id(dims, c.keys))).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same one-dimension table whichever way it is asked, so no two answers disagree', () => {
    const rows = Array.from({ length: 120 }, (_, i) => [`a${i % 3}`, `b${(i * 7) % 11}`, `c${i % 2}`]);
    const cube = cubeOf(rows);
    expect(cube.table(['B', 'A']).cells.find((c) => c.keys[0] === 'b1' && c.keys[1] === 'a0')).toBeDefined();
    expect(cube.table(['A', 'B']).suppressedCells).toBe(cube.table(['B', 'A']).suppressedCells);
  });

  it('refuses a dimension it does not have', () => {
    expect(() => cubeOf([]).table(['Z'])).toThrow(RangeError);
  });
});
