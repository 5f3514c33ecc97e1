import { parseId } from '@ehr/common';
import type { PatientResolvers } from '../__generated__/resolvers-types.js';

export const Patient: PatientResolvers = {
  // The patient subgraph owns existence; here a reference is only a key to look rows up by.
  __resolveReference: async (ref) => ({ id: parseId(ref.id) }),
  notes: async (p, _args, ctx) => {
    if (ctx.identity.deidentified && !(await ctx.released()).has(p.id)) return [];
    return ctx.loaders.notesByPatient.load(p.id);
  },
};
