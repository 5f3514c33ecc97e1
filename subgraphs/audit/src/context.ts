import type { KeyObject } from 'node:crypto';
import type { BaseSubgraphContext, Logger, ServiceConfig, SubgraphDeps } from '@ehr/common';
import type { DataSource } from 'typeorm';
import { BreakGlassRepository } from './break-glass-repository.js';
import { loadCheckpointKey } from './checkpoint-key.js';
import { AuditRepository } from './repository.js';

/** Per-request context of the audit subgraph. */
export interface AuditContext extends BaseSubgraphContext {
  db: DataSource;
  repo: AuditRepository;
  grants: BreakGlassRepository;
  config: ServiceConfig;
  logger: Logger;
  checkpointKey: KeyObject;
}

export function createContextFactory({ db, config, logger }: SubgraphDeps) {
  const repo = new AuditRepository(db);
  const grants = new BreakGlassRepository(db);
  const checkpointKey = loadCheckpointKey(config.auditCheckpointKeyFile, config.database.dataDir).publicKey;
  return (base: BaseSubgraphContext): AuditContext => ({ ...base, db, repo, grants, config, logger, checkpointKey });
}
