import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Registry } from 'prom-client';
import { AuditShipper, loadIngestKey, postAuditBatch, type AuditRecordInput } from '@ehr/common';
import { HeadsWebhook, loadCheckpointKey, PublishedHeads, type SignedHead } from '@ehr/subgraph-audit';
import { checkpointValid } from '../../subgraphs/audit/src/checkpoint-key';
import { auditRecord } from '../helpers/audit-records';
import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, type RunningSubgraph } from '../helpers/subgraphs';

/** A local receiver: answers `status` (changeable), keeps every body it was sent and the heads it took. */
async function receiver() {
  const state = { status: 200, bodies: [] as string[], taken: [] as Record<string, unknown>[], refused: 0 };
  const srv = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      state.bodies.push(text);
      if (state.status === 200) state.taken.push(JSON.parse(text) as Record<string, unknown>);
      else state.refused++;
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    state,
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/heads`,
    close: () => new Promise<void>((r) => (srv.closeAllConnections(), srv.close(() => r()))),
  };
}

async function until(what: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !(await what());) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Signed heads go to AUDIT_HEADS_WEBHOOK_URL too: every committed group's head, in order, with a
 * signature the audit key verifies, and nothing of the records themselves; a receiver that was
 * down for a while still ends up with every head.
 */
describe(`audit heads webhook on ${usingMysql ? 'MySQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let audit: RunningSubgraph;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const sent: AuditRecordInput[] = [];

  beforeAll(async () => {
    db = testDatabase();
    hook = await receiver();
    audit = await runSubgraph('audit', db, { AUDIT_HEADS_WEBHOOK_URL: hook.url });
  });
  afterAll(async () => {
    await audit?.stop();
    await hook?.close();
    await db?.cleanup();
  });

  /** One batch through the signed intake, as a data subgraph sends it: one commit, one head. */
  async function write(n: number): Promise<void> {
    const records = Array.from({ length: n }, (_, i) =>
      auditRecord({
        actorId: `physician-${randomUUID()}`,
        roles: ['physician'],
        patientId: randomUUID(),
        auditId: `heads-${randomUUID()}`,
        purpose: 'TREATMENT',
        userAgent: `agent-${i}`,
      }),
    );
    sent.push(...records);
    const endpoint = AuditShipper.endpointFor(`${audit.url}/graphql`);
    await postAuditBatch(endpoint, loadIngestKey(undefined, db.config.dataDir), records);
  }

  const fileHeads = (): SignedHead[] =>
    new PublishedHeads(`${db.config.dataDir}/audit-heads.jsonl`).all(
      loadCheckpointKey(undefined, db.config.dataDir).publicKey,
    );

  /** Every head the receiver took is signed, in sequence order, and they are exactly the published heads. */
  function expectEveryHead(): void {
    const publicKey = loadCheckpointKey(undefined, db.config.dataDir).publicKey;
    const taken = hook.state.taken;
    for (const h of taken) {
      expect(Object.keys(h).sort()).toEqual(['at', 'chainHash', 'sequence', 'signature']);
      expect(checkpointValid(publicKey, h.sequence as number, h.chainHash as string, h.signature as string)).toBe(true);
    }
    const sequences = taken.map((h) => h.sequence as number);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(taken.map(({ sequence, chainHash, signature }) => ({ sequence, chainHash, signature }))).toEqual(
      fileHeads(),
    );
  }

  it('POSTs each committed head, signed, in order, with no record content', async () => {
    for (const n of [3, 1, 5, 2]) await write(n);
    await until(() => hook.state.taken.length === fileHeads().length);
    expect(fileHeads()).toHaveLength(4);
    expect(fileHeads().at(-1)!.sequence).toBe(11);
    expectEveryHead();

    const bodies = hook.state.bodies.join('\n');
    for (const r of sent)
      for (const value of [r.id, r.actorId, r.patientId!, r.entityId, r.auditId, r.requestId, r.userAgent!])
        expect(bodies).not.toContain(value);
  });

  it('delivers every head, in order, to a receiver that answered 500 for a while', async () => {
    const before = hook.state.taken.length;
    hook.state.status = 500;
    for (const [i, n] of [2, 4, 1].entries()) {
      await write(n);
      // Each commit tries again, from the oldest undelivered head, and is refused.
      await until(() => hook.state.refused >= i + 1);
    }
    expect(hook.state.taken).toHaveLength(before);
    // The refusals are counted on the audit subgraph's own /metrics.
    const metrics = await (await fetch(`${audit.url}/metrics`)).text();
    expect(
      Number(/^ehr_audit_heads_webhook_failures_total\{service="audit"\} (\d+)$/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(3);
    expect(hook.state.bodies.slice(-3).map((b) => (JSON.parse(b) as SignedHead).sequence)).toEqual(
      Array(3).fill(fileHeads()[before]!.sequence),
    );

    hook.state.status = 200;
    await write(1); // the next commit's publication delivers the queued heads first
    await until(() => hook.state.taken.length === fileHeads().length);
    expect(fileHeads()).toHaveLength(before + 4);
    expectEveryHead();
  });
});

/** The sink on its own: the failure counter, and the bound on heads kept for a receiver that is away. */
describe('HeadsWebhook', () => {
  const head = (sequence: number): SignedHead => ({ sequence, chainHash: 'ab'.repeat(32), signature: 'sig' });

  it('counts failed POSTs, never blocks, and drops the oldest past its bound with a log line', async () => {
    const hook = await receiver();
    const lines: { msg: string; dropped?: number; upToSequence?: number; errorName?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const registry = new Registry();
    const sink = new HeadsWebhook(hook.url, logger, { maxPending: 3, registry, timeoutMs: 1000 });
    try {
      hook.state.status = 503;
      for (let s = 1; s <= 5; s++) await sink.append(head(s)); // resolves at once, whatever the receiver does
      await until(() => hook.state.refused >= 1);
      await sink.idle();
      expect(sink.undelivered()).toBe(3);
      // Heads 1 and 2 were dropped; one line says so for the first, later drops wait a minute for theirs.
      expect(lines.filter((l) => /dropped/.test(l.msg))).toEqual([
        expect.objectContaining({ dropped: 1, upToSequence: 1 }),
      ]);
      expect(lines.find((l) => /not delivered/.test(l.msg))).toMatchObject({ errorName: 'WebhookRefusedError' });
      // Every refused attempt is counted, in the registry it was given (the service's /metrics).
      const counted = (await registry.getSingleMetric('ehr_audit_heads_webhook_failures_total')!.get()).values[0]!;
      expect(counted.value).toBe(hook.state.refused);

      hook.state.status = 200;
      await sink.append(head(6));
      await until(() => sink.undelivered() === 0);
      // Heads 1 to 3 were dropped by the bound (the heads file keeps them); the rest arrived in order.
      expect(hook.state.taken.map((h) => h.sequence)).toEqual([4, 5, 6]);
    } finally {
      await sink.close();
      await hook.close();
    }
  });

  it('gives up on a receiver that does not answer within the timeout, and keeps the head', async () => {
    const silent = http.createServer(() => undefined); // never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    const sink = new HeadsWebhook(url, pino({ level: 'silent' }), { timeoutMs: 200 });
    try {
      const started = Date.now();
      await sink.append(head(1));
      expect(Date.now() - started).toBeLessThan(100);
      await until(async () => (await sink.failures.get()).values[0]?.value === 1, 3000);
      await sink.idle();
      expect(sink.undelivered()).toBe(1);
    } finally {
      await new Promise<void>((r) => (silent.closeAllConnections(), silent.close(() => r())));
      await sink.close();
    }
  });
});
