import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Sealed columns for the masked forms of masked identifiers (see entities/stores.ts `maskOf`). */
const FORMS: Record<string, string[]> = {
  patient: ['mrn_masked', 'birth_date_masked', 'ssn_masked', 'phone_masked', 'email_masked'],
  coverage: ['member_id_masked', 'group_number_masked'],
};

/**
 * Masked forms kept beside the values they mask (sealed like them), so a masked read decrypts
 * `***-**-6789`, never the SSN. Existing rows get theirs from `npm run keys -- reencrypt`; until
 * then their masked reads mask the whole value, as before.
 */
export class KeepMaskedForms1764300000000 implements MigrationInterface {
  name = 'KeepMaskedForms1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(FORMS)) {
      await q.addColumns(
        table,
        columns.map((name) => new TableColumn({ name, type: 'varchar', length: '512', isNullable: true })),
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(FORMS)) await q.dropColumns(table, columns);
  }
}
