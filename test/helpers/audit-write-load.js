/**
 * A steady writer of audit records in its own process (the built services), for tests that check
 * the log while another process appends to it. Reads the database from the environment
 * (MYSQL_URL, MYSQL_DATABASE_PREFIX, DATA_DIR), prints "writing" once the first batch is
 * committed, and appends a batch of 5 every few milliseconds until it is told to stop.
 */
const { randomUUID } = require('node:crypto');
const { buildAuditRecord, createLogger, openDatabase } = require('@ehr/common');
const { AuditWriter, entities, loadAuditConfig, loadCheckpointKey, migrations } = require('@ehr/subgraph-audit');

async function main() {
  const config = loadAuditConfig();
  const logger = createLogger('load', 'silent');
  const db = await openDatabase({ subgraph: 'audit', config: config.database, entities, migrations, logger });
  const key = loadCheckpointKey(undefined, config.database.dataDir);
  const writer = new AuditWriter(db, key.privateKey, 5, logger);
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  let first = true;
  while (!stopping) {
    const batch = Array.from({ length: 5 }, () =>
      buildAuditRecord({
        occurredAt: new Date().toISOString(),
        actorId: 'load-writer',
        roles: ['physician'],
        action: 'READ',
        auditId: 'load',
        requestId: randomUUID(),
        subgraph: 'patient',
        patientId: randomUUID(),
        entityType: 'Patient',
        entityId: randomUUID(),
        purpose: 'TREATMENT',
        fields: [{ path: 'Patient.name', outcome: 'CLEAR' }],
        outcome: 'CLEAR',
        operationName: 'Load',
        operationHash: null,
        ipAddress: '127.0.0.1',
        userAgent: null,
        beforeState: null,
        afterState: null,
      }),
    );
    await writer.append(batch);
    if (first) process.stdout.write('writing\n');
    first = false;
    await new Promise((r) => setTimeout(r, 5));
  }
  await writer.settle();
  await db.destroy();
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack}\n`);
  process.exit(1);
});
