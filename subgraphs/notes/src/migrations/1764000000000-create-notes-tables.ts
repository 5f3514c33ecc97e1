import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Clinical notes, indexed for "this patient's notes, newest first". */
export class CreateNotesTables1764000000000 implements MigrationInterface {
  name = 'CreateNotesTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'clinical_note',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'patient_id', type: 'varchar', length: '36' },
          { name: 'author_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'authored_at', type: 'varchar', length: '32' },
          { name: 'text', type: 'text' },
        ],
        indices: [new TableIndex({ name: 'ix_note_patient', columnNames: ['patient_id', 'authored_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('clinical_note');
  }
}
