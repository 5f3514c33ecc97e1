import type { BreakGlassGrantRef } from '@ehr/common';
import Redis from 'ioredis';

export type SessionState = 'active' | 'expired' | 'revoked' | 'mismatch';

/** How long a session is remembered after its last use, so an expired sid stays refused. */
const REMEMBER_S = 24 * 3600;

/**
 * Server-side session state and short-lived caches the gateway replicas must agree on. In
 * Redis when REDIS_URL is set, so every replica sees the same sessions; in process otherwise.
 */
export interface SessionStore {
  /** Records a use of the session; answers whether it may be used (sliding inactivity limit). */
  touch(sid: string, sub: string, nowMs: number, idleS: number): Promise<SessionState>;
  revoke(sid: string): Promise<void>;
  getGrants(sub: string): Promise<BreakGlassGrantRef[] | undefined>;
  setGrants(sub: string, grants: BreakGlassGrantRef[], ttlS: number): Promise<void>;
  invalidateGrants(sub: string): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

interface SessionRecord {
  sub: string;
  last: number;
  revoked?: boolean;
  expired?: boolean;
}

function judge(
  rec: SessionRecord | undefined,
  sub: string,
  nowMs: number,
  idleS: number,
): [SessionState, SessionRecord] {
  if (!rec) return ['active', { sub, last: nowMs }];
  if (rec.sub !== sub) return ['mismatch', rec];
  if (rec.revoked) return ['revoked', rec];
  if (rec.expired || nowMs - rec.last > idleS * 1000) return ['expired', { ...rec, expired: true }];
  return ['active', { ...rec, last: Math.max(rec.last, nowMs) }];
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly grants = new Map<string, { grants: BreakGlassGrantRef[]; until: number }>();

  async touch(sid: string, sub: string, nowMs: number, idleS: number): Promise<SessionState> {
    const [state, rec] = judge(this.sessions.get(sid), sub, nowMs, idleS);
    if (state !== 'mismatch') this.sessions.set(sid, rec);
    // Forget what nobody can present any more (bounded memory).
    if (this.sessions.size > 100_000) {
      for (const [k, v] of this.sessions) if (nowMs - v.last > REMEMBER_S * 1000) this.sessions.delete(k);
    }
    return state;
  }
  async revoke(sid: string): Promise<void> {
    const rec = this.sessions.get(sid);
    if (rec) rec.revoked = true;
  }
  async getGrants(sub: string) {
    const hit = this.grants.get(sub);
    return hit && hit.until > Date.now() ? hit.grants : undefined;
  }
  async setGrants(sub: string, grants: BreakGlassGrantRef[], ttlS: number) {
    this.grants.set(sub, { grants, until: Date.now() + ttlS * 1000 });
  }
  async invalidateGrants(sub: string) {
    this.grants.delete(sub);
  }
  async ready() {
    return true;
  }
  async close() {}
}

/**
 * Redis: one key per session. The check-and-update runs as a Lua script so two replicas
 * touching the same session at once cannot resurrect an expired or revoked one.
 */
const TOUCH = `
local raw = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[2])
local idle = tonumber(ARGV[3])
local state = 'active'
local rec
if raw then
  rec = cjson.decode(raw)
  if rec.sub ~= ARGV[1] then return 'mismatch' end
  if rec.revoked then state = 'revoked'
  elseif rec.expired or (now - rec.last) > idle * 1000 then state = 'expired'; rec.expired = true
  else if now > rec.last then rec.last = now end end
else
  rec = { sub = ARGV[1], last = now }
end
redis.call('SET', KEYS[1], cjson.encode(rec), 'EX', tonumber(ARGV[4]))
return state
`;

export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;

  constructor(url: string, prefix = 'ehr:') {
    // Commands wait briefly for a (re)connection, then fail: a Redis that stays away fails requests closed.
    this.redis = new Redis(url, {
      keyPrefix: prefix,
      maxRetriesPerRequest: 2,
      connectTimeout: 2000,
      commandTimeout: 2000,
    });
    // Connection errors surface as failed commands (and fail closed); no unhandled error events.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('sessionTouch', { numberOfKeys: 1, lua: TOUCH });
  }

  async touch(sid: string, sub: string, nowMs: number, idleS: number): Promise<SessionState> {
    const cmd = (this.redis as unknown as { sessionTouch: (...a: unknown[]) => Promise<string> }).sessionTouch;
    return (await cmd.call(this.redis, `session:${sid}`, sub, nowMs, idleS, REMEMBER_S)) as SessionState;
  }
  async revoke(sid: string): Promise<void> {
    const key = `session:${sid}`;
    const raw = await this.redis.get(key);
    const rec: SessionRecord = raw ? (JSON.parse(raw) as SessionRecord) : { sub: '', last: Date.now() };
    await this.redis.set(key, JSON.stringify({ ...rec, revoked: true }), 'EX', REMEMBER_S);
  }
  async getGrants(sub: string) {
    const raw = await this.redis.get(`grants:${sub}`);
    return raw ? (JSON.parse(raw) as BreakGlassGrantRef[]) : undefined;
  }
  async setGrants(sub: string, grants: BreakGlassGrantRef[], ttlS: number) {
    await this.redis.set(`grants:${sub}`, JSON.stringify(grants), 'EX', ttlS);
  }
  async invalidateGrants(sub: string) {
    await this.redis.del(`grants:${sub}`);
  }
  async ready() {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
  async close() {
    this.redis.disconnect();
  }
}
