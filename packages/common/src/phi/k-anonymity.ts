/**
 * k-anonymity for the analyst's row-level view, by full-domain generalisation with suppression
 * (what ARX does by default): one generalisation level per quasi-identifier for the whole
 * release, the least lossy one whose classes smaller than k hold no more than the allowed share
 * of records; those records are left out. One level for everyone keeps the release consistent:
 * a value means the same thing on every row, and no row is finer than the classes around it.
 */

/** A patient's quasi-identifiers before generalisation (already Safe Harbor: a year, a ZIP3). */
export interface QuasiRecord {
  /** The record id: only the release's map key, never part of what is released. */
  id: string;
  birthYear: number | null;
  gender: string | null;
  zip3: string | null;
  state: string | null;
}

/** Birth, from the finest: the year; five-year age bands; ten-year age bands; withheld. */
export const BIRTH_LEVELS = ['YEAR', 'FIVE_YEAR_AGE_BAND', 'TEN_YEAR_AGE_BAND', 'WITHHELD'] as const;
/** Geography: ZIP3 and state; the state alone; withheld. */
export const GEOGRAPHY_LEVELS = ['ZIP3', 'STATE', 'WITHHELD'] as const;
export const GENDER_LEVELS = ['KEPT', 'WITHHELD'] as const;

export interface Generalisation {
  birth: (typeof BIRTH_LEVELS)[number];
  geography: (typeof GEOGRAPHY_LEVELS)[number];
  gender: (typeof GENDER_LEVELS)[number];
}

/** What the analyst sees of one patient's quasi-identifiers. */
export interface ReleasedQuasi {
  birthYear: number | null;
  ageBand: string | null;
  gender: string | null;
  zip3: string | null;
  state: string | null;
}

export interface Release {
  k: number;
  /** Records considered (every patient). */
  records: number;
  generalisation: Generalisation;
  /** Released records by record id; a record absent here is suppressed. */
  released: ReadonlyMap<string, ReleasedQuasi>;
  suppressed: number;
  /** Released records whose release is coarser than their finest Safe Harbor form. */
  generalised: number;
  classes: number;
  /** The smallest class released (the k achieved); null when nothing is released. */
  smallestClass: number | null;
  /** Prosecutor risk, 1 / class size: the highest over released records and their average. */
  highestRisk: number;
  averageRisk: number;
}

export interface ReleaseOptions {
  k: number;
  /** The largest share of records that may be suppressed (0..1). */
  maxSuppression: number;
  /** The calendar year ages are counted to (age reached this year: no birthday is involved). */
  year: number;
}

/** Ages from the year alone: a month or day of birth never decides a band (Safe Harbor). */
export const ageThisYear = (birthYear: number, year: number) => Math.max(0, year - birthYear);

/** Safe Harbor aggregates every age over 89 into one category; by year, so that no year of 90 leaks. */
export const isNinetyPlus = (birthYear: number, year: number) => ageThisYear(birthYear, year) >= 90;

function band(age: number, width: number): string {
  if (age >= 90) return '90+';
  const low = Math.floor(age / width) * width;
  return `${low}-${Math.min(low + width - 1, 89)}`;
}

/** One record's released quasi-identifiers at a generalisation. */
export function generalise(r: QuasiRecord, g: Generalisation, year: number): ReleasedQuasi {
  const age = r.birthYear === null ? null : ageThisYear(r.birthYear, year);
  const birthYear = g.birth === 'YEAR' && r.birthYear !== null && age! < 90 ? r.birthYear : null;
  const ageBand = age === null || g.birth === 'WITHHELD' ? null : band(age, g.birth === 'FIVE_YEAR_AGE_BAND' ? 5 : 10);
  return {
    birthYear,
    ageBand,
    gender: g.gender === 'KEPT' ? r.gender : null,
    zip3: g.geography === 'ZIP3' ? r.zip3 : null,
    state: g.geography === 'WITHHELD' ? null : r.state,
  };
}

/** The equivalence class a released tuple belongs to. */
export const classKey = (q: ReleasedQuasi) =>
  [q.birthYear ?? '', q.ageBand ?? '', q.gender ?? '', q.zip3 ?? '', q.state ?? ''].join('\u0000');

/** Every generalisation, finest first. */
export const LATTICE: readonly Generalisation[] = BIRTH_LEVELS.flatMap((birth) =>
  GEOGRAPHY_LEVELS.flatMap((geography) => GENDER_LEVELS.map((gender) => ({ birth, geography, gender }))),
);

/** Normalised loss of a generalisation: the mean of each quasi-identifier's level over its height. */
const lossOf = (g: Generalisation) =>
  (BIRTH_LEVELS.indexOf(g.birth) / (BIRTH_LEVELS.length - 1) +
    GEOGRAPHY_LEVELS.indexOf(g.geography) / (GEOGRAPHY_LEVELS.length - 1) +
    GENDER_LEVELS.indexOf(g.gender) / (GENDER_LEVELS.length - 1)) /
  3;

/**
 * Chooses the generalisation and releases at it. Every node of the lattice is tried (24 of
 * them, each one pass over the records); of those whose small classes hold at most
 * `maxSuppression` of the records, the least lossy (generalisation loss on released records,
 * full loss on suppressed ones) wins, ties to fewer suppressed, then to the finer birth level.
 * The top node puts everyone in one class, so a release of at least k records always exists.
 */
export function anonymise(records: readonly QuasiRecord[], opts: ReleaseOptions): Release {
  if (!Number.isInteger(opts.k) || opts.k < 2) throw new RangeError('k must be an integer of at least 2');
  let best: { g: Generalisation; suppressed: number; cost: number; keys: string[]; sizes: Map<string, number> } | null =
    null;
  for (const g of LATTICE) {
    const keys = records.map((r) => classKey(generalise(r, g, opts.year)));
    const sizes = new Map<string, number>();
    for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    let suppressed = 0;
    for (const n of sizes.values()) if (n < opts.k) suppressed += n;
    const n = records.length;
    const share = n === 0 ? 0 : suppressed / n;
    // Over the limit, a node is still kept when it is the top (nothing coarser exists).
    const top = g === LATTICE[LATTICE.length - 1];
    if (share > opts.maxSuppression && !top) continue;
    const cost = (1 - share) * lossOf(g) + share;
    if (!best || cost < best.cost - 1e-12 || (Math.abs(cost - best.cost) <= 1e-12 && suppressed < best.suppressed))
      best = { g, suppressed, cost, keys, sizes };
  }
  const { g, suppressed, keys, sizes } = best!;
  const released = new Map<string, ReleasedQuasi>();
  let generalised = 0;
  const finest = LATTICE[0]!;
  records.forEach((r, i) => {
    if (sizes.get(keys[i]!)! < opts.k) return;
    const q = generalise(r, g, opts.year);
    released.set(r.id, q);
    if (classKey(q) !== classKey(generalise(r, finest, opts.year))) generalised++;
  });
  const kept = [...sizes.values()].filter((n) => n >= opts.k);
  const smallest = kept.length > 0 ? Math.min(...kept) : null;
  return {
    k: opts.k,
    records: records.length,
    generalisation: g,
    released,
    suppressed,
    generalised,
    classes: kept.length,
    smallestClass: smallest,
    highestRisk: smallest === null ? 0 : 1 / smallest,
    // Each class of size s contributes s records of risk 1/s: the average is classes / records.
    averageRisk: released.size === 0 ? 0 : kept.length / released.size,
  };
}
