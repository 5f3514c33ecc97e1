import { parseId, suppressSmallCells } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  medicationRequest: async (_root, args, ctx) => {
    const row = await ctx.loaders.medicationRequest.load(parseId(args.id));
    // For analysts, a request of a patient the release leaves out is not there at all.
    if (row && ctx.identity.deidentified && !(await ctx.released()).has(row.patientId)) return null;
    return row;
  },
  // For analysts, of released patients only: all rows minus the listed ones would profile the suppressed.
  medicationCounts: async (_root, _args, ctx) => suppressSmallCells('RXNORM_CODE', await ctx.codeCounts()),
};
