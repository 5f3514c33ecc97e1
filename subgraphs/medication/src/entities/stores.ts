import type { StoredTable } from '@ehr/common';
import { MedicationRequestRecord } from './medication-request.js';

/** Which schema field each column stores; the @phi classification decides which are sealed. */
export const stores: StoredTable[] = [
  {
    entity: MedicationRequestRecord,
    table: 'medication_request',
    fields: [{ property: 'dosageText', column: 'dosage_text', field: 'MedicationRequest.dosageText' }],
  },
];
