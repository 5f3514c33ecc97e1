import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Note text is sealed (field encryption): a sealed value is about 4/3 of its plaintext, so the
 * longest note accepted (20,000 characters, up to 80 KB of UTF-8) needs MEDIUMTEXT on MySQL.
 * SQLite's TEXT has no such limit.
 */
export class SealNoteText1764100000000 implements MigrationInterface {
  name = 'SealNoteText1764100000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'mysql')
      await q.query('ALTER TABLE clinical_note MODIFY `text` MEDIUMTEXT NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'mysql') await q.query('ALTER TABLE clinical_note MODIFY `text` TEXT NOT NULL');
  }
}
