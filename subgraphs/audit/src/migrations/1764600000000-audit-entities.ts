import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** A record covers several rows of one patient: their types, ids and per-field outcomes. */
export class AuditEntities1764600000000 implements MigrationInterface {
  name = 'AuditEntities1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // MEDIUMTEXT on MySQL (TEXT stops at 64 KB); SQLite's TEXT has no such limit.
    const mysql = q.connection.options.type === 'mysql';
    await q.addColumn(
      'hipaa_audit_log',
      new TableColumn({ name: 'entities', type: mysql ? 'mediumtext' : 'text', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('hipaa_audit_log', 'entities');
  }
}
