import {
  openDatabase,
  openSealing,
  type DatabaseConfig,
  type KeySettings,
  type Logger,
  type Sealing,
  type StoredTable,
} from '@ehr/common';
import * as audit from '@ehr/subgraph-audit';
import * as medication from '@ehr/subgraph-medication';
import * as notes from '@ehr/subgraph-notes';
import * as patient from '@ehr/subgraph-patient';
import type { DataSource } from 'typeorm';

/** The subgraphs whose tables hold sealed columns (the audit subgraph's break-glass reasons too), as their services open them. */
export const SEALED_SUBGRAPHS = {
  patient: { ...patient, schemaFile: patient.patientSubgraph.schemaFile },
  medication: { ...medication, schemaFile: medication.medicationSubgraph.schemaFile },
  notes: { ...notes, schemaFile: notes.notesSubgraph.schemaFile },
  audit: { ...audit, schemaFile: audit.auditSubgraph.schemaFile },
};
export type SealedSubgraph = keyof typeof SEALED_SUBGRAPHS;

/**
 * A data subgraph's database (migrated) with its sealing plan and cipher. `sealRows` adds the
 * sealing subscriber (the seeder writes plaintext rows); without it, rows are read and written
 * as stored (the key tools work on ciphertext).
 */
export async function withSealedDatabase<T>(
  name: SealedSubgraph,
  config: DatabaseConfig,
  keys: KeySettings,
  logger: Logger,
  options: { sealRows: boolean },
  work: (db: DataSource, sealing: Sealing) => Promise<T>,
): Promise<T> {
  const spec: { entities: unknown[]; migrations: unknown[]; stores: readonly StoredTable[]; schemaFile: string } =
    SEALED_SUBGRAPHS[name];
  const sealing = await openSealing(spec.stores, spec.schemaFile, keys, config.dataDir, logger);
  try {
    const db = await openDatabase({
      subgraph: name,
      config,
      entities: spec.entities as never,
      migrations: spec.migrations as never,
      logger,
      autoSave: false,
      subscribers: options.sealRows ? [sealing.subscriber] : [],
    });
    try {
      // Never work with a keyring just made over data sealed under another (`seed --if-empty`,
      // the first step of npm start, would otherwise leave one for the services to use).
      await sealing.checkKeyringFits(db);
      return await work(db, sealing);
    } finally {
      await db.destroy();
    }
  } finally {
    await sealing.close();
  }
}
