import { jsonStringArray } from '@ehr/common';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A patient's demographics. Identifier columns are sized for ciphertext (field encryption). */
@Entity({ name: 'patient' })
export class PatientRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  mrn: string;

  /** Given names, stored as a JSON array. */
  @Column({ name: 'given_names', type: 'text', transformer: jsonStringArray })
  givenNames: string[];

  @Column({ type: 'varchar', length: 255, nullable: true })
  family: string | null;

  @Column({ name: 'birth_date', type: 'varchar', length: 255, nullable: true })
  birthDate: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  gender: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  ssn: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email: string | null;

  /** Street lines, stored as a JSON array. */
  @Column({ name: 'address_lines', type: 'text', transformer: jsonStringArray })
  addressLines: string[];

  @Column({ type: 'varchar', length: 255, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  state: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 255, nullable: true })
  postalCode: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
