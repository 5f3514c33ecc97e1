import { AuditEventRecord } from './audit-event.js';

export { AuditEventRecord, type FieldAccessRecord } from './audit-event.js';
export const entities = [AuditEventRecord];
