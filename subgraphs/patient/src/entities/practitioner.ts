import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A clinician who can sit on care teams, prescribe and author notes. */
@Entity({ name: 'practitioner' })
export class PractitionerRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Given names, a JSON array (sealed; the sealing subscriber encodes and decodes it). */
  @Column({ name: 'given_names', type: 'text' })
  givenNames: string[];

  @Column({ type: 'varchar', length: 1024, nullable: true })
  family: string | null;

  /** physician or nurse. */
  @Column({ type: 'varchar', length: 32 })
  qualification: string;
}
