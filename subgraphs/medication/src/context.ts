import type { BaseSubgraphContext, SubgraphDeps } from '@ehr/common';
import DataLoader from 'dataloader';
import type { MedicationRequestRecord } from './entities/index.js';
import { MedicationRepository, type MedicationReads } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface MedicationContext extends BaseSubgraphContext {
  /** This request's reads, scope built in: resolvers and loaders reach rows only through them. */
  reads: MedicationReads;
  loaders: {
    /** Scope-checked by the row's patient. */
    medicationRequest: DataLoader<string, MedicationRequestRecord | null>;
    /** Scope-checked by patient before any row is read. */
    medicationsByPatient: DataLoader<string, MedicationRequestRecord[]>;
  };
}

export function createContextFactory({ db }: SubgraphDeps) {
  const repo = new MedicationRepository(db);
  return (base: BaseSubgraphContext): MedicationContext => {
    const reads = repo.forRequest(base);
    return {
      ...base,
      reads,
      loaders: {
        medicationRequest: new DataLoader((ids) => reads.byIds(ids)),
        medicationsByPatient: new DataLoader((ids) => reads.byPatients(ids)),
      },
    };
  };
}
