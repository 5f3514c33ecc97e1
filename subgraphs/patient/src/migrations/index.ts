import { CreatePatientTables1764000000000 } from './1764000000000-create-patient-tables.js';
import { CreateCoverage1764100000000 } from './1764100000000-create-coverage.js';
import { SealIdentifiers1764200000000 } from './1764200000000-seal-identifiers.js';
import { KeepMaskedForms1764300000000 } from './1764300000000-keep-masked-forms.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [
  CreatePatientTables1764000000000,
  CreateCoverage1764100000000,
  SealIdentifiers1764200000000,
  KeepMaskedForms1764300000000,
];
