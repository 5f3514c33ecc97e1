import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUDIT_BATCH_PATH, AuditQuarantine, SUBGRAPHS } from '@ehr/common';
import mysql from 'mysql2/promise';
import { TEST_MYSQL_URL, usingMysql } from '../helpers/database';
import { startStack, type GraphQLResponse, type Stack } from '../helpers/stack';

/**
 * The issue's end-to-end case for the audit intake: while the intake refuses every batch for a
 * while (first 400, then 401), a bulk reader pages through 70 patients and a physician sends a
 * 120-character operation name, a 10 KB user agent and non-ASCII names. Once it accepts again:
 * every record is in the log exactly once, nothing is left on the shelf or in the spool, the
 * alert was seen, and the access monitor disables the bulk reader within 5 s.
 *
 * The refusing intake is a real HTTP server in front of the audit subgraph (AUDIT_URL of every
 * service points at it): it answers 400 or 401 to audit batches while told to, and forwards
 * everything else (GraphQL, readiness, disabled accounts, grants) and, afterwards, the batches.
 */

// The stack picks its ports itself; the gate must forward to the audit subgraph's port before the
// stack answers (the gateway's readiness asks every subgraph through AUDIT_URL). Ports are handed
// out in the order of SUBGRAPHS, then the gateway; checked against stack.ports after start.
const mockPortsHandedOut: number[] = [];
jest.mock('../helpers/ports', () => {
  const actual = jest.requireActual<typeof import('../helpers/ports')>('../helpers/ports');
  return {
    freePort: async () => {
      const port = await actual.freePort();
      mockPortsHandedOut.push(port);
      return port;
    },
  };
});

type Mode = 'forward' | 400 | 401;

/** Between every sender and the audit subgraph: refuses audit batches while told to, forwards everything else. */
class IntakeGate {
  mode: Mode = 'forward';
  readonly refused = { 400: 0, 401: 0 };
  /** Every batch the intake committed through the gate: when, and its records' audit ids and patients. */
  readonly committed: { at: number; records: { auditId: string; patientId: string | null }[] }[] = [];
  url = '';
  private server: http.Server | undefined;

  constructor(private readonly target: () => number) {}

  async up(): Promise<void> {
    const server = http.createServer((req, res) => {
      const forward = (body?: Buffer, committed?: () => void) => {
        const upstream = http.request(
          { host: '127.0.0.1', port: this.target(), method: req.method, path: req.url, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            if (up.statusCode === 200) up.on('end', () => committed?.());
          },
        );
        upstream.on('error', () => res.destroy());
        if (body) upstream.end(body);
        else req.pipe(upstream);
      };
      if (req.method !== 'POST' || !req.url?.startsWith(AUDIT_BATCH_PATH)) {
        forward();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const mode = this.mode;
        if (mode === 'forward') {
          forward(body, () => {
            const { records } = JSON.parse(body.toString('utf8')) as {
              records: { auditId: string; patientId: string | null }[];
            };
            this.committed.push({ at: Date.now(), records });
          });
          return;
        }
        this.refused[mode]++;
        res.writeHead(mode, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            mode === 400
              ? { error: 'malformed audit batch', issues: ['records: refused by the test gate'] }
              : { error: 'audit batch signature required' },
          ),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** The alert webhook: every alert any service posts. */
async function alertReceiver(): Promise<{ url: string; alerts: Record<string, unknown>[]; close(): Promise<void> }> {
  const alerts: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      try {
        alerts.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        alerts.push({ unparsable: text });
      }
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    alerts,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

interface Event {
  id: string;
  auditId: string;
  actorId: string;
  subgraph: string;
  patientId: string | null;
  action: string;
}

const EVENTS = /* GraphQL */ `
  query ($auditId: String, $actorId: ID, $after: String) {
    auditEvents(auditId: $auditId, actorId: $actorId, first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        auditId
        actorId
        subgraph
        patientId
        action
      }
    }
  }
`;

const BULK_PAGE = /* GraphQL */ `
  query BulkPage($after: String) {
    patients(first: 10, after: $after) {
      nodes {
        id
        gender
        name {
          family
          given
        }
      }
      pageInfo {
        endCursor
      }
    }
  }
`;

/** A chart across the patient, medication and notes subgraphs, under any operation name. */
const chart = (name: string) =>
  `query ${name}($id: ID!) { patient(id: $id) { id name { family given } medications { id } notes { id } } }`;

/** The bulk reader's account id is not ASCII (CJK and an emoji, NFC). */
const BULK_READER = '請求-ボット-😀';
/** Exactly 120 characters: the gateway's subgraph operation names built from it exceed the intake's 128. */
const LONG_NAME = `Chart${'X'.repeat(115)}`;
/** 10 KB of UTF-8 (CJK, emoji, accents, tabs) sent as raw header bytes, as a client would. */
const BIG_AGENT = Buffer.from(`Mozilla/5.0 (EHR-e2e) ${'患者の記録😀é\t'.repeat(500)}`, 'utf8')
  .subarray(0, 10 * 1024)
  .toString('latin1');
/** Non-ASCII names written to the seed: kanji, emoji, astral letters, Vietnamese, a decomposed accent. */
const NAMES = [
  { family: '山田', given: ['太郎'] },
  { family: '🩺😀', given: ['Zoë', '𝔘𝔫𝔦'] },
  { family: 'Nguyễn', given: ['Thị', 'Jose\u0301'] },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`an audit intake that refuses for a while, through the running stack (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let gate: IntakeGate;
  let webhook: Awaited<ReturnType<typeof alertReceiver>>;
  /** Patients on physician-1's care team, given the non-ASCII names. */
  let charted: string[] = [];

  beforeAll(async () => {
    webhook = await alertReceiver();
    gate = new IntakeGate(() => mockPortsHandedOut[SUBGRAPHS.indexOf('audit')]!);
    await gate.up();
    stack = await startStack({
      patients: 80,
      seed: 47,
      env: { ANOMALY_BASELINE_FLOOR: '20', ALERT_WEBHOOK_URL: webhook.url, AUDIT_URL: `${gate.url}/graphql` },
      arrange: (data) => {
        const practitioner = data.identities.find((i) => i.sub === 'physician-1')!.practitioner_id;
        const today = new Date().toISOString().slice(0, 10);
        const own = data.careTeam
          .filter((m) => m.practitionerId === practitioner && m.periodStart <= today && (m.periodEnd ?? today) >= today)
          .map((m) => m.patientId);
        charted = [...new Set(own)].slice(0, NAMES.length);
        charted.forEach((id, i) =>
          Object.assign(
            data.patients.find((p) => p.id === id)!,
            {
              family: NAMES[i]!.family,
              givenNames: NAMES[i]!.given,
            },
          ),
        );
      },
    });
    expect(mockPortsHandedOut[SUBGRAPHS.indexOf('audit')]).toBe(stack.ports.audit);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await gate?.down();
    await webhook?.close();
  });

  const shelf = () => new AuditQuarantine(stack.db.config.dataDir);
  /** Records waiting in every sender's journal (DATA_DIR/audit-spool), as their /readyz says. */
  const spooled = async () => {
    let n = 0;
    for (const s of ['patient', 'medication', 'notes', 'gateway'] as const) {
      const ready = (await (await fetch(`http://127.0.0.1:${stack.ports[s]}/readyz`)).json()) as {
        auditJournalRecords?: number;
      };
      n += ready.auditJournalRecords ?? 0;
    }
    return n;
  };

  /** A GraphQL request through the gateway with any user agent (node:http: raw header bytes). */
  function send<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> | undefined,
    token: string,
    auditId: string,
    userAgent?: string,
  ): Promise<GraphQLResponse<T>> {
    const body = Buffer.from(JSON.stringify({ query, variables }));
    return new Promise((resolve, reject) => {
      const req = http.request(stack.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          authorization: `Bearer ${token}`,
          'x-hipaa-audit-id': auditId,
          ...(userAgent ? { 'user-agent': userAgent } : {}),
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as GraphQLResponse<T>['body'] });
          } catch {
            reject(new Error(`${auditId}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          }
        });
      });
      req.on('error', reject);
      // A Buffer, not a string: Node writes a string body with the head in one UTF-8 write, which
      // would re-encode the agent's raw bytes (and double them past the 16 KB header limit).
      req.end(body);
    });
  }

  /** Every event under an audit id (or of an actor), read as an auditor through the gateway. */
  async function events(filter: { auditId?: string; actorId?: string }): Promise<Event[]> {
    const out: Event[] = [];
    let after: string | null = null;
    for (;;) {
      type Page = { auditEvents: { nodes: Event[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const { body }: GraphQLResponse<Page> = await stack.query<Page>(EVENTS, { ...filter, after }, 'auditor-1');
      expect(body.errors).toBeUndefined();
      out.push(...body.data!.auditEvents.nodes);
      if (!body.data!.auditEvents.pageInfo.hasNextPage) return out;
      after = body.data!.auditEvents.pageInfo.endCursor;
    }
  }

  it('loses, duplicates and holds back no record, alerts, and the monitor still disables the bulk reader within 5 s', async () => {
    expect(charted).toHaveLength(NAMES.length);
    expect(Buffer.byteLength(BIG_AGENT, 'latin1')).toBe(10 * 1024);
    const bulkToken = await stack.tokens.sign({ sub: BULK_READER, roles: ['billing'] });
    const physician = await stack.token('physician-1');
    /** Audit id -> the patients its records must name, each once in each of these subgraphs. */
    const expected = new Map<string, { patients: string[]; subgraphs: string[] }>();
    const CHART = ['medication', 'notes', 'patient'];

    let cursor: string | null = null;
    let page = 0;
    const bulkPage = async () => {
      const auditId = `bulk-${++page}`;
      const res = await send<{ patients: { nodes: { id: string }[]; pageInfo: { endCursor: string } } }>(
        BULK_PAGE,
        { after: cursor },
        bulkToken,
        auditId,
      );
      // Answered: the records are durable on the shelf, not lost and not holding the response.
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      cursor = res.body.data!.patients.pageInfo.endCursor;
      expected.set(auditId, { patients: res.body.data!.patients.nodes.map((n) => n.id), subgraphs: ['patient'] });
    };
    const charts = async (phase: string) => {
      const asked: [auditId: string, name: string, patient: string, agent: string | undefined][] = [
        [`long-name-${phase}`, LONG_NAME, charted[0]!, undefined],
        [`big-agent-${phase}`, 'Chart', charted[1]!, BIG_AGENT],
        [`long-name-big-agent-${phase}`, LONG_NAME, charted[2]!, BIG_AGENT],
      ];
      for (const [auditId, name, id, agent] of asked) {
        const res = await send<{ patient: { name: unknown } }>(chart(name), { id }, physician, auditId, agent);
        expect(res.status).toBe(200);
        expect(res.body.errors).toBeUndefined();
        // The names come back exactly as written (MySQL utf8mb4, the gateway, JSON).
        expect(res.body.data!.patient.name).toEqual(NAMES[charted.indexOf(id)]);
        expected.set(auditId, { patients: [id], subgraphs: CHART });
      }
    };

    // 1. The intake answers 400 to every batch (the shipper halves each batch down to single records).
    gate.mode = 400;
    for (let i = 0; i < 2; i++) await bulkPage();
    await charts('400');
    // Shipped from the journals (and refused) before the intake changes its answer.
    await stack.auditSettled();
    expect(gate.refused[400]).toBeGreaterThan(0);

    // 2. Then 401 (a key rotated on one side first): whole batches are set aside.
    gate.mode = 401;
    for (let i = 0; i < 5; i++) await bulkPage();
    await charts('401');
    await stack.auditSettled();
    expect(gate.refused[401]).toBeGreaterThan(0);

    const setAside = shelf().list();
    expect(new Set(setAside.map((b) => b.status))).toEqual(new Set([400, 401]));
    expect(new Set(setAside.map((b) => b.subgraph))).toEqual(new Set(['patient', 'medication', 'notes']));
    // On the shelf, not in the spool, shown by /readyz, and none of it in the log yet.
    expect(await spooled()).toBe(0);
    const ready = (await (await fetch(`http://127.0.0.1:${stack.ports.patient}/readyz`)).json()) as {
      auditQuarantinedBatches?: number;
    };
    expect(ready.auditQuarantinedBatches).toBeGreaterThan(0);
    for (const auditId of ['bulk-1', 'bulk-7', 'long-name-400', 'big-agent-401']) {
      expect(await events({ auditId })).toEqual([]);
    }
    // 70 distinct patients read (3 x the baseline floor of 20 is 60), unseen by the monitor: the account still works.
    const bulkRead = new Set([...expected].filter(([a]) => a.startsWith('bulk-')).flatMap(([, e]) => e.patients));
    expect(bulkRead.size).toBe(70);
    expect((await send('{ me { sub } }', undefined, bulkToken, 'bulk-me-before')).status).toBe(200);
    // (c) The alert went out while the intake refused, naming a set-aside batch by id only.
    const failure = webhook.alerts.find((a) => a.type === 'audit_failure');
    expect(failure).toMatchObject({ severity: 'critical', actorId: 'system' });
    expect(String(failure!.detail)).toMatch(
      /^audit records set aside: \d+ batch\(es\), latest (patient|medication|notes)\.[0-9a-f-]{36} \(HTTP 40[01]\)$/,
    );
    expect(JSON.stringify(webhook.alerts)).not.toMatch(/山田|ChartXXXX|Mozilla/);

    // 3. The intake accepts again.
    gate.mode = 'forward';
    const accepted = Date.now();

    // Nothing held back: a new request's records are in the log as its response arrives, while
    // set-aside batches may still wait for their sender's next retry.
    const fresh = await send(chart('AfterRecovery'), { id: charted[0] }, physician, 'after-recovery');
    expect(fresh.body.errors).toBeUndefined();
    expect((await events({ auditId: 'after-recovery' })).map((e) => e.subgraph).sort()).toEqual(CHART);
    expected.set('after-recovery', { patients: [charted[0]!], subgraphs: CHART });

    // (d) The set-aside reads reach the monitor, and the gateway refuses the bulk reader.
    let refused: GraphQLResponse | undefined;
    while (!refused && Date.now() - accepted < 15_000) {
      const res = await send('{ me { sub } }', undefined, bulkToken, `bulk-poll-${Date.now()}`);
      if (res.status === 403) refused = res;
      else await sleep(100);
    }
    const refusedAt = Date.now();
    expect(refused?.body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_DISABLED');
    // Within 5 s of the intake accepting again: each sender offers its shelf every second, in
    // one POST; the monitor checks every second and the gateway reads disabled accounts every 2 s.
    expect(refusedAt - accepted).toBeLessThan(5000);
    // And the rule tripped on the set-aside reads themselves (more than 3 x 20 patients).
    const bulkPatients = new Set<string>();
    let tripped: number | undefined;
    for (const { at, records } of gate.committed) {
      for (const r of records) if (/^bulk-[1-7]$/.test(r.auditId) && r.patientId) bulkPatients.add(r.patientId);
      if (tripped === undefined && bulkPatients.size > 60) tripped = at;
    }
    expect(tripped).toBeDefined();
    expect(tripped!).toBeGreaterThanOrEqual(accepted);
    expect(tripped!).toBeLessThanOrEqual(refusedAt);

    // (b) The shelf empties by itself; the spool stays empty.
    for (let t = 0; t < 100 && shelf().size() > 0; t++) await sleep(100);
    expect(shelf().list()).toEqual([]);
    // Every journal drains (the refusals of the disabled reader included).
    await stack.auditSettled();
    expect(await spooled()).toBe(0);

    // (a) Every record exactly once: one per audit id, subgraph and patient; every record id once.
    const seen = new Set<string>();
    for (const [auditId, want] of expected) {
      const got = (await events({ auditId })).filter((e) => e.action === 'READ');
      const keys = got.map((e) => `${e.subgraph}:${e.patientId}`).sort();
      const wanted = want.patients.flatMap((p) => want.subgraphs.map((s) => `${s}:${p}`)).sort();
      expect({ auditId, keys }).toEqual({ auditId, keys: wanted });
      for (const e of got) {
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
        expect(e.actorId).toBe(auditId.startsWith('bulk-') ? BULK_READER : 'physician-1');
      }
    }
    expect([...expected].filter(([a]) => a.startsWith('bulk-')).flatMap(([, e]) => e.patients)).toHaveLength(70);

    // (c) The monitor's alert and incident name the bulk reader; the disabling is in the trail.
    const anomaly = webhook.alerts.find((a) => a.type === 'anomaly');
    expect(anomaly).toMatchObject({ actorId: BULK_READER, severity: 'critical' });
    const incidents = await stack.query<{
      securityIncidents: { nodes: { actorId: string; distinctPatients: number; baseline: number }[] };
    }>('{ securityIncidents { nodes { actorId distinctPatients baseline } } }', undefined, 'auditor-1');
    const [incident, ...others] = incidents.body.data!.securityIncidents.nodes;
    expect(others).toEqual([]);
    expect(incident).toMatchObject({ actorId: BULK_READER, baseline: 20 });
    // The monitor may have checked while the shelf was still being delivered: more than 60, at most 70.
    expect(incident!.distinctPatients).toBeGreaterThan(60);
    expect(incident!.distinctPatients).toBeLessThanOrEqual(70);
    expect((await events({ actorId: 'anomaly-monitor' })).map((e) => e.action)).toEqual(['ACCOUNT_DISABLED']);

    // The log stays one intact chain though the set-aside records came back out of order.
    const chain = await stack.query<{ verifyAuditChain: { intact: boolean } }>(
      '{ verifyAuditChain { intact } }',
      undefined,
      'auditor-1',
    );
    expect(chain.body.data!.verifyAuditChain.intact).toBe(true);

    if (usingMysql) {
      // The rows: no record stored twice under another id, the long values cut within their columns.
      const conn = await mysql.createConnection({
        uri: TEST_MYSQL_URL!,
        database: `${stack.db.config.databasePrefix}audit`,
      });
      try {
        const [twice] = await conn.query(
          `SELECT request_id, subgraph, patient_id, COUNT(*) AS n FROM hipaa_audit_log
           WHERE action_type = 'READ' GROUP BY request_id, subgraph, patient_id HAVING COUNT(*) > 1`,
        );
        expect(twice).toEqual([]);
        const [rows] = await conn.query(
          `SELECT audit_id AS auditId, user_id AS actorId, operation_name AS op, user_agent AS agent
           FROM hipaa_audit_log WHERE audit_id IN (?)`,
          [[...expected.keys()]],
        );
        const list = rows as { auditId: string; actorId: string; op: string | null; agent: string | null }[];
        expect(list).toHaveLength(seen.size);
        for (const r of list.filter((x) => x.auditId.startsWith('long-name-'))) {
          expect(r.op!.length).toBeLessThanOrEqual(128);
          expect(r.op).toMatch(/^ChartX+~[0-9a-f]{16}$/);
        }
        for (const r of list.filter((x) => /big-agent/.test(x.auditId))) {
          expect(r.agent!.length).toBeLessThanOrEqual(512);
          expect(r.agent!.startsWith('Mozilla/5.0 (EHR-e2e) ')).toBe(true);
        }
        expect(list.filter((x) => x.auditId.startsWith('bulk-')).every((x) => x.actorId === BULK_READER)).toBe(true);
      } finally {
        await conn.end();
      }
    }
  }, 60_000);
});
