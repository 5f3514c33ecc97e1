import { jsonStringArray } from '@ehr/common';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A clinician who can sit on care teams, prescribe and author notes. */
@Entity({ name: 'practitioner' })
export class PractitionerRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Given names, stored as a JSON array. */
  @Column({ name: 'given_names', type: 'text', transformer: jsonStringArray })
  givenNames: string[];

  @Column({ type: 'varchar', length: 255, nullable: true })
  family: string | null;

  /** physician or nurse. */
  @Column({ type: 'varchar', length: 32 })
  qualification: string;
}
