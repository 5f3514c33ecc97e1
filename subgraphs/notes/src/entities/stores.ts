import type { StoredTable } from '@ehr/common';
import { ClinicalNoteRecord } from './clinical-note.js';

/** Which schema field each column stores; the @phi classification decides which are sealed. */
export const stores: StoredTable[] = [
  {
    entity: ClinicalNoteRecord,
    table: 'clinical_note',
    fields: [{ property: 'text', column: 'text', field: 'ClinicalNote.text' }],
  },
];
