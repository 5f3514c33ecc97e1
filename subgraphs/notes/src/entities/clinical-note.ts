import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A clinical note. The text column is sized for ciphertext (field encryption). */
@Entity({ name: 'clinical_note' })
export class ClinicalNoteRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'patient_id', type: 'varchar', length: 36 })
  patientId: string;

  @Column({ name: 'author_id', type: 'varchar', length: 36, nullable: true })
  authorId: string | null;

  /** progress, nursing, discharge or psychotherapy. */
  @Column({ type: 'varchar', length: 32 })
  type: string;

  /** ISO 8601 instant, UTC. */
  @Column({ name: 'authored_at', type: 'varchar', length: 32 })
  authoredAt: string;

  @Column({ type: 'text' })
  text: string;
}
