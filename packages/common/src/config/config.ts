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
  POLICY_FILE: z.string().min(1).optional(),
  INTERNAL_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  PATIENT_URL: url.default(`http://127.0.0.1:${SERVICES.patient}/graphql`),
  BREAK_GLASS_TTL_S: z.coerce.number().int().min(60).max(86_400).default(3600),
  DEID_KEY_FILE: z.string().min(1).optional(),
  AUDIT_INGEST_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
  AUDIT_STATE_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(100_000).default(100),
  AUDIT_CHECKPOINT_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(300),
  ANOMALY_FACTOR: z.coerce.number().min(1).max(100).default(3),
  ANOMALY_BASELINE_FLOOR: z.coerce.number().int().min(1).max(100_000).default(20),
  ANOMALY_BASELINE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  AUDIT_URL: url.default(`http://127.0.0.1:${SERVICES.audit}/graphql`),
  DEID_RESTRICTED_ZIP3: z
    .string()
    .regex(/^\d{3}(,\d{3})*$/, 'must be comma-separated three-digit ZIP prefixes')
    .optional(),
  ALERT_WEBHOOK_URL: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
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
  /** The role policy file; unset means the one shipped in packages/policy. */
  policyFile: string | undefined;
  /** Verifies the gateway's internal tokens; unset in development means the DATA_DIR/keys pair. */
  internalPublicKeyFile: string | undefined;
  /** The patient subgraph, which answers care-team questions for the others. */
  patientUrl: string;
  /** How long a break-glass grant lasts. */
  breakGlassTtlS: number;
  /** Where security alerts are POSTed, besides the log. */
  alertWebhookUrl: string | undefined;
  /** The de-identification key (pseudonyms); unset in development means DATA_DIR/keys/deid.key. */
  deidKeyFile: string | undefined;
  /** ZIP3 prefixes reported as 000; unset means the HHS 2000 Census list. */
  restrictedZip3: string[] | undefined;
  /** Signs audit batches (data subgraphs) and checks them (audit subgraph). */
  auditIngestKeyFile: string | undefined;
  /** The Ed25519 key that signs checkpoints (audit subgraph, audit:verify). */
  auditCheckpointKeyFile: string | undefined;
  /** Seals mutation states in the audit trail. */
  auditStateKeyFile: string | undefined;
  auditCheckpointEvery: number;
  auditCheckpointIntervalS: number;
  /** Where the data subgraphs send their access records. */
  auditUrl: string;
  /** Access monitor: an hour over factor x baseline distinct patients is an incident. */
  anomalyFactor: number;
  anomalyBaselineFloor: number;
  anomalyBaselineDays: number;
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** Exactly one of these in production; in development neither means the DATA_DIR/keys issuer. */
  jwksUrl: string | undefined;
  publicKeyFile: string | undefined;
  /** Longest token lifetime accepted (exp - iat), seconds: default 900, never above 3600. */
  maxTokenLifetimeS: number;
  sessionIdleTimeoutS: number;
}

export interface GatewayConfig extends ServiceConfig {
  subgraphUrls: Record<SubgraphName, string>;
  /** How long the gateway waits for a subgraph before it answers with what it has. */
  subgraphTimeoutMs: number;
  auth: AuthConfig;
  /** Signs internal tokens; unset in development means the DATA_DIR/keys pair. */
  internalPrivateKeyFile: string | undefined;
  redisUrl: string | undefined;
  /** Express "trust proxy" (e.g. "loopback" or a CIDR list) for the client address. */
  trustProxy: string | undefined;
  /** Requests per user per minute (429 beyond). */
  rateLimitPerMinute: number;
  queryLimits: { maxDepth: number; maxFields: number; maxAliases: number };
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
  const config: ServiceConfig = {
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
    policyFile: e.POLICY_FILE,
    internalPublicKeyFile: e.INTERNAL_PUBLIC_KEY_FILE,
    patientUrl: e.PATIENT_URL,
    breakGlassTtlS: e.BREAK_GLASS_TTL_S,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL,
    deidKeyFile: e.DEID_KEY_FILE,
    restrictedZip3: e.DEID_RESTRICTED_ZIP3?.split(','),
    auditIngestKeyFile: e.AUDIT_INGEST_KEY_FILE,
    auditCheckpointKeyFile: e.AUDIT_CHECKPOINT_KEY_FILE,
    auditStateKeyFile: e.AUDIT_STATE_KEY_FILE,
    auditCheckpointEvery: e.AUDIT_CHECKPOINT_EVERY,
    auditCheckpointIntervalS: e.AUDIT_CHECKPOINT_INTERVAL_S,
    auditUrl: e.AUDIT_URL,
    anomalyFactor: e.ANOMALY_FACTOR,
    anomalyBaselineFloor: e.ANOMALY_BASELINE_FLOOR,
    anomalyBaselineDays: e.ANOMALY_BASELINE_DAYS,
  };
  if (config.nodeEnv === 'production' && service !== 'gateway') {
    const missing = [];
    if (!config.internalPublicKeyFile)
      missing.push('INTERNAL_PUBLIC_KEY_FILE is required in production (development keys are refused)');
    if (!config.deidKeyFile) missing.push('DEID_KEY_FILE is required in production (development keys are refused)');
    if (!config.auditIngestKeyFile) missing.push('AUDIT_INGEST_KEY_FILE is required in production');
    if (service === 'audit' && !config.auditCheckpointKeyFile)
      missing.push('AUDIT_CHECKPOINT_KEY_FILE is required in production');
    if (missing.length > 0) throw new ConfigError(missing);
  }
  return config;
}

/** Issuer of the development tokens `npm run token` prints; refused in production. */
export const DEV_ISSUER = 'ehr-dev-issuer';

const emptyIsUnset = (schema: z.ZodType) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const gatewaySchema = z.object({
  AUTH_ISSUER: z.string().min(1).default(DEV_ISSUER),
  AUTH_AUDIENCE: z.string().min(1).default('ehr-gateway'),
  AUTH_JWKS_URL: emptyIsUnset(z.url({ protocol: /^https?$/ })) as z.ZodType<string | undefined>,
  AUTH_PUBLIC_KEY_FILE: emptyIsUnset(z.string().min(1)) as z.ZodType<string | undefined>,
  // 15 minutes by default; may be lowered, never raised past 60 minutes.
  AUTH_MAX_TOKEN_LIFETIME_S: z.coerce.number().int().min(60).max(3600).default(900),
  SESSION_IDLE_TIMEOUT_S: z.coerce.number().int().min(60).max(900).default(900),
  TRUST_PROXY: z.string().min(1).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  QUERY_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  QUERY_MAX_FIELDS: z.coerce.number().int().min(10).max(100_000).default(1500),
  QUERY_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(40),
  INTERNAL_PRIVATE_KEY_FILE: emptyIsUnset(z.string().min(1)) as z.ZodType<string | undefined>,
  REDIS_URL: emptyIsUnset(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')) as z.ZodType<
    string | undefined
  >,
});

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
  const gw = gatewaySchema.safeParse(env);
  if (!gw.success) problems.push(...problemsOf(gw.error));
  const production = env.NODE_ENV === 'production';
  if (gw.success && production) {
    if (!gw.data.AUTH_JWKS_URL && !gw.data.AUTH_PUBLIC_KEY_FILE) {
      problems.push('AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE is required in production (development keys are refused)');
    }
    if (!gw.data.INTERNAL_PRIVATE_KEY_FILE) problems.push('INTERNAL_PRIVATE_KEY_FILE is required in production');
    if (gw.data.AUTH_ISSUER === DEV_ISSUER)
      problems.push(`AUTH_ISSUER must not be the development issuer in production`);
  }
  if (gw.success && gw.data.AUTH_JWKS_URL && gw.data.AUTH_PUBLIC_KEY_FILE) {
    problems.push('set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE, not both');
  }
  if (problems.length > 0 || !base || !urls.success || !timeout.success || !gw.success) throw new ConfigError(problems);
  const u = urls.data as Record<string, string>;
  const g = gw.data;
  return {
    ...base,
    auth: {
      issuer: g.AUTH_ISSUER,
      audience: g.AUTH_AUDIENCE,
      jwksUrl: g.AUTH_JWKS_URL,
      publicKeyFile: g.AUTH_PUBLIC_KEY_FILE,
      maxTokenLifetimeS: g.AUTH_MAX_TOKEN_LIFETIME_S,
      sessionIdleTimeoutS: g.SESSION_IDLE_TIMEOUT_S,
    },
    internalPrivateKeyFile: g.INTERNAL_PRIVATE_KEY_FILE,
    redisUrl: g.REDIS_URL,
    trustProxy: g.TRUST_PROXY,
    rateLimitPerMinute: g.RATE_LIMIT_PER_MINUTE,
    queryLimits: { maxDepth: g.QUERY_MAX_DEPTH, maxFields: g.QUERY_MAX_FIELDS, maxAliases: g.QUERY_MAX_ALIASES },
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((s) => [s, u[envName(s, 'URL')]])) as Record<SubgraphName, string>,
    subgraphTimeoutMs: timeout.data,
  };
}
