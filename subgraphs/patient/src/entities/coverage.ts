import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A health plan covering a patient. The member id is an identifier (Safe Harbor #9). */
@Entity({ name: 'coverage' })
export class CoverageRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'patient_id', type: 'varchar', length: 36 })
  patientId: string;

  @Column({ type: 'varchar', length: 128 })
  payer: string;

  @Column({ name: 'plan_name', type: 'varchar', length: 128 })
  planName: string;

  @Column({ name: 'member_id', type: 'varchar', length: 512 })
  memberId: string;

  @Column({ name: 'group_number', type: 'varchar', length: 512, nullable: true })
  groupNumber: string | null;

  /** Masked forms (sealed), kept so a masked read never opens the value itself (stores.ts `maskOf`). */
  @Column({ name: 'member_id_masked', type: 'varchar', length: 512, nullable: true })
  memberIdMasked?: string | null;

  @Column({ name: 'group_number_masked', type: 'varchar', length: 512, nullable: true })
  groupNumberMasked?: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'period_start', type: 'varchar', length: 10 })
  periodStart: string;

  @Column({ name: 'period_end', type: 'varchar', length: 10, nullable: true })
  periodEnd: string | null;
}
