import path from 'node:path';
import { bootSubgraph, loadStateKey, type SubgraphServer, type SubgraphSpec } from '@ehr/common';
import { AnomalyMonitor } from './anomaly-monitor.js';
import { AuditWriter } from './audit-writer.js';
import { BreakGlassRepository } from './break-glass-repository.js';
import { loadCheckpointKey } from './checkpoint-key.js';
import { headsFileOf, loadAuditConfig, redisHeadsOf, type AuditConfig } from './config.js';
import { everySink, PublishedHeads } from './published-heads.js';
import { HeadsWebhook } from './heads-webhook.js';
import { createContextFactory, type AuditContext } from './context.js';
import { AuditRepository } from './repository.js';
import { entities } from './entities/index.js';
import { stores } from './entities/stores.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers/index.js';
import { auditRoutes } from './routes.js';

export const auditSubgraph: SubgraphSpec<AuditContext, AuditConfig> = {
  name: 'audit',
  schemaFile: path.resolve(__dirname, '..', 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  loadConfig: loadAuditConfig,
  // The recorder: it writes its own records (break-glass, reviews, reads of the log) directly.
  recordsAccess: false,
  stores,
  async build(deps) {
    const { db, config, logger } = deps;
    const checkpointKey = loadCheckpointKey(config.auditCheckpointKeyFile, config.database.dataDir);
    // One writer (one chain tail) and one monitor, shared by the intake and the resolvers.
    const published = new PublishedHeads(headsFileOf(config));
    const redisHeads = redisHeadsOf(config);
    const webhookHeads = config.auditHeadsWebhookUrl
      ? new HeadsWebhook(config.auditHeadsWebhookUrl, logger, { registry: deps.metrics.registry })
      : undefined;
    const writer = new AuditWriter(
      db,
      checkpointKey.privateKey,
      config.auditCheckpointEvery,
      logger,
      everySink(published, redisHeads, webhookHeads),
      config.alertWebhookUrl,
      config.auditGroupCommitMs,
    );
    await writer.signHeadIfUnsigned();
    const monitor = new AnomalyMonitor(
      db,
      writer,
      {
        factor: config.anomalyFactor,
        floor: config.anomalyBaselineFloor,
        days: config.anomalyBaselineDays,
        alertWebhookUrl: config.alertWebhookUrl,
      },
      logger,
    );
    const grants = new BreakGlassRepository(db);
    const checkpoints = setInterval(() => void writer.checkpointNow(), config.auditCheckpointIntervalS * 1000);
    checkpoints.unref();
    return {
      context: createContextFactory({
        db,
        repo: new AuditRepository(db),
        grants,
        config,
        logger,
        checkpointKey: checkpointKey.publicKey,
        writer,
        published,
        redisHeads,
        stateKey: loadStateKey(config.auditStateKeyFile, config.database.dataDir),
      }),
      routes: auditRoutes(deps, { grants, writer, monitor }),
      stop: async () => {
        clearInterval(checkpoints);
        // The server has stopped taking batches: let the last commit finish, then the checks it started.
        await writer.settle();
        await monitor.settle();
        redisHeads?.close();
        await webhookHeads?.close();
      },
    };
  },
};

/** Builds the audit subgraph on its own database; tests and main() both start here. */
export function createAuditSubgraph(config: AuditConfig): Promise<SubgraphServer> {
  return bootSubgraph(auditSubgraph, config);
}

export * from './entities/index.js';
export { stores } from './entities/stores.js';
export { migrations } from './migrations/index.js';
export { verifyChain, type ChainStatus } from './verify-chain.js';
export { loadCheckpointKey } from './checkpoint-key.js';
export { AuditWriter } from './audit-writer.js';
export { AnomalyMonitor, setAccount } from './anomaly-monitor.js';
export { headsFileOf, loadAuditConfig, redisHeadsOf, type AuditConfig } from './config.js';
export { everySink, PublishedHeads, RedisHeads, type HeadSink, type SignedHead } from './published-heads.js';
export { HeadsWebhook, type HeadsWebhookOptions } from './heads-webhook.js';
export { consistencyProofOf, inclusionProof, verifyProof, type ProofDocument } from './proofs.js';
