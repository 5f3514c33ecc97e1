import type { AuditEventResolvers } from '../__generated__/resolvers-types.js';
import type { FieldAccessRecord } from '../entities/index.js';

export const AuditEvent: AuditEventResolvers = {
  fields: (e) => {
    try {
      const parsed: unknown = JSON.parse(e.fields);
      return Array.isArray(parsed) ? (parsed as FieldAccessRecord[]) : [];
    } catch {
      return [];
    }
  },
  purpose: (e) => e.purpose,
  action: (e) => e.action,
};
