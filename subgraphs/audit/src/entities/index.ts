import { AuditChainHeadRecord, AuditCheckpointRecord } from './audit-chain.js';
import { AuditEventRecord } from './audit-event.js';
import { BreakGlassGrantRecord } from './break-glass-grant.js';

export { AuditEventRecord, type FieldAccessRecord } from './audit-event.js';
export { AuditChainHeadRecord, AuditCheckpointRecord, BreakGlassGrantRecord };
export const entities = [AuditEventRecord, BreakGlassGrantRecord, AuditChainHeadRecord, AuditCheckpointRecord];
