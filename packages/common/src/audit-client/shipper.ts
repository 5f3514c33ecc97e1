import path from 'node:path';
import { raiseAlert } from '../server/alerts.js';
import { AUDIT_BATCH_PATH } from '../server/internal-paths.js';
import { peerFetch, type PeerFetch } from '../server/tls.js';
import { signBatch, type AuditRecordInput } from './record.js';
import type { Logger } from '../server/logger.js';
import { Gauge, type Registry } from 'prom-client';
import { AuditJournal } from './journal.js';
import { AuditQuarantine } from './quarantine.js';
import { AUDIT_SHIP_INTERVAL_MS } from '../config/audit-delivery.js';
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

export interface AuditShipperOptions {
  /** The audit intake (see AuditShipper.endpointFor). */
  endpoint: string;
  /** The ingest key batches are signed with. */
  key: Buffer;
  /** The journal (spool) and the quarantine live under it. */
  dataDir: string;
  /** Who sends: a subgraph's name, or `gateway`. */
  subgraph: string;
  logger: Logger;
  alertWebhookUrl: string | undefined;
  /** How long one POST may take. */
  timeoutMs?: number;
  /**
   * Journal delivery (the default, AUDIT_SHIP_INTERVAL_MS): a response waits until its records are
   * fsync'd to the local journal, and the journal is shipped in one signed batch every this many
   * ms. 0: every response waits for the audit subgraph's commit, the journal only a fallback.
   */
  shipEveryMs?: number;
  /** How the intake is called: the process's peer client (pinned CA, client certificate) unless given. */
  fetchPeer?: PeerFetch;
}

/**
 * Makes access records durable before a response leaves, in one of two ways:
 *
 * - Journal (the default): records are appended to a local journal and fdatasync'd, one write
 *   and one sync for all the requests of an event-loop turn, and the response goes. Every
 *   `shipEveryMs` what the journal holds is sent as one signed batch, which the audit subgraph
 *   commits as one group (one chain step, one signed head): the per-request cost of recording is
 *   a line in a file, not a round trip and a transaction. A record leaves the journal only once
 *   committed; record ids make a re-send idempotent.
 * - Commit (`shipEveryMs` 0): records of concurrent requests are coalesced into one signed POST
 *   and the response waits for the commit. If the audit subgraph cannot be reached, the records
 *   go to the journal instead (durable on this machine), and while it holds anything new records
 *   join it, so order is kept.
 *
 * Either way the journal is sent in order, and if neither the journal nor the audit subgraph
 * takes a record, the caller is told and fails the request closed.
 *
 * A batch the intake refuses for good (a malformed record, a key mismatch) is never retried
 * forever and never holds other records back: it is split until the refused records are found,
 * those are set aside intact in the quarantine (durable, for an operator to inspect and
 * re-submit with `npm run audit:quarantine`), an alert fires, and delivery goes on.
 */
export class AuditShipper {
  private pending: Pending[] = [];
  private flushing = false;
  private shipping = false;
  private retrying = false;
  /** Whether this sender's shelf may hold batches: set when one is set aside, cleared when a retry empties it. */
  private shelved: boolean;
  private readonly timer: NodeJS.Timeout;
  private readonly shelfTimer: NodeJS.Timeout;
  private lastAlert = 0;
  /** Quarantined since the last alert went out (alerts are throttled to one a minute). */
  private unreported = 0;
  readonly quarantine: AuditQuarantine;
  private readonly journal: AuditJournal;
  private readonly endpoint: string;
  private readonly key: Buffer;
  private readonly subgraph: string;
  private readonly logger: Logger;
  private readonly alertWebhookUrl: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchPeer: PeerFetch;
  /** Journal delivery when above 0 (see AuditShipperOptions.shipEveryMs). */
  readonly shipEveryMs: number;
  /** Whether the last ship failed for a transient reason (logged once, not every tick). */
  private shipFailing = false;
  /** Records given to `record` whose batch is not yet in the journal or committed. */
  private accepting = 0;

  constructor(options: AuditShipperOptions) {
    this.endpoint = options.endpoint;
    this.key = options.key;
    this.subgraph = options.subgraph;
    this.logger = options.logger;
    this.alertWebhookUrl = options.alertWebhookUrl;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetchPeer = options.fetchPeer ?? peerFetch;
    this.shipEveryMs = options.shipEveryMs ?? AUDIT_SHIP_INTERVAL_MS;
    // What a previous process left in the journal is loaded first and sent before anything new.
    this.journal = new AuditJournal(path.join(options.dataDir, 'audit-spool'), options.subgraph);
    this.quarantine = new AuditQuarantine(options.dataDir);
    // Set-aside batches are offered again every second while there are any: an intake that
    // refused for a while (a key rotated on one side first) gets them back, and the access
    // monitor sees them, within a second of accepting again.
    this.shelved = this.quarantine.idsOf(options.subgraph).length > 0;
    this.timer = setInterval(
      () => {
        this.journal.refresh();
        void this.ship();
      },
      this.shipEveryMs > 0 ? this.shipEveryMs : 1000,
    );
    this.timer.unref();
    this.shelfTimer = setInterval(() => {
      if (this.shelved) void this.retryShelf();
    }, 1000);
    this.shelfTimer.unref();
  }

  static endpointFor(auditUrl: string): string {
    return new URL(AUDIT_BATCH_PATH, auditUrl).toString();
  }

  /** Resolves once the records are in the journal (fdatasync'd) or committed by the audit subgraph. */
  record(records: AuditRecordInput[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    this.accepting += records.length;
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async send(lines: string[]): Promise<void> {
    await postAuditLines(this.endpoint, this.key, lines, this.timeoutMs, this.fetchPeer);
  }

  /**
   * Sends records; those the intake refuses for good are found by halving the batch and set
   * aside, the rest are delivered in their order. A signature refusal fails every record alike,
   * so that batch is set aside whole. Transient failures are thrown (the caller keeps the records).
   */
  private async deliver(lines: string[]): Promise<void> {
    try {
      await this.send(lines);
    } catch (err) {
      if (!(err instanceof AuditRejectedError)) throw err;
      if (lines.length === 1 || err.status === 401 || err.status === 403) {
        await this.setAside(lines, err);
        return;
      }
      const half = Math.ceil(lines.length / 2);
      await this.deliver(lines.slice(0, half));
      await this.deliver(lines.slice(half));
    }
  }

  private async setAside(lines: string[], err: AuditRejectedError): Promise<void> {
    const records = lines.map((l) => JSON.parse(l) as AuditRecordInput);
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

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        // Each record is serialised once: the same line goes to the journal and, later, in the POST.
        const lines = batch.flatMap((p) => p.records.map((r) => JSON.stringify(r)));
        try {
          if (this.shipEveryMs > 0) await this.journalOrDeliver(lines);
          else await this.deliverOrJournal(lines);
          batch.forEach((p) => p.resolve());
        } catch (err) {
          this.alert(`audit records could not be stored or spooled (${(err as Error).name})`);
          batch.forEach((p) => p.reject(new AuditUnavailableError('access could not be recorded')));
        } finally {
          this.accepting -= lines.length;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Journal delivery: the local journal, or, when it cannot be written (a full disk), the audit subgraph itself. */
  private async journalOrDeliver(lines: string[]): Promise<void> {
    try {
      await this.journal.append(lines);
    } catch (err) {
      this.logger.error({ errorName: (err as Error).name }, 'audit journal not writable; delivering directly');
      // Journaled records go first: while any wait, these wait too (the caller fails closed).
      if (this.journal.size > 0) throw err;
      await this.deliver(lines);
    }
  }

  /** Commit delivery: the audit subgraph's commit, or, when it cannot be reached, the journal. */
  private async deliverOrJournal(lines: string[]): Promise<void> {
    // While the journal holds records, new ones join it: order is kept.
    if (this.journal.size > 0) return this.journal.append(lines);
    try {
      await this.deliver(lines);
    } catch (err) {
      this.logger.warn(
        { errorName: (err as Error).name, records: lines.length },
        'audit subgraph unreachable; spooling',
      );
      await this.journal.append(lines);
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

  /** Sends what the journal holds now, in order, in batches of up to 1000; a record leaves it only once committed. */
  async ship(): Promise<void> {
    if (this.shipping || this.journal.size === 0) return;
    this.shipping = true;
    try {
      // What the journal held at the tick: records that arrive meanwhile wait for the next one,
      // so a busy sender still sends one batch per interval, not a stream of small ones.
      for (let left = this.journal.size; left > 0;) {
        const lines = this.journal.peek(Math.min(1000, left));
        // Refused records are set aside as they are met; a transient failure stops here, kept.
        await this.deliver(lines);
        await this.journal.shipped(lines.length);
        left -= lines.length;
      }
      if (this.shipFailing) this.logger.info('audit subgraph reachable again; journal shipped');
      this.shipFailing = false;
    } catch (err) {
      // The audit subgraph is away: tried again on the next tick (said once, not every tick).
      if (!this.shipFailing)
        this.logger.warn({ errorName: (err as Error).name }, 'audit subgraph unreachable; records kept in the journal');
      this.shipFailing = true;
    } finally {
      this.shipping = false;
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
          await this.send(run.flatMap((b) => b.records.map((r) => JSON.stringify(r))));
          for (const b of run) this.quarantine.remove(b.id);
          this.logger.info({ quarantineIds: run.map((b) => b.id), records: n }, 'set-aside audit batches delivered');
          continue;
        } catch (err) {
          if (!(err instanceof AuditRejectedError)) return; // the intake is away: later
        }
        for (const b of run.length > 1 ? run : []) {
          try {
            await this.send(b.records.map((r) => JSON.stringify(r)));
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

  /** On shutdown: flush what is pending, then try once to empty the journal. */
  async drain(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.shelfTimer);
    while (this.flushing || this.pending.length > 0) {
      if (!this.flushing) await this.flush();
      else await new Promise((r) => setTimeout(r, 10));
    }
    while (this.shipping) await new Promise((r) => setTimeout(r, 10));
    await this.ship();
    await this.journal.stop();
  }

  /** Records taken (or being taken) by `record` and not yet committed by the audit subgraph or set aside. */
  spoolSize(): number {
    return this.accepting + this.journal.size;
  }

  /**
   * What an operator watches, at scrape time and on /readyz: set-aside batches (an operator may
   * have re-submitted meanwhile, so counted from the shelf) and records waiting in the journal
   * (growing means the audit subgraph is away; 0 means every record answered so far is committed).
   */
  instrument(registry: Registry): () => { auditQuarantinedBatches: number; auditJournalRecords: number } {
    const quarantined = () => this.quarantine.size();
    const journaled = () => this.spoolSize();
    new Gauge({
      name: 'ehr_audit_quarantined_batches',
      help: 'Audit batches the intake refused for good, set aside until re-submitted',
      registers: [registry],
      collect() {
        this.set(quarantined());
      },
    });
    new Gauge({
      name: 'ehr_audit_journal_records',
      help: 'Audit records in the local journal not yet committed by the audit subgraph',
      registers: [registry],
      collect() {
        this.set(journaled());
      },
    });
    return () => ({ auditQuarantinedBatches: this.quarantine.size(), auditJournalRecords: this.spoolSize() });
  }
}

/**
 * One signed POST of records to the audit intake, which answers once they are committed (with
 * how many were new). Throws AuditRejectedError for a refusal that retrying will not change,
 * any other error for a transient failure. Shared by the shipper and the operator's re-submission.
 * Over https the intake must present a certificate of the pinned CA (see server/tls.ts).
 */
export function postAuditBatch(
  endpoint: string,
  key: Buffer,
  records: AuditRecordInput[],
  timeoutMs = 5000,
  fetchPeer: PeerFetch = peerFetch,
): Promise<{ stored: number; duplicates: number }> {
  return postAuditLines(
    endpoint,
    key,
    records.map((r) => JSON.stringify(r)),
    timeoutMs,
    fetchPeer,
  );
}

/** The same POST from records already serialised (the journal's lines): the body is `{"records":[...]}`. */
export async function postAuditLines(
  endpoint: string,
  key: Buffer,
  lines: string[],
  timeoutMs = 5000,
  fetchPeer: PeerFetch = peerFetch,
): Promise<{ stored: number; duplicates: number }> {
  const body = `{"records":[${lines.join(',')}]}`;
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
