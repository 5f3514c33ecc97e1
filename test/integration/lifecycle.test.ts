import { createHook } from 'node:async_hooks';
import { createGateway, loadGatewayConfig, type Gateway } from '@ehr/gateway';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, devTokens } from '../helpers/tokens';

/** The kinds of handle a service may open and must close: timers (unref'd ones too), sockets, servers. */
const TRACKED = new Set(['Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'TLSWRAP', 'PIPEWRAP', 'FSREQCALLBACK']);

/**
 * Every tracked handle created while it is on and not yet destroyed, with where it was created.
 * An async hook sees unref'd timers too, which process.getActiveResourcesInfo() does not list.
 */
function handleTracker() {
  const live = new Map<number, { type: string; stack: string }>();
  const kinds = new Set<string>();
  const hook = createHook({
    init(id, type) {
      if (!TRACKED.has(type)) return;
      kinds.add(type);
      const raw = new Error().stack ?? '';
      // A per-request deadline (AbortSignal.timeout) is unref'd and ends by itself: not a handle a
      // service holds. This test's own polling timers are not either.
      const first = raw.split('\n').find((l) => l.includes(' at ') && !l.includes('node:') && !l.includes('AsyncHook'));
      if (raw.includes('abort_controller') || first?.includes('lifecycle.test.ts')) return;
      const stack = raw
        .split('\n')
        .slice(2)
        .filter((l) => !l.includes('node:internal') && !l.includes('node_modules/jest'))
        .slice(0, type === 'TLSWRAP' ? 30 : 4)
        .join(' | ');
      live.set(id, { type, stack });
    },
    destroy(id) {
      live.delete(id);
    },
  });
  hook.enable();
  return {
    open: () => [...live.values()],
    /** Every kind of handle opened while tracking, closed or not. */
    kinds: () => kinds,
    stop: () => hook.disable(),
  };
}

/**
 * Every service closes what it opened: after a request that exercises each one (care-team
 * calls, audit shipping, grants, Redis sessions, the checkpoint timer) and stop(), the process
 * holds no timer, socket or server more than before they started.
 */
describe('service lifecycle', () => {
  let db: TestDatabase;
  let data: SeedData;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 12);
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it('stop() closes every timer and connection each service opened', async () => {
    const handles = handleTracker();

    const audit = await runSubgraph('audit', db);
    const patient = await runSubgraph('patient', db, { AUDIT_URL: `${audit.url}/graphql` });
    const peers = { AUDIT_URL: `${audit.url}/graphql`, PATIENT_URL: `${patient.url}/graphql` };
    const medication = await runSubgraph('medication', db, peers);
    const notes = await runSubgraph('notes', db, peers);
    const subgraphs: RunningSubgraph[] = [audit, patient, medication, notes];
    const gateway: Gateway = await createGateway(
      loadGatewayConfig({
        ...db.env,
        LOG_LEVEL: 'silent',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        PATIENT_URL: `${patient.url}/graphql`,
        MEDICATION_URL: `${medication.url}/graphql`,
        NOTES_URL: `${notes.url}/graphql`,
        AUDIT_URL: `${audit.url}/graphql`,
      }),
    );
    const { url } = await gateway.listen('127.0.0.1', 0);

    const tokens = await devTokens(db.config.dataDir);
    const physician = demo(data, 'physician-1');
    const onTeam = data.careTeam.find((m) => m.practitionerId === physician.practitioner_id)!.patientId;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await tokens.forIdentity(physician)}`,
        'x-hipaa-audit-id': 'lifecycle-test',
      },
      body: JSON.stringify({
        query: 'query($id: ID!) { patient(id: $id) { id medications { id } notes { id } } }',
        variables: { id: onTeam },
      }),
    });
    const body = (await res.json()) as { data?: { patient?: { id: string } }; errors?: unknown[] };
    expect(res.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.patient?.id).toBe(onTeam);
    expect(handles.open().length).toBeGreaterThan(0); // the check sees what services open

    await gateway.stop();
    for (const s of subgraphs.reverse()) await s.stop();

    // Closing sockets completes on the next turns of the event loop.
    for (let i = 0; i < 60 && handles.open().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    handles.stop();
    expect(handles.open()).toEqual([]);
    // Nothing in the stack talks TLS to anyone: no telemetry or other call home leaves the host.
    expect([...handles.kinds()]).not.toContain('TLSWRAP');
  });
});
