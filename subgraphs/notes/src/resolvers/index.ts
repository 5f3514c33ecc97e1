import type { Resolvers } from '../__generated__/resolvers-types.js';
import { ClinicalNote } from './ClinicalNote.js';
import { Patient } from './Patient.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Mutation, Patient, ClinicalNote };
