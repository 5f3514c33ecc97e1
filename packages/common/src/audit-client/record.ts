import { z } from 'zod';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
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
  /** A request the gateway refused before any subgraph was asked (a security event). */
  'REFUSED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

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

/** The intake's limits, in UTF-16 code units as zod counts them. The builder keeps within them. */
export const RECORD_LIMITS = {
  actorId: 128,
  role: 32,
  roles: 10,
  auditId: 128,
  requestId: 128,
  subgraph: 32,
  entityType: 64,
  recordId: 36,
  purpose: 32,
  fieldPath: 128,
  fields: 500,
  entities: 1000,
  /** Rows times their fields, as a record reads back (grouped rows expand: the reader's bound). */
  rowFields: 20_000,
  entityFields: 200,
  operationName: 128,
  operationHash: 64,
  ipAddress: 45,
  userAgent: 512,
  state: 1_000_000,
} as const;

const L = RECORD_LIMITS;
/**
 * Text the intake takes: at most `max` UTF-16 units, and well-formed (no lone surrogate). A lone
 * surrogate would be hashed as sent but stored by MySQL as U+FFFD, so the stored row would never
 * verify again and the log would stop taking records: refused here, never written.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !LONE_SURROGATE.test(v), 'lone surrogate');
const nullableText = (max: number) => text(max).nullable();
const outcome = z.enum(['CLEAR', 'MASKED', 'DENIED', 'ERROR']);

const fieldAccess = z.object({ path: text(L.fieldPath), outcome });
const rowFields = z.array(fieldAccess).max(L.entityFields);

/**
 * What the audit subgraph accepts. A batch with one record outside it is refused whole, for good
 * (the sender sets it aside, see AuditShipper); `buildAuditRecord` never produces one.
 */
export const auditRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  occurredAt: text(32),
  actorId: text(L.actorId),
  roles: z.array(text(L.role)).max(L.roles),
  action: z.enum(AUDIT_ACTIONS),
  auditId: text(L.auditId),
  requestId: text(L.requestId),
  subgraph: text(L.subgraph),
  patientId: nullableText(L.recordId),
  entityType: nullableText(L.entityType),
  entityId: nullableText(L.recordId),
  purpose: text(L.purpose),
  /** What the record's fields carried; empty when the record has rows (derived from them: recordFields). */
  fields: z.array(fieldAccess).max(L.fields),
  /**
   * The rows the record covers, as groups: rows of one type that carried the same fields share
   * one entry (`ids`), so a list of 50 rows with the same selection is one entry, not 50. Records
   * written before grouping hold one entry per row (`id`). Read them with recordRows.
   */
  entities: z
    .array(
      // Strict: an entry with both `id` and `ids`, or anything else, is refused, not trimmed.
      z.union([
        z.strictObject({
          type: text(L.entityType),
          ids: z.array(text(L.recordId)).min(1).max(L.entities),
          fields: rowFields,
        }),
        z.strictObject({ type: text(L.entityType), id: text(L.recordId), fields: rowFields }),
      ]),
    )
    .max(L.entities)
    .refine((list) => list.reduce((n, e) => n + ('ids' in e ? e.ids.length : 1), 0) <= L.entities, 'too many rows')
    // A small grouped record must not read back as a huge one (1000 ids x 200 fields).
    .refine(
      (list) => list.reduce((n, e) => n + ('ids' in e ? e.ids.length : 1) * e.fields.length, 0) <= L.rowFields,
      'too many row fields',
    )
    .default([]),
  outcome,
  operationName: nullableText(L.operationName),
  operationHash: nullableText(L.operationHash),
  ipAddress: text(L.ipAddress),
  userAgent: nullableText(L.userAgent),
  beforeState: nullableText(L.state),
  afterState: nullableText(L.state),
});

/**
 * One access record, as a data subgraph sends it. Names fields and record ids, never values;
 * `afterState` (mutations) is ciphertext. The id makes delivery idempotent: a record sent twice
 * (spool replay after a lost answer) is stored once.
 */
export type AuditRecordInput = z.infer<typeof auditRecordSchema>;
export type FieldAccess = AuditRecordInput['fields'][number];
/** One row a record covers: its type, id and what each of its fields carried. */
export interface EntityAccess {
  type: string;
  id: string;
  fields: FieldAccess[];
}

/** What a writer gives the builder: the record without its id (made here unless given), its rows one by one. */
export type AuditRecordDraft = Omit<AuditRecordInput, 'id' | 'entities'> & { id?: string; entities?: EntityAccess[] };

/** Printable ASCII only: text that NFC and the replacement leave as it is. */
const PLAIN = /^[\x20-\x7e]*$/;
// C0 and C1 control characters, and lone surrogates: nothing a log reader should have to render.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as a record stores it: Unicode NFC, control characters and lone surrogates replaced by
 * U+FFFD, and, when longer than `max`, cut on a code-point boundary and ended with `~` and 16 hex
 * digits of the whole value's SHA-256, so two long values that share a prefix stay distinct and
 * the same value always gives the same text.
 */
export function recordText(value: string, max: number): string {
  // Most text is printable ASCII (field paths, ids, types): already NFC, nothing to replace.
  if (value.length <= max && PLAIN.test(value)) return value;
  const clean = value.normalize('NFC').replace(UNSAFE, '\ufffd');
  if (clean.length <= max) return clean;
  const tag = `~${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
  let cut = '';
  for (const ch of clean) {
    if (cut.length + ch.length > max - tag.length) break;
    cut += ch;
  }
  return cut + tag;
}

/**
 * An account as the audit trail names it (normalised, control characters replaced, long ids cut
 * with a hash): the form the access monitor disables and an admin re-enables, so the gateway's
 * check of a token's subject must use it too, or an unusual id would escape a disable.
 */
export function recordedActorId(sub: string): string {
  return recordText(sub, L.actorId);
}

const nullable = (value: string | null, max: number) => (value === null ? null : recordText(value, max));

/**
 * The one builder of audit records: every writer (the data subgraphs' plugin, the recorder's own
 * reads, the access monitor) goes through it, and what it returns the intake accepts, whatever
 * the caller chose for a name, an agent or an id (tested over generated input).
 */
export function buildAuditRecord(draft: AuditRecordDraft): AuditRecordInput {
  const roles = draft.roles.slice(0, L.roles).map((r) => recordText(r, L.role));
  const fieldsOf = (list: AuditRecordInput['fields'], max: number) =>
    list.slice(0, max).map((f) => ({ path: recordText(f.path, L.fieldPath), outcome: f.outcome }));
  // Rows that carried the same fields share one entry. A record with rows has, by definition,
  // their union as its fields (the contract's AuditEvent.fields): it is not stored twice but
  // derived on reading (recordFields).
  const groups = new Map<string, { type: string; ids: string[]; fields: FieldAccess[] }>();
  let expanded = 0;
  for (const e of (draft.entities ?? []).slice(0, L.entities)) {
    const type = recordText(e.type, L.entityType);
    const rowFields = fieldsOf(e.fields, L.entityFields);
    // Within what a record may read back as (the plugin splits rows into records so it never cuts).
    expanded += rowFields.length;
    if (expanded > L.rowFields) break;
    const key = `${type}\n${rowFields.map((f) => `${f.path}\t${f.outcome}`).join('\n')}`;
    const group = groups.get(key);
    if (group) group.ids.push(recordText(e.id, L.recordId));
    else groups.set(key, { type, ids: [recordText(e.id, L.recordId)], fields: rowFields });
  }
  const entities = [...groups.values()];
  const fields = entities.length > 0 ? [] : fieldsOf(draft.fields, L.fields);
  return {
    id: draft.id ?? randomUUID(),
    occurredAt: recordText(draft.occurredAt, 32),
    actorId: recordText(draft.actorId, L.actorId),
    roles,
    action: draft.action,
    auditId: recordText(draft.auditId, L.auditId),
    requestId: recordText(draft.requestId, L.requestId),
    subgraph: recordText(draft.subgraph, L.subgraph),
    patientId: nullable(draft.patientId, L.recordId),
    entityType: nullable(draft.entityType, L.entityType),
    entityId: nullable(draft.entityId, L.recordId),
    purpose: recordText(draft.purpose, L.purpose),
    fields,
    entities,
    outcome: draft.outcome,
    operationName: nullable(draft.operationName, L.operationName),
    operationHash: nullable(draft.operationHash, L.operationHash),
    ipAddress: recordText(draft.ipAddress, L.ipAddress),
    userAgent: nullable(draft.userAgent, L.userAgent),
    beforeState: draft.beforeState,
    afterState: draft.afterState,
  };
}

const RANK: Record<Outcome, number> = { CLEAR: 0, MASKED: 1, ERROR: 2, DENIED: 3 };
/** The more restrictive of two outcomes (DENIED over ERROR over MASKED over CLEAR). */
export const worstOutcome = (a: Outcome | undefined, b: Outcome): Outcome =>
  a === undefined || RANK[b] > RANK[a] ? b : a;

/** Per field path, the most restrictive outcome over the rows, in the order paths first appear. */
function unionOf(entities: readonly { fields: readonly FieldAccess[] }[]): FieldAccess[] {
  const union = new Map<string, FieldAccess['outcome']>();
  for (const e of entities) {
    for (const f of e.fields) {
      union.set(f.path, worstOutcome(union.get(f.path), f.outcome));
    }
  }
  return [...union].map(([path, outcome]) => ({ path, outcome }));
}

/** A stored record's rows, one entry per row, whether it was written grouped or one row per entry. */
export function recordRows(entities: AuditRecordInput['entities']): EntityAccess[] {
  return entities.flatMap((e) => ('ids' in e ? e.ids.map((id) => ({ type: e.type, id, fields: e.fields })) : [e]));
}

/** A stored record's fields: as stored, or, when left out because its rows say them, derived from the rows. */
export function recordFields(record: Pick<AuditRecordInput, 'fields' | 'entities'>): FieldAccess[] {
  return record.fields.length > 0 || record.entities.length === 0 ? record.fields : unionOf(record.entities);
}
