import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const v = (name: string, length: number, isNullable = false) =>
  ({ name, type: 'varchar', length: String(length), isNullable }) as const;

/** The audit log: append-only by API (no update or delete resolvers exist). */
export class CreateAuditLog1764000000000 implements MigrationInterface {
  name = 'CreateAuditLog1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'hipaa_audit_log',
        columns: [
          { ...v('log_id', 36), isPrimary: true },
          { name: 'sequence', type: 'bigint' },
          v('occurred_at', 32),
          v('user_id', 128),
          v('roles', 255),
          v('action_type', 50),
          v('audit_id', 128),
          v('request_id', 128),
          v('subgraph', 32),
          v('patient_id', 36, true),
          v('entity_type', 64, true),
          v('resource_id', 36, true),
          v('purpose', 32, true),
          { name: 'fields', type: 'text' },
          v('outcome', 16),
          v('operation_name', 128, true),
          v('operation_hash', 64, true),
          v('ip_address', 45),
          { name: 'user_agent', type: 'text', isNullable: true },
          { name: 'before_state', type: 'text', isNullable: true },
          { name: 'after_state', type: 'text', isNullable: true },
          v('prev_hash', 64),
          v('chain_hash', 64),
        ],
        indices: [
          new TableIndex({ name: 'ux_audit_sequence', columnNames: ['sequence'], isUnique: true }),
          new TableIndex({ name: 'ix_audit_patient', columnNames: ['patient_id', 'sequence'] }),
          new TableIndex({ name: 'ix_audit_actor', columnNames: ['user_id', 'sequence'] }),
          new TableIndex({ name: 'ix_audit_audit_id', columnNames: ['audit_id'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('hipaa_audit_log');
  }
}
