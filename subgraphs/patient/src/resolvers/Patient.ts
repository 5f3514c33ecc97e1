import { ageBand, parseId } from '@ehr/common';
import type { PatientResolvers } from '../__generated__/resolvers-types.js';

export const Patient: PatientResolvers = {
  // async: a malformed key then fails only its own slot of _entities, not the whole batch.
  __resolveReference: async (ref, ctx) => ctx.loaders.patient.load(parseId(ref.id)),
  name: (p) => ({ given: p.givenNames, family: p.family }),
  ageBand: (p) => ageBand(p.birthDate),
  address: (p) => ({ line: p.addressLines, city: p.city, state: p.state, postalCode: p.postalCode }),
  careTeam: (p, _args, ctx) => ctx.loaders.careTeam.load(p.id),
  coverage: (p, _args, ctx) => ctx.loaders.coverage.load(p.id),
};
