import fs from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { Redis } from 'ioredis';
import { checkpointValid } from './checkpoint-key.js';

/** A signed head as published outside the database. */
export interface SignedHead {
  sequence: number;
  chainHash: string;
  signature: string;
}

/**
 * The append-only file of signed heads under DATA_DIR (one JSON line per committed group),
 * outside the database: whoever deletes rows and rolls the head back together still leaves the
 * later heads here, and the verifier compares. Appends are fsync'd after each commit.
 */
export class PublishedHeads {
  constructor(readonly file: string) {}

  static in(dataDir: string): PublishedHeads {
    return new PublishedHeads(path.join(dataDir, 'audit-heads.jsonl'));
  }

  async append(head: SignedHead): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const handle = await fs.promises.open(this.file, 'a', 0o600);
    try {
      await handle.appendFile(`${JSON.stringify({ ...head, at: new Date().toISOString() })}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Every head in the file whose signature verifies, in file order; unsigned, forged or torn
   * lines are skipped (they can neither vouch for nor accuse the log).
   */
  all(publicKey: KeyObject): SignedHead[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, 'utf8')
      .split('\n')
      .flatMap((line) => signedHead(line, publicKey) ?? []);
  }

  /** The highest head in the file whose signature verifies. */
  latest(publicKey: KeyObject): SignedHead | undefined {
    return this.all(publicKey).reduce<SignedHead | undefined>(
      (best, h) => (!best || h.sequence > best.sequence ? h : best),
      undefined,
    );
  }
}

/**
 * One published head (a line of the file, a member of the Redis set) if its signature verifies;
 * a torn, unsigned or forged one can neither vouch for nor accuse the log.
 */
function signedHead(text: string, publicKey: KeyObject): SignedHead | undefined {
  if (!text) return undefined;
  try {
    const h = JSON.parse(text) as Partial<SignedHead>;
    if (typeof h.sequence !== 'number' || typeof h.chainHash !== 'string' || typeof h.signature !== 'string')
      return undefined;
    return checkpointValid(publicKey, h.sequence, h.chainHash, h.signature)
      ? { sequence: h.sequence, chainHash: h.chainHash, signature: h.signature }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Somewhere signed heads are published after each commit. */
export interface HeadSink {
  append(head: SignedHead): Promise<void>;
}

/** Publishes to every sink; one that fails does not stop the others (the caller logs it). */
export function everySink(...sinks: (HeadSink | undefined)[]): HeadSink {
  const live = sinks.filter((s): s is HeadSink => s !== undefined);
  return {
    async append(head) {
      const results = await Promise.allSettled(live.map((s) => s.append(head)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * Signed heads in Redis as well (AUDIT_HEADS_REDIS_URL): a sorted set by sequence, on another
 * machine than the database and the audit subgraph's disk, so removing rows, the head and the
 * local heads file together is still caught. Members carry their signature; a forged one is
 * ignored by the verifier like a forged line of the file.
 */
export class RedisHeads implements HeadSink {
  private readonly redis: Redis;

  constructor(
    url: string,
    readonly key: string,
  ) {
    // Commands fail fast when Redis is away: publication is best effort, the file and the
    // database's own signed head still stand.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
  }

  private connecting: Promise<void> | undefined;
  private ready(): Promise<void> {
    return (this.connecting ??= this.redis.connect());
  }

  async append(head: SignedHead): Promise<void> {
    await this.ready();
    await this.redis.zadd(this.key, head.sequence, JSON.stringify({ ...head, at: new Date().toISOString() }));
  }

  async all(publicKey: KeyObject): Promise<SignedHead[]> {
    await this.ready();
    return (await this.redis.zrange(this.key, 0, -1)).flatMap((m) => signedHead(m, publicKey) ?? []);
  }

  close(): void {
    this.redis.disconnect();
  }
}
