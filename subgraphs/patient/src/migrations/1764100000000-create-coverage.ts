import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Health plan coverage, read by billing. */
export class CreateCoverage1764100000000 implements MigrationInterface {
  name = 'CreateCoverage1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'coverage',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'patient_id', type: 'varchar', length: '36' },
          { name: 'payer', type: 'varchar', length: '128' },
          { name: 'plan_name', type: 'varchar', length: '128' },
          { name: 'member_id', type: 'varchar', length: '255' },
          { name: 'group_number', type: 'varchar', length: '255', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'period_start', type: 'varchar', length: '10' },
          { name: 'period_end', type: 'varchar', length: '10', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_coverage_patient', columnNames: ['patient_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('coverage');
  }
}
