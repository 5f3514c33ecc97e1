import fs from 'node:fs';
import path from 'node:path';
import { DEV_KEYS, persistEmbedded, type DatabaseConfig, type KeySettings, type Logger } from '@ehr/common';
import { withSealedDatabase, type SealedSubgraph } from '../keys/sealed-stores.js';
import * as medication from '@ehr/subgraph-medication';
import * as notes from '@ehr/subgraph-notes';
import * as patient from '@ehr/subgraph-patient';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { generateCoverage } from './coverage.js';
import type { DemoIdentity, SeedData } from './generate.js';

/** Rows per INSERT: well under MySQL's 65,535 placeholders for the widest table (14 columns). */
const CHUNK = 1000;

async function insertAll<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>, rows: T[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.createQueryBuilder().delete().from(entity).execute();
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx
        .createQueryBuilder()
        .insert()
        .into(entity)
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
  });
}

export function identitiesFile(config: DatabaseConfig): string {
  return path.join(config.dataDir, 'demo-identities.json');
}

/** The demo identities written by the last seed, or [] before any seed. */
export function readIdentities(config: DatabaseConfig): DemoIdentity[] {
  try {
    return JSON.parse(fs.readFileSync(identitiesFile(config), 'utf8')) as DemoIdentity[];
  } catch {
    return [];
  }
}

/** A data subgraph's database as its service opens it: migrated, with its columns sealed. */
async function withDatabase<T>(
  name: SealedSubgraph,
  config: DatabaseConfig,
  logger: Logger,
  keys: KeySettings,
  work: (db: DataSource) => Promise<T>,
): Promise<T> {
  return withSealedDatabase(name, config, keys, logger, { sealRows: true }, async (db) => {
    const result = await work(db);
    await persistEmbedded(db);
    return result;
  });
}

/** Whether the patient database already holds patients (npm start seeds only an empty one). */
export async function hasPatients(config: DatabaseConfig, logger: Logger, keys = DEV_KEYS): Promise<boolean> {
  return withDatabase(
    'patient',
    config,
    logger,
    keys,
    async (db) => (await db.getRepository(patient.PatientRecord).count()) > 0,
  );
}

/**
 * Replaces the clinical data of the patient, medication and notes databases with `data`, each in
 * one transaction. The audit log is never touched: it is append-only whatever happens to the data.
 */
export async function writeSeedData(
  data: SeedData,
  config: DatabaseConfig,
  logger: Logger,
  seed = 1,
  keys = DEV_KEYS,
): Promise<void> {
  await withDatabase('patient', config, logger, keys, async (db) => {
    await insertAll(db, patient.CareTeamMemberRecord, data.careTeam);
    await insertAll(
      db,
      patient.PatientRecord,
      data.patients.map((p) => ({ ...p, createdAt: new Date() })),
    );
    await insertAll(db, patient.PractitionerRecord, data.practitioners);
    await insertAll(db, patient.CoverageRecord, generateCoverage(data.patients, seed));
  });
  await withDatabase('medication', config, logger, keys, async (db) => {
    await insertAll(
      db,
      medication.MedicationRequestRecord,
      data.medications.map(({ system, ...m }) => ({ ...m, codeSystem: system })),
    );
  });
  await withDatabase('notes', config, logger, keys, async (db) => {
    await insertAll(db, notes.ClinicalNoteRecord, data.notes);
  });
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(identitiesFile(config), JSON.stringify(data.identities, null, 2) + '\n', { mode: 0o600 });
}
