import path from 'node:path';
import { z } from 'zod';
import { configPart, emptyIsUnset, portSchema, type ConfigPart } from './load.js';
import { SERVICES, serviceEnvName, type ServiceName } from './services.js';
import { tlsPart, type TlsSettings } from './tls.js';

export interface DatabaseConfig {
  /** Set when MySQL/MariaDB is the store; otherwise the embedded SQLite files under dataDir. */
  mysqlUrl: string | undefined;
  databasePrefix: string;
  dataDir: string;
  poolSize: number;
}

/** What every service reads: who it is, where it listens, logs, its database, the policy. */
export interface ServiceConfig {
  service: ServiceName;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  host: string;
  port: number;
  database: DatabaseConfig;
  /** The role policy file; unset means the one shipped in packages/policy. */
  policyFile: string | undefined;
  /** Where security alerts are POSTed, besides the log. */
  alertWebhookUrl: string | undefined;
  /** HTTPS served and the CA pinned for calls to the other services (tls.ts). */
  tls: TlsSettings;
  /** How long an idle keep-alive connection stays open: longer than a load balancer's own idle timeout. */
  httpKeepAliveTimeoutMs: number;
}

const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  MYSQL_URL: emptyIsUnset(z.string().regex(/^mysql:\/\//, 'must start with mysql://')),
  MYSQL_DATABASE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]{0,32}$/, 'letters, digits and _ only, at most 32')
    .default('ehr_'),
  MYSQL_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  POLICY_FILE: z.string().min(1).optional(),
  // Above the 60 s idle timeout of common load balancers, so that they close first, never us mid-request.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(65_000),
  ALERT_WEBHOOK_URL: emptyIsUnset(z.url({ protocol: /^https?$/ })),
});

/** The slice every service has, with its own `<SERVICE>_PORT`, and the TLS keys (tls.ts). */
export function basePart(service: ServiceName): ConfigPart<ServiceConfig> {
  const portKey = serviceEnvName(service, 'PORT');
  const own = configPart(baseSchema.extend({ [portKey]: portSchema.default(SERVICES[service]) }), (raw) => {
    const e = raw as unknown as z.output<typeof baseSchema> & Record<string, number>;
    return {
      service,
      nodeEnv: e.NODE_ENV,
      logLevel: e.LOG_LEVEL,
      host: e.HOST,
      port: e[portKey] ?? SERVICES[service],
      database: {
        mysqlUrl: e.MYSQL_URL as string | undefined,
        databasePrefix: e.MYSQL_DATABASE_PREFIX,
        dataDir: path.resolve(e.DATA_DIR),
        poolSize: e.MYSQL_POOL_SIZE,
      },
      policyFile: e.POLICY_FILE,
      alertWebhookUrl: e.ALERT_WEBHOOK_URL as string | undefined,
      httpKeepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    };
  });
  // Both schemas parse the same environment, so a TLS problem and a base problem are refused together.
  return {
    schema: own.schema.and(tlsPart.schema) as unknown as ConfigPart<ServiceConfig>['schema'],
    read: (env): ServiceConfig => ({ ...own.read(env), ...tlsPart.read(env) }),
  };
}
