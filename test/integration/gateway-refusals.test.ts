import { createGateway, loadGatewayConfig, type Gateway } from '@ehr/gateway';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, devTokens, identityOf } from '../helpers/tokens';

interface Refusal {
  actorId: string;
  auditId: string;
  subgraph: string;
  action: string;
  outcome: string;
  fields: { path: string; outcome: string }[];
}

/**
 * Requests the gateway refuses leave a trace: each refusal is a security event in the audit
 * trail (reason code, caller when verified, audit id when given), never the query or its
 * variables, and a flood of them is counted but cannot flood the log.
 */
describe('gateway refusals in the audit trail', () => {
  let db: TestDatabase;
  let data: SeedData;
  let patient: RunningSubgraph;
  let audit: RunningSubgraph;
  let gateway: Gateway;
  let base: string;
  let billing: string;
  let analyst: string;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 5);
    audit = await runSubgraph('audit', db);
    patient = await runSubgraph('patient', db, { AUDIT_URL: `${audit.url}/graphql` });
    gateway = await createGateway(
      loadGatewayConfig({
        ...db.env,
        LOG_LEVEL: 'silent',
        PATIENT_URL: `${patient.url}/graphql`,
        AUDIT_URL: `${audit.url}/graphql`,
        QUERY_MAX_DEPTH: '4',
      }),
    );
    base = (await gateway.listen('127.0.0.1', 0)).url;
    const tokens = await devTokens(db.config.dataDir);
    billing = await tokens.forIdentity(demo(data, 'billing-1'));
    analyst = await tokens.forIdentity(demo(data, 'analyst-1'));
  });
  afterAll(async () => {
    await gateway?.stop();
    await patient?.stop();
    await audit?.stop();
    await db?.cleanup();
  });

  const send = (headers: Record<string, string>, body: string, path = '/graphql') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'refusal-test/1.0', ...headers },
      body,
    });
  const query = (q: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query: q, variables });

  async function refusals(): Promise<(Refusal & { raw: string })[]> {
    const auditor = identityOf(demo(data, 'auditor-1'));
    const res = await audit.query<{ auditEvents: { nodes: Refusal[] } }>(
      '{ auditEvents(first: 100) { nodes { actorId auditId subgraph action outcome fields { path outcome } } } }',
      undefined,
      auditor,
    );
    return res.body
      .data!.auditEvents.nodes.filter((n) => n.action === 'REFUSED')
      .map((n) => ({ ...n, raw: JSON.stringify(n) }));
  }
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('records each kind of refusal with its reason, the caller once verified, and the audit id given', async () => {
    const marker = 'SECRET-MARKER-4711';
    const cases: [Record<string, string>, string, number, string, string, string][] = [
      [{ 'x-hipaa-audit-id': 'r-1' }, query('{ me { sub } }'), 401, 'UNAUTHENTICATED', 'anonymous', 'r-1'],
      [
        { authorization: 'Bearer not.a.token', 'x-hipaa-audit-id': 'r-2' },
        query('{ me { sub } }'),
        401,
        'UNAUTHENTICATED',
        'anonymous',
        'r-2',
      ],
      [
        { authorization: `Bearer ${billing}` },
        query('{ me { sub } }'),
        403,
        'AUDIT_TRAIL_REQUIRED',
        'anonymous',
        'none',
      ],
      [
        { authorization: `Bearer ${billing}`, 'x-hipaa-audit-id': `bad id ${marker}` },
        query('{ me { sub } }'),
        400,
        'BAD_REQUEST',
        'anonymous',
        'malformed',
      ],
      [
        { authorization: `Bearer ${billing}`, 'x-hipaa-audit-id': 'r-5' },
        query(`{ ${marker.replace(/-/g, '_')} }`, { ssn: marker }),
        400,
        'GRAPHQL_VALIDATION_FAILED',
        'billing-1',
        'r-5',
      ],
      [
        { authorization: `Bearer ${billing}`, 'x-hipaa-audit-id': 'r-6' },
        `{"query": "{ me { sub } }", "variables": {"x": "${marker}"`,
        400,
        'BAD_REQUEST',
        'billing-1',
        'r-6',
      ],
      [
        { authorization: `Bearer ${analyst}`, 'x-hipaa-audit-id': 'r-7' },
        query('{ me { sub } }'),
        403,
        'FORBIDDEN',
        'analyst-1',
        'r-7',
      ],
    ];
    for (const [headers, body, status] of cases) expect((await send(headers, body)).status).toBe(status);
    await settle();
    const recorded = await refusals();
    for (const [, , , code, actor, auditId] of cases) {
      expect(recorded).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actorId: actor,
            auditId,
            subgraph: 'gateway',
            outcome: 'DENIED',
            fields: [{ path: `Refusal.${code}`, outcome: 'DENIED' }],
          }),
        ]),
      );
    }
    // Never the query, its variables, the token or a malformed header's text.
    for (const r of recorded) {
      expect(r.raw).not.toContain(marker);
      expect(r.raw).not.toContain(marker.replace(/-/g, '_'));
      expect(r.raw).not.toContain(billing.slice(0, 40));
    }
  });

  it('serves and records requests with a 10 KB user agent', async () => {
    const agent = `Mozilla/5.0 ${'x'.repeat(10_240)}`;
    const ok = await send(
      { authorization: `Bearer ${billing}`, 'x-hipaa-audit-id': 'ua-1', 'user-agent': agent },
      query('{ me { sub } }'),
    );
    expect(ok.status).toBe(200);
    const refused = await send({ 'x-hipaa-audit-id': 'ua-2', 'user-agent': agent }, query('{ me { sub } }'));
    expect(refused.status).toBe(401);
    await settle();
    expect((await refusals()).some((r) => r.auditId === 'ua-2')).toBe(true);
  });

  it('counts a flood of refusals but records at most 20 a second from one address', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a fresh one-second window
    const before = (await refusals()).length;
    const flood = await Promise.all(
      Array.from({ length: 120 }, () => send({ authorization: 'Bearer junk', 'x-hipaa-audit-id': 'flood' }, '{}')),
    );
    // Past AUTH_FAILURES_PER_MINUTE (30) refusals from one address, the rest wait (429).
    expect(flood.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(flood.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    expect(flood.filter((r) => r.status === 401).length).toBeLessThanOrEqual(40);
    expect(flood.some((r) => r.status === 429)).toBe(true);
    await settle();
    const added = (await refusals()).length - before;
    expect(added).toBeGreaterThan(0);
    // 20 a second from one address: the flood (well under two seconds here) records at most 40.
    expect(added).toBeLessThanOrEqual(40);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // Every refusal of the flood is counted, recorded or not (401s and the 429s past the address limit).
    const counted = metrics
      .split('\n')
      .filter((l) => l.startsWith('ehr_gateway_refusals_total{') && /UNAUTHENTICATED|RATE_LIMITED/.test(l))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(counted).toBeGreaterThanOrEqual(120);
  });
});
