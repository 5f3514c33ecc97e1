import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Incidents raised by the access monitor, and account status (disabled / enabled). */
export class CreateSecurity1764300000000 implements MigrationInterface {
  name = 'CreateSecurity1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'security_incident',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'actor_id', type: 'varchar', length: '128' },
          { name: 'severity', type: 'varchar', length: '16' },
          { name: 'kind', type: 'varchar', length: '64' },
          { name: 'distinct_patients', type: 'int' },
          { name: 'baseline', type: 'int' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        indices: [new TableIndex({ name: 'ix_incident_created', columnNames: ['created_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'account_status',
        columns: [
          { name: 'actor_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'disabled', type: 'boolean' },
          { name: 'reason', type: 'varchar', length: '255' },
          { name: 'changed_at', type: 'varchar', length: '32' },
          { name: 'changed_by', type: 'varchar', length: '128' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('account_status');
    await q.dropTable('security_incident');
  }
}
