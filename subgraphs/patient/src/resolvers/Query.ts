import { badInput, decodeCursor, encodeCursor, forbidden, parseFirst, parseId } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { PatientContext } from '../context.js';
import { COHORT_DIMENSIONS } from '../deid/dimensions.js';
import type { PatientRecord } from '../entities/index.js';

export const Query: QueryResolvers = {
  patient: async (_root, args, ctx) => {
    const id = parseId(args.id);
    // An analyst reaches only released patients: a suppressed one is not there at all.
    if (ctx.identity.deidentified && !(await ctx.release()).release.released.has(id)) return null;
    return ctx.loaders.patient.load(id);
  },
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
    if (ctx.identity.deidentified) return releasedPage(ctx, parseFirst(args.first), decodeCursor(args.after));
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
    const dimensions = args.dimensions ?? (args.dimension != null ? [args.dimension] : []);
    if ((args.dimension != null) === (args.dimensions != null))
      throw badInput('Give exactly one of "dimension" or "dimensions"');
    const known = COHORT_DIMENSIONS as readonly string[];
    if (dimensions.length === 0 || dimensions.length > known.length || new Set(dimensions).size !== dimensions.length)
      throw badInput(`Argument "dimensions" takes 1 to ${known.length} different dimensions`);
    if (!dimensions.every((d) => known.includes(d))) throw badInput(`Dimensions must be among ${known.join(', ')}`);
    const { cube } = await ctx.release();
    if (!cube.offers(dimensions))
      throw badInput('That cross-tabulation has too many cells: cross ZIP3 with at most one of GENDER or AGE_BAND');
    return cube.table(dimensions);
  },
  deidentificationReport: async (_root, _args, ctx) => {
    const { release: r, computedAt } = await ctx.release();
    const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
    return {
      k: r.k,
      kAchieved: r.smallestClass,
      records: r.records,
      releasedRecords: r.released.size,
      suppressedRecords: r.suppressed,
      suppressedShare: share(r.suppressed, r.records),
      generalisedRecords: r.generalised,
      generalisedShare: share(r.generalised, r.released.size),
      ...r.generalisation,
      equivalenceClasses: r.classes,
      highestRisk: r.highestRisk,
      averageRisk: r.averageRisk,
      computedAt: computedAt.toISOString(),
    };
  },
};

/**
 * The analyst's listing: a page of the k-anonymous release in pseudonym order, so that neither
 * the order nor the cursors say anything about record ids. The rows are read through the
 * request's reads as any listing is (scope, audit); the cursor's record id is the one the
 * de-identification middleware revealed from its pseudonym.
 */
async function releasedPage(ctx: PatientContext, first: number, afterId: string | undefined) {
  const snapshot = await ctx.release();
  const { ids, hasNextPage } = ctx.releases.page(snapshot, first, afterId);
  const rows = await ctx.reads.patients(ids);
  const nodes = rows.filter((p): p is PatientRecord => p !== null && !(p instanceof Error));
  for (const p of nodes) ctx.loaders.patient.prime(p.id, p);
  const last = ids[ids.length - 1];
  return {
    nodes,
    totalCount: snapshot.order.length,
    pageInfo: { hasNextPage, endCursor: last ? encodeCursor(last) : null },
  };
}
