import type { RequestInfo } from '@ehr/common';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { MedicationRequestRecord } from './entities/index.js';
import { MedicationRepository } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface MedicationContext {
  requestId: string;
  loaders: {
    medicationRequest: DataLoader<string, MedicationRequestRecord | null>;
    medicationsByPatient: DataLoader<string, MedicationRequestRecord[]>;
  };
}

export function createContextFactory(db: DataSource) {
  const repo = new MedicationRepository(db);
  return (info: RequestInfo): MedicationContext => ({
    requestId: info.requestId,
    loaders: {
      medicationRequest: new DataLoader((ids) => repo.byIds(ids)),
      medicationsByPatient: new DataLoader((ids) => repo.byPatientIds(ids)),
    },
  });
}
