import { buildAuditRecord, purposeFor, type AuditAction } from '@ehr/common';
import type { AuditContext } from './context.js';

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
}
