import { DEFAULT_TRUSTED_DOCUMENTS, type TrustedDocumentSettings } from './trusted-documents.js';
import { DEFAULT_LIMITS, type QueryLimits } from './query-limits.js';
import {
  auditShipIntervalMs,
  basePart,
  configPart,
  defaultGraphqlUrl,
  DEV_ISSUER,
  emptyIsUnset,
  httpUrl,
  loadParts,
  serviceEnvName,
  SUBGRAPHS,
  type ServiceConfig,
  type SubgraphName,
} from '@ehr/common';
import { z } from 'zod';

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

export interface GatewaySettings {
  subgraphUrls: Record<SubgraphName, string>;
  /** How long the gateway waits for a subgraph before it answers with what it has. */
  subgraphTimeoutMs: number;
  auth: AuthConfig;
  /** Signs internal tokens; unset in development means the DATA_DIR/keys pair. */
  internalPrivateKeyFile: string | undefined;
  /** Signs the batches of refusal records the gateway sends to the audit subgraph. */
  auditIngestKeyFile: string | undefined;
  /** Refusal records' journal shipping interval (AUDIT_SHIP_INTERVAL_MS; 0: wait for the commit). */
  auditShipIntervalMs: number;
  redisUrl: string | undefined;
  /** Express "trust proxy" (e.g. "loopback" or a CIDR list) for the client address. */
  trustProxy: string | undefined;
  /** Requests per user per minute (429 beyond). */
  rateLimitPerMinute: number;
  /** Refused requests (bad or missing token, ...) per client address per minute before 429. */
  authFailuresPerMinute: number;
  /** Registered operations, and which clients may send nothing else (trusted-documents.ts). */
  trustedDocuments: TrustedDocumentSettings;
  queryLimits: QueryLimits;
}

export type GatewayConfig = ServiceConfig & GatewaySettings;

const subgraphUrlKeys = Object.fromEntries(
  SUBGRAPHS.map((s) => [serviceEnvName(s, 'URL'), httpUrl.default(defaultGraphqlUrl(s))]),
) as Record<string, z.ZodDefault<typeof httpUrl>>;

const gatewayPart = configPart(
  z
    .object({
      ...subgraphUrlKeys,
      SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
      AUTH_ISSUER: z.string().min(1).default(DEV_ISSUER),
      AUTH_AUDIENCE: z.string().min(1).default('ehr-gateway'),
      AUTH_JWKS_URL: emptyIsUnset(httpUrl),
      AUTH_PUBLIC_KEY_FILE: emptyIsUnset(z.string().min(1)),
      // 15 minutes by default; may be lowered, never raised past 60 minutes.
      AUTH_MAX_TOKEN_LIFETIME_S: z.coerce.number().int().min(60).max(3600).default(900),
      SESSION_IDLE_TIMEOUT_S: z.coerce.number().int().min(60).max(900).default(900),
      TRUST_PROXY: z.string().min(1).optional(),
      RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
      TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
      TRUSTED_DOCUMENTS_CLIENTS: z
        .string()
        .regex(/^([A-Za-z0-9._:-]{1,128})?(,[A-Za-z0-9._:-]{1,128})*$/, 'must be comma-separated client names')
        .optional(),
      TRUSTED_DOCUMENTS_ONLY: z.enum(['true', 'false']).default('false'),
      AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
      QUERY_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(DEFAULT_LIMITS.maxDepth),
      QUERY_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(DEFAULT_LIMITS.maxAliases),
      QUERY_MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(DEFAULT_LIMITS.maxDirectives),
      QUERY_MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(DEFAULT_LIMITS.maxTokens),
      QUERY_MAX_COST: z.coerce.number().int().min(10).max(1_000_000).default(DEFAULT_LIMITS.maxCost),
      QUERY_MAX_DUPLICATE_FIELDS: z.coerce.number().int().min(0).max(1000).default(DEFAULT_LIMITS.maxDuplicateFields),
      INTERNAL_PRIVATE_KEY_FILE: emptyIsUnset(z.string().min(1)),
      AUDIT_INGEST_KEY_FILE: emptyIsUnset(z.string().min(1)),
      AUDIT_SHIP_INTERVAL_MS: auditShipIntervalMs,
      REDIS_URL: emptyIsUnset(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')),
    })
    .refine((e) => !(e.AUTH_JWKS_URL && e.AUTH_PUBLIC_KEY_FILE), {
      message: 'set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE, not both',
    }) as unknown as z.ZodObject<z.ZodRawShape>,
  (raw): GatewaySettings => {
    const e = raw as Record<string, unknown>;
    const text = (key: string) => e[key] as string | undefined;
    const num = (key: string) => e[key] as number;
    return {
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map((s) => [s, text(serviceEnvName(s, 'URL'))])) as Record<
        SubgraphName,
        string
      >,
      subgraphTimeoutMs: num('SUBGRAPH_TIMEOUT_MS'),
      auth: {
        issuer: text('AUTH_ISSUER')!,
        audience: text('AUTH_AUDIENCE')!,
        jwksUrl: text('AUTH_JWKS_URL'),
        publicKeyFile: text('AUTH_PUBLIC_KEY_FILE'),
        maxTokenLifetimeS: num('AUTH_MAX_TOKEN_LIFETIME_S'),
        sessionIdleTimeoutS: num('SESSION_IDLE_TIMEOUT_S'),
      },
      internalPrivateKeyFile: text('INTERNAL_PRIVATE_KEY_FILE'),
      auditIngestKeyFile: text('AUDIT_INGEST_KEY_FILE'),
      auditShipIntervalMs: num('AUDIT_SHIP_INTERVAL_MS'),
      redisUrl: text('REDIS_URL'),
      trustProxy: text('TRUST_PROXY'),
      rateLimitPerMinute: num('RATE_LIMIT_PER_MINUTE'),
      authFailuresPerMinute: num('AUTH_FAILURES_PER_MINUTE'),
      trustedDocuments: {
        file: text('TRUSTED_DOCUMENTS_FILE') ?? DEFAULT_TRUSTED_DOCUMENTS,
        clients: (text('TRUSTED_DOCUMENTS_CLIENTS') ?? '').split(',').filter(Boolean),
        everyone: text('TRUSTED_DOCUMENTS_ONLY') === 'true',
      },
      queryLimits: {
        maxDepth: num('QUERY_MAX_DEPTH'),
        maxAliases: num('QUERY_MAX_ALIASES'),
        maxDirectives: num('QUERY_MAX_DIRECTIVES'),
        maxTokens: num('QUERY_MAX_TOKENS'),
        maxCost: num('QUERY_MAX_COST'),
        maxDuplicateFields: num('QUERY_MAX_DUPLICATE_FIELDS'),
      },
    };
  },
  (s) => [
    ...(s.auth.jwksUrl || s.auth.publicKeyFile
      ? []
      : ['AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE is required in production (development keys are refused)']),
    ...(s.internalPrivateKeyFile ? [] : ['INTERNAL_PRIVATE_KEY_FILE is required in production']),
    ...(s.auditIngestKeyFile ? [] : ['AUDIT_INGEST_KEY_FILE is required in production (refusals are recorded)']),
    ...(s.auth.issuer === DEV_ISSUER ? ['AUTH_ISSUER must not be the development issuer in production'] : []),
  ],
);

/** The gateway's configuration: the base, its own settings and where each subgraph answers. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadParts(env, basePart('gateway'), gatewayPart);
}
