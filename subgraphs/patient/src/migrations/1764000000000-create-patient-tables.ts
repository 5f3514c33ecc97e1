import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true } as const;
const text = (name: string, nullable = true) => ({ name, type: 'varchar', length: '255', isNullable: nullable });

/** Patients, practitioners and care teams. Portable Table API: the same migration on MySQL and SQLite. */
export class CreatePatientTables1764000000000 implements MigrationInterface {
  name = 'CreatePatientTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'patient',
        columns: [
          id,
          text('mrn', false),
          { name: 'given_names', type: 'text' },
          text('family'),
          text('birth_date'),
          { name: 'gender', type: 'varchar', length: '32', isNullable: true },
          text('ssn'),
          text('phone'),
          text('email'),
          { name: 'address_lines', type: 'text' },
          text('city'),
          { name: 'state', type: 'varchar', length: '64', isNullable: true },
          text('postal_code'),
          { name: 'created_at', type: 'datetime', default: 'CURRENT_TIMESTAMP' },
        ],
        indices: [new TableIndex({ name: 'ux_patient_mrn', columnNames: ['mrn'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'practitioner',
        columns: [
          id,
          { name: 'given_names', type: 'text' },
          text('family'),
          { name: 'qualification', type: 'varchar', length: '32' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'care_team_member',
        columns: [
          id,
          { name: 'patient_id', type: 'varchar', length: '36' },
          { name: 'practitioner_id', type: 'varchar', length: '36' },
          { name: 'role', type: 'varchar', length: '32' },
          { name: 'period_start', type: 'varchar', length: '10' },
          { name: 'period_end', type: 'varchar', length: '10', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'ix_care_team_patient', columnNames: ['patient_id', 'practitioner_id'] }),
          new TableIndex({ name: 'ix_care_team_practitioner', columnNames: ['practitioner_id', 'patient_id'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('care_team_member');
    await q.dropTable('practitioner');
    await q.dropTable('patient');
  }
}
