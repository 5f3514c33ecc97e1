import { CreateNotesTables1764000000000 } from './1764000000000-create-notes-tables.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [CreateNotesTables1764000000000];
