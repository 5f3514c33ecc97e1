import { randomUUID } from 'node:crypto';
import type { AuditRecordInput } from '@ehr/common';

/** An access record as a data subgraph sends it, with what a test cares about overridden. */
export function auditRecord(overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    actorId: 'billing-1',
    roles: ['billing'],
    action: 'READ',
    auditId: 'test',
    requestId: randomUUID(),
    subgraph: 'patient',
    patientId: null,
    entityType: 'Patient',
    entityId: randomUUID(),
    purpose: 'PAYMENT',
    fields: [{ path: 'Patient.id', outcome: 'CLEAR' }],
    entities: [],
    outcome: 'CLEAR',
    operationName: null,
    operationHash: null,
    ipAddress: '127.0.0.1',
    userAgent: null,
    beforeState: null,
    afterState: null,
    ...overrides,
  };
}
