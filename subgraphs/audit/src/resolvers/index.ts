import type { Resolvers } from '../__generated__/resolvers-types.js';
import { AuditEvent } from './AuditEvent.js';
import { BreakGlassGrant } from './BreakGlassGrant.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Mutation, AuditEvent, BreakGlassGrant };
