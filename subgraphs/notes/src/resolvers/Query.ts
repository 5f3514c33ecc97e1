import { parseId } from '@ehr/common';
import { noteTypeTable } from '../context.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  note: (_root, args, ctx) => ctx.loaders.note.load(parseId(args.id)),
  // Only note types the caller may read are counted at all (psychotherapy notes stay out).
  noteTypeCounts: (_root, _args, ctx) => noteTypeTable(ctx.reads, ctx),
};
