import { ClinicalNoteRecord } from './clinical-note.js';

export { ClinicalNoteRecord };
export const entities = [ClinicalNoteRecord];
