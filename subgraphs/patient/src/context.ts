import { scopedLoad, type BaseSubgraphContext, type SubgraphDeps } from '@ehr/common';
import DataLoader from 'dataloader';
import type { CareTeamMemberRecord, CoverageRecord, PatientRecord, PractitionerRecord } from './entities/index.js';
import { PatientRepository, type ListScope } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface PatientContext extends BaseSubgraphContext {
  repo: PatientRepository;
  listScope: ListScope;
  restrictedZip3: readonly string[] | undefined;
  loaders: {
    /** Scope-checked: an out-of-scope id answers NOT_FOUND or BREAK_GLASS_REQUIRED, never the row. */
    patient: DataLoader<string, PatientRecord | null>;
    practitioner: DataLoader<string, PractitionerRecord | null>;
    careTeam: DataLoader<string, CareTeamMemberRecord[]>;
    coverage: DataLoader<string, CoverageRecord[]>;
  };
}

function listScopeOf(base: BaseSubgraphContext): ListScope {
  const { identity, scope } = base;
  if (scope.unrestricted) return { kind: 'all' };
  if (identity.roles.includes('patient') && identity.patientId) return { kind: 'one', patientId: identity.patientId };
  if (identity.practitionerId && identity.roles.some((r) => r === 'physician' || r === 'nurse')) {
    return { kind: 'careTeam', practitionerId: identity.practitionerId };
  }
  return { kind: 'none' };
}

export function createContextFactory({ config }: SubgraphDeps, repo: PatientRepository) {
  return (base: BaseSubgraphContext): PatientContext => ({
    ...base,
    repo,
    restrictedZip3: config.restrictedZip3,
    listScope: listScopeOf(base),
    loaders: {
      patient: new DataLoader((ids) => scopedLoad(base, ids, (allowed) => repo.patientsByIds(allowed))),
      practitioner: new DataLoader((ids) => repo.practitionersByIds(ids)),
      careTeam: new DataLoader((ids) => repo.careTeamsByPatientIds(ids)),
      coverage: new DataLoader(async (ids) => {
        const lists = await repo.coverageByPatientIds(ids);
        base.audit.rows('Coverage', lists.flat());
        return lists;
      }),
    },
  });
}
