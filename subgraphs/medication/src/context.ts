import { scopedLoad, scopedRows, type BaseSubgraphContext, type SubgraphDeps } from '@ehr/common';
import DataLoader from 'dataloader';
import type { MedicationRequestRecord } from './entities/index.js';
import { MedicationRepository } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface MedicationContext extends BaseSubgraphContext {
  repo: MedicationRepository;
  loaders: {
    /** Scope-checked by the row's patient. */
    medicationRequest: DataLoader<string, MedicationRequestRecord | null>;
    /** Scope-checked by patient before any row is read. */
    medicationsByPatient: DataLoader<string, MedicationRequestRecord[]>;
  };
}

export function createContextFactory({ db }: SubgraphDeps) {
  const repo = new MedicationRepository(db);
  return (base: BaseSubgraphContext): MedicationContext => ({
    ...base,
    repo,
    loaders: {
      medicationRequest: new DataLoader(async (ids) =>
        scopedRows(base, 'MedicationRequest', ids, await repo.byIds(ids)),
      ),
      medicationsByPatient: new DataLoader(async (ids) => {
        const lists = await scopedLoad(base, ids, (allowed) => repo.byPatientIds(allowed));
        for (const l of lists) if (!(l instanceof Error)) base.audit.rows('MedicationRequest', l);
        return lists;
      }),
    },
  });
}
