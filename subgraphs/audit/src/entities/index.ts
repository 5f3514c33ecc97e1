import { AuditEventRecord } from './audit-event.js';
import { BreakGlassGrantRecord } from './break-glass-grant.js';

export { AuditEventRecord, type FieldAccessRecord } from './audit-event.js';
export { BreakGlassGrantRecord };
export const entities = [AuditEventRecord, BreakGlassGrantRecord];
