import { parseArgs } from 'node:util';
import {
  AuditQuarantine,
  AuditRejectedError,
  AuditShipper,
  basePart,
  buildAuditRecord,
  recordFields,
  recordRows,
  loadIngestKey,
  loadParts,
  peerClient,
  postAuditBatch,
  runMain,
  subgraphPart,
  type AuditRecordInput,
} from '@ehr/common';

const usage = `usage: npm run audit:quarantine -- list [--json]
       npm run audit:quarantine -- show ID
       npm run audit:quarantine -- resubmit ID|--all`;

/**
 * `npm run audit:quarantine`: the operator's view of audit batches the intake refused for good
 * (DATA_DIR/audit-quarantine). `list` and `show` read the shelf; `resubmit` sends a batch again
 * (each record rebuilt by today's builder, ids kept, so delivery stays idempotent). A batch
 * refused again is halved until the refused records are found: the others are committed, and the
 * entry keeps only the refused ones (as they were set aside); it leaves the shelf once all of it
 * is committed. Exits 1 if any record is refused again, 2 if the audit subgraph cannot be reached.
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
      // An https intake must present a certificate of the pinned CA, as it must to the services (TLS_CA_FILE).
      const peers = peerClient(config.tls);
      const send = (records: AuditRecordInput[]) => postAuditBatch(endpoint, key, records, 30_000, peers.fetch);
      try {
        for (const batchId of values.all ? shelf.ids() : [id!]) {
          let batch;
          try {
            batch = shelf.read(batchId);
          } catch {
            out(`${batchId}: no longer in the quarantine (delivered meanwhile)`);
            continue;
          }
          let result: Isolated;
          try {
            result = await isolate(send, batch.records);
          } catch (err) {
            // Whatever was committed before the failure is stored once when the entry is sent again.
            out(`${batchId}: the audit subgraph could not be reached (${(err as Error).name}); the entry is unchanged`);
            process.exitCode = 2;
            break;
          }
          const committed = `${result.stored} new, ${result.duplicates} already in the log`;
          const refusal = result.refusals[0];
          if (!refusal) {
            removeIfThere(shelf, batchId);
            out(`${batchId}: committed (${committed})`);
            continue;
          }
          process.exitCode = 1;
          const reason = [...new Set(result.refusals.map((r) => r.reason))].join(' | ').slice(0, 600);
          if (result.refused.length === batch.records.length) {
            out(`${batchId}: refused again (HTTP ${refusal.status}: ${reason}); it stays in the quarantine`);
            continue;
          }
          try {
            await shelf.replace(batchId, result.refused, refusal.status, reason);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            out(`${batchId}: no longer in the quarantine (delivered meanwhile)`);
            continue;
          }
          out(
            `${batchId}: ${batch.records.length - result.refused.length} record(s) committed (${committed}); ` +
              `${result.refused.length} refused again (HTTP ${refusal.status}: ${reason}) stay in the quarantine`,
          );
        }
      } finally {
        await peers.close();
      }
    } else {
      throw new RangeError(usage);
    }
    return { stop: async () => undefined };
  },
  { exitWhenDone: false },
);

interface Isolated {
  stored: number;
  duplicates: number;
  /** The records refused again, as they were on the shelf, in their order. */
  refused: AuditRecordInput[];
  refusals: AuditRejectedError[];
}

/**
 * Sends records (rebuilt) as the shipper's `deliver` does: a batch refused for good is halved
 * until the refused records are found, and the others are committed. A signature or key refusal
 * (401, 403) fails every record alike, so it is not split. A transient failure is thrown.
 */
async function isolate(
  send: (records: AuditRecordInput[]) => Promise<{ stored: number; duplicates: number }>,
  records: AuditRecordInput[],
): Promise<Isolated> {
  try {
    // Rebuilt from their rows (one per entry) and full fields, whichever form they were set aside in.
    const rebuilt = records.map((r) =>
      buildAuditRecord({ ...r, fields: recordFields(r), entities: recordRows(r.entities) }),
    );
    return { ...(await send(rebuilt)), refused: [], refusals: [] };
  } catch (err) {
    if (!(err instanceof AuditRejectedError)) throw err;
    if (records.length === 1 || err.status === 401 || err.status === 403)
      return { stored: 0, duplicates: 0, refused: records, refusals: [err] };
    const half = Math.ceil(records.length / 2);
    const a = await isolate(send, records.slice(0, half));
    const b = await isolate(send, records.slice(half));
    return {
      stored: a.stored + b.stored,
      duplicates: a.duplicates + b.duplicates,
      refused: [...a.refused, ...b.refused],
      refusals: [...a.refusals, ...b.refusals],
    };
  }
}

/** Its sender's own retry may have taken the entry off the shelf meanwhile: that is no failure. */
function removeIfThere(shelf: AuditQuarantine, batchId: string): void {
  try {
    shelf.remove(batchId);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
