import { activeBreakGlass, purposeFor } from '@ehr/common';
import type { ViewerResolvers } from '../__generated__/resolvers-types.js';

export const Viewer: ViewerResolvers = {
  patientId: (v) => v.patientId ?? null,
  practitioner: (v, _args, ctx) => (v.practitionerId ? ctx.loaders.practitioner.load(v.practitionerId) : null),
  purposeOfUse: (v) => purposeFor(v),
  breakGlassPatientIds: (v) => activeBreakGlass(v),
};
