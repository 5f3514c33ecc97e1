import type { BaseSubgraphContext, Logger, ServiceConfig, SubgraphDeps } from '@ehr/common';
import { BreakGlassRepository } from './break-glass-repository.js';
import { AuditRepository } from './repository.js';

/** Per-request context of the audit subgraph. */
export interface AuditContext extends BaseSubgraphContext {
  repo: AuditRepository;
  grants: BreakGlassRepository;
  config: ServiceConfig;
  logger: Logger;
}

export function createContextFactory({ db, config, logger }: SubgraphDeps) {
  const repo = new AuditRepository(db);
  const grants = new BreakGlassRepository(db);
  return (base: BaseSubgraphContext): AuditContext => ({ ...base, repo, grants, config, logger });
}
