import { MedicationRequestRecord } from './medication-request.js';

export { MedicationRequestRecord };
export const entities = [MedicationRequestRecord];
