import {
  forbidden,
  loadStateKey,
  sealState,
  scopedLoad,
  scopedRows,
  type BaseSubgraphContext,
  type SubgraphDeps,
} from '@ehr/common';
import DataLoader from 'dataloader';
import type { NotesConfig } from './config.js';
import type { ClinicalNoteRecord } from './entities/index.js';
import { NotesRepository } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface NotesContext extends BaseSubgraphContext {
  repo: NotesRepository;
  /** Encrypts a record's state for the audit trail (AES-256-GCM). */
  sealState: (state: unknown) => string;
  loaders: {
    /** Scope-checked by the row's patient; a note type the role may not read is FORBIDDEN. */
    note: DataLoader<string, ClinicalNoteRecord | null>;
    /** Scope-checked by patient; only note types the role may read are listed. */
    notesByPatient: DataLoader<string, ClinicalNoteRecord[]>;
  };
}

export function createContextFactory({ db, config }: SubgraphDeps<NotesConfig>) {
  const repo = new NotesRepository(db);
  const stateKey = loadStateKey(config.auditStateKeyFile, config.database.dataDir);
  return (base: BaseSubgraphContext): NotesContext => {
    // Masked reads are denied until masking exists, so only clear note types are served.
    const readable = (n: ClinicalNoteRecord) => base.access.noteType(n.type) === 'clear';
    return {
      ...base,
      repo,
      sealState: (state) => sealState(stateKey, state),
      loaders: {
        note: new DataLoader(async (ids) =>
          scopedRows(base, 'ClinicalNote', ids, await repo.byIds(ids), (n) =>
            readable(n) ? undefined : forbidden('Not permitted to read this type of note'),
          ),
        ),
        notesByPatient: new DataLoader(async (ids) =>
          (await scopedLoad(base, ids, (allowed) => repo.byPatientIds(allowed))).map((list) => {
            if (list instanceof Error) return list;
            const shown = list.filter(readable);
            base.audit.rows('ClinicalNote', shown);
            return shown;
          }),
        ),
      },
    };
  };
}
