import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { SUBGRAPHS, type DatabaseConfig } from '@ehr/common';

/** Set by test/run.js when MySQL answers; empty means the embedded SQLite database. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL || undefined;
export const usingMysql = TEST_MYSQL_URL !== undefined;

export interface TestDatabase {
  config: DatabaseConfig;
  /** Environment for a spawned service to use the same databases. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A private set of databases for one test file: on MySQL a unique prefix (t<hex>_patient, ...),
 * dropped afterwards; on SQLite a temporary DATA_DIR. Tests never share data.
 */
export function testDatabase(mysqlUrl: string | undefined = TEST_MYSQL_URL): TestDatabase {
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-test-'));
  const config: DatabaseConfig = { mysqlUrl, databasePrefix: prefix, dataDir, poolSize: 5 };
  const env: Record<string, string> = { MYSQL_DATABASE_PREFIX: prefix, DATA_DIR: dataDir };
  if (mysqlUrl) env.MYSQL_URL = mysqlUrl;
  return {
    config,
    env,
    async cleanup() {
      if (mysqlUrl) {
        const conn = await mysql.createConnection({ uri: mysqlUrl });
        try {
          for (const s of SUBGRAPHS) await conn.query(`DROP DATABASE IF EXISTS \`${prefix}${s}\``);
        } finally {
          await conn.end();
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
