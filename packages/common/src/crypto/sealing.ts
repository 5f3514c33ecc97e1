import { buildSubgraphSchema } from '@apollo/subgraph';
import type { KeySettings } from '../config/subgraph.js';
import { readPhiClasses } from '../phi/classification.js';
import type { Logger } from '../server/logger.js';
import { readSchema } from '../server/schema-file.js';
import type { FieldCipher } from './field-cipher.js';
import { openFieldCipher } from './key-source.js';
import { SealedColumns, sealPlan, type StoredField, type StoredTable } from './sealed-columns.js';

export interface Sealing {
  subscriber: SealedColumns;
  cipher: FieldCipher;
  /** The sealed columns per table (with their blind indexes), for re-encryption and the docs. */
  sealed: { table: string; fields: StoredField[] }[];
  close: () => Promise<void>;
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
  const { cipher, close } = await openFieldCipher(keys, dataDir, logger);
  return {
    subscriber: new SealedColumns(plan, cipher),
    cipher,
    sealed: [...plan.tables.values()].map((t) => ({ table: t.table, fields: t.sealed })),
    close,
  };
}
