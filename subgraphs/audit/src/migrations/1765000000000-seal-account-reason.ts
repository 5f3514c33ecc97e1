import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An account's reason (an admin's free-text comment) is sealed: room for the sealed value. */
export class SealAccountReason1765000000000 implements MigrationInterface {
  name = 'SealAccountReason1765000000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'mysql') await q.query('ALTER TABLE account_status MODIFY reason TEXT NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'mysql') {
      await q.query('ALTER TABLE account_status MODIFY reason VARCHAR(255) NOT NULL');
    }
  }
}
