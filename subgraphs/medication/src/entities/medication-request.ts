import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An order for a medication (FHIR MedicationRequest, simplified). */
@Entity({ name: 'medication_request' })
export class MedicationRequestRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'patient_id', type: 'varchar', length: 36 })
  patientId: string;

  @Column({ name: 'prescriber_id', type: 'varchar', length: 36, nullable: true })
  prescriberId: string | null;

  @Column({ name: 'code_system', type: 'varchar', length: 128 })
  codeSystem: string;

  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 255 })
  display: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'authored_on', type: 'varchar', length: 10 })
  authoredOn: string;

  @Column({ name: 'end_date', type: 'varchar', length: 10, nullable: true })
  endDate: string | null;

  @Column({ name: 'dosage_text', type: 'text' })
  dosageText: string;
}
