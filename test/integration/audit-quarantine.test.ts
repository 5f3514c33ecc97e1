import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  AUDIT_BATCH_PATH,
  AuditQuarantine,
  AuditShipper,
  createLogger,
  loadIngestKey,
  type AuditRecordInput,
} from '@ehr/common';
import mysql from 'mysql2/promise';
import { testDatabase, TEST_MYSQL_URL, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';
import { auditRecord } from '../helpers/audit-records';

const logger = createLogger('test', 'silent');
const ROOT = path.resolve(__dirname, '..', '..');

/** A record as the builder makes it (the intake accepts it), with what a test sets. */
const record = (auditId: string, extra: Partial<AuditRecordInput> = {}): AuditRecordInput =>
  auditRecord({ auditId, ...extra });

/** An HTTP server on a free port; `handle` answers each request. */
async function server(handle: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const srv = http.createServer(handle);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise((r) => (srv.closeAllConnections(), srv.close(() => r()))),
  };
}

const bodyOf = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });

/**
 * No poison batch: a batch the intake refuses for good is set aside intact (never retried
 * forever, never holding later records back), an alert fires, the quarantine is visible, and
 * the operator's re-submission puts every record in the log exactly once.
 */
describe('audit quarantine', () => {
  let db: TestDatabase;
  let audit: RunningSubgraph;
  let auditor: ReturnType<typeof identityOf>;
  let alerts: Record<string, unknown>[];
  let webhook: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    db = testDatabase();
    auditor = identityOf(demo(await seed(db, 3), 'auditor-1'));
    audit = await runSubgraph('audit', db);
    alerts = [];
    webhook = await server(async (req, res) => {
      alerts.push(JSON.parse(await bodyOf(req)) as Record<string, unknown>);
      res.end('{}');
    });
  });
  afterAll(async () => {
    await webhook?.close();
    await audit?.stop();
    await db?.cleanup();
  });

  /** How many times each audit id is in the log (read through the auditor's API). */
  async function logged(prefix: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    let after: string | null = null;
    for (;;) {
      type Page = {
        auditEvents: { nodes: { auditId: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
      };
      const page: { body: { data?: Page | null } } = await audit.query<Page>(
        'query($after: String) { auditEvents(first: 100, after: $after) { nodes { auditId } pageInfo { endCursor hasNextPage } } }',
        { after },
        auditor,
      );
      const conn: Page['auditEvents'] = page.body.data!.auditEvents;
      for (const n of conn.nodes)
        if (n.auditId.startsWith(prefix)) counts.set(n.auditId, (counts.get(n.auditId) ?? 0) + 1);
      if (!conn.pageInfo.hasNextPage) return counts;
      after = conn.pageInfo.endCursor;
    }
  }

  function shipper(endpoint: string) {
    return new AuditShipper({
      endpoint,
      key: loadIngestKey(undefined, db.config.dataDir),
      dataDir: db.config.dataDir,
      subgraph: 'patient',
      logger,
      alertWebhookUrl: webhook.url,
      timeoutMs: 2000,
      // Each record() here is delivered (or set aside) before it resolves, as the test's steps expect.
      shipEveryMs: 0,
    });
  }

  /** The operator's command, as a real process (async: the audit subgraph it calls runs in this one). */
  function resubmit(target: string): Promise<{ status: number | null; stdout: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'tools/dist/audit-quarantine.js'), 'resubmit', target],
        { env: { ...process.env, ...db.env, AUDIT_URL: `${audit.url}/graphql`, LOG_LEVEL: 'silent' } },
        (err, stdout) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
  }
  const resubmitAll = () => resubmit('--all');

  it('sets aside only the refused record of a batch, delivers the rest at once, and alerts', async () => {
    const ship = shipper(AuditShipper.endpointFor(`${audit.url}/graphql`));
    // A record no current builder would make (a 200-character operation name): the intake refuses it.
    const batch = [0, 1, 2, 3, 4].map((i) =>
      record(`poison-${i}`, i === 2 ? { operationName: `Op${'x'.repeat(198)}` } : {}),
    );
    await ship.record(batch);
    await ship.record([record('poison-after')]);
    expect(ship.spoolSize()).toBe(0);

    const counts = await logged('poison-');
    expect([...counts.keys()].sort()).toEqual(['poison-0', 'poison-1', 'poison-3', 'poison-4', 'poison-after']);
    const shelf = new AuditQuarantine(db.config.dataDir).list();
    expect(shelf).toHaveLength(1);
    expect(shelf[0]).toMatchObject({ subgraph: 'patient', status: 400, recordCount: 1 });
    expect(shelf[0]!.reason).toMatch(/operationName/);
    expect(shelf[0]!.reason).not.toMatch(/xxxx/); // the intake names the field, never the value
    await new Promise((r) => setTimeout(r, 200));
    expect(alerts.some((a) => a.type === 'audit_failure' && String(a.detail).includes(shelf[0]!.id))).toBe(true);

    // The operator re-submits: today's builder cuts the name, the record lands once.
    const out = await resubmitAll();
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/committed \(1 new, 0 already in the log\)/);
    expect(new AuditQuarantine(db.config.dataDir).size()).toBe(0);
    expect((await logged('poison-')).get('poison-2')).toBe(1);
    await ship.drain();
  });

  it('survives an intake that refuses every batch for a while: nothing lost, duplicated or held back', async () => {
    let refusing = true;
    const real = new URL(AUDIT_BATCH_PATH, audit.url);
    const gate = await server(async (req, res) => {
      const body = await bodyOf(req);
      if (refusing) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'audit batch signature required' }));
        return;
      }
      const upstream = await fetch(real, { method: 'POST', headers: req.headers as Record<string, string>, body });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
    try {
      const ship = shipper(AuditShipper.endpointFor(gate.url));
      const sent: string[] = [];
      for (let i = 0; i < 6; i++) {
        if (i === 3) refusing = false;
        const batch = [record(`refused-${i}-a`), record(`refused-${i}-b`)];
        sent.push(...batch.map((r) => r.auditId));
        await ship.record(batch); // resolves every time: durable in the log or on the shelf
      }
      expect(ship.spoolSize()).toBe(0);
      // Batches after the intake recovered went straight in; the refused ones wait on the shelf, whole.
      const before = await logged('refused-');
      expect([...before.keys()].sort()).toEqual(sent.filter((a) => /refused-[345]/.test(a)).sort());
      const shelf = new AuditQuarantine(db.config.dataDir).list();
      expect(shelf.map((b) => [b.status, b.recordCount])).toEqual([
        [401, 2],
        [401, 2],
        [401, 2],
      ]);

      // The intake is back: the sender offers its set-aside batches again by itself (every 3 s),
      // so the records reach the log (and the access monitor) without an operator.
      for (let t = 0; t < 80 && new AuditQuarantine(db.config.dataDir).size() > 0; t++)
        await new Promise((r) => setTimeout(r, 100));
      expect(new AuditQuarantine(db.config.dataDir).size()).toBe(0);
      const after = await logged('refused-');
      expect([...after.keys()].sort()).toEqual([...sent].sort());
      expect([...after.values()].every((n) => n === 1)).toBe(true);
      // The operator's command then finds nothing to do.
      expect((await resubmitAll()).stdout).toBe('');
      await ship.drain();
    } finally {
      await gate.close();
    }
  });

  it('records a request whose operation name is longer than the intake allows, cut and hash-tagged', async () => {
    const patient = await runSubgraph('patient', db, {
      AUDIT_URL: `${audit.url}/graphql`,
      ALERT_WEBHOOK_URL: webhook.url,
    });
    try {
      // A long non-ASCII agent with control characters too (the gateway passes at most 512 characters):
      // nothing the caller controls makes a record the intake refuses.
      const billing = identityOf({ sub: 'billing-1', role: 'billing' } as never, {
        auditId: 'long-name-1',
        userAgent: `Mozilla/5.0 ${'é😀\u0007'.repeat(150)}`,
      });
      const name = `Chart${'X'.repeat(150)}__patient__0`; // GraphQL names are ASCII; the agent above is not
      const res = await patient.query(`query ${name} { patients(first: 2) { nodes { id } } }`, undefined, billing);
      expect(res.status).toBe(200);
      expect((res.body as { errors?: unknown }).errors).toBeUndefined();
      await patient.auditSettled();
      expect((await logged('long-name-1')).get('long-name-1')).toBeGreaterThan(0);
      expect(new AuditQuarantine(db.config.dataDir).size()).toBe(0);
      const ready = (await (await fetch(`${patient.url}/readyz`)).json()) as Record<string, unknown>;
      expect(ready).toMatchObject({ status: 'ready', auditQuarantinedBatches: 0 });
      if (usingMysql) {
        const conn = await mysql.createConnection({
          uri: TEST_MYSQL_URL!,
          database: `${db.config.databasePrefix}audit`,
        });
        try {
          const [rows] = await conn.query('SELECT operation_name AS n FROM hipaa_audit_log WHERE audit_id = ?', [
            'long-name-1',
          ]);
          for (const r of rows as { n: string }[]) expect(r.n).toMatch(/^ChartX+~[0-9a-f]{16}$/);
        } finally {
          await conn.end();
        }
      }
    } finally {
      await patient.stop();
    }
  });

  it('re-submits a mixed batch: the records the intake now takes land once, the refused one stays', async () => {
    const shelf = new AuditQuarantine(db.config.dataDir);
    // A batch set aside whole (a key mismatch refuses every record alike) that also holds one
    // record today's intake refuses for good: an action it does not know (400, builder or not).
    const good = [0, 1, 2, 3, 4].map((i) => record(`mixed-${i}`));
    const bad = record('mixed-bad', { action: 'EXPORT' as never });
    const id = await shelf.put(
      'patient',
      [...good.slice(0, 2), bad, ...good.slice(2)],
      401,
      'audit batch signature required',
    );
    const whole = fs.readFileSync(path.join(shelf.dir, `${id}.json`), 'utf8');
    const expectLoggedOnce = async () => {
      const counts = await logged('mixed-');
      expect([...counts.keys()].sort()).toEqual(good.map((r) => r.auditId).sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    };
    const expectOnlyBadLeft = () => {
      const left = shelf.read(id);
      expect(left.records).toEqual([bad]); // kept as it was set aside
      expect(left).toMatchObject({ status: 400, subgraph: 'patient' });
      expect(left.reason).toMatch(/records\.0\.action/);
      expect(left.reason).not.toMatch(/EXPORT/); // field and code, never the value
      expect(shelf.ids()).toEqual([id]);
    };

    const first = await resubmit(id);
    expect(first.status).toBe(1);
    expect(first.stdout).toMatch(
      /5 record\(s\) committed \(5 new, 0 already in the log\); 1 refused again \(HTTP 400: .*\) stay in the quarantine/,
    );
    await expectLoggedOnce();
    expectOnlyBadLeft();

    // The same entry again: only the refused record is offered, and refused again.
    const second = await resubmit(id);
    expect(second.status).toBe(1);
    expect(second.stdout).toMatch(/refused again \(HTTP 400: .*\); it stays in the quarantine/);
    await expectLoggedOnce();
    expectOnlyBadLeft();

    // The whole entry offered again (a crash before the rewrite, or an old copy restored), once
    // and then twice at the same moment: the intake stores nothing twice.
    fs.writeFileSync(path.join(shelf.dir, `${id}.json`), whole);
    expect((await resubmit(id)).stdout).toMatch(/5 record\(s\) committed \(0 new, 5 already in the log\)/);
    fs.writeFileSync(path.join(shelf.dir, `${id}.json`), whole);
    const both = await Promise.all([resubmit(id), resubmit(id)]);
    expect(both.map((r) => r.status)).toEqual([1, 1]);
    await expectLoggedOnce();
    expectOnlyBadLeft();
    shelf.remove(id); // the shelf as the other tests expect it
  });
});
