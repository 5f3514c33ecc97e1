import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface FieldAccessRecord {
  path: string;
  outcome: string;
}

/**
 * One request's access to one record in one subgraph: the seed design's hipaa_audit_log
 * (id, user, action, resource, time, address, agent, before/after) extended with fields,
 * outcome, audit id, sequence number and chain hash. Names fields and ids, never values.
 */
@Entity({ name: 'hipaa_audit_log' })
export class AuditEventRecord {
  @PrimaryColumn({ name: 'log_id', type: 'varchar', length: 36 })
  id: string;

  /** Position in the hash chain; assigned by the single writer, gap-free. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  sequence: number;

  @Column({ name: 'occurred_at', type: 'varchar', length: 32 })
  occurredAt: string;

  @Column({ name: 'user_id', type: 'varchar', length: 128 })
  actorId: string;

  /** JSON array of the actor's roles. */
  @Column({ type: 'varchar', length: 255 })
  roles: string;

  @Column({ name: 'action_type', type: 'varchar', length: 50 })
  action: string;

  @Column({ name: 'audit_id', type: 'varchar', length: 128 })
  auditId: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ type: 'varchar', length: 32 })
  subgraph: string;

  @Column({ name: 'patient_id', type: 'varchar', length: 36, nullable: true })
  patientId: string | null;

  @Column({ name: 'entity_type', type: 'varchar', length: 64, nullable: true })
  entityType: string | null;

  /** resource_id in the seed design. */
  @Column({ name: 'resource_id', type: 'varchar', length: 36, nullable: true })
  entityId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  purpose: string | null;

  /** JSON array of { path, outcome }. */
  @Column({ type: 'text' })
  fields: string;

  /** JSON array of { type, id, fields: [{ path, outcome }] }: the rows the record covers. */
  @Column({ type: 'text', nullable: true })
  entities: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ name: 'operation_name', type: 'varchar', length: 128, nullable: true })
  operationName: string | null;

  @Column({ name: 'operation_hash', type: 'varchar', length: 64, nullable: true })
  operationHash: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45 })
  ipAddress: string;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  /** Encrypted; only for mutations. */
  @Column({ name: 'before_state', type: 'text', nullable: true })
  beforeState: string | null;

  @Column({ name: 'after_state', type: 'text', nullable: true })
  afterState: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ name: 'chain_hash', type: 'varchar', length: 64 })
  chainHash: string;
}
