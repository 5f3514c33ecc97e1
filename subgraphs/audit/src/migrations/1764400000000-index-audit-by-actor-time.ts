import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The access monitor counts a user's distinct patients by time: index (user, time). */
export class IndexAuditByActorTime1764400000000 implements MigrationInterface {
  name = 'IndexAuditByActorTime1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'hipaa_audit_log',
      new TableIndex({ name: 'ix_audit_actor_time', columnNames: ['user_id', 'occurred_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('hipaa_audit_log', 'ix_audit_actor_time');
  }
}
