import type { RequestInfo } from '@ehr/common';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { ClinicalNoteRecord } from './entities/index.js';
import { NotesRepository } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface NotesContext {
  requestId: string;
  loaders: {
    note: DataLoader<string, ClinicalNoteRecord | null>;
    notesByPatient: DataLoader<string, ClinicalNoteRecord[]>;
  };
}

export function createContextFactory(db: DataSource) {
  const repo = new NotesRepository(db);
  return (info: RequestInfo): NotesContext => ({
    requestId: info.requestId,
    loaders: {
      note: new DataLoader((ids) => repo.byIds(ids)),
      notesByPatient: new DataLoader((ids) => repo.byPatientIds(ids)),
    },
  });
}
