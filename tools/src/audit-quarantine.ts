import { parseArgs } from 'node:util';
import {
  AuditQuarantine,
  AuditRejectedError,
  AuditShipper,
  basePart,
  buildAuditRecord,
  loadIngestKey,
  loadParts,
  postAuditBatch,
  runMain,
  subgraphPart,
} from '@ehr/common';

const usage = `usage: npm run audit:quarantine -- list [--json]
       npm run audit:quarantine -- show ID
       npm run audit:quarantine -- resubmit ID|--all`;

/**
 * `npm run audit:quarantine`: the operator's view of audit batches the intake refused for good
 * (DATA_DIR/audit-quarantine). `list` and `show` read the shelf; `resubmit` sends a batch again
 * (each record rebuilt by today's builder, ids kept, so delivery stays idempotent) and takes it
 * off the shelf only once the audit subgraph has committed it. Exits 1 if any re-submission is
 * refused again, 2 if the audit subgraph cannot be reached.
 */
runMain(
  'audit:quarantine',
  async () => {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, all: { type: 'boolean', default: false } },
      strict: true,
    });
    const [command, id] = positionals;
    // The subgraph slice holds AUDIT_URL and AUDIT_INGEST_KEY_FILE; any subgraph's name serves.
    const config = loadParts(process.env, basePart('patient'), subgraphPart);
    const shelf = new AuditQuarantine(config.database.dataDir);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (command === 'list') {
      const batches = shelf.list();
      if (values.json) out(JSON.stringify(batches));
      else if (batches.length === 0) out('no quarantined audit batches');
      else
        for (const b of batches)
          out(`${b.id}  ${b.quarantinedAt}  ${b.subgraph}  ${b.recordCount} record(s)  HTTP ${b.status}  ${b.reason}`);
    } else if (command === 'show' && id) {
      out(JSON.stringify(shelf.read(id), null, 2));
    } else if (command === 'resubmit' && (id || values.all)) {
      const endpoint = AuditShipper.endpointFor(config.auditUrl);
      const key = loadIngestKey(config.auditIngestKeyFile, config.database.dataDir);
      for (const batchId of values.all ? shelf.ids() : [id!]) {
        let batch;
        try {
          batch = shelf.read(batchId);
        } catch {
          out(`${batchId}: no longer in the quarantine (delivered meanwhile)`);
          continue;
        }
        try {
          const result = await postAuditBatch(endpoint, key, batch.records.map(buildAuditRecord), 30_000);
          shelf.remove(batchId);
          out(`${batchId}: committed (${result.stored} new, ${result.duplicates} already in the log)`);
        } catch (err) {
          if (err instanceof AuditRejectedError) {
            out(`${batchId}: refused again (HTTP ${err.status}: ${err.reason}); it stays in the quarantine`);
            process.exitCode = 1;
          } else {
            out(`${batchId}: the audit subgraph could not be reached (${(err as Error).name}); nothing changed`);
            process.exitCode = 2;
            break;
          }
        }
      }
    } else {
      throw new RangeError(usage);
    }
    return { stop: async () => undefined };
  },
  { exitWhenDone: false },
);
