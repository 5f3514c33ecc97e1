import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const wide = (table: string, columns: [string, number, boolean][]) =>
  `ALTER TABLE ${table} ${columns.map(([c, n, nullable]) => `MODIFY ${c} varchar(${n}) ${nullable ? 'NULL' : 'NOT NULL'}`).join(', ')}`;

/**
 * Field encryption: identifying columns widened for sealed values (a sealed value is about
 * 4/3 of its plaintext plus 50 characters), and blind-index columns for equality search. The MRN
 * stays unique through its blind index (equal MRNs seal to different ciphertexts).
 */
export class SealIdentifiers1764200000000 implements MigrationInterface {
  name = 'SealIdentifiers1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.dropIndex('patient', 'ux_patient_mrn');
    // SQLite does not enforce varchar lengths; MySQL needs the room.
    if (q.connection.options.type === 'mysql') {
      await q.query(
        wide('patient', [
          ['mrn', 1024, false],
          ['family', 1024, true],
          ['birth_date', 1024, true],
          ['ssn', 1024, true],
          ['phone', 1024, true],
          ['email', 1024, true],
          ['city', 1024, true],
          ['postal_code', 1024, true],
        ]),
      );
      await q.query(wide('practitioner', [['family', 1024, true]]));
      await q.query(
        wide('coverage', [
          ['member_id', 512, false],
          ['group_number', 512, true],
        ]),
      );
    }
    await q.addColumns(
      'patient',
      ['mrn_index', 'ssn_index', 'phone_index', 'email_index'].map(
        (name) => new TableColumn({ name, type: 'varchar', length: '32', isNullable: true }),
      ),
    );
    await q.createIndex(
      'patient',
      new TableIndex({ name: 'ux_patient_mrn_index', columnNames: ['mrn_index'], isUnique: true }),
    );
    for (const c of ['ssn', 'phone', 'email']) {
      await q.createIndex('patient', new TableIndex({ name: `ix_patient_${c}_index`, columnNames: [`${c}_index`] }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['ssn', 'phone', 'email']) await q.dropIndex('patient', `ix_patient_${c}_index`);
    await q.dropIndex('patient', 'ux_patient_mrn_index');
    await q.dropColumns('patient', ['mrn_index', 'ssn_index', 'phone_index', 'email_index']);
  }
}
