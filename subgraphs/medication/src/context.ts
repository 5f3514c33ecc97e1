import { suppressSmallCells, type BaseSubgraphContext, type SubgraphDeps } from '@ehr/common';
import DataLoader from 'dataloader';
import type { MedicationRequestRecord } from './entities/index.js';
import { MedicationRepository, type MedicationReads } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface MedicationContext extends BaseSubgraphContext {
  /** This request's reads, scope built in: resolvers and loaders reach rows only through them. */
  reads: MedicationReads;
  /** The codes medicationCounts publishes now (once per request): analysts see no other code in rows. */
  publishedCodes: () => Promise<ReadonlySet<string>>;
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
    let published: Promise<ReadonlySet<string>> | undefined;
    return {
      ...base,
      reads,
      publishedCodes: () =>
        (published ??= reads
          .countsByCode()
          .then((counts) => new Set(suppressSmallCells('RXNORM_CODE', counts).cells.map((c) => c.key)))),
      loaders: {
        medicationRequest: new DataLoader((ids) => reads.byIds(ids)),
        medicationsByPatient: new DataLoader((ids) => reads.byPatients(ids)),
      },
    };
  };
}
