import {
  ageBand,
  badInput,
  decodeCursor,
  forbidden,
  parseFirst,
  parseId,
  SealedValueError,
  suppressSmallCells,
  zip3,
} from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  patient: (_root, args, ctx) => ctx.loaders.patient.load(parseId(args.id)),
  patientByMrn: async (_root, args, ctx) => {
    // Longer than any MRN: refused before any key is used (the value is never echoed).
    if (args.mrn.length > 64) throw badInput('Argument "mrn" is longer than 64 characters');
    const row = await ctx.reads.byMrn(args.mrn);
    if (row instanceof Error) throw row;
    if (row) ctx.loaders.patient.prime(row.id, row);
    return row;
  },
  findPatients: async (_root, args, ctx) => {
    const given = (['ssn', 'phone', 'email'] as const).filter((k) => args[k] != null);
    if (given.length !== 1) throw badInput('Give exactly one of "ssn", "phone" or "email"');
    const field = given[0]!;
    const value = args[field]!;
    if (value.length > 254) throw badInput(`Argument "${field}" is longer than 254 characters`);
    // Finding a patient by a value confirms it: only for those who may read it unmasked.
    if (ctx.access.decide('Patient', field) !== 'clear') throw forbidden(`Searching by ${field} is not permitted`);
    const rows = await ctx.reads.byIdentifier(field, value);
    for (const p of rows) ctx.loaders.patient.prime(p.id, p);
    return rows;
  },
  practitioner: (_root, args, ctx) => ctx.loaders.practitioner.load(parseId(args.id)),
  patients: async (_root, args, ctx) => {
    const page = await ctx.reads.page(parseFirst(args.first), decodeCursor(args.after));
    // The page was read within scope; prime the loader so _entities lookups for it cost nothing.
    for (const p of page.nodes) ctx.loaders.patient.prime(p.id, p);
    return {
      nodes: page.nodes,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  },
  me: (_root, _args, ctx) => ctx.identity,
  cohortCounts: async (_root, args, ctx) => {
    const keyOf = Object.hasOwn(DIMENSIONS, args.dimension)
      ? DIMENSIONS[args.dimension as keyof typeof DIMENSIONS]
      : undefined;
    if (!keyOf) throw badInput(`Argument "dimension" must be one of ${Object.keys(DIMENSIONS).join(', ')}`);
    const counts = new Map<string, number>();
    let unreadable = 0;
    for (const row of await ctx.reads.cohortColumns()) {
      let key: string;
      try {
        key = keyOf(row, ctx.restrictedZip3) ?? 'unknown';
      } catch (err) {
        // A value that does not open (damaged, moved) is counted as such, a cell like any other
        // (suppressed when small), instead of failing every count.
        if (!(err instanceof SealedValueError)) throw err;
        key = 'unreadable';
        unreadable++;
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (unreadable > 0) ctx.logger.error({ unreadable, dimension: args.dimension }, 'cohort values do not open');
    return suppressSmallCells(args.dimension, counts);
  },
};

type Row = { birthDate: string | null; gender: string | null; postalCode: string | null; state: string | null };
/** Every dimension is itself de-identified (age bands with 90+, ZIP3 with sparse areas as 000). */
const DIMENSIONS = {
  GENDER: (r: Row) => r.gender,
  AGE_BAND: (r: Row) => ageBand(r.birthDate),
  ZIP3: (r: Row, restricted?: readonly string[]) => zip3(r.postalCode, restricted),
  STATE: (r: Row) => r.state,
};
