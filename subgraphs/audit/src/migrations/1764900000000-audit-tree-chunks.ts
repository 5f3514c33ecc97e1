import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Roots of complete 1,024-record runs of the Merkle tree, so proofs need not read the whole log. */
export class AuditTreeChunks1764900000000 implements MigrationInterface {
  name = 'AuditTreeChunks1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_tree_chunk',
        columns: [
          { name: 'chunk_index', type: 'int', isPrimary: true },
          { name: 'root', type: 'varchar', length: '64' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_tree_chunk');
  }
}
