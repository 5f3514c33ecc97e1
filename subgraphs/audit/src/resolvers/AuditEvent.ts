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

export const AuditEvent: AuditEventResolvers = {
  // Stored compactly (rows with the same fields grouped, the record's fields derived from them):
  // read back one entry per row, and the record's fields in full.
  fields: (e) =>
    recordFields({
      fields: list<AuditRecordInput['fields'][number]>(e.fields),
      entities: list<AuditRecordInput['entities'][number]>(e.entities),
    }),
  entities: (e) => recordRows(list<AuditRecordInput['entities'][number]>(e.entities)),
  purpose: (e) => e.purpose,
  action: (e) => e.action,
  // One signed tree read per request for every event on the page (the context's loader batches them).
  proof: async (e, _args, ctx) => {
    const doc = await proofOrRefusal(() => ctx.proofs.load(e.id));
    return doc ? proofView(doc) : null;
  },
};
