import { randomUUID } from 'node:crypto';
import { createLogger, DEV_KEYS, openDatabase, openSealing, type AuditRecordInput, type Sealing } from '@ehr/common';
import {
  AnomalyMonitor,
  auditSubgraph,
  AuditWriter,
  entities,
  loadCheckpointKey,
  migrations,
  stores,
} from '@ehr/subgraph-audit';
import type { DataSource } from 'typeorm';
import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { auditRecord } from '../helpers/audit-records';

const logger = createLogger('test', 'silent');
const NOW = new Date('2026-11-24T15:30:00Z');

function read(actorId: string, patientId: string, at: Date): AuditRecordInput {
  return auditRecord({
    occurredAt: at.toISOString(),
    actorId,
    roles: ['nurse'],
    auditId: 'a',
    patientId,
    entityId: patientId,
    purpose: 'TREATMENT',
    fields: [{ path: 'Patient.name', outcome: 'CLEAR' }],
    ipAddress: '10.0.0.2',
  });
}

const patients = (n: number) => Array.from({ length: n }, () => randomUUID());

/** The access monitor against a synthetic history, on the real database. */
describe(`access anomalies on ${usingMysql ? 'MySQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let writer: AuditWriter;
  let monitor: AnomalyMonitor;
  let sealing: Sealing;

  beforeEach(async () => {
    db = testDatabase();
    // As the service opens it: account reasons are sealed.
    sealing = await openSealing(stores, auditSubgraph.schemaFile, DEV_KEYS, db.config.dataDir, logger);
    ds = await openDatabase({
      subgraph: 'audit',
      config: db.config,
      entities,
      migrations,
      logger,
      subscribers: [sealing.subscriber],
    });
    writer = new AuditWriter(ds, loadCheckpointKey(undefined, db.config.dataDir).privateKey, 100, logger);
    monitor = new AnomalyMonitor(ds, writer, { factor: 3, floor: 20, days: 14, alertWebhookUrl: undefined }, logger, 0);
  });
  afterEach(async () => {
    await ds?.destroy();
    await sealing?.close();
    await db?.cleanup();
  });

  async function history(actor: string, days: number, perDay: number) {
    for (let d = 1; d <= days; d++) {
      const day = new Date(NOW.getTime() - d * 86_400_000);
      await writer.append(patients(perDay).map((p) => read(actor, p, day)));
    }
  }

  async function burst(actor: string, n: number) {
    const records = patients(n).map((p, i) => read(actor, p, new Date(NOW.getTime() - i * 1000)));
    await writer.append(records);
    await monitor.observe(records, NOW);
  }

  const status = async (actor: string) =>
    (await ds.query('SELECT disabled FROM account_status WHERE actor_id = ?', [actor]))[0];

  it('measures each user against their own baseline: 30 patients a day allows up to 90 in an hour', async () => {
    await history('nurse-busy', 5, 30);
    expect(await monitor.baseline('nurse-busy', NOW)).toBe(30);
    await burst('nurse-busy', 80);
    expect(await status('nurse-busy')).toBeUndefined();
    await burst('nurse-busy', 15); // 95 distinct patients in the hour
    expect(Boolean((await status('nurse-busy')).disabled)).toBe(true);
  });

  it('disables an account whose stored reason does not open (damaged, or from before sealing), and seals the new one', async () => {
    await ds.query(
      "INSERT INTO account_status (actor_id, disabled, reason, changed_at, changed_by) VALUES ('tampered-user', 0, 'written in the clear', '2026-01-01T00:00:00.000Z', 'admin-1')",
    );
    await burst('tampered-user', 65);
    const [row] = (await ds.query("SELECT disabled, reason FROM account_status WHERE actor_id = 'tampered-user'")) as {
      disabled: unknown;
      reason: string;
    }[];
    expect(Boolean(row!.disabled)).toBe(true);
    expect(row!.reason.startsWith('enc1:')).toBe(true);
  });

  it('uses the floor for a new user, raises one critical incident, disables the account and records it', async () => {
    expect(await monitor.baseline('new-user', NOW)).toBe(20);
    await burst('new-user', 60);
    expect(await status('new-user')).toBeUndefined();
    await burst('new-user', 5);
    expect(Boolean((await status('new-user')).disabled)).toBe(true);
    const incidents = await ds.query(
      'SELECT actor_id, severity, kind, distinct_patients, baseline FROM security_incident',
    );
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      actor_id: 'new-user',
      severity: 'critical',
      kind: 'UNUSUAL_PHI_ACCESS',
      baseline: 20,
    });
    expect(Number(incidents[0].distinct_patients)).toBe(65);
    const logged = await ds.query(
      `SELECT action_type, user_id, fields FROM hipaa_audit_log WHERE action_type = 'ACCOUNT_DISABLED'`,
    );
    expect(logged).toHaveLength(1);
    expect(logged[0].fields).toContain('Account:new-user');
    await burst('new-user', 5); // already disabled: no second incident
    expect(await ds.query('SELECT id FROM security_incident')).toHaveLength(1);
  });

  it('does not count yesterday in the rolling hour', async () => {
    await history('steady', 1, 200); // yesterday: 200 patients; baseline 200
    await burst('steady', 50);
    expect(await status('steady')).toBeUndefined();
  });
});
