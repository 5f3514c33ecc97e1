import type { KeyObject } from 'node:crypto';
import DataLoader from 'dataloader';
import type { BaseSubgraphContext, Logger } from '@ehr/common';
import type { DataSource } from 'typeorm';
import type { AuditWriter } from './audit-writer.js';
import type { BreakGlassRepository } from './break-glass-repository.js';
import type { AuditConfig } from './config.js';
import type { PublishedHeads, RedisHeads } from './published-heads.js';
import type { AuditRepository } from './repository.js';
import { inclusionProofs, type ProofDocument } from './proofs.js';

/** Per-request context of the audit subgraph. */
export interface AuditContext extends BaseSubgraphContext {
  db: DataSource;
  repo: AuditRepository;
  grants: BreakGlassRepository;
  config: AuditConfig;
  logger: Logger;
  checkpointKey: KeyObject;
  writer: AuditWriter;
  /** The signed heads published outside the database (the verifier compares). */
  published: PublishedHeads;
  /** The same heads in Redis, when configured. */
  redisHeads: RedisHeads | undefined;
  /** Opens sealed mutation states (auditEventState). */
  stateKey: Buffer;
  /** Inclusion proofs of this request's events, under one signed tree head. */
  proofs: DataLoader<string, ProofDocument | null>;
}

/** What the context shares across requests: built once by the subgraph's build(). */
export type AuditServices = Omit<AuditContext, keyof BaseSubgraphContext | 'proofs'>;

export function createContextFactory(services: AuditServices) {
  return (base: BaseSubgraphContext): AuditContext => ({
    ...base,
    ...services,
    proofs: new DataLoader((ids: readonly string[]) => inclusionProofs(services.db, ids)),
  });
}
