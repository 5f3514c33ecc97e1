import type { BaseSubgraphContext, Logger, SubgraphDeps } from '@ehr/common';
import DataLoader from 'dataloader';
import type { CareTeamMemberRecord, CoverageRecord, PatientRecord, PractitionerRecord } from './entities/index.js';
import type { PatientReads, PatientRepository } from './repository.js';
import type { PatientRelease, ReleaseSnapshot } from './deid/release.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface PatientContext extends BaseSubgraphContext {
  /** This request's reads, scope built in: resolvers and loaders reach rows only through them. */
  reads: PatientReads;
  restrictedZip3: readonly string[] | undefined;
  logger: Logger;
  /** The de-identified release this request reads (one snapshot per request, computed when first asked). */
  release: () => Promise<ReleaseSnapshot>;
  /**
   * Holds the snapshot once the request has read it: what extensions.deidentification reports.
   * A holder, not a property: Apollo hands plugins a copy of the context object.
   */
  releaseRead: { snapshot?: ReleaseSnapshot };
  /** Pages through the release in pseudonym order. */
  releases: PatientRelease;
  loaders: {
    /** Scope-checked: an out-of-scope id answers NOT_FOUND or BREAK_GLASS_REQUIRED, never the row. */
    patient: DataLoader<string, PatientRecord | null>;
    practitioner: DataLoader<string, PractitionerRecord | null>;
    careTeam: DataLoader<string, CareTeamMemberRecord[]>;
    coverage: DataLoader<string, CoverageRecord[]>;
  };
}

export function createContextFactory(
  { config, logger }: SubgraphDeps,
  repo: PatientRepository,
  releases: PatientRelease,
) {
  return (base: BaseSubgraphContext): PatientContext => {
    const reads = repo.forRequest(base);
    let snapshot: Promise<ReleaseSnapshot> | undefined;
    const releaseRead: PatientContext['releaseRead'] = {};
    return {
      ...base,
      reads,
      restrictedZip3: config.restrictedZip3,
      logger,
      releases,
      releaseRead,
      release: () =>
        (snapshot ??= releases.snapshot().then((s) => {
          releaseRead.snapshot = s;
          return s;
        })),
      loaders: {
        patient: new DataLoader((ids) => reads.patients(ids)),
        practitioner: new DataLoader((ids) => reads.practitioners(ids)),
        careTeam: new DataLoader((ids) => reads.careTeams(ids)),
        coverage: new DataLoader((ids) => reads.coverage(ids)),
      },
    };
  };
}
