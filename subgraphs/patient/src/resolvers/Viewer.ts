import { PURPOSES } from '@ehr/common';
import type { ViewerResolvers } from '../__generated__/resolvers-types.js';

export const Viewer: ViewerResolvers = {
  patientId: (v) => v.patientId ?? null,
  practitioner: (v, _args, ctx) => (v.practitionerId ? ctx.loaders.practitioner.load(v.practitionerId) : null),
  purposeOfUse: (v) => {
    const now = Date.now() / 1000;
    if (v.breakGlass.some((g) => g.expiresAt > now)) return PURPOSES.breakGlass;
    if (v.roles.includes('physician') || v.roles.includes('nurse')) return PURPOSES.treatment;
    if (v.roles.includes('billing')) return PURPOSES.payment;
    if (v.roles.includes('patient')) return PURPOSES.access;
    return PURPOSES.operations;
  },
  breakGlassPatientIds: (v) => {
    const now = Date.now() / 1000;
    return v.breakGlass.filter((g) => g.expiresAt > now).map((g) => g.patientId);
  },
};
