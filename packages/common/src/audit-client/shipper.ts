import fs from 'node:fs';
import path from 'node:path';
import { raiseAlert } from '../server/alerts.js';
import { AUDIT_BATCH_PATH } from '../server/internal-paths.js';
import { signBatch, type AuditRecordInput } from './record.js';
import type { Logger } from '../server/logger.js';
import { serial } from '../util/serial.js';

interface Pending {
  records: AuditRecordInput[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class AuditUnavailableError extends Error {
  override name = 'AuditUnavailableError';
}

/**
 * Makes access records durable before a response leaves. Records of concurrent requests are
 * coalesced into one signed POST to the audit subgraph, which answers once they are committed.
 * If it cannot be reached, they are appended to a local spool and fsync'd (durable on this
 * machine), and a background loop replays the spool, in order, once the audit subgraph answers;
 * record ids make replays idempotent. While the spool holds anything, new records join it, so
 * order is kept. If neither works, the caller is told and fails the request closed.
 */
export class AuditShipper {
  private pending: Pending[] = [];
  private flushing = false;
  private readonly spoolFile: string;
  private readonly spoolDir: string;
  private replaying = false;
  private readonly timer: NodeJS.Timeout;
  private lastAlert = 0;
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
    subgraph: string,
    private readonly logger: Logger,
    private readonly alertWebhookUrl: string | undefined,
    private readonly timeoutMs = 5000,
  ) {
    this.spoolDir = path.join(dataDir, 'audit-spool');
    fs.mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
    this.spoolFile = path.join(this.spoolDir, `${subgraph}.jsonl`);
    // A previous process may have left records behind.
    this.spooled = this.spoolNonEmpty();
    this.timer = setInterval(() => void this.replay(), 1000);
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
    const body = JSON.stringify({ records });
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-audit-signature': signBatch(this.key, body) },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`audit subgraph answered HTTP ${res.status}`);
  }

  private appendToSpool(records: AuditRecordInput[]): Promise<void> {
    return this.withSpoolLock(async () => {
      this.spooled = true;
      const handle = await fs.promises.open(this.spoolFile, 'a', 0o600);
      try {
        await handle.appendFile(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
        await handle.datasync();
      } finally {
        await handle.close();
      }
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
              await this.send(records);
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

  private alert(detail: string): void {
    this.logger.error({ detail }, 'audit failure');
    if (Date.now() - this.lastAlert < 60_000) return;
    this.lastAlert = Date.now();
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
        for (let i = 0; i < records.length; i += 1000) await this.send(records.slice(i, i + 1000));
        fs.rmSync(file);
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
