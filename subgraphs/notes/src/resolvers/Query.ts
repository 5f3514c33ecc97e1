import { parseId, suppressSmallCells } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  note: (_root, args, ctx) => ctx.loaders.note.load(parseId(args.id)),
  noteTypeCounts: async (_root, _args, ctx) => {
    // Only note types the caller may read are counted at all (psychotherapy notes stay out).
    const counts = new Map(
      [...(await ctx.reads.countsByType())].filter(([type]) => ctx.access.noteType(type) === 'clear'),
    );
    return suppressSmallCells('NOTE_TYPE', counts);
  },
};
