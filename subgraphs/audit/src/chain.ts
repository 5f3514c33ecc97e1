import { createHash } from 'node:crypto';
import type { AuditRecordInput } from '@ehr/common';

/*
 * The hash chain over stored records: only the recorder writes it and only it (and audit:verify)
 * checks it, so it lives here, not with the records' senders.
 */

/** The bytes the chain hashes: every stored column but the hash itself, in a fixed order. */
export function canonicalRecord(r: AuditRecordInput & { sequence: number; prevHash: string }): string {
  return JSON.stringify([
    r.sequence,
    r.id,
    r.occurredAt,
    r.actorId,
    r.roles,
    r.action,
    r.auditId,
    r.requestId,
    r.subgraph,
    r.patientId,
    r.entityType,
    r.entityId,
    r.purpose,
    r.fields,
    r.outcome,
    r.operationName,
    r.operationHash,
    r.ipAddress,
    r.userAgent,
    r.beforeState,
    r.afterState,
    r.prevHash,
    // Records from before per-row entities hashed without them: an empty list keeps their bytes.
    ...(r.entities.length > 0 ? [r.entities] : []),
  ]);
}

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** The chain hash of a record at its place: what the writer stores and every checker recomputes. */
export function recordHash(record: AuditRecordInput, sequence: number, prevHash: string): string {
  return chainHash(prevHash, canonicalRecord({ ...record, sequence, prevHash }));
}
