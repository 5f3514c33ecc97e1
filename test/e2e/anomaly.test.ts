import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

/** Unusual access through the real stack: incident, account disabled on the gateway within seconds, re-enabled by an admin. */
describe(`access monitor end to end (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ patients: 80, seed: 41, env: { ANOMALY_BASELINE_FLOOR: '20' } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const waitFor = async (check: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  };

  it('disables an account that reads 70 patients in an hour (baseline 20), and an admin re-enables it', async () => {
    const list = await stack.query('{ patients(first: 70) { nodes { id gender } } }', undefined, 'billing-1');
    expect(list.body.errors).toBeUndefined();
    const started = Date.now();
    const refusedAt = await waitFor(
      async () => (await stack.query('{ me { sub } }', undefined, 'billing-1')).status === 403,
      10_000,
    );
    expect(refusedAt).not.toBeNull();
    expect(refusedAt! - started).toBeLessThan(5000);
    const refused = await stack.query('{ me { sub } }', undefined, 'billing-1');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('ACCOUNT_DISABLED');

    const incidents = await stack.query<{
      securityIncidents: { nodes: { actorId: string; severity: string; distinctPatients: number; baseline: number }[] };
    }>(
      '{ securityIncidents { totalCount nodes { actorId severity kind distinctPatients baseline createdAt } } }',
      undefined,
      'auditor-1',
    );
    expect(incidents.body.data!.securityIncidents.nodes[0]).toMatchObject({
      actorId: 'billing-1',
      severity: 'critical',
      distinctPatients: 70,
      baseline: 20,
    });
    expect(stack.output('audit').join('\n')).toContain('security alert: anomaly');

    const enabled = await stack.query<{ enableAccount: { disabled: boolean; changedBy: string } }>(
      'mutation { enableAccount(actorId: "billing-1", comment: "Month-end billing run, confirmed with the manager") { disabled changedBy } }',
      undefined,
      'admin-1',
    );
    expect(enabled.body.data!.enableAccount).toEqual({ disabled: false, changedBy: 'admin-1' });
    expect(
      await waitFor(async () => (await stack.query('{ me { sub } }', undefined, 'billing-1')).status === 200, 5000),
    ).not.toBeNull();

    // Both actions are in the audit trail.
    const events = await stack.query<{ auditEvents: { nodes: { action: string; actorId: string }[] } }>(
      '{ auditEvents(first: 100) { nodes { action actorId } } }',
      undefined,
      'auditor-1',
    );
    const actions = events.body.data!.auditEvents.nodes.map((n) => `${n.action}:${n.actorId}`);
    expect(actions).toEqual(expect.arrayContaining(['ACCOUNT_DISABLED:anomaly-monitor', 'ACCOUNT_ENABLED:admin-1']));
  });

  it('only an admin may re-enable an account', async () => {
    const { body } = await stack.query(
      'mutation { enableAccount(actorId: "billing-1", comment: "let me back in") { disabled } }',
      undefined,
      'auditor-1',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
