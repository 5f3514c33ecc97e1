import type { Resolvers } from '../__generated__/resolvers-types.js';
import { CareTeamMember } from './CareTeamMember.js';
import { Coverage } from './Coverage.js';
import { Patient } from './Patient.js';
import { Practitioner } from './Practitioner.js';
import { Query } from './Query.js';
import { Viewer } from './Viewer.js';

export const resolvers: Resolvers = { Query, Patient, Practitioner, CareTeamMember, Coverage, Viewer };
