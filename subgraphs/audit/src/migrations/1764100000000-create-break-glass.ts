import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const v = (name: string, length: number, isNullable = false) =>
  ({ name, type: 'varchar', length: String(length), isNullable }) as const;

/** Break-glass grants and their review queue. */
export class CreateBreakGlass1764100000000 implements MigrationInterface {
  name = 'CreateBreakGlass1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'break_glass_grant',
        columns: [
          { ...v('id', 36), isPrimary: true },
          { name: 'sequence', type: 'bigint' },
          v('actor_id', 128),
          v('patient_id', 36),
          { name: 'reason', type: 'text' },
          v('granted_at', 32),
          v('expires_at', 32),
          v('status', 16),
          v('outcome', 16, true),
          { name: 'review_comment', type: 'text', isNullable: true },
          v('reviewed_by', 128, true),
          v('reviewed_at', 32, true),
        ],
        indices: [
          new TableIndex({ name: 'ux_break_glass_sequence', columnNames: ['sequence'], isUnique: true }),
          new TableIndex({ name: 'ix_break_glass_actor', columnNames: ['actor_id', 'expires_at'] }),
          new TableIndex({ name: 'ix_break_glass_status', columnNames: ['status', 'sequence'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('break_glass_grant');
  }
}
