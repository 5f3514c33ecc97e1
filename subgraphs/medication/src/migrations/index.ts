import { CreateMedicationTables1764000000000 } from './1764000000000-create-medication-tables.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [CreateMedicationTables1764000000000];
