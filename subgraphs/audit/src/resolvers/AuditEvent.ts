import type { AuditEventResolvers } from '../__generated__/resolvers-types.js';
import type { FieldAccessRecord } from '../entities/index.js';
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
  fields: (e) => list<FieldAccessRecord>(e.fields),
  entities: (e) => list<{ type: string; id: string; fields: FieldAccessRecord[] }>(e.entities),
  purpose: (e) => e.purpose,
  action: (e) => e.action,
  // One signed tree read per request for every event on the page (the context's loader batches them).
  proof: async (e, _args, ctx) => {
    const doc = await proofOrRefusal(() => ctx.proofs.load(e.id));
    return doc ? proofView(doc) : null;
  },
};
