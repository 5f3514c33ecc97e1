import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A security incident: who, what kind, how severe, and the figures that raised it. */
@Entity({ name: 'security_incident' })
export class SecurityIncidentRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 128 })
  actorId: string;

  @Column({ type: 'varchar', length: 16 })
  severity: string;

  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ name: 'distinct_patients', type: 'int' })
  distinctPatients: number;

  @Column({ type: 'int' })
  baseline: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}

/** Whether an account may use the gateway. Read by every gateway replica. */
@Entity({ name: 'account_status' })
export class AccountStatusRecord {
  @PrimaryColumn({ name: 'actor_id', type: 'varchar', length: 128 })
  actorId: string;

  @Column({ type: 'boolean' })
  disabled: boolean;

  /** Sealed (see entities/stores.ts): an admin's comment is free text. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'changed_at', type: 'varchar', length: 32 })
  changedAt: string;

  @Column({ name: 'changed_by', type: 'varchar', length: 128 })
  changedBy: string;
}
