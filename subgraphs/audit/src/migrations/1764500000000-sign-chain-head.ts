import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The chain head carries its own signature: every committed group ends in a signed head. */
export class SignChainHead1764500000000 implements MigrationInterface {
  name = 'SignChainHead1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'audit_chain_head',
      new TableColumn({ name: 'signature', type: 'varchar', length: '128', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('audit_chain_head', 'signature');
  }
}
