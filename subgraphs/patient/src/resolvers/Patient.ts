import { parseId } from '@ehr/common';
import type { PatientResolvers } from '../__generated__/resolvers-types.js';

export const Patient: PatientResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.patient.load(parseId(ref.id)),
  name: (p) => ({ given: p.givenNames, family: p.family }),
  address: (p) => ({ line: p.addressLines, city: p.city, state: p.state, postalCode: p.postalCode }),
  careTeam: (p, _args, ctx) => ctx.loaders.careTeam.load(p.id),
};
