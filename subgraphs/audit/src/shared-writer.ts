import type { SubgraphDeps } from '@ehr/common';
import type { DataSource } from 'typeorm';
import { AnomalyMonitor } from './anomaly-monitor.js';
import { AuditWriter } from './audit-writer.js';
import { loadCheckpointKey } from './checkpoint-key.js';

const writers = new WeakMap<DataSource, { writer: AuditWriter; monitor: AnomalyMonitor }>();

/** One writer (one chain tail) and one monitor per audit database, shared by routes and resolvers. */
export function auditServices(deps: SubgraphDeps): { writer: AuditWriter; monitor: AnomalyMonitor } {
  let hit = writers.get(deps.db);
  if (!hit) {
    const { privateKey } = loadCheckpointKey(deps.config.auditCheckpointKeyFile, deps.config.database.dataDir);
    const writer = new AuditWriter(deps.db, privateKey, deps.config.auditCheckpointEvery, deps.logger);
    const monitor = new AnomalyMonitor(
      deps.db,
      writer,
      {
        factor: deps.config.anomalyFactor,
        floor: deps.config.anomalyBaselineFloor,
        days: deps.config.anomalyBaselineDays,
        alertWebhookUrl: deps.config.alertWebhookUrl,
      },
      deps.logger,
    );
    hit = { writer, monitor };
    writers.set(deps.db, hit);
  }
  return hit;
}
