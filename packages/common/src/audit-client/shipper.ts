import fs from 'node:fs';
import path from 'node:path';
import { raiseAlert } from '../server/alerts.js';
import { AUDIT_BATCH_PATH } from '../server/internal-paths.js';
import { peerFetch, type PeerFetch } from '../server/tls.js';
import { signBatch, type AuditRecordInput } from './record.js';
import type { Logger } from '../server/logger.js';
import { fsyncDir } from '../util/atomic-file.js';
import { serial } from '../util/serial.js';
import { AuditQuarantine } from './quarantine.js';
import { recordText } from './record.js';

interface Pending {
  records: AuditRecordInput[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class AuditUnavailableError extends Error {
  override name = 'AuditUnavailableError';
}

/** The intake refused a batch for a reason that will not change by retrying it as it is. */
export class AuditRejectedError extends Error {
  override name = 'AuditRejectedError';
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`audit intake refused the batch with HTTP ${status}`);
  }
}

/**
 * Statuses that mean "this batch, as it is, will never be accepted": malformed (400), signature or
 * key mismatch (401, 403), no such endpoint (404, 405), too large (413), wrong type (415, 422).
 * Everything else (5xx, 408, 429, no answer) is transient and retried from the spool.
 */
const PERMANENT = new Set([400, 401, 403, 404, 405, 410, 413, 415, 422]);

/**
 * Makes access records durable before a response leaves. Records of concurrent requests are
 * coalesced into one signed POST to the audit subgraph, which answers once they are committed.
 * If it cannot be reached, they are appended to a local spool and fsync'd (durable on this
 * machine), and a background loop replays the spool, in order, once the audit subgraph answers;
 * record ids make replays idempotent. While the spool holds anything, new records join it, so
 * order is kept. If neither works, the caller is told and fails the request closed.
 *
 * A batch the intake refuses for good (a malformed record, a key mismatch) is never retried
 * forever and never holds other records back: it is split until the refused records are found,
 * those are set aside intact in the quarantine (durable, for an operator to inspect and
 * re-submit with `npm run audit:quarantine`), an alert fires, and delivery goes on.
 */
export class AuditShipper {
  private pending: Pending[] = [];
  private flushing = false;
  private readonly spoolFile: string;
  private readonly spoolDir: string;
  private replaying = false;
  private retrying = false;
  /** Whether this sender's shelf may hold batches: set when one is set aside, cleared when a retry empties it. */
  private shelved: boolean;
  private readonly timer: NodeJS.Timeout;
  private lastAlert = 0;
  /** Quarantined since the last alert went out (alerts are throttled to one a minute). */
  private unreported = 0;
  readonly quarantine: AuditQuarantine;
  /** Appends and the replay's rename never interleave: an append never lands in a file being replayed. */
  private readonly withSpoolLock = serial();
  /**
   * Whether the spool may hold records. Known in memory so that a request never pays for a
   * directory listing: set by every append, cleared only by a replay that found the spool empty.
   */
  private spooled: boolean;

  constructor(
    private readonly endpoint: string,
    private readonly key: Buffer,
    dataDir: string,
    private readonly subgraph: string,
    private readonly logger: Logger,
    private readonly alertWebhookUrl: string | undefined,
    private readonly timeoutMs = 5000,
    /** How the intake is called: the process's peer client (pinned CA, client certificate) unless given. */
    private readonly fetchPeer: PeerFetch = peerFetch,
  ) {
    this.spoolDir = path.join(dataDir, 'audit-spool');
    fs.mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
    this.spoolFile = path.join(this.spoolDir, `${subgraph}.jsonl`);
    this.quarantine = new AuditQuarantine(dataDir);
    // A previous process may have left records behind.
    this.spooled = this.spoolNonEmpty();
    // Set-aside batches are offered again every second while there are any: an intake that
    // refused for a while (a key rotated on one side first) gets them back, and the access
    // monitor sees them, within a second of accepting again.
    this.shelved = this.quarantine.idsOf(subgraph).length > 0;
    this.timer = setInterval(() => {
      void this.replay();
      if (this.shelved) void this.retryShelf();
    }, 1000);
    this.timer.unref();
  }

  static endpointFor(auditUrl: string): string {
    return new URL(AUDIT_BATCH_PATH, auditUrl).toString();
  }

  /** Resolves once the records are committed by the audit subgraph or fsync'd to the spool. */
  record(records: AuditRecordInput[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  private spoolFiles(): string[] {
    return fs
      .readdirSync(this.spoolDir)
      .filter((f) => f.startsWith(path.basename(this.spoolFile)))
      .map((f) => path.join(this.spoolDir, f));
  }

  private spoolNonEmpty(): boolean {
    return this.spoolFiles().some((f) => f !== this.spoolFile || fs.statSync(f).size > 0);
  }

  private async send(records: AuditRecordInput[]): Promise<void> {
    await postAuditBatch(this.endpoint, this.key, records, this.timeoutMs, this.fetchPeer);
  }

  /**
   * Sends records; those the intake refuses for good are found by halving the batch and set
   * aside, the rest are delivered in their order. A signature refusal fails every record alike,
   * so that batch is set aside whole. Transient failures are thrown (the caller spools).
   */
  private async deliver(records: AuditRecordInput[]): Promise<void> {
    try {
      await this.send(records);
    } catch (err) {
      if (!(err instanceof AuditRejectedError)) throw err;
      if (records.length === 1 || err.status === 401 || err.status === 403) {
        await this.setAside(records, err);
        return;
      }
      const half = Math.ceil(records.length / 2);
      await this.deliver(records.slice(0, half));
      await this.deliver(records.slice(half));
    }
  }

  private async setAside(records: AuditRecordInput[], err: AuditRejectedError): Promise<void> {
    const id = await this.quarantine.put(this.subgraph, records, err.status, err.reason);
    this.shelved = true;
    this.unreported++;
    this.logger.error(
      { quarantineId: id, records: records.length, status: err.status, reason: err.reason },
      'audit batch refused by the intake: set aside in the quarantine',
    );
    this.alert(`audit records set aside: ${this.unreported} batch(es), latest ${id} (HTTP ${err.status})`, () => {
      this.unreported = 0;
    });
  }

  private appendToSpool(records: AuditRecordInput[]): Promise<void> {
    return this.withSpoolLock(async () => {
      this.spooled = true;
      const created = !fs.existsSync(this.spoolFile);
      const handle = await fs.promises.open(this.spoolFile, 'a', 0o600);
      try {
        await handle.appendFile(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
        await handle.datasync();
      } finally {
        await handle.close();
      }
      // A new file's directory entry must survive a crash too.
      if (created) await fsyncDir(this.spoolDir);
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const records = batch.flatMap((p) => p.records);
        try {
          if (this.spooled) await this.appendToSpool(records);
          else {
            try {
              await this.deliver(records);
            } catch (err) {
              this.logger.warn(
                { errorName: (err as Error).name, records: records.length },
                'audit subgraph unreachable; spooling',
              );
              await this.appendToSpool(records);
            }
          }
          batch.forEach((p) => p.resolve());
        } catch (err) {
          this.alert(`audit records could not be stored or spooled (${(err as Error).name})`);
          batch.forEach((p) => p.reject(new AuditUnavailableError('access could not be recorded')));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private alert(detail: string, sent?: () => void): void {
    this.logger.error({ detail }, 'audit failure');
    if (Date.now() - this.lastAlert < 60_000) return;
    this.lastAlert = Date.now();
    sent?.();
    void raiseAlert(
      { type: 'audit_failure', severity: 'critical', actorId: 'system', detail },
      this.logger,
      this.alertWebhookUrl,
    );
  }

  /** Sends spooled records in order; a file is removed only once all of it is committed. */
  async replay(): Promise<void> {
    if (this.replaying || !this.spooled) return;
    this.replaying = true;
    try {
      await this.withSpoolLock(async () => {
        if (fs.existsSync(this.spoolFile) && fs.statSync(this.spoolFile).size > 0) {
          // New records keep going to the main file; this one, closed by every appender, is sent as it is.
          fs.renameSync(this.spoolFile, `${this.spoolFile}.${Date.now()}.${process.pid}.replaying`);
          await fsyncDir(this.spoolDir);
        }
      });
      const files = this.spoolFiles()
        .filter((f) => f.endsWith('.replaying'))
        .sort((a, b) => Number(a.split('.').at(-3)) - Number(b.split('.').at(-3)));
      for (const file of files) {
        const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
        const records = lines.flatMap((l) => {
          try {
            return [JSON.parse(l) as AuditRecordInput];
          } catch {
            return []; // a torn last line from a crash mid-append: its request never got a response
          }
        });
        // Refused records are set aside as they are met; a transient failure stops the replay here.
        for (let i = 0; i < records.length; i += 1000) await this.deliver(records.slice(i, i + 1000));
        fs.rmSync(file);
        await fsyncDir(this.spoolDir);
        this.logger.info({ records: records.length }, 'audit spool replayed');
      }
      // Appends made while this replay ran are in the main file: look once more, under the lock.
      await this.withSpoolLock(async () => {
        this.spooled = this.spoolNonEmpty();
      });
    } catch {
      // The audit subgraph is still away: try again on the next tick.
    } finally {
      this.replaying = false;
    }
  }

  /**
   * Tries this sender's set-aside batches again, as they are (their records were already isolated
   * when they were set aside). All of them go in one POST first (up to 1000 records): the usual
   * recovery, an intake that refused everything for a while, costs one round trip, not one per
   * batch. If that is refused, each batch is offered alone, and one refused again stays,
   * unchanged. A batch leaves the shelf only once committed.
   */
  async retryShelf(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      const ids = this.quarantine.idsOf(this.subgraph);
      if (ids.length === 0) {
        this.shelved = false;
        return;
      }
      const batches = ids.map((id) => ({ id, records: this.quarantine.read(id).records }));
      for (let i = 0; i < batches.length;) {
        // A run of whole batches of at most 1000 records (a bigger batch alone).
        let j = i + 1;
        let n = batches[i]!.records.length;
        while (j < batches.length && n + batches[j]!.records.length <= 1000) n += batches[j++]!.records.length;
        const run = batches.slice(i, j);
        i = j;
        try {
          await this.send(run.flatMap((b) => b.records));
          for (const b of run) this.quarantine.remove(b.id);
          this.logger.info({ quarantineIds: run.map((b) => b.id), records: n }, 'set-aside audit batches delivered');
          continue;
        } catch (err) {
          if (!(err instanceof AuditRejectedError)) return; // the intake is away: later
        }
        for (const b of run.length > 1 ? run : []) {
          try {
            await this.send(b.records);
            this.quarantine.remove(b.id);
            this.logger.info({ quarantineId: b.id, records: b.records.length }, 'set-aside audit batch delivered');
          } catch (err) {
            if (!(err instanceof AuditRejectedError)) return;
          }
        }
      }
    } finally {
      this.retrying = false;
    }
  }

  /** On shutdown: flush what is pending, then try to empty the spool once. */
  async drain(): Promise<void> {
    clearInterval(this.timer);
    while (this.flushing || this.pending.length > 0) {
      if (!this.flushing) await this.flush();
      else await new Promise((r) => setTimeout(r, 10));
    }
    await this.replay();
  }

  spoolSize(): number {
    return this.spoolFiles().reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 0);
  }
}

/**
 * One signed POST of records to the audit intake, which answers once they are committed (with
 * how many were new). Throws AuditRejectedError for a refusal that retrying will not change,
 * any other error for a transient failure. Shared by the shipper and the operator's re-submission.
 * Over https the intake must present a certificate of the pinned CA (see server/tls.ts).
 */
export async function postAuditBatch(
  endpoint: string,
  key: Buffer,
  records: AuditRecordInput[],
  timeoutMs = 5000,
  fetchPeer: PeerFetch = peerFetch,
): Promise<{ stored: number; duplicates: number }> {
  const body = JSON.stringify({ records });
  const res = await fetchPeer(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-audit-signature': signBatch(key, body) },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.ok) return (await res.json()) as { stored: number; duplicates: number };
  if (PERMANENT.has(res.status)) throw new AuditRejectedError(res.status, await reasonOf(res));
  throw new Error(`audit subgraph answered HTTP ${res.status}`);
}

/** The intake's reason (field paths and codes, never values), bounded; the status alone if none. */
async function reasonOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown; issues?: unknown };
    const issues = Array.isArray(body.issues) ? `: ${body.issues.slice(0, 10).join(', ')}` : '';
    return recordText(`${typeof body.error === 'string' ? body.error : 'refused'}${issues}`, 300);
  } catch {
    return `HTTP ${res.status}`;
  }
}
