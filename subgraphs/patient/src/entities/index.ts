import { CareTeamMemberRecord } from './care-team-member.js';
import { PatientRecord } from './patient.js';
import { PractitionerRecord } from './practitioner.js';

export { CareTeamMemberRecord, PatientRecord, PractitionerRecord };
export const entities = [PatientRecord, PractitionerRecord, CareTeamMemberRecord];
