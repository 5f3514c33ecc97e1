import { parseId, suppressSmallCells } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  medicationRequest: (_root, args, ctx) => ctx.loaders.medicationRequest.load(parseId(args.id)),
  medicationCounts: async (_root, _args, ctx) => suppressSmallCells('RXNORM_CODE', await ctx.reads.countsByCode()),
};
