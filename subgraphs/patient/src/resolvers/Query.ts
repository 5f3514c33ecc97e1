import { decodeCursor, parseFirst, parseId } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  patient: (_root, args, ctx) => ctx.loaders.patient.load(parseId(args.id)),
  practitioner: (_root, args, ctx) => ctx.loaders.practitioner.load(parseId(args.id)),
  patients: async (_root, args, ctx) => {
    const page = await ctx.repo.patientPage(ctx.listScope, parseFirst(args.first), decodeCursor(args.after));
    // The page was read within scope; prime the loader so _entities lookups for it cost nothing.
    for (const p of page.nodes) ctx.loaders.patient.prime(p.id, p);
    return {
      nodes: page.nodes,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  },
  me: (_root, _args, ctx) => ctx.identity,
};
