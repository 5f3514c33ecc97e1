import fc from 'fast-check';
import { anonymise, classKey, generalise, LATTICE, type QuasiRecord } from '@ehr/common';

const YEAR = 2026;

const recordsArb = fc
  .array(
    fc.record({
      birthYear: fc.option(fc.integer({ min: 1920, max: 2026 }), { freq: 20 }),
      gender: fc.constantFrom('female', 'male', 'other', 'unknown'),
      zip3: fc.constantFrom('021', '100', '606', '000', '945'),
      state: fc.constantFrom('MA', 'NY', 'IL', 'WY', 'CA'),
    }),
    { maxLength: 300 },
  )
  .map((rows) => rows.map((r, i): QuasiRecord => ({ id: `r${i}`, ...r })));

describe('k-anonymity by full-domain generalisation with suppression', () => {
  it('releases only classes of at least k, within the suppression limit unless nothing coarser exists', () => {
    fc.assert(
      fc.property(recordsArb, fc.integer({ min: 2, max: 15 }), (records, k) => {
        const release = anonymise(records, { k, maxSuppression: 0.05, year: YEAR });
        const sizes = new Map<string, number>();
        for (const q of release.released.values()) sizes.set(classKey(q), (sizes.get(classKey(q)) ?? 0) + 1);
        for (const n of sizes.values()) expect(n).toBeGreaterThanOrEqual(k);
        expect(release.released.size + release.suppressed).toBe(records.length);
        const top = release.generalisation === LATTICE[LATTICE.length - 1];
        if (!top) expect(release.suppressed).toBeLessThanOrEqual(0.05 * records.length);
        if (records.length >= k) expect(release.released.size).toBeGreaterThan(0);
        // The figures it reports are those of what it released.
        expect(release.classes).toBe(sizes.size);
        expect(release.smallestClass).toBe(sizes.size ? Math.min(...sizes.values()) : null);
        if (release.released.size > 0) expect(release.averageRisk).toBeCloseTo(sizes.size / release.released.size, 12);
        // Every released tuple is the record's own, generalised at the one level chosen.
        for (const r of records) {
          const q = release.released.get(r.id);
          if (q) expect(q).toEqual(generalise(r, release.generalisation, YEAR));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('generalises before it suppresses: a finer level is chosen only when it loses less', () => {
    // 40 records in two ZIP3s of one state, 20 each, born 1950-1954: five-year bands would split
    // each ZIP3 into classes of 12 and 8, so ten-year bands with ZIP3 lose less than five-year
    // bands with the state alone.
    const records: QuasiRecord[] = Array.from({ length: 40 }, (_, i) => ({
      id: `p${i}`,
      birthYear: 1950 + (i % 5),
      gender: 'female',
      zip3: i < 20 ? '021' : '024',
      state: 'MA',
    }));
    const release = anonymise(records, { k: 11, maxSuppression: 0, year: YEAR });
    expect(release.suppressed).toBe(0);
    expect(release.generalisation).toEqual({ birth: 'TEN_YEAR_AGE_BAND', geography: 'ZIP3', gender: 'KEPT' });
    expect(release.released.get('p0')).toEqual({
      birthYear: null,
      ageBand: '70-79',
      gender: 'female',
      zip3: '021',
      state: 'MA',
    });
  });

  it('never releases a year of birth for an age of 90 or more, at any level', () => {
    const old: QuasiRecord = { id: 'x', birthYear: YEAR - 90, gender: 'male', zip3: '100', state: 'NY' };
    for (const g of LATTICE) {
      const q = generalise(old, g, YEAR);
      expect(q.birthYear).toBeNull();
      expect([null, '90+']).toContain(q.ageBand);
    }
  });

  it('releases nothing when there are fewer than k records at all', () => {
    const records: QuasiRecord[] = [{ id: 'a', birthYear: 1980, gender: 'female', zip3: '021', state: 'MA' }];
    const release = anonymise(records, { k: 11, maxSuppression: 0.05, year: YEAR });
    expect(release.released.size).toBe(0);
    expect(release.suppressed).toBe(1);
    expect(release.smallestClass).toBeNull();
  });
});
