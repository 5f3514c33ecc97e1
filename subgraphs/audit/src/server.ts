import path from 'node:path';
import { bootSubgraph, type ServiceConfig, type SubgraphServer, type SubgraphSpec } from '@ehr/common';
import { createContextFactory, type AuditContext } from './context.js';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers/index.js';
import { auditRoutes } from './routes.js';

export const auditSubgraph: SubgraphSpec<AuditContext> = {
  name: 'audit',
  schemaFile: path.resolve(__dirname, '..', 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  context: createContextFactory,
  routes: auditRoutes,
};

/** Builds the audit subgraph on its own database; tests and main() both start here. */
export function createAuditSubgraph(config: ServiceConfig): Promise<SubgraphServer> {
  return bootSubgraph(auditSubgraph, config);
}

export * from './entities/index.js';
export { migrations } from './migrations/index.js';
export { verifyChain, type ChainStatus } from './verify-chain.js';
export { loadCheckpointKey } from './checkpoint-key.js';
export { AuditWriter } from './audit-writer.js';
export { AnomalyMonitor, setAccount } from './anomaly-monitor.js';
