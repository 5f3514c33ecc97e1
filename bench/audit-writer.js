#!/usr/bin/env node
/**
 * The audit writer and verifier at scale, on MySQL: appends N records (default 100,000) as batches
 * of `--batch` records from `--senders` concurrent senders (group commit shares transactions
 * between them, one signed head per commit), then verifies the whole log. Prints records per
 * second for both and the verification time projected to 1,000,000 records (verification is
 * linear: one pass, one SHA-256 per record); `--records 1000000` measures it instead.
 *
 *   npm run build && node bench/audit-writer.js [--records 100000] [--batch 25] [--senders 8]
 */
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { buildAuditRecord, createLogger, openDatabase } = require('@ehr/common');
const {
  AuditWriter,
  entities,
  loadCheckpointKey,
  migrations,
  PublishedHeads,
  verifyChain,
} = require('@ehr/subgraph-audit');

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '25' },
    senders: { type: 'string', default: '8' },
  },
});
const total = Number(values.records);
const batchSize = Number(values.batch);
const senders = Number(values.senders);
const mysqlUrl = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306';

function record() {
  const patientId = randomUUID();
  return buildAuditRecord({
    occurredAt: new Date().toISOString(),
    actorId: 'physician-1',
    roles: ['physician'],
    action: 'READ',
    auditId: 'bench',
    requestId: randomUUID(),
    subgraph: 'medication',
    patientId,
    entityType: 'Patient',
    entityId: patientId,
    purpose: 'TREATMENT',
    fields: [
      { path: 'MedicationRequest.id', outcome: 'CLEAR' },
      { path: 'MedicationRequest.status', outcome: 'CLEAR' },
    ],
    entities: Array.from({ length: 4 }, () => ({
      type: 'MedicationRequest',
      id: randomUUID(),
      fields: [
        { path: 'MedicationRequest.id', outcome: 'CLEAR' },
        { path: 'MedicationRequest.status', outcome: 'CLEAR' },
      ],
    })),
    outcome: 'CLEAR',
    operationName: 'Chart',
    operationHash: 'a'.repeat(64),
    ipAddress: '10.0.0.1',
    userAgent: 'bench',
    beforeState: null,
    afterState: null,
  });
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-bench-writer-'));
  const config = { mysqlUrl, databasePrefix: `benchw${process.pid}_`, dataDir, poolSize: senders + 2 };
  const logger = createLogger('bench', 'warn');
  const db = await openDatabase({ subgraph: 'audit', config, entities, migrations, logger });
  try {
    const key = loadCheckpointKey(undefined, dataDir);
    const published = PublishedHeads.in(dataDir);
    const writer = new AuditWriter(db, key.privateKey, 1000, logger, published);
    let next = 0;
    const started = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (next < total) {
          const n = Math.min(batchSize, total - next);
          next += n;
          await writer.append(Array.from({ length: n }, record));
        }
      }),
    );
    const writeS = Number(process.hrtime.bigint() - started) / 1e9;
    const writeCpu = process.cpuUsage(cpu0);
    const vStart = process.hrtime.bigint();
    const status = await verifyChain(db, key.publicKey, 1000, published.latest(key.publicKey));
    const verifyS = Number(process.hrtime.bigint() - vStart) / 1e9;
    if (!status.intact || status.checkedRecords !== total) throw new Error(`verification: ${JSON.stringify(status)}`);
    const result = {
      records: total,
      batch: batchSize,
      senders,
      write: {
        seconds: +writeS.toFixed(2),
        recordsPerSecond: Math.round(total / writeS),
        cpuMsPerRecord: +((writeCpu.user + writeCpu.system) / 1000 / total).toFixed(3),
      },
      verify: {
        seconds: +verifyS.toFixed(2),
        recordsPerSecond: Math.round(total / verifyS),
        projectedSecondsFor1M: Math.round((verifyS * 1_000_000) / total),
      },
    };
    console.log(JSON.stringify(result, null, 2));
    const out = path.join(__dirname, 'results', `audit-writer-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2));
  } finally {
    await db.query(`DROP DATABASE IF EXISTS \`${config.databasePrefix}audit\``).catch(() => undefined);
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
