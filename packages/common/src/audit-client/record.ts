import { z } from 'zod';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadSecretKey } from '../util/atomic-file.js';

/** What happened to a field a record covers (the contract's FieldAccess.outcome); not a review's outcome. */
export const ACCESS_OUTCOMES = { clear: 'CLEAR', masked: 'MASKED', denied: 'DENIED', error: 'ERROR' } as const;
export type Outcome = (typeof ACCESS_OUTCOMES)[keyof typeof ACCESS_OUTCOMES];

export const AUDIT_ACTIONS = [
  'READ',
  'CREATE',
  'BREAK_GLASS',
  'REVIEW',
  'LOGOUT',
  'ACCOUNT_DISABLED',
  'ACCOUNT_ENABLED',
  'READ_STATE',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One access record, as a data subgraph sends it. Names fields and record ids, never values;
 * `afterState` (mutations) is ciphertext. The id makes delivery idempotent: a record sent twice
 * (spool replay after a lost answer) is stored once.
 */
export interface AuditRecordInput {
  id: string;
  occurredAt: string;
  actorId: string;
  roles: string[];
  action: AuditAction;
  auditId: string;
  requestId: string;
  subgraph: string;
  patientId: string | null;
  entityType: string | null;
  entityId: string | null;
  purpose: string;
  fields: { path: string; outcome: Outcome }[];
  outcome: Outcome;
  operationName: string | null;
  operationHash: string | null;
  ipAddress: string;
  userAgent: string | null;
  beforeState: string | null;
  afterState: string | null;
}

/** The key subgraphs sign audit batches with (HMAC-SHA256): AUDIT_INGEST_KEY_FILE, or a development key. */
export function loadIngestKey(file: string | undefined, dataDir: string): Buffer {
  return loadSecretKey(file, dataDir, 'audit-ingest.key');
}

export function signBatch(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

export function verifyBatch(key: Buffer, body: string, signature: unknown): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signBatch(key, body), 'hex'), Buffer.from(signature, 'hex'));
}

const text = (max: number) => z.string().max(max);
const nullableText = (max: number) => z.string().max(max).nullable();
const outcome = z.enum(['CLEAR', 'MASKED', 'DENIED', 'ERROR']);

/** What the audit subgraph accepts; anything else fails the whole batch (the sender retries). */
export const auditRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  occurredAt: text(32),
  actorId: text(128),
  roles: z.array(text(32)).max(10),
  action: z.enum(AUDIT_ACTIONS),
  auditId: text(128),
  requestId: text(128),
  subgraph: text(32),
  patientId: nullableText(36),
  entityType: nullableText(64),
  entityId: nullableText(36),
  purpose: text(32),
  fields: z.array(z.object({ path: text(128), outcome })).max(500),
  outcome,
  operationName: nullableText(128),
  operationHash: nullableText(64),
  ipAddress: text(45),
  userAgent: nullableText(512),
  beforeState: nullableText(1_000_000),
  afterState: nullableText(1_000_000),
});
