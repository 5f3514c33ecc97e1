import { recordFields, recordRows, type AuditRecordInput } from '@ehr/common';
import type { AuditEventResolvers } from '../__generated__/resolvers-types.js';
import { proofOrRefusal, proofView } from './proof-view.js';

function list<T>(json: string | null | undefined): T[] {
  try {
    const parsed: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

/** A row's stored entities, parsed once however many of its fields are asked for. */
const parsedEntities = new WeakMap<object, AuditRecordInput['entities']>();
function entitiesOf(e: { entities: string | null }): AuditRecordInput['entities'] {
  let parsed = parsedEntities.get(e);
  if (!parsed) parsedEntities.set(e, (parsed = list<AuditRecordInput['entities'][number]>(e.entities)));
  return parsed;
}

export const AuditEvent: AuditEventResolvers = {
  // Stored compactly (rows with the same fields grouped, the record's fields derived from them):
  // read back one entry per row, and the record's fields in full.
  fields: (e) => recordFields({ fields: list<AuditRecordInput['fields'][number]>(e.fields), entities: entitiesOf(e) }),
  entities: (e) => recordRows(entitiesOf(e)),
  purpose: (e) => e.purpose,
  action: (e) => e.action,
  // One signed tree read per request for every event on the page (the context's loader batches them).
  proof: async (e, _args, ctx) => {
    const doc = await proofOrRefusal(() => ctx.proofs.load(e.id));
    return doc ? proofView(doc) : null;
  },
};
