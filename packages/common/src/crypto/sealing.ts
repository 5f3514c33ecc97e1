import fs from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DataSource } from 'typeorm';
import { KeyProviderError } from './key-provider.js';
import type { KeySettings } from '../config/subgraph.js';
import { readPhiClasses, type MaskStyle } from '../phi/classification.js';
import type { Logger } from '../server/logger.js';
import { readSchema } from '../server/schema-file.js';
import type { FieldCipher } from './field-cipher.js';
import { openFieldCipher } from './key-source.js';
import { SealedColumns, sealPlan, type StoredField, type StoredTable } from './sealed-columns.js';

export interface Sealing {
  subscriber: SealedColumns;
  cipher: FieldCipher;
  /** The sealed columns per table (with their blind indexes and masked forms), for re-encryption and the docs. */
  sealed: {
    entity: StoredTable['entity'];
    table: string;
    fields: StoredField[];
    masked: { form: StoredField; source: StoredField; style: MaskStyle }[];
  }[];
  close: () => Promise<void>;
  /**
   * Refuses a keyring this start made over a database that already holds sealed values (the
   * keyring was lost or DATA_DIR is not the one the data was written with): the new keys could
   * not open them, and what the service wrote would not open with the old. The made keyring is
   * removed so that restoring the right one is all it takes.
   */
  checkKeyringFits: (db: DataSource) => Promise<void>;
}

/**
 * Field encryption for one subgraph's tables: which columns are sealed comes from the @phi
 * classification of the fields they store (read from the subgraph's own schema file), and the
 * keys from the configured provider. A stored field without a classification refuses the start.
 */
export async function openSealing(
  stores: readonly StoredTable[],
  schemaFile: string,
  keys: KeySettings,
  dataDir: string,
  logger: Logger,
): Promise<Sealing> {
  const { classes, problems } = readPhiClasses(buildSubgraphSchema({ typeDefs: readSchema(schemaFile) }));
  const plan = sealPlan(stores, classes);
  const all = [...problems, ...plan.problems];
  if (all.length > 0) throw new Error(`field encryption cannot be planned: ${all.join('; ')}`);
  const { cipher, close, createdKeyring, keyringFile } = await openFieldCipher(keys, dataDir, logger);
  return {
    subscriber: new SealedColumns(plan, cipher),
    cipher,
    sealed: [...plan.tables].map(([entity, t]) => ({ entity, table: t.table, fields: t.sealed, masked: t.masked })),
    close,
    checkKeyringFits: async (db) => {
      if (!createdKeyring) return;
      const q = (n: string) => db.driver.escape(n);
      for (const t of plan.tables.values()) {
        for (const f of t.sealed) {
          const rows = (await db.query(
            `SELECT 1 AS x FROM ${q(t.table)} WHERE ${q(f.column)} LIKE 'enc1:%' LIMIT 1`,
          )) as unknown[];
          if (rows.length > 0) {
            fs.rmSync(keyringFile, { force: true });
            throw new KeyProviderError(
              `no keyring was found at ${keyringFile}, but ${t.table} holds sealed values: restore the keyring (and its master key) the data was written with`,
            );
          }
        }
      }
    },
  };
}
