import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The chain head (one row) and signed checkpoints. */
export class CreateAuditChain1764200000000 implements MigrationInterface {
  name = 'CreateAuditChain1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_chain_head',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          { name: 'sequence', type: 'bigint' },
          { name: 'chain_hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    await q.query(`INSERT INTO audit_chain_head (id, sequence, chain_hash) VALUES (1, 0, '${'0'.repeat(64)}')`);
    await q.createTable(
      new Table({
        name: 'audit_checkpoint',
        columns: [
          { name: 'sequence', type: 'bigint', isPrimary: true },
          { name: 'chain_hash', type: 'varchar', length: '64' },
          { name: 'signature', type: 'varchar', length: '128' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_checkpoint');
    await q.dropTable('audit_chain_head');
  }
}
