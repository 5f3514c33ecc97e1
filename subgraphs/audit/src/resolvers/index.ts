import type { Resolvers } from '../__generated__/resolvers-types.js';
import { AuditEvent } from './AuditEvent.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, AuditEvent };
