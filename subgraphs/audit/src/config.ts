import {
  basePart,
  configPart,
  emptyIsUnset,
  httpUrl,
  loadParts,
  stateKeyPart,
  subgraphPart,
  type SubgraphConfig,
} from '@ehr/common';
import path from 'node:path';
import { z } from 'zod';
import { RedisHeads } from './published-heads.js';

/** The recorder's own settings: checkpoints, the access monitor, break-glass grants. */
export interface AuditSettings {
  /** The Ed25519 key that signs checkpoints (also read by audit:verify). */
  auditCheckpointKeyFile: string | undefined;
  auditCheckpointEvery: number;
  /** How long a group commit waits for more batches (AUDIT_GROUP_COMMIT_MS, default 2). */
  auditGroupCommitMs: number;
  auditCheckpointIntervalS: number;
  /** Access monitor: an hour over factor x baseline distinct patients is an incident. */
  anomalyFactor: number;
  anomalyBaselineFloor: number;
  anomalyBaselineDays: number;
  /** How long a break-glass grant lasts. */
  breakGlassTtlS: number;
  /** The append-only file of signed heads outside the database; unset means DATA_DIR/audit-heads.jsonl. */
  auditHeadsFile: string | undefined;
  /** Redis that also keeps the signed heads (a sorted set), when set. */
  auditHeadsRedisUrl: string | undefined;
  /** A webhook that is also POSTed each signed head (ids and hashes only), when set. */
  auditHeadsWebhookUrl: string | undefined;
}

export interface AuditConfig extends SubgraphConfig, AuditSettings {
  /** Opens sealed mutation states (auditEventState). */
  auditStateKeyFile: string | undefined;
}

const auditPart = configPart(
  z.object({
    AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(100_000).default(100),
    AUDIT_GROUP_COMMIT_MS: z.coerce.number().int().min(0).max(50).default(2),
    AUDIT_CHECKPOINT_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(300),
    ANOMALY_FACTOR: z.coerce.number().min(1).max(100).default(3),
    ANOMALY_BASELINE_FLOOR: z.coerce.number().int().min(1).max(100_000).default(20),
    ANOMALY_BASELINE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
    BREAK_GLASS_TTL_S: z.coerce.number().int().min(60).max(86_400).default(3600),
    AUDIT_HEADS_FILE: z.string().min(1).optional(),
    AUDIT_HEADS_REDIS_URL: emptyIsUnset(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')),
    AUDIT_HEADS_WEBHOOK_URL: emptyIsUnset(httpUrl),
  }),
  (e): AuditSettings => ({
    auditCheckpointKeyFile: e.AUDIT_CHECKPOINT_KEY_FILE,
    auditCheckpointEvery: e.AUDIT_CHECKPOINT_EVERY,
    auditGroupCommitMs: e.AUDIT_GROUP_COMMIT_MS,
    auditCheckpointIntervalS: e.AUDIT_CHECKPOINT_INTERVAL_S,
    anomalyFactor: e.ANOMALY_FACTOR,
    anomalyBaselineFloor: e.ANOMALY_BASELINE_FLOOR,
    anomalyBaselineDays: e.ANOMALY_BASELINE_DAYS,
    breakGlassTtlS: e.BREAK_GLASS_TTL_S,
    auditHeadsFile: e.AUDIT_HEADS_FILE,
    auditHeadsRedisUrl: e.AUDIT_HEADS_REDIS_URL as string | undefined,
    auditHeadsWebhookUrl: e.AUDIT_HEADS_WEBHOOK_URL as string | undefined,
  }),
  (s) => (s.auditCheckpointKeyFile ? [] : ['AUDIT_CHECKPOINT_KEY_FILE is required in production']),
);

/** The Redis publication of this log's heads, when configured (keyed by the database prefix). */
export function redisHeadsOf(config: AuditConfig): RedisHeads | undefined {
  return config.auditHeadsRedisUrl
    ? new RedisHeads(config.auditHeadsRedisUrl, `${config.database.databasePrefix}audit:heads`)
    : undefined;
}

/** Where this recorder publishes its signed heads. */
export function headsFileOf(config: AuditConfig): string {
  return config.auditHeadsFile ?? path.join(config.database.dataDir, 'audit-heads.jsonl');
}

export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  return loadParts(env, basePart('audit'), subgraphPart, stateKeyPart, auditPart);
}
