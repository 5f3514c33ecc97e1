import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An emergency-access grant: who, which patient, why, until when, and its review. */
@Entity({ name: 'break_glass_grant' })
export class BreakGlassGrantRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Monotonic position for the review queue's cursor. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  sequence: number;

  @Column({ name: 'actor_id', type: 'varchar', length: 128 })
  actorId: string;

  @Column({ name: 'patient_id', type: 'varchar', length: 36 })
  patientId: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'granted_at', type: 'varchar', length: 32 })
  grantedAt: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 32 })
  expiresAt: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: string | null;

  @Column({ name: 'review_comment', type: 'text', nullable: true })
  reviewComment: string | null;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 128, nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'varchar', length: 32, nullable: true })
  reviewedAt: string | null;
}
