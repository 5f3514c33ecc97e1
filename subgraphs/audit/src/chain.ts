import { createHash } from 'node:crypto';
import type { AuditRecordInput } from '@ehr/common';

/*
 * The hash chain over stored records: only the recorder writes it and only it (and audit:verify)
 * checks it, so it lives here, not with the records' senders.
 */

/** What JSON.stringify makes of a value inside an array (undefined is null there). */
const item = (v: unknown): string => (v === undefined ? 'null' : JSON.stringify(v));

/** The bytes the chain hashes: every stored column but the hash itself, in a fixed order. */
export function canonicalRecord(r: AuditRecordInput & { sequence: number; prevHash: string }): string {
  // A list missing from a hand-made record (a proof document) is null, as inside JSON.stringify's array.
  return canonicalFromLists(r, {
    roles: item(r.roles),
    fields: item(r.fields),
    entities: JSON.stringify(r.entities ?? []),
  });
}

/**
 * canonicalRecord, with the record's lists given already serialised (the writer stores them as
 * JSON anyway): the same bytes as JSON.stringify of the whole array, one serialisation fewer.
 */
export function canonicalFromLists(
  r: Omit<AuditRecordInput, 'roles' | 'fields' | 'entities'> & { sequence: number; prevHash: string },
  lists: { roles: string; fields: string; entities: string },
): string {
  // Records from before per-row entities hashed without them: an empty list keeps their bytes.
  const entities = lists.entities === '[]' ? '' : `,${lists.entities}`;
  return `[${[
    item(r.sequence),
    item(r.id),
    item(r.occurredAt),
    item(r.actorId),
    lists.roles,
    item(r.action),
    item(r.auditId),
    item(r.requestId),
    item(r.subgraph),
    item(r.patientId),
    item(r.entityType),
    item(r.entityId),
    item(r.purpose),
    lists.fields,
    item(r.outcome),
    item(r.operationName),
    item(r.operationHash),
    item(r.ipAddress),
    item(r.userAgent),
    item(r.beforeState),
    item(r.afterState),
    item(r.prevHash),
  ].join(',')}${entities}]`;
}

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** The chain hash of a record at its place: what the writer stores and every checker recomputes. */
export function recordHash(record: AuditRecordInput, sequence: number, prevHash: string): string {
  return chainHash(prevHash, canonicalRecord({ ...record, sequence, prevHash }));
}
