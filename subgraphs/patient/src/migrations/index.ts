import { CreatePatientTables1764000000000 } from './1764000000000-create-patient-tables.js';
import { CreateCoverage1764100000000 } from './1764100000000-create-coverage.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [CreatePatientTables1764000000000, CreateCoverage1764100000000];
