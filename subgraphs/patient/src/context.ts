import type { RequestInfo } from '@ehr/common';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { CareTeamMemberRecord, PatientRecord, PractitionerRecord } from './entities/index.js';
import { PatientRepository } from './repository.js';

/** Per-request context. Loaders are created here, per request, never at module level. */
export interface PatientContext {
  requestId: string;
  repo: PatientRepository;
  loaders: {
    patient: DataLoader<string, PatientRecord | null>;
    practitioner: DataLoader<string, PractitionerRecord | null>;
    careTeam: DataLoader<string, CareTeamMemberRecord[]>;
  };
}

export function createContextFactory(db: DataSource) {
  const repo = new PatientRepository(db);
  return (info: RequestInfo): PatientContext => ({
    requestId: info.requestId,
    repo,
    loaders: {
      patient: new DataLoader((ids) => repo.patientsByIds(ids)),
      practitioner: new DataLoader((ids) => repo.practitionersByIds(ids)),
      careTeam: new DataLoader((ids) => repo.careTeamsByPatientIds(ids)),
    },
  });
}
