import { GraphQLError } from 'graphql';
import { parseId } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  note: async (_root, args, ctx) => {
    const id = parseId(args.id);
    if (!ctx.identity.deidentified) return ctx.loaders.note.load(id);
    // For analysts: a note of a patient the release leaves out, or of a type they may not read,
    // is simply not there (a refusal would tell a kept pseudonym's note type).
    const row = await ctx.loaders.note.load(id).catch((err: unknown) => {
      if (err instanceof GraphQLError && err.extensions.code === 'FORBIDDEN') return null;
      throw err;
    });
    return row && (await ctx.released()).has(row.patientId) ? row : null;
  },
  // Only note types the caller may read are counted at all (psychotherapy notes stay out).
  noteTypeCounts: (_root, _args, ctx) => ctx.typeTable(),
};
