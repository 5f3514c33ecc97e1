import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A patient's demographics. Identifying columns hold sealed values (AES-256-GCM, see
 * entities/stores.ts); the *_index columns hold blind indexes for equality search.
 */
@Entity({ name: 'patient' })
export class PatientRecord {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 1024 })
  mrn: string;

  /** Given names, a JSON array (sealed); the sealing subscriber encodes and decodes it. */
  @Column({ name: 'given_names', type: 'text' })
  givenNames: string[];

  @Column({ type: 'varchar', length: 1024, nullable: true })
  family: string | null;

  @Column({ name: 'birth_date', type: 'varchar', length: 1024, nullable: true })
  birthDate: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  gender: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  ssn: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  email: string | null;

  /** Street lines, a JSON array (sealed). */
  @Column({ name: 'address_lines', type: 'text' })
  addressLines: string[];

  @Column({ type: 'varchar', length: 1024, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  state: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 1024, nullable: true })
  postalCode: string | null;

  /** Masked forms (sealed), kept so a masked read never opens the value itself (stores.ts `maskOf`). */
  @Column({ name: 'mrn_masked', type: 'varchar', length: 512, nullable: true })
  mrnMasked?: string | null;

  @Column({ name: 'birth_date_masked', type: 'varchar', length: 512, nullable: true })
  birthDateMasked?: string | null;

  @Column({ name: 'ssn_masked', type: 'varchar', length: 512, nullable: true })
  ssnMasked?: string | null;

  @Column({ name: 'phone_masked', type: 'varchar', length: 512, nullable: true })
  phoneMasked?: string | null;

  @Column({ name: 'email_masked', type: 'varchar', length: 512, nullable: true })
  emailMasked?: string | null;

  @Column({ name: 'mrn_index', type: 'varchar', length: 32, nullable: true })
  mrnIndex?: string | null;

  @Column({ name: 'ssn_index', type: 'varchar', length: 32, nullable: true })
  ssnIndex?: string | null;

  @Column({ name: 'phone_index', type: 'varchar', length: 32, nullable: true })
  phoneIndex?: string | null;

  @Column({ name: 'email_index', type: 'varchar', length: 32, nullable: true })
  emailIndex?: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
