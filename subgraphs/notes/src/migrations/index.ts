import { CreateNotesTables1764000000000 } from './1764000000000-create-notes-tables.js';
import { SealNoteText1764100000000 } from './1764100000000-seal-note-text.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [CreateNotesTables1764000000000, SealNoteText1764100000000];
