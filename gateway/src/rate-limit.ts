import Redis from 'ioredis';

/**
 * Requests per user per minute, fixed window. In Redis when REDIS_URL is set, so the limit holds
 * across replicas; in process otherwise. A limiter that cannot answer lets the request through:
 * the session check, which fails closed, has already run against the same store.
 */
export interface RateLimiter {
  /** Whether this request is within the limit; and when the window resets (seconds). */
  take(sub: string, nowMs: number): Promise<{ allowed: boolean; retryAfterS: number }>;
  close(): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly perMinute: number) {}

  async take(sub: string, nowMs: number) {
    const start = Math.floor(nowMs / 60_000) * 60_000;
    let w = this.windows.get(sub);
    if (!w || w.start !== start) {
      if (this.windows.size > 100_000) this.windows.clear();
      this.windows.set(sub, (w = { start, count: 0 }));
    }
    w.count++;
    return { allowed: w.count <= this.perMinute, retryAfterS: Math.ceil((start + 60_000 - nowMs) / 1000) };
  }
  async close() {}
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  constructor(
    url: string,
    private readonly perMinute: number,
    prefix = 'ehr:',
  ) {
    this.redis = new Redis(url, {
      keyPrefix: prefix,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
  }

  async take(sub: string, nowMs: number) {
    const start = Math.floor(nowMs / 60_000) * 60_000;
    const retryAfterS = Math.ceil((start + 60_000 - nowMs) / 1000);
    try {
      const key = `rate:${sub}:${start}`;
      const [[, count]] = (await this.redis.multi().incr(key).expire(key, 120).exec()) as [[unknown, number]];
      return { allowed: count <= this.perMinute, retryAfterS };
    } catch {
      return { allowed: true, retryAfterS };
    }
  }
  async close() {
    this.redis.disconnect();
  }
}
