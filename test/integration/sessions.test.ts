import { randomUUID } from 'node:crypto';
import { createGateway, type Gateway, loadGatewayConfig } from '@ehr/gateway';
import type { SeedData } from '../../tools/src/seed/generate';
import { RedisSessionStore } from '../../gateway/src/auth/session-store';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { devTokens } from '../helpers/tokens';

const MIN = 60_000;

/**
 * Sessions with an injected clock (no sleeping): sliding 15-minute inactivity, logout, and the
 * same answers from two gateway replicas sharing Redis.
 */
describe('sessions', () => {
  let db: TestDatabase;
  let data: SeedData;
  let patient: RunningSubgraph;
  let audit: RunningSubgraph;
  let now = Date.parse('2026-11-24T08:00:00Z');
  const clock = () => now;
  let tokens: Awaited<ReturnType<typeof devTokens>>;
  const gateways: Gateway[] = [];

  async function startGateway(env: Record<string, string> = {}) {
    const config = loadGatewayConfig({
      ...db.env,
      LOG_LEVEL: 'silent',
      PATIENT_URL: `${patient.url}/graphql`,
      AUDIT_URL: `${audit.url}/graphql`,
      ...env,
    });
    const gateway = await createGateway(config, { clock });
    gateways.push(gateway);
    const { url } = await gateway.listen('127.0.0.1', 0);
    return `${url}/graphql`;
  }

  const billing = () => data.identities.find((i) => i.sub === 'billing-1')!;
  const tokenAt = (sid: string) =>
    tokens.sign({ sub: billing().sub, roles: ['billing'], sid }, { iat: Math.floor(now / 1000), lifetimeS: 900 });
  async function ask(url: string, token: string, query = '{ me { sub } }') {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-hipaa-audit-id': 'session-test',
      },
      body: JSON.stringify({ query }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
    };
  }

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 5);
    patient = await runSubgraph('patient', db);
    audit = await runSubgraph('audit', db);
    tokens = await devTokens(db.config.dataDir);
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await patient?.stop();
    await audit?.stop();
    await db?.cleanup();
  });

  it('slides with activity and refuses an idle session even while its token is unexpired', async () => {
    const url = await startGateway();
    const sid = randomUUID();
    expect((await ask(url, await tokenAt(sid))).status).toBe(200);
    now += 14 * MIN;
    expect((await ask(url, await tokenAt(sid))).status).toBe(200);
    now += 14 * MIN; // 28 minutes after the start, 14 after the last use
    const token = await tokenAt(sid);
    expect((await ask(url, token)).status).toBe(200);
    now += 15 * MIN + 1000;
    const idle = await ask(url, token); // the token itself is still valid (issued 15 min ago, 900 s life + leeway)
    expect(idle.status).toBe(401);
    expect(idle.body.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
    // A fresh token for the same session does not revive it.
    const again = await ask(url, await tokenAt(sid));
    expect(again.body.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
  });

  it('ends the session at logout', async () => {
    const url = await startGateway();
    const token = await tokenAt(randomUUID());
    const out = await ask(url, token, 'mutation { logout }');
    expect(out.body).toMatchObject({ data: { logout: true } });
    const after = await ask(url, token);
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
  });

  it('refuses a session id presented by a different user', async () => {
    const url = await startGateway();
    const sid = randomUUID();
    expect((await ask(url, await tokenAt(sid))).status).toBe(200);
    const other = await tokens.sign({ sub: 'billing-2', roles: ['billing'], sid }, { iat: Math.floor(now / 1000) });
    expect((await ask(url, other)).status).toBe(401);
  });

  it('fails closed (503, no data) when the shared session store cannot be reached', async () => {
    const config = loadGatewayConfig({ ...db.env, LOG_LEVEL: 'silent', PATIENT_URL: `${patient.url}/graphql` });
    const gateway = await createGateway(config, { clock, sessions: new RedisSessionStore('redis://127.0.0.1:1') });
    gateways.push(gateway);
    const { url } = await gateway.listen('127.0.0.1', 0);
    const started = Date.now();
    const res = await ask(`${url}/graphql`, await tokenAt(randomUUID()));
    expect(res.status).toBe(503);
    expect(res.body.data).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  describe('two replicas sharing Redis', () => {
    const prefix = `ehr-test-${randomUUID()}:`;
    let a: string;
    let b: string;

    beforeAll(async () => {
      // Both replicas share one Redis, each through its own connection, as two processes would.
      for (const side of ['a', 'b']) {
        const config = loadGatewayConfig({
          ...db.env,
          LOG_LEVEL: 'silent',
          PATIENT_URL: `${patient.url}/graphql`,
          AUDIT_URL: `${audit.url}/graphql`,
        });
        const gateway = await createGateway(config, {
          clock,
          sessions: new RedisSessionStore('redis://127.0.0.1:6379', prefix),
        });
        gateways.push(gateway);
        const { url } = await gateway.listen('127.0.0.1', 0);
        if (side === 'a') a = `${url}/graphql`;
        else b = `${url}/graphql`;
      }
    });

    it('a logout on one replica is honoured by the other', async () => {
      const token = await tokenAt(randomUUID());
      expect((await ask(a, token)).status).toBe(200);
      expect((await ask(b, token)).status).toBe(200);
      expect((await ask(a, token, 'mutation { logout }')).status).toBe(200);
      const refused = await ask(b, token);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
    });

    it('activity on one replica keeps the session alive on the other; idleness expires it on both', async () => {
      const sid = randomUUID();
      expect((await ask(a, await tokenAt(sid))).status).toBe(200);
      now += 10 * MIN;
      expect((await ask(b, await tokenAt(sid))).status).toBe(200);
      now += 10 * MIN; // 20 minutes after the first use, 10 after the use on b
      expect((await ask(a, await tokenAt(sid))).status).toBe(200);
      now += 16 * MIN;
      expect((await ask(b, await tokenAt(sid))).body.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
      expect((await ask(a, await tokenAt(sid))).body.errors?.[0]?.extensions?.code).toBe('SESSION_EXPIRED');
    });
  });
});
