import {
  loadStateKey,
  sealState,
  suppressSmallCells,
  type BaseSubgraphContext,
  type CountTable,
  type SubgraphDeps,
} from '@ehr/common';
import DataLoader from 'dataloader';
import type { NotesConfig } from './config.js';
import type { ClinicalNoteRecord } from './entities/index.js';
import { NotesRepository, type NotesReads } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface NotesContext extends BaseSubgraphContext {
  /** This request's reads and writes, scope built in: resolvers and loaders reach rows only through them. */
  reads: NotesReads;
  /** Seals a record's new state for the audit record `recordId` (crypto/envelope.ts, bound to it). */
  sealState: (state: unknown, recordId: string) => string;
  /** The note types noteTypeCounts publishes now (once per request): analysts see no other type in rows. */
  publishedTypes: () => Promise<ReadonlySet<string>>;
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
    const reads = repo.forRequest(base);
    let published: Promise<ReadonlySet<string>> | undefined;
    return {
      ...base,
      reads,
      publishedTypes: () => (published ??= publishedNoteTypes(reads, base)),
      sealState: (state, recordId) => sealState(stateKey, state, recordId, 'after_state'),
      loaders: {
        note: new DataLoader((ids) => reads.byIds(ids)),
        notesByPatient: new DataLoader((ids) => reads.byPatients(ids)),
      },
    };
  };
}

/** Notes counted by type, suppressed: only the types the caller may read are counted at all. */
export async function noteTypeTable(reads: NotesReads, base: Pick<BaseSubgraphContext, 'access'>): Promise<CountTable> {
  const counts = new Map([...(await reads.countsByType())].filter(([type]) => base.access.noteType(type) === 'clear'));
  return suppressSmallCells('NOTE_TYPE', counts);
}

async function publishedNoteTypes(reads: NotesReads, base: Pick<BaseSubgraphContext, 'access'>) {
  return new Set((await noteTypeTable(reads, base)).cells.map((c) => c.key));
}
