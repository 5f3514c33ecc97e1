import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the intake accepts must fit the table: a 20,000-character note sealed is about 80 KB and
 * 500 field paths about 70 KB, past TEXT's 64 KB on MySQL, and an insert the database refuses
 * would block its sender. SQLite's TEXT has no such limit.
 */
export class WidenAuditColumns1764700000000 implements MigrationInterface {
  name = 'WidenAuditColumns1764700000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    await q.query('ALTER TABLE hipaa_audit_log MODIFY `fields` MEDIUMTEXT NOT NULL');
    await q.query('ALTER TABLE hipaa_audit_log MODIFY `before_state` MEDIUMTEXT NULL');
    await q.query('ALTER TABLE hipaa_audit_log MODIFY `after_state` MEDIUMTEXT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    await q.query('ALTER TABLE hipaa_audit_log MODIFY `fields` TEXT NOT NULL');
    await q.query('ALTER TABLE hipaa_audit_log MODIFY `before_state` TEXT NULL');
    await q.query('ALTER TABLE hipaa_audit_log MODIFY `after_state` TEXT NULL');
  }
}
