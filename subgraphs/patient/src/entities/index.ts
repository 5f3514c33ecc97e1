import { CareTeamMemberRecord } from './care-team-member.js';
import { CoverageRecord } from './coverage.js';
import { PatientRecord } from './patient.js';
import { PractitionerRecord } from './practitioner.js';

export { CareTeamMemberRecord, CoverageRecord, PatientRecord, PractitionerRecord };
export const entities = [PatientRecord, PractitionerRecord, CareTeamMemberRecord, CoverageRecord];
