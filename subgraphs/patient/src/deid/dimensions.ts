import { ageThisYear, type CubeDimension, type Generalisation } from '@ehr/common';

/** What cohortCounts cross-tabulates (every one itself de-identified: age bands with 90+, ZIP3 with 000). */
export const COHORT_DIMENSIONS = ['GENDER', 'AGE_BAND', 'ZIP3', 'STATE'] as const;
export type CohortDimension = (typeof COHORT_DIMENSIONS)[number];

/** A value that did not open (damaged, moved): a cell of its own in every dimension, never a row. */
export const UNREADABLE = 'unreadable';

const GENDERS = ['female', 'male', 'other', 'unknown'];
const AGE_BANDS = [...Array.from({ length: 9 }, (_, i) => `${i * 10}-${i * 10 + 9}`), '90+', 'unknown'];
/** USPS codes of the states, DC, the territories and the armed forces; anything else is "other". */
const STATES = (
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY ' +
  'NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM AA AE AP'
).split(' ');
const ZIP3S = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Every dimension over a fixed domain, whatever the data: which cells exist then says nothing
 * about who is there (a table lists its published cells only).
 */
export const DIMENSION_DOMAINS: readonly CubeDimension[] = [
  { name: 'GENDER', domain: [...GENDERS, UNREADABLE] },
  { name: 'AGE_BAND', domain: [...AGE_BANDS, UNREADABLE] },
  { name: 'ZIP3', domain: [...ZIP3S, 'unknown', UNREADABLE] },
  { name: 'STATE', domain: [...STATES, 'other', 'unknown', UNREADABLE] },
];

/** Tables with more possible cells are not offered: ZIP3 crosses with one small dimension at most. */
export const MAX_CELLS = 20_000;

/** A record's cube values, each in its domain. */
export function cohortValues(
  r: { birthYear: number | null; gender: string | null; zip3: string | null; state: string | null },
  year: number,
): string[] {
  const age = r.birthYear === null ? null : ageThisYear(r.birthYear, year);
  // Ages from the year alone, as in the rows: a band that moved on a birthday would date it.
  const band =
    age === null ? 'unknown' : age >= 90 ? '90+' : `${Math.floor(age / 10) * 10}-${Math.floor(age / 10) * 10 + 9}`;
  const gender = r.gender === null ? 'unknown' : GENDERS.includes(r.gender) ? r.gender : 'other';
  const zip = r.zip3 ?? 'unknown';
  const state = r.state === null ? 'unknown' : STATES.includes(r.state) ? r.state : 'other';
  return [gender, band, zip, state];
}

/** Whether the rows show a dimension at the release's generalisation (so they count its cells). */
export function visibleInRows(dimension: string, g: Generalisation): boolean {
  switch (dimension) {
    case 'GENDER':
      return g.gender === 'KEPT';
    case 'AGE_BAND':
      // Year-based ten-year bands follow from a year and from five- or ten-year bands alike.
      return g.birth !== 'WITHHELD';
    case 'ZIP3':
      return g.geography === 'ZIP3';
    default:
      return g.geography !== 'WITHHELD';
  }
}
