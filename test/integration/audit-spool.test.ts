import { AuditShipper, createLogger, loadIngestKey, type AuditRecordInput } from '@ehr/common';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/ports';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';
import { auditRecord } from '../helpers/audit-records';

const logger = createLogger('test', 'silent');

function record(i: number): AuditRecordInput {
  return auditRecord({ auditId: `spool-${i}` });
}

/** The spool: records survive an absent audit subgraph, keep their order, and drain at shutdown. */
describe('audit spool and drain', () => {
  let db: TestDatabase;
  let audit: RunningSubgraph | undefined;
  let auditor: ReturnType<typeof identityOf>;

  beforeAll(async () => {
    db = testDatabase();
    auditor = identityOf(demo(await seed(db, 3), 'auditor-1'));
  });
  afterAll(async () => {
    await audit?.stop();
    await db?.cleanup();
  });

  it('spools while the audit subgraph is away and delivers everything, in order, once, when drained', async () => {
    const port = await freePort();
    const shipper = new AuditShipper({
      endpoint: AuditShipper.endpointFor(`http://127.0.0.1:${port}/graphql`),
      key: loadIngestKey(undefined, db.config.dataDir),
      dataDir: db.config.dataDir,
      subgraph: 'patient',
      logger,
      alertWebhookUrl: undefined,
      timeoutMs: 1000,
    });
    const records = Array.from({ length: 12 }, (_, i) => record(i));
    // Nobody listens on that port: each batch is durable only in the spool, and says so by resolving.
    for (let i = 0; i < records.length; i += 4) await shipper.record(records.slice(i, i + 4));
    expect(shipper.spoolSize()).toBe(12);

    // The audit subgraph comes back (elsewhere); a restarted data subgraph finds the same spool.
    audit = await runSubgraph('audit', db);
    const restarted = new AuditShipper({
      endpoint: AuditShipper.endpointFor(`${audit.url}/graphql`),
      key: loadIngestKey(undefined, db.config.dataDir),
      dataDir: db.config.dataDir,
      subgraph: 'patient',
      logger,
      alertWebhookUrl: undefined,
    });
    await shipper.drain(); // the old one still cannot reach anything: the spool stays
    expect(restarted.spoolSize()).toBe(12);
    await restarted.drain();
    expect(restarted.spoolSize()).toBe(0);

    const { body } = await audit.query<{ auditEvents: { nodes: { auditId: string }[] } }>(
      '{ auditEvents(first: 100) { nodes { auditId } } }',
      undefined,
      auditor,
    );
    const delivered = body.data!.auditEvents.nodes.map((n) => n.auditId).filter((a) => a.startsWith('spool-'));
    // Newest first in the API: reversed, they are the order they were recorded in.
    expect([...delivered].reverse()).toEqual(records.map((r) => r.auditId));
    // Draining again sends nothing twice.
    await restarted.drain();
    const again = await audit.query<{ auditEvents: { totalCount: number } }>(
      '{ auditEvents(auditId: "spool-0") { totalCount } }',
      undefined,
      auditor,
    );
    expect(again.body.data!.auditEvents.totalCount).toBe(1);
  });
});
