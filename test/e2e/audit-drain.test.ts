import fs from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '../helpers/stack';

/**
 * SIGTERM (a scale-down, a rolling deploy) ships what the journals hold before the process
 * exits: with a ship interval far longer than the test, the records of the responses already
 * sent are only in the journals when the services are told to stop, and they must reach the
 * trail anyway. NODE_ENV=development, so that nothing test-only changes how signals are handled.
 */
describe('audit journals drain on SIGTERM (MySQL or SQLite, real processes)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      patients: 8,
      seed: 5,
      env: { NODE_ENV: 'development', AUDIT_SHIP_INTERVAL_MS: '5000' },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('commits every record of the responses sent before the stop, and leaves no journal behind', async () => {
    const patient = stack.data.identities.find((i) => i.sub === 'patient-1')!.patient_id!;
    const token = await stack.token('physician-1');
    const { body } = await stack.query(
      `{ patient(id: "${patient}") { id name { family } medications { id } notes { id } } }`,
      undefined,
      { token, auditId: 'drain-001' },
    );
    expect(body.errors).toBeUndefined();
    const waiting = await Promise.all(
      (['patient', 'medication', 'notes'] as const).map((s) => stack.metric(s, 'ehr_audit_journal_records')),
    );
    // Not shipped yet: the next tick is seconds away.
    expect(waiting.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    for (const s of ['patient', 'medication', 'notes'] as const) await stack.stopService(s);

    const { body: trail } = await stack.query<{ auditEvents: { nodes: { subgraph: string }[] } }>(
      '{ auditEvents(auditId: "drain-001", first: 20) { nodes { subgraph } } }',
      undefined,
      'auditor-1',
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.auditEvents.nodes.map((n) => n.subgraph).sort()).toEqual(['medication', 'notes', 'patient']);
    const spool = path.join(stack.db.config.dataDir, 'audit-spool');
    const left = fs.existsSync(spool) ? fs.readdirSync(spool).filter((f) => !f.startsWith('gateway')) : [];
    expect(left).toEqual([]);
  });
});
