import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import {
  DataSource,
  type EntitySchema,
  type EntitySubscriberInterface,
  type Logger as TypeOrmLogger,
  type MixedList,
} from 'typeorm';
import type { DatabaseConfig } from '../config/index.js';
import type { ServiceMetrics } from '../server/metrics.js';
import type { Logger } from '../server/logger.js';

/** A startup failure an operator can act on; printed as one line, without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Where a subgraph's data lives, for messages (never carries credentials). */
export function describeDatabase(config: DatabaseConfig, subgraph: string): string {
  if (!config.mysqlUrl) return `SQLite ${sqlitePath(config, subgraph)}`;
  const u = new URL(config.mysqlUrl);
  return `MySQL ${u.hostname}:${u.port || 3306}/${databaseName(config, subgraph)}`;
}

export function databaseName(config: DatabaseConfig, subgraph: string): string {
  return `${config.databasePrefix}${subgraph}`;
}

export function sqlitePath(config: DatabaseConfig, subgraph: string): string {
  return path.join(config.dataDir, `${config.databasePrefix}${subgraph}.sqlite`);
}

/**
 * Counts statements for the metrics endpoint and logs failures by kind only: a failing
 * statement's text or parameters can hold PHI, so neither is ever logged.
 */
class CountingLogger implements TypeOrmLogger {
  constructor(
    private readonly service: string,
    private readonly metrics: ServiceMetrics | undefined,
    private readonly logger: Logger,
  ) {}
  logQuery(): void {
    this.metrics?.dbStatements.inc({ service: this.service });
  }
  logQueryError(err: string | Error): void {
    this.metrics?.dbErrors.inc({ service: this.service });
    const e = err as { code?: string; name?: string };
    this.logger.warn({ errorCode: e.code, errorName: e.name }, 'database statement failed');
  }
  logQuerySlow(time: number): void {
    this.logger.warn({ ms: time }, 'slow database statement');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn'): void {
    if (level === 'warn') this.logger.warn('database warning');
  }
}

export interface OpenDatabaseOptions {
  subgraph: string;
  config: DatabaseConfig;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** false for tools that write many rows and save once at the end (the seeder on SQLite). */
  autoSave?: boolean;
  /** Listeners given as instances (field encryption needs its keys, which TypeORM cannot construct). */
  subscribers?: EntitySubscriberInterface[];
}

function reachError(what: string, err: unknown): StartupError {
  const code = (err as { code?: string }).code ?? (err as Error).message?.split('\n')[0] ?? 'unknown error';
  return new StartupError(`cannot reach ${what}: ${code}`);
}

async function ensureMysqlDatabase(config: DatabaseConfig, name: string): Promise<void> {
  const u = new URL(config.mysqlUrl as string);
  u.pathname = '/';
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ uri: u.toString(), connectTimeout: 5000 });
    // The name is validated by config (letters, digits, _) so quoting it is enough.
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (err) {
    throw reachError(`MySQL at ${u.hostname}:${u.port || 3306}`, err);
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/**
 * Opens a subgraph's own database and brings its schema up to date through migrations (never
 * `synchronize`). MySQL when configured, otherwise an embedded SQLite file (sql.js, no native
 * build) under DATA_DIR.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<DataSource> {
  const { config, subgraph } = opts;
  const logger = new CountingLogger(subgraph, opts.metrics, opts.logger);
  let dataSource: DataSource;
  if (config.mysqlUrl) {
    const name = databaseName(config, subgraph);
    await ensureMysqlDatabase(config, name);
    const u = new URL(config.mysqlUrl);
    u.pathname = `/${name}`;
    dataSource = new DataSource({
      type: 'mysql',
      url: u.toString(),
      entities: opts.entities,
      migrations: opts.migrations,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      logger,
      maxQueryExecutionTime: 1000,
      poolSize: config.poolSize,
      charset: 'utf8mb4_bin',
      timezone: 'Z',
      extra: { connectTimeout: 5000, enableKeepAlive: true },
    });
  } else {
    const location = sqlitePath(config, subgraph);
    fs.mkdirSync(path.dirname(location), { recursive: true, mode: 0o700 });
    dataSource = new DataSource({
      type: 'sqljs',
      location,
      autoSave: opts.autoSave ?? true,
      entities: opts.entities,
      migrations: opts.migrations,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      logger,
    });
  }
  try {
    await dataSource.initialize();
  } catch (err) {
    throw reachError(describeDatabase(config, subgraph), err);
  }
  dataSource.subscribers.push(...(opts.subscribers ?? []));
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** Readiness probe: the database answers a trivial statement within the deadline. */
export async function databaseReady(dataSource: DataSource, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const probe = dataSource.query('SELECT 1');
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    await Promise.race([probe, deadline]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Saves an embedded database to its file (the seeder writes with autoSave off). */
export async function persistEmbedded(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type === 'sqljs') await dataSource.sqljsManager.saveDatabase();
}
