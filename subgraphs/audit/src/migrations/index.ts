import { CreateAuditLog1764000000000 } from './1764000000000-create-audit-log.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [CreateAuditLog1764000000000];
