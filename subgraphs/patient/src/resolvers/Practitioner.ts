import { parseId } from '@ehr/common';
import type { PractitionerResolvers } from '../__generated__/resolvers-types.js';

export const Practitioner: PractitionerResolvers = {
  __resolveReference: async (ref, ctx) => ctx.loaders.practitioner.load(parseId(ref.id)),
  name: (p) => ({ given: p.givenNames, family: p.family }),
};
