import path from 'node:path';
import { z } from 'zod';

/** The services of the stack, with the port each listens on by default. */
export const SERVICES = {
  gateway: 4000,
  patient: 4001,
  medication: 4002,
  notes: 4003,
  audit: 4004,
} as const;
export type ServiceName = keyof typeof SERVICES;
export type SubgraphName = Exclude<ServiceName, 'gateway'>;
export const SUBGRAPHS = ['patient', 'medication', 'notes', 'audit'] as const satisfies readonly SubgraphName[];

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url({ protocol: /^https?$/ });

const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  // An empty value (MYSQL_URL= in a .env file) means unset: the embedded database.
  MYSQL_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^mysql:\/\//, 'must start with mysql://')
      .optional(),
  ),
  MYSQL_DATABASE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]{0,32}$/, 'letters, digits and _ only, at most 32')
    .default('ehr_'),
  MYSQL_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export interface DatabaseConfig {
  /** Set when MySQL/MariaDB is the store; otherwise the embedded SQLite files under dataDir. */
  mysqlUrl: string | undefined;
  databasePrefix: string;
  dataDir: string;
  poolSize: number;
}

export interface ServiceConfig {
  service: ServiceName;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  host: string;
  port: number;
  database: DatabaseConfig;
}

export interface GatewayConfig extends ServiceConfig {
  subgraphUrls: Record<SubgraphName, string>;
  /** How long the gateway waits for a subgraph before it answers with what it has. */
  subgraphTimeoutMs: number;
}

/** Raised with every configuration problem at once, in words an operator understands. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function envName(service: ServiceName, key: 'PORT' | 'URL'): string {
  return `${service.toUpperCase()}_${key}`;
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
}

/**
 * Loads and validates the configuration of one service from the environment, collecting every
 * problem before failing so an operator fixes them in one pass.
 */
export function loadConfig(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const schema = baseSchema.extend({ [envName(service, 'PORT')]: port.default(SERVICES[service]) });
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const e = parsed.data as z.infer<typeof baseSchema> & Record<string, number>;
  return {
    service,
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e[envName(service, 'PORT')] ?? SERVICES[service],
    database: {
      mysqlUrl: e.MYSQL_URL,
      databasePrefix: e.MYSQL_DATABASE_PREFIX,
      dataDir: path.resolve(e.DATA_DIR),
      poolSize: e.MYSQL_POOL_SIZE,
    },
  };
}

/** The gateway's configuration: its own settings plus where each subgraph answers. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  let base: ServiceConfig | undefined;
  try {
    base = loadConfig('gateway', env);
  } catch (err) {
    if (err instanceof ConfigError) problems.push(...err.problems);
    else throw err;
  }
  const urlsSchema = z.object(
    Object.fromEntries(
      SUBGRAPHS.map((s) => [envName(s, 'URL'), url.default(`http://127.0.0.1:${SERVICES[s]}/graphql`)]),
    ),
  );
  const urls = urlsSchema.safeParse(env);
  if (!urls.success) problems.push(...problemsOf(urls.error));
  const timeout = z.coerce.number().int().min(100).max(60_000).default(10_000).safeParse(env.SUBGRAPH_TIMEOUT_MS);
  if (!timeout.success) problems.push(...problemsOf(timeout.error).map((p) => `SUBGRAPH_TIMEOUT_MS ${p}`));
  if (problems.length > 0 || !base || !urls.success || !timeout.success) throw new ConfigError(problems);
  const u = urls.data as Record<string, string>;
  return {
    ...base,
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((s) => [s, u[envName(s, 'URL')]])) as Record<SubgraphName, string>,
    subgraphTimeoutMs: timeout.data,
  };
}
