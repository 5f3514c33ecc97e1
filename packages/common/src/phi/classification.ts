import { isObjectType, type GraphQLSchema, type StringValueNode } from 'graphql';

/** How a field relates to PHI (the @phi directive's `category`). */
export const PHI_CATEGORIES = [
  'DIRECT_IDENTIFIER',
  'QUASI_IDENTIFIER',
  'CLINICAL',
  'SENSITIVE_CLINICAL',
  'NOT_PHI',
] as const;
export type PhiCategory = (typeof PHI_CATEGORIES)[number];

/** How a masked read shows a field (`mask`). INHERIT: the value comes from an already masked parent. */
export const MASK_STYLES = [
  'SSN',
  'PHONE',
  'EMAIL',
  'YEAR',
  'INITIALS',
  'CITY_STATE',
  'LAST4',
  'WITHHOLD',
  'INHERIT',
] as const;
export type MaskStyle = (typeof MASK_STYLES)[number];

/**
 * What the analyst schema does with a field (`deid`). PSEUDONYM: a record id under a keyed
 * pseudonym; CURSOR: a paging cursor over record ids, pseudonymised the same way; YEAR: a date's
 * year; BIRTH_YEAR: a birth date's year, none for ages over 89 (Safe Harbor); ZIP3: the 3-digit
 * ZIP prefix, sparse areas as 000.
 */
export const DEID_TRANSFORMS = ['REMOVE', 'KEEP', 'PSEUDONYM', 'CURSOR', 'YEAR', 'BIRTH_YEAR', 'ZIP3'] as const;
/** The transforms that keep a field in the analyst schema (changed or not). */
export const DEID_KEPT: readonly DeidTransform[] = ['KEEP', 'PSEUDONYM', 'CURSOR', 'YEAR', 'BIRTH_YEAR', 'ZIP3'];
export type DeidTransform = (typeof DEID_TRANSFORMS)[number];

export interface PhiClass {
  category: PhiCategory;
  mask?: MaskStyle;
  deid: DeidTransform;
  /** The analyst schema shows this field under another name (analyst-fields.ts), not as itself. */
  as?: string;
  /** An analyst field derived from this source field of the same type. */
  from?: string;
}

/**
 * Reads every field's @phi classification from a subgraph (or supergraph) schema. Unknown words
 * are errors: a typo in a classification must not silently mean "not PHI".
 */
export function readPhiClasses(schema: GraphQLSchema): { classes: Map<string, PhiClass>; problems: string[] } {
  const classes = new Map<string, PhiClass>();
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'phi');
      if (!directive) continue;
      const arg = (name: string) =>
        (directive.arguments?.find((a) => a.name.value === name)?.value as StringValueNode | undefined)?.value;
      const key = `${type.name}.${field.name}`;
      const category = arg('category');
      const mask = arg('mask');
      const deid = arg('deid') ?? (category === 'DIRECT_IDENTIFIER' ? 'REMOVE' : 'KEEP');
      if (!(PHI_CATEGORIES as readonly string[]).includes(category ?? ''))
        problems.push(`${key}: unknown category ${category}`);
      if (mask !== undefined && !(MASK_STYLES as readonly string[]).includes(mask))
        problems.push(`${key}: unknown mask ${mask}`);
      if (!(DEID_TRANSFORMS as readonly string[]).includes(deid)) problems.push(`${key}: unknown deid ${deid}`);
      classes.set(key, {
        category: category as PhiCategory,
        mask: mask as MaskStyle | undefined,
        deid: deid as DeidTransform,
        ...(arg('as') !== undefined ? { as: arg('as') } : {}),
        ...(arg('from') !== undefined ? { from: arg('from') } : {}),
      });
    }
  }
  return { classes, problems };
}

/**
 * Fields with no @phi classification, federation's own (`_entities`, `_service`, `_Service`)
 * aside: a field nobody classified would be served to every role as if it held no PHI, so a
 * subgraph refuses to start with one (naming it) instead of skipping it at run time.
 */
export function unclassifiedFields(schema: GraphQLSchema, classes: ReadonlyMap<string, PhiClass>): string[] {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!classes.has(`${type.name}.${field.name}`)) out.push(`${type.name}.${field.name}`);
    }
  }
  return out;
}

const lastDigits = (v: string, n: number) => v.replace(/\D/g, '').slice(-n);

/**
 * The masked form of a value. Masking keeps what a clinician needs to recognise a record
 * (last digits, initials, the year, the city) and never more.
 */
export function maskValue(style: MaskStyle, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (style) {
    case 'SSN':
      return `***-**-${lastDigits(String(value), 4)}`;
    case 'PHONE':
      return `***-***-${lastDigits(String(value), 4)}`;
    case 'EMAIL': {
      const [local = '', domain = ''] = String(value).split('@');
      return `${local.slice(0, 1)}***@${domain}`;
    }
    case 'YEAR':
      return String(value).slice(0, 4);
    case 'LAST4': {
      const s = String(value);
      return `${'*'.repeat(Math.max(0, Math.min(s.length - 4, 8)))}${s.slice(-4)}`;
    }
    case 'INITIALS': {
      const name = value as { given?: string[]; family?: string | null };
      return {
        given: (name.given ?? []).map((g) => `${g.slice(0, 1)}.`),
        family: name.family ? `${name.family.slice(0, 1)}.` : null,
      };
    }
    case 'CITY_STATE': {
      const a = value as { city?: string | null; state?: string | null };
      return { line: [], city: a.city ?? null, state: a.state ?? null, postalCode: null };
    }
    case 'WITHHOLD':
      return '[withheld]';
    case 'INHERIT':
      return value;
  }
}
