import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The Merkle tree's right edge and its signed tree head, kept with the chain head. */
export class AuditTreeHead1764800000000 implements MigrationInterface {
  name = 'AuditTreeHead1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('audit_chain_head', [
      new TableColumn({ name: 'tree_frontier', type: 'text', isNullable: true }),
      new TableColumn({ name: 'tree_root', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'tree_signature', type: 'varchar', length: '128', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('audit_chain_head', ['tree_frontier', 'tree_root', 'tree_signature']);
  }
}
