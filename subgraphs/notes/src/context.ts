import {
  loadStateKey,
  ReleasedPatients,
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
  /** For analysts: the patients the release holds (once per request); rows of others are not served. */
  released: () => Promise<ReadonlySet<string>>;
  /** The note-type counts this caller may see (analysts: released patients only). */
  typeTable: () => Promise<CountTable>;
  loaders: {
    /** Scope-checked by the row's patient; a note type the role may not read is FORBIDDEN. */
    note: DataLoader<string, ClinicalNoteRecord | null>;
    /** Scope-checked by patient; only note types the role may read are listed. */
    notesByPatient: DataLoader<string, ClinicalNoteRecord[]>;
  };
}

export function createContextFactory({ db, config }: SubgraphDeps<NotesConfig>) {
  const repo = new NotesRepository(db);
  const releases = new ReleasedPatients(config.patientUrl, config.deidRelease.ttlMs);
  const stateKey = loadStateKey(config.auditStateKeyFile, config.database.dataDir);
  return (base: BaseSubgraphContext): NotesContext => {
    const reads = repo.forRequest(base);
    let published: Promise<ReadonlySet<string>> | undefined;
    let released: Promise<ReadonlySet<string>> | undefined;
    const releasedIds = () => (released ??= releases.ids(base.internalToken));
    const typeTable = async () =>
      noteTypeTable(reads, base, base.identity.deidentified ? await releasedIds() : undefined);
    return {
      ...base,
      reads,
      released: releasedIds,
      typeTable,
      publishedTypes: () => (published ??= typeTable().then((t) => new Set(t.cells.map((c) => c.key)))),
      sealState: (state, recordId) => sealState(stateKey, state, recordId, 'after_state'),
      loaders: {
        note: new DataLoader((ids) => reads.byIds(ids)),
        notesByPatient: new DataLoader((ids) => reads.byPatients(ids)),
      },
    };
  };
}

/** Notes counted by type, suppressed: only the types the caller may read, and for analysts only released patients. */
export async function noteTypeTable(
  reads: NotesReads,
  base: Pick<BaseSubgraphContext, 'access'>,
  among?: ReadonlySet<string>,
): Promise<CountTable> {
  const counts = new Map(
    [...(await reads.countsByType(among))].filter(([type]) => base.access.noteType(type) === 'clear'),
  );
  return suppressSmallCells('NOTE_TYPE', counts);
}
