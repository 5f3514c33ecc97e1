import type { Logger } from '@ehr/common';
import { Counter, type Registry } from 'prom-client';
import type { HeadSink, SignedHead } from './published-heads.js';

/** What is POSTed for each head: ids and hashes, never a record's content. */
type PostedHead = SignedHead & { at: string };

export interface HeadsWebhookOptions {
  /** Deadline of one POST; a receiver that hangs costs one attempt, never the writer. */
  timeoutMs?: number;
  /** Undelivered heads kept in memory; past it the oldest are dropped (they stay in the heads file). */
  maxPending?: number;
  /** Where `ehr_audit_heads_webhook_failures_total` is registered (the service's /metrics). */
  registry?: Registry;
}

/** The receiver answered, but not with 2xx. */
class WebhookRefusedError extends Error {
  override name = 'WebhookRefusedError';
  constructor(readonly status: number) {
    super(`heads webhook answered HTTP ${status}`);
  }
}

/**
 * Signed heads POSTed to a webhook as well (AUDIT_HEADS_WEBHOOK_URL): a copy held by someone
 * else, which rows, head, heads file and Redis changed together cannot take back.
 *
 * `append` only queues and returns: the writer awaits its sinks inside the commit loop, and a
 * slow or absent receiver must never hold or fail a commit. One delivery loop POSTs the queue
 * in sequence order; on the first failure it stops and the next publish tries again from the
 * oldest undelivered head, so a receiver that was briefly down still gets every head, in
 * order. A POST that timed out may have arrived: receivers should dedupe by sequence.
 */
export class HeadsWebhook implements HeadSink {
  private readonly pending: PostedHead[] = [];
  private running: Promise<void> | undefined;
  /** A head was published while a POST was in flight: that publish is owed an attempt of its own. */
  private owed = false;
  private failingSince: number | undefined;
  /** Heads dropped by the bound since the last line that said so. */
  private dropped = 0;
  private lastDropLog = 0;
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  readonly failures: Counter;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    options: HeadsWebhookOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxPending = options.maxPending ?? 1000;
    this.failures = new Counter({
      name: 'ehr_audit_heads_webhook_failures_total',
      help: 'POSTs of signed audit heads to AUDIT_HEADS_WEBHOOK_URL that failed (no answer, timeout, non-2xx)',
      registers: options.registry ? [options.registry] : [],
    });
  }

  append(head: SignedHead): Promise<void> {
    this.pending.push({ sequence: head.sequence, chainHash: head.chainHash, signature: head.signature, at: now() });
    if (this.pending.length > this.maxPending) {
      const dropped = this.pending.splice(0, this.pending.length - this.maxPending);
      this.dropped += dropped.length;
      // At most a line a minute (a long outage drops one head per commit), with the count since the last.
      if (Date.now() - this.lastDropLog >= 60_000) {
        this.logger.warn(
          { dropped: this.dropped, upToSequence: dropped.at(-1)!.sequence },
          'audit heads dropped from the webhook queue (still in the heads file)',
        );
        this.dropped = 0;
        this.lastDropLog = Date.now();
      }
    }
    if (this.running) this.owed = true;
    else this.kick();
    return Promise.resolve();
  }

  /** Heads queued and not yet taken by the receiver. */
  undelivered(): number {
    return this.pending.length;
  }

  /** Resolves once no delivery is running (the queue is empty, or the last attempt failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** At stop (after the writer settled): one last attempt at what is queued, then say what is left. */
  async close(): Promise<void> {
    await this.idle();
    this.kick();
    await this.idle();
    if (this.pending.length > 0 || this.dropped > 0)
      this.logger.warn(
        { undelivered: this.pending.length, fromSequence: this.pending[0]?.sequence, dropped: this.dropped },
        'audit heads not delivered to the webhook at stop (still in the heads file)',
      );
  }

  private kick(): void {
    if (this.running || this.pending.length === 0) return;
    this.running = this.deliver();
  }

  /**
   * Oldest first until the queue is empty or a POST fails with no publish owed an attempt (one
   * attempt per publish while the receiver is away: never a tight loop, never a head left
   * waiting because it was queued during a failing attempt). `running` is cleared in the same
   * turn as the last check, so a head queued meanwhile always finds a loop to run it.
   */
  private async deliver(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const head = this.pending[0]!;
        this.owed = false;
        if (!(await this.post(head))) {
          if (this.owed) continue;
          return;
        }
        // The bound may have dropped it while it was in flight.
        if (this.pending[0] === head) this.pending.shift();
      }
    } finally {
      this.running = undefined;
    }
  }

  private async post(head: PostedHead): Promise<boolean> {
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(head),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // Nothing is read from the answer; cancelling frees the connection for the next POST.
      await res.body?.cancel();
      if (!res.ok) throw new WebhookRefusedError(res.status);
    } catch (err) {
      this.failures.inc();
      // One line per outage, not per attempt (every commit retries); the counter has each one.
      // The URL is never logged: it may carry a token.
      if (this.failingSince === undefined) {
        this.failingSince = Date.now();
        const status = err instanceof WebhookRefusedError ? err.status : undefined;
        this.logger.error(
          { errorName: (err as Error).name, status, sequence: head.sequence },
          'audit head not delivered to the webhook; will retry on the next commit',
        );
      }
      return false;
    }
    if (this.failingSince !== undefined) {
      this.logger.info(
        { downForMs: Date.now() - this.failingSince, queued: this.pending.length },
        'audit heads webhook answers again; delivering the queued heads',
      );
      this.failingSince = undefined;
    }
    return true;
  }
}

const now = () => new Date().toISOString();
