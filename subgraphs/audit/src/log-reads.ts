import { buildAuditRecord, purposeFor, type AuditAction } from '@ehr/common';
import { GraphQLError } from 'graphql';
import { AuditLogDamagedError } from './audit-writer.js';
import type { AuditContext } from './context.js';

/** The catalogue's AUDIT_UNAVAILABLE, for a log whose writer refuses to extend it. */
export function logRefusesWrites(): GraphQLError {
  return new GraphQLError(
    'The audit log does not verify, so it refuses writes and this read cannot be recorded; run npm run audit:verify',
    {
      extensions: { code: 'AUDIT_UNAVAILABLE' },
    },
  );
}

/**
 * Records what happens in the audit subgraph itself: break-glass grants, reviews, logouts, and
 * reads of the log, the review queue and the incidents. Reading the audit trail is itself an access worth recording: who looked at the log, which
 * patient's part of it, and any decrypted state. Written through the same chain writer, before
 * the answer leaves.
 */
export async function recordLogRead(
  ctx: AuditContext,
  action: AuditAction,
  entityType: string,
  entityId: string | null,
  patientId: string | null,
  path = `Query.${entityType}`,
): Promise<void> {
  const { identity } = ctx;
  try {
    await ctx.writer.append([
      buildAuditRecord({
        occurredAt: new Date().toISOString(),
        actorId: identity.sub,
        roles: identity.roles,
        action,
        auditId: identity.auditId,
        requestId: identity.requestId,
        subgraph: 'audit',
        patientId,
        entityType,
        entityId,
        purpose: purposeFor(identity, patientId),
        fields: [{ path, outcome: 'CLEAR' }],
        outcome: 'CLEAR',
        operationName: null,
        operationHash: null,
        ipAddress: identity.clientIp,
        userAgent: identity.userAgent ?? null,
        beforeState: null,
        afterState: null,
      }),
    ]);
  } catch (err) {
    // A log that refuses writes (it no longer verifies) cannot record this read: said plainly, not
    // masked as an internal error, and nothing is answered unrecorded.
    if (err instanceof AuditLogDamagedError) throw logRefusesWrites();
    throw err;
  }
}
