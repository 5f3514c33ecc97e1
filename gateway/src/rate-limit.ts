import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Whether a request is within a limit, and when to come back (seconds) when it is not. */
export interface RateDecision {
  allowed: boolean;
  retryAfterS: number;
}

/**
 * A fixed-window limit per key (a user, a client address), on rate-limiter-flexible. With Redis
 * the count is shared by every gateway replica; when Redis does not answer, the limiter degrades
 * to a count of its own process (rate-limiter-flexible's insurance limiter) rather than letting
 * everything through or refusing everyone: the session check, which fails closed, has already run
 * against the same store for the requests that reach it.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: Redis;

  constructor(opts: { points: number; durationS: number; redisUrl?: string; keyPrefix: string }) {
    const memory = new RateLimiterMemory({ points: opts.points, duration: opts.durationS, keyPrefix: opts.keyPrefix });
    if (!opts.redisUrl) {
      this.limiter = memory;
      return;
    }
    this.redis = new Redis(opts.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis,
      points: opts.points,
      duration: opts.durationS,
      // One slot per key on Redis Cluster: the key is a hash tag.
      keyPrefix: `{${opts.keyPrefix}}`,
      insuranceLimiter: memory,
    });
  }

  /**
   * Resolves once Redis answers (at once without Redis; after `timeoutMs` regardless). Until
   * then the per-process count applies, as when Redis is down.
   */
  async ready(timeoutMs = 2000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Spends one point of `key`'s window. */
  async take(key: string): Promise<RateDecision> {
    try {
      const res = await this.limiter.consume(key, 1);
      return { allowed: true, retryAfterS: Math.ceil(res.msBeforeNext / 1000) };
    } catch (res) {
      if (res instanceof RateLimiterRes)
        return { allowed: false, retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
      throw res;
    }
  }

  /** Whether `key` is over its limit, without spending a point. */
  async check(key: string): Promise<RateDecision> {
    const res = await this.limiter.get(key);
    if (!res || res.remainingPoints > 0) return { allowed: true, retryAfterS: 0 };
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}
