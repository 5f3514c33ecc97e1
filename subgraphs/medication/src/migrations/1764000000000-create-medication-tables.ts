import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Medication requests, indexed for "this patient's medications, newest first". */
export class CreateMedicationTables1764000000000 implements MigrationInterface {
  name = 'CreateMedicationTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'medication_request',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'patient_id', type: 'varchar', length: '36' },
          { name: 'prescriber_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'code_system', type: 'varchar', length: '128' },
          { name: 'code', type: 'varchar', length: '32' },
          { name: 'display', type: 'varchar', length: '255' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'authored_on', type: 'varchar', length: '10' },
          { name: 'end_date', type: 'varchar', length: '10', isNullable: true },
          { name: 'dosage_text', type: 'text' },
        ],
        indices: [new TableIndex({ name: 'ix_medication_patient', columnNames: ['patient_id', 'authored_on'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('medication_request');
  }
}
