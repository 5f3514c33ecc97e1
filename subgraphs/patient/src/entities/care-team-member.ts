import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which practitioner treats which patient, in what role, over what period. */
@Entity({ name: 'care_team_member' })
export class CareTeamMemberRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'patient_id', type: 'varchar', length: 36 })
  patientId: string;

  @Column({ name: 'practitioner_id', type: 'varchar', length: 36 })
  practitionerId: string;

  @Column({ type: 'varchar', length: 32 })
  role: string;

  @Column({ name: 'period_start', type: 'varchar', length: 10 })
  periodStart: string;

  @Column({ name: 'period_end', type: 'varchar', length: 10, nullable: true })
  periodEnd: string | null;
}
