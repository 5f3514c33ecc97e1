import { parseId } from '@ehr/common';
import type { MedicationRequestResolvers } from '../__generated__/resolvers-types.js';

export const MedicationRequest: MedicationRequestResolvers = {
  __resolveReference: async (ref, ctx) => ctx.loaders.medicationRequest.load(parseId(ref.id)),
  medication: (m) => ({ system: m.codeSystem, code: m.code, display: m.display }),
  prescriber: (m) => (m.prescriberId ? { id: m.prescriberId } : null),
  patient: (m) => ({ id: m.patientId }),
};
