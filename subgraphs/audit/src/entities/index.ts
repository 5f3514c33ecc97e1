import { AuditChainHeadRecord, AuditCheckpointRecord, AuditTreeChunkRecord } from './audit-chain.js';
import { AuditEventRecord } from './audit-event.js';
import { BreakGlassGrantRecord } from './break-glass-grant.js';
import { AccountStatusRecord, SecurityIncidentRecord } from './security.js';

export { AuditEventRecord, type FieldAccessRecord } from './audit-event.js';
export {
  AccountStatusRecord,
  AuditChainHeadRecord,
  AuditCheckpointRecord,
  AuditTreeChunkRecord,
  BreakGlassGrantRecord,
  SecurityIncidentRecord,
};
export const entities = [
  AuditEventRecord,
  BreakGlassGrantRecord,
  AuditChainHeadRecord,
  AuditCheckpointRecord,
  AuditTreeChunkRecord,
  SecurityIncidentRecord,
  AccountStatusRecord,
];
