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
      medicationRequest: new DataLoader(async (ids) => {
        const rows = await scopedRows(base.scope, await repo.byIds(ids));
        base.audit.touchAll(
          'MedicationRequest',
          ids,
          rows,
          (m) => m.patientId,
          (m) => m.id,
        );
        return rows;
      }),
      medicationsByPatient: new DataLoader(async (ids) => {
        const lists = await scopedLoad(base.scope, ids, (allowed) => repo.byPatientIds(allowed));
        // The patient's list was read (Patient.medications), and each request in it.
        base.audit.touchAll(
          'Patient',
          ids,
          lists,
          (_l, id) => id,
          (_l, id) => id,
        );
        for (const l of lists)
          if (!(l instanceof Error)) for (const m of l) base.audit.touch('MedicationRequest', m.id, m.patientId);
        return lists;
      }),
    },
  });
}
