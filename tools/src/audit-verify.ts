import { createLogger, openDatabase, runMain } from '@ehr/common';
import {
  entities,
  headsFileOf,
  loadAuditConfig,
  loadCheckpointKey,
  migrations,
  PublishedHeads,
  verifyChain,
} from '@ehr/subgraph-audit';

/**
 * `npm run audit:verify`: recomputes the audit log's hash chain and checks its signed checkpoints,
 * straight from the audit database. Prints the status as JSON; exits 0 when intact, 3 when not.
 */
runMain(
  'audit:verify',
  async () => {
    const config = loadAuditConfig();
    const logger = createLogger('audit-verify', 'warn');
    const db = await openDatabase({
      subgraph: 'audit',
      config: config.database,
      entities,
      migrations,
      logger,
      autoSave: false,
    });
    try {
      const { publicKey } = loadCheckpointKey(config.auditCheckpointKeyFile, config.database.dataDir);
      const published = new PublishedHeads(headsFileOf(config)).all(publicKey);
      const status = await verifyChain(db, publicKey, config.auditCheckpointEvery, published);
      process.stdout.write(`${JSON.stringify(status)}\n`);
      if (!status.intact) process.exitCode = 3;
    } finally {
      await db.destroy();
    }
    return { stop: async () => undefined };
  },
  { exitWhenDone: false },
);
