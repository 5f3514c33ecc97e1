import { ageBand, parseId } from '@ehr/common';
import type { PatientResolvers } from '../__generated__/resolvers-types.js';
import { PATIENT_OF } from '../deid/fields.js';

export const Patient: PatientResolvers = {
  // async: a malformed key then fails only its own slot of _entities, not the whole batch.
  __resolveReference: async (ref, ctx) => {
    const id = parseId(ref.id);
    // For analysts, a suppressed patient is reached from nowhere (a medication or note pseudonym
    // kept from an earlier release included).
    if (ctx.identity.deidentified && !(await ctx.release()).release.released.has(id)) return null;
    return ctx.loaders.patient.load(id);
  },
  name: (p) => ({ given: p.givenNames, family: p.family }),
  ageBand: (p) => ageBand(p.birthDate),
  // Read when selected, so a masked address (city and state) never opens the street or the ZIP.
  address: (p) => ({
    [PATIENT_OF]: p.id,
    get line() {
      return p.addressLines;
    },
    get city() {
      return p.city;
    },
    get state() {
      return p.state;
    },
    get postalCode() {
      return p.postalCode;
    },
  }),
  careTeam: (p, _args, ctx) => ctx.loaders.careTeam.load(p.id),
  coverage: (p, _args, ctx) => ctx.loaders.coverage.load(p.id),
};
