import { randomBytes, randomUUID } from 'node:crypto';
import { ageBand, maskValue, Pseudonymizer, suppressSmallCells, zip3 } from '@ehr/common';

describe('masking styles', () => {
  it.each([
    ['SSN', '900-12-6789', '***-**-6789'],
    ['PHONE', '555-201-4321', '***-***-4321'],
    ['EMAIL', 'jane.doe@example.org', 'j***@example.org'],
    ['YEAR', '1980-04-17', '1980'],
    ['LAST4', 'ABC123456789', '********6789'],
    ['WITHHOLD', 'Patient reports low mood.', '[withheld]'],
  ] as const)('%s: %s -> %s', (style, input, output) => {
    expect(maskValue(style, input)).toBe(output);
  });

  it('reduces names to initials and addresses to city and state', () => {
    expect(maskValue('INITIALS', { given: ['Jane', 'Q'], family: 'Doe' })).toEqual({
      given: ['J.', 'Q.'],
      family: 'D.',
    });
    expect(
      maskValue('CITY_STATE', { line: ['1 Main St'], city: 'Springfield', state: 'IL', postalCode: '62701' }),
    ).toEqual({
      line: [],
      city: 'Springfield',
      state: 'IL',
      postalCode: null,
    });
  });

  it('keeps null as null', () => {
    expect(maskValue('SSN', null)).toBeNull();
  });
});

describe('generalisation', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  it('bands ages by ten years and every age over 89 as 90+', () => {
    expect(ageBand('2020-01-01', now)).toBe('0-9');
    expect(ageBand('1990-12-01', now)).toBe('30-39');
    expect(ageBand('1936-11-25', now)).toBe('80-89'); // 89, birthday tomorrow
    expect(ageBand('1936-11-24', now)).toBe('90+');
    expect(ageBand('1901-01-01', now)).toBe('90+');
    expect(ageBand('not a date', now)).toBeNull();
  });

  it('keeps the first three ZIP digits, and 000 for sparsely populated areas', () => {
    expect(zip3('62701')).toBe('627');
    expect(zip3('03601')).toBe('000');
    expect(zip3('89301-1234')).toBe('000');
    expect(zip3('12345', ['123'])).toBe('000');
    expect(zip3('x')).toBeNull();
  });
});

describe('pseudonyms', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  it('are stable for a key, differ between keys, and map back only with the key', () => {
    const key = randomBytes(32);
    const a = new Pseudonymizer(key);
    expect(a.pseudonym(id)).toBe(new Pseudonymizer(Buffer.from(key)).pseudonym(id));
    expect(a.pseudonym(id)).not.toBe(id);
    expect(new Pseudonymizer(randomBytes(32)).pseudonym(id)).not.toBe(a.pseudonym(id));
    expect(a.reveal(a.pseudonym(id))).toBe(id);
    expect(new Pseudonymizer(randomBytes(32)).reveal(a.pseudonym(id))).not.toBe(id);
  });

  it('refuses input that is not a pseudonym', () => {
    expect(() => new Pseudonymizer(randomBytes(32)).reveal("1' OR 1=1")).toThrow(/pseudonym/);
    expect(() => new Pseudonymizer(randomBytes(16))).toThrow(RangeError);
  });
});

describe('small-cell suppression', () => {
  const table = (entries: [string, number][]) => suppressSmallCells('X', new Map(entries));
  const listed = (t: ReturnType<typeof table>) => t.cells.map((c) => c.key).sort();

  it('lists only published cells: every count from 1 to 10 is left out', () => {
    const t = table([
      ['a', 50],
      ['b', 7],
      ['c', 38],
      ['d', 5],
    ]);
    expect(listed(t)).toEqual(['a', 'c']);
    expect(t.cells.every((c) => c.count > 10 && !c.suppressed)).toBe(true);
    expect(t.total).toBe(100);
    expect(t.suppressedCells).toBe(2);
  });

  it('withholds a second cell when one alone could be recovered from the total', () => {
    const t = table([
      ['a', 50],
      ['b', 7],
      ['c', 40],
    ]);
    expect(listed(t)).toEqual(['a']);
    // total minus the listed cells is the sum of two unlisted cells, never one of them
    expect(t.total! - t.cells.reduce((s, c) => s + c.count, 0)).toBe(47);
  });

  it('keeps withholding while the withheld cells together hold 10 or fewer', () => {
    const t = table([
      ['a', 3],
      ['b', 2],
      ['c', 30],
      ['d', 60],
    ]);
    expect(listed(t)).toEqual(['d']);
  });

  it('withholds the total when no cell is left to protect a small one, and small totals', () => {
    expect(table([['a', 4]]).total).toBeNull();
    expect(
      table([
        ['a', 4],
        ['b', 5],
      ]).total,
    ).toBeNull();
    expect(
      table([
        ['a', 40],
        ['b', 50],
      ]).total,
    ).toBe(90);
  });

  it('never shows a count from 1 to 10 in any table', () => {
    for (let seed = 0; seed < 200; seed++) {
      const entries: [string, number][] = Array.from({ length: 1 + (seed % 7) }, (_, i) => [
        `k${i}`,
        ((seed * 7 + i * 13) % 40) + 1,
      ]);
      const t = table(entries);
      for (const c of t.cells) expect(c.count).toBeGreaterThan(10);
      if (t.total !== null && t.total > 0) expect(t.total).toBeGreaterThan(10);
    }
  });
});

describe('pseudonyms in bulk', () => {
  it('gives each id the pseudonym it gets alone', () => {
    const p = new Pseudonymizer(randomBytes(32));
    const ids = Array.from({ length: 50 }, () => randomUUID());
    expect(p.pseudonyms(ids)).toEqual(ids.map((id) => p.pseudonym(id)));
    expect(p.pseudonyms([])).toEqual([]);
    expect(() => p.pseudonyms([ids[0]!, 'not-an-id'])).toThrow('not a record id');
  });
});
