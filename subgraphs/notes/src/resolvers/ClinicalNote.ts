import { parseId } from '@ehr/common';
import type { ClinicalNoteResolvers } from '../__generated__/resolvers-types.js';

export const ClinicalNote: ClinicalNoteResolvers = {
  __resolveReference: async (ref, ctx) => ctx.loaders.note.load(parseId(ref.id)),
  author: (n) => (n.authorId ? { id: n.authorId } : null),
  patient: (n) => ({ id: n.patientId }),
};
