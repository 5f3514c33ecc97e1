import { ReleasedPatients, suppressSmallCells, type BaseSubgraphContext, type SubgraphDeps } from '@ehr/common';
import DataLoader from 'dataloader';
import type { MedicationRequestRecord } from './entities/index.js';
import { MedicationRepository, type MedicationReads } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface MedicationContext extends BaseSubgraphContext {
  /** This request's reads, scope built in: resolvers and loaders reach rows only through them. */
  reads: MedicationReads;
  /** The codes medicationCounts publishes now (once per request): analysts see no other code in rows. */
  publishedCodes: () => Promise<ReadonlySet<string>>;
  /** For analysts: the patients the release holds (once per request); rows of others are not served. */
  released: () => Promise<ReadonlySet<string>>;
  /** Requests counted by code, as this caller may see them (analysts: released patients only). */
  codeCounts: () => Promise<Map<string, number>>;
  loaders: {
    /** Scope-checked by the row's patient. */
    medicationRequest: DataLoader<string, MedicationRequestRecord | null>;
    /** Scope-checked by patient before any row is read. */
    medicationsByPatient: DataLoader<string, MedicationRequestRecord[]>;
  };
}

export function createContextFactory({ db, config }: SubgraphDeps) {
  const repo = new MedicationRepository(db);
  const releases = new ReleasedPatients(config.patientUrl, config.deidRelease.ttlMs);
  return (base: BaseSubgraphContext): MedicationContext => {
    const reads = repo.forRequest(base);
    let published: Promise<ReadonlySet<string>> | undefined;
    let released: Promise<ReadonlySet<string>> | undefined;
    const releasedIds = () => (released ??= releases.ids(base.internalToken));
    const codeCounts = async () => reads.countsByCode(base.identity.deidentified ? await releasedIds() : undefined);
    return {
      ...base,
      reads,
      released: releasedIds,
      codeCounts,
      publishedCodes: () =>
        (published ??= codeCounts().then(
          (counts) => new Set(suppressSmallCells('RXNORM_CODE', counts).cells.map((c) => c.key)),
        )),
      loaders: {
        medicationRequest: new DataLoader((ids) => reads.byIds(ids)),
        medicationsByPatient: new DataLoader((ids) => reads.byPatients(ids)),
      },
    };
  };
}
