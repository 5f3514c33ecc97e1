import http from 'node:http';
import { createGateway, type Gateway, loadGatewayConfig } from '@ehr/gateway';
import { RateLimiter } from '../../gateway/src/rate-limit';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { devTokens } from '../helpers/tokens';

/** Request rate per user and operation size: clear refusals before any work is done. */
describe('gateway limits', () => {
  let db: TestDatabase;
  let data: SeedData;
  let patient: RunningSubgraph;
  let medication: RunningSubgraph;
  let gateway: Gateway;
  let url: string;
  const now = Date.parse('2026-11-24T09:00:10Z');
  let token: string;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 5);
    patient = await runSubgraph('patient', db);
    medication = await runSubgraph('medication', db, { PATIENT_URL: `${patient.url}/graphql` });
    const config = loadGatewayConfig({
      ...db.env,
      LOG_LEVEL: 'silent',
      PATIENT_URL: `${patient.url}/graphql`,
      MEDICATION_URL: `${medication.url}/graphql`,
      QUERY_MAX_DEPTH: '6',
    });
    gateway = await createGateway(config, {
      clock: () => now,
      rateLimiter: new RateLimiter({ points: 3, durationS: 2, keyPrefix: 'test-rate' }),
    });
    url = `${(await gateway.listen('127.0.0.1', 0)).url}/graphql`;
    const billing = data.identities.find((i) => i.sub === 'billing-1')!;
    token = await (
      await devTokens(db.config.dataDir)
    ).sign({ sub: billing.sub, roles: ['billing'] }, { iat: Math.floor(now / 1000) });
  });
  afterAll(async () => {
    await gateway?.stop();
    await medication?.stop();
    await patient?.stop();
    await db?.cleanup();
  });

  let fresh = 0;
  /** A token of its own (a user with a fresh rate window), for the size limits. */
  const own = async () =>
    (await devTokens(db.config.dataDir)).sign(
      { sub: `billing-limits-${fresh++}`, roles: ['billing'] },
      { iat: Math.floor(now / 1000) },
    );
  const ask = async (query: string, as?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${as ?? token}`,
        'x-hipaa-audit-id': 'limits',
      },
      body: JSON.stringify({ query }),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] },
    };
  };

  /** Refused before any subgraph is asked, with one message that does not say which limit or where it lies. */
  const expectTooLarge = (r: Awaited<ReturnType<typeof ask>>) => {
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.message).toBe('The operation is too large or too complex for this service.');
    expect(JSON.stringify(r.body)).not.toMatch(/\b(6|40|1000|5000|10)\b/);
  };

  it('refuses an operation nested deeper than the limit, before asking any subgraph', async () => {
    const p = data.patients[0]!.id;
    const deep = `{ patient(id: "${p}") { medications { patient { medications { patient { medications { id } } } } } } }`;
    const r = await ask(deep, await own());
    expectTooLarge(r);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses too many aliases, duplicated fields, directives and tokens', async () => {
    expectTooLarge(
      await ask(`{ ${Array.from({ length: 41 }, (_, i) => `a${i}: __typename`).join(' ')} }`, await own()),
    );
    // 500 duplicated fields (graphql-cop's field duplication check): far under the token and cost limits.
    expectTooLarge(await ask(`{ ${'__typename '.repeat(500)}}`, await own()));
    // Ten unknown directives on one field (graphql-cop's directive overloading): one error, not ten.
    const overloaded = await ask(`query cop { __typename ${'@aa'.repeat(10)} }`, await own());
    expectTooLarge(overloaded);
    expect(overloaded.body.errors).toHaveLength(1);
    expectTooLarge(
      await ask(
        `{ ${Array.from({ length: 51 }, (_, i) => `f${i}: __typename @include(if: true)`).join(' ')} }`,
        await own(),
      ),
    );
    expectTooLarge(await ask(`{ ${Array.from({ length: 600 }, () => 'me { sub }').join(' ')} }`, await own()));
    // ... while a handful of duplicates, as generated clients sometimes send, still answer.
    expect((await ask('{ me { sub sub roles roles } }', await own())).status).toBe(200);
  });

  it('refuses a batch as a client mistake: 400 BAD_REQUEST, not a server error', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await own()}`,
        'x-hipaa-audit-id': 'limits',
      },
      body: JSON.stringify([{ query: '{ me { sub } }' }, { query: '{ me { sub } }' }]),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('answers 429 with Retry-After past the per-user rate, and again at the next window', async () => {
    for (let i = 0; i < 3; i++) expect((await ask('{ me { sub } }')).status).toBe(200);
    const limited = await ask('{ me { sub } }');
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, Number(limited.retryAfter) * 1000 + 100));
    expect((await ask('{ me { sub } }')).status).toBe(200);
  });

  it('limits refused requests per address: bad tokens cannot be tried endlessly, whoever they claim to be', async () => {
    const config = loadGatewayConfig({
      ...db.env,
      LOG_LEVEL: 'silent',
      PATIENT_URL: `${patient.url}/graphql`,
      MEDICATION_URL: `${medication.url}/graphql`,
      AUTH_FAILURES_PER_MINUTE: '3',
    });
    const guarded = await createGateway(config, { clock: () => now });
    try {
      const at = `${(await guarded.listen('127.0.0.1', 0)).url}/graphql`;
      const post = (authorization: string) =>
        fetch(at, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization, 'x-hipaa-audit-id': 'limits' },
          body: JSON.stringify({ query: '{ me { sub } }' }),
        });
      for (let i = 0; i < 3; i++) expect((await post(`Bearer forged.token.${i}`)).status).toBe(401);
      const limited = await post('Bearer forged.token.4');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // From that address, even a valid token waits: the address is what is limited.
      expect((await post(`Bearer ${await own()}`)).status).toBe(429);
    } finally {
      await guarded.stop();
    }
  });

  it('refuses a token that mixes the analyst role with clinical roles, on both endpoints', async () => {
    const physician = data.identities.find((i) => i.role === 'physician')!;
    const mixed = await (
      await devTokens(db.config.dataDir)
    ).sign(
      { sub: physician.sub, roles: ['analyst', 'physician'], practitioner_id: physician.practitioner_id },
      { iat: Math.floor(now / 1000) },
    );
    const clinical = await ask('{ me { sub } }', mixed);
    expect(clinical.status).toBe(403);
    expect(clinical.body.errors?.[0]?.message).toMatch(/may not combine the analyst role/);
    const res = await fetch(url.replace('/graphql', '/analytics/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mixed}`, 'x-hipaa-audit-id': 'limits' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(403);
  });

  it('shares a limit across gateway replicas through Redis, and falls back to a per-process limit without it', async () => {
    const prefix = `test-shared-${Date.now()}`;
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const a = new RateLimiter({ points: 2, durationS: 30, redisUrl, keyPrefix: prefix });
    const b = new RateLimiter({ points: 2, durationS: 30, redisUrl, keyPrefix: prefix });
    const down = new RateLimiter({ points: 2, durationS: 30, redisUrl: 'redis://127.0.0.1:1', keyPrefix: prefix });
    try {
      await Promise.all([a.ready(), b.ready()]);
      expect((await a.take('user-1')).allowed).toBe(true);
      expect((await b.take('user-1')).allowed).toBe(true);
      // The third request, on either replica, is over the shared limit.
      expect((await a.take('user-1')).allowed).toBe(false);
      expect((await b.take('user-1')).allowed).toBe(false);
      expect((await b.take('user-2')).allowed).toBe(true);
      // Redis unreachable: the limit still holds, counted in this process.
      expect((await down.take('user-3')).allowed).toBe(true);
      expect((await down.take('user-3')).allowed).toBe(true);
      expect((await down.take('user-3')).allowed).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close(), down.close()]);
    }
  });

  it('answers within the subgraph timeout plus 10% when a subgraph hangs, and refuses oversized headers', async () => {
    // A "subgraph" that takes the request and never answers.
    const sockets = new Set<import('node:net').Socket>();
    const hang = http.createServer(() => undefined);
    hang.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as import('node:net').AddressInfo).port;
    const config = loadGatewayConfig({
      ...db.env,
      LOG_LEVEL: 'silent',
      PATIENT_URL: `http://127.0.0.1:${port}/graphql`,
      MEDICATION_URL: `${medication.url}/graphql`,
      SUBGRAPH_TIMEOUT_MS: '2000',
    });
    const slow = await createGateway(config, { clock: () => now });
    try {
      const at = `${(await slow.listen('127.0.0.1', 0)).url}/graphql`;
      const started = performance.now();
      const res = await fetch(at, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await own()}`,
          'x-hipaa-audit-id': 'hang',
        },
        body: JSON.stringify({ query: '{ me { sub } }' }),
      });
      const elapsed = performance.now() - started;
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThanOrEqual(2200);
      const big = await fetch(at, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-padding': 'x'.repeat(20_000) },
        body: '{}',
      });
      expect(big.status).toBe(431);
    } finally {
      await slow.stop();
      for (const s of sockets) s.destroy();
      await new Promise((r) => hang.close(r));
    }
  });
});
