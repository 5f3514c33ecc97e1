import { parseId } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  note: (_root, args, ctx) => ctx.loaders.note.load(parseId(args.id)),
};
