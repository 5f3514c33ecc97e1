import type { KeyObject } from 'node:crypto';
import {
  loadStateKey,
  type BaseSubgraphContext,
  type Logger,
  type ServiceConfig,
  type SubgraphDeps,
} from '@ehr/common';
import type { DataSource } from 'typeorm';
import { BreakGlassRepository } from './break-glass-repository.js';
import { loadCheckpointKey } from './checkpoint-key.js';
import { AuditRepository } from './repository.js';
import type { AuditWriter } from './audit-writer.js';
import { auditServices } from './shared-writer.js';

/** Per-request context of the audit subgraph. */
export interface AuditContext extends BaseSubgraphContext {
  db: DataSource;
  repo: AuditRepository;
  grants: BreakGlassRepository;
  config: ServiceConfig;
  logger: Logger;
  checkpointKey: KeyObject;
  writer: AuditWriter;
  /** Opens sealed mutation states (auditEventState). */
  stateKey: Buffer;
}

export function createContextFactory(deps: SubgraphDeps) {
  const { db, config, logger } = deps;
  const { writer } = auditServices(deps);
  const stateKey = loadStateKey(config.auditStateKeyFile, config.database.dataDir);
  const repo = new AuditRepository(db);
  const grants = new BreakGlassRepository(db);
  const checkpointKey = loadCheckpointKey(config.auditCheckpointKeyFile, config.database.dataDir).publicKey;
  return (base: BaseSubgraphContext): AuditContext => ({
    ...base,
    db,
    repo,
    grants,
    config,
    logger,
    checkpointKey,
    writer,
    stateKey,
  });
}
