import type { SeedData } from '../../tools/src/seed/generate';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

/**
 * Record hopping: for each role, every entry point, a record outside its scope. Clinicians are
 * told BREAK_GLASS_REQUIRED; everyone else gets NOT_FOUND (or FORBIDDEN where the policy grants
 * the entry point no access at all); nobody gets data.
 */
describe(`IDOR sweep through the gateway (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let data: SeedData;
  let outsider: string;
  let outsiderMed: string;
  let outsiderNote: string;
  let own: string;

  /** Patients on a clinician's care team today (ended memberships grant nothing). */
  const team = (sub: string, includeEnded = false) => {
    const practitioner = data.identities.find((i) => i.sub === sub)!.practitioner_id;
    const today = new Date().toISOString().slice(0, 10);
    return new Set(
      data.careTeam
        .filter(
          (m) => m.practitionerId === practitioner && (includeEnded || m.periodEnd === null || m.periodEnd >= today),
        )
        .map((m) => m.patientId),
    );
  };

  beforeAll(async () => {
    stack = await startStack({ patients: 30, seed: 9 });
    data = stack.data;
    own = data.identities.find((i) => i.sub === 'patient-1')!.patient_id!;
    const teams = ['physician-1', 'nurse-1'].map((who) => team(who, true));
    // A patient nobody in the sweep may reach: not on the demo clinicians' teams, not patient-1.
    outsider = data.patients.find(
      (p) => p.id !== own && teams.every((t) => !t.has(p.id)) && data.medications.some((m) => m.patientId === p.id),
    )!.id;
    outsiderMed = data.medications.find((m) => m.patientId === outsider)!.id;
    outsiderNote = data.notes.find((n) => n.patientId === outsider && n.type !== 'psychotherapy')!.id;
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const expectedCode: Record<string, string> = {
    'physician-1': 'BREAK_GLASS_REQUIRED',
    'nurse-1': 'BREAK_GLASS_REQUIRED',
    'patient-1': 'NOT_FOUND',
  };

  const entryPoints: [string, (ids: { patient: string; med: string; note: string }) => string, string[]][] = [
    ['patient(id)', (x) => `{ patient(id: "${x.patient}") { id name { family } } }`, ['patient']],
    ['alias', (x) => `{ hop: patient(id: "${x.patient}") { id } }`, ['hop']],
    [
      'fragment',
      (x) =>
        `query { patient(id: "${x.patient}") { ...Chart } } fragment Chart on Patient { id birthDate medications { id } }`,
      ['patient'],
    ],
    ['inline fragment', (x) => `{ patient(id: "${x.patient}") { ... on Patient { id } } }`, ['patient']],
    [
      'medicationRequest(id)',
      (x) => `{ medicationRequest(id: "${x.med}") { id medication { code } } }`,
      ['medicationRequest'],
    ],
    ['note(id)', (x) => `{ note(id: "${x.note}") { id type } }`, ['note']],
  ];

  describe.each(['physician-1', 'nurse-1', 'patient-1'])('as %s', (who) => {
    it.each(entryPoints)('%s outside scope answers with no data', async (_name, build, path) => {
      const { body } = await stack.query(
        build({ patient: outsider, med: outsiderMed, note: outsiderNote }),
        undefined,
        who,
      );
      expect(body.data?.[path[0]!]).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe(expectedCode[who]);
      expect(body.errors?.[0]?.path).toEqual(path);
      // Nothing of the record leaks in the message.
      const p = data.patients.find((x) => x.id === outsider)!;
      expect(JSON.stringify(body)).not.toContain(p.family);
    });

    it('lists only patients in scope', async () => {
      const { body } = await stack.query<{ patients: { nodes: { id: string }[]; totalCount: number } }>(
        '{ patients(first: 100) { totalCount nodes { id } } }',
        undefined,
        who,
      );
      const ids = body.data!.patients.nodes.map((n) => n.id);
      expect(ids).not.toContain(outsider);
      expect(body.data!.patients.totalCount).toBe(ids.length);
      if (who === 'patient-1') expect(ids).toEqual([own]);
      else expect(new Set(ids)).toEqual(team(who));
    });

    it('cannot write a note into a record outside scope', async () => {
      const { body } = await stack.query(
        `mutation { createClinicalNote(patientId: "${outsider}", type: "${who === 'nurse-1' ? 'nursing' : 'progress'}", text: "hop") { id } }`,
        undefined,
        who,
      );
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe(who === 'patient-1' ? 'FORBIDDEN' : 'BREAK_GLASS_REQUIRED');
    });
  });

  it.each(['auditor-1', 'admin-1'])('%s reaches no patient record by any entry point', async (who) => {
    for (const [, build, path] of entryPoints) {
      const { body } = await stack.query(build({ patient: own, med: outsiderMed, note: outsiderNote }), undefined, who);
      expect(body.data?.[path[0]!] ?? null).toBeNull();
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(body.errors?.[0]?.extensions?.code);
    }
    const list = await stack.query('{ patients(first: 5) { totalCount } }', undefined, who);
    expect(list.body.data?.patients ?? null).toBeNull();
  });

  it('billing reaches every patient, but never note text', async () => {
    const { body } = await stack.query(
      `{ patient(id: "${outsider}") { id coverage { payer } } note(id: "${outsiderNote}") { text } }`,
      undefined,
      'billing-1',
    );
    expect((body.data?.patient as { id: string }).id).toBe(outsider);
    expect(body.data?.note).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('does not expose _entities through the gateway (no forged representations from outside)', async () => {
    const { status, body } = await stack.query(
      `{ _entities(representations: [{ __typename: "Patient", id: "${outsider}" }]) { ... on Patient { id } } }`,
      undefined,
      'physician-1',
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses batched operations (one audit id, one operation)', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token('patient-1')}`,
        'x-hipaa-audit-id': 'batch-1',
      },
      body: JSON.stringify([{ query: '{ me { sub } }' }, { query: `{ patient(id: "${outsider}") { id } }` }]),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).not.toContain(outsider.slice(0, 8) + '"');
  });

  it('refuses a client token presented directly to a subgraph', async () => {
    const res = await fetch(`http://127.0.0.1:${stack.ports.patient}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token('billing-1')}` },
      body: JSON.stringify({ query: `{ patient(id: "${outsider}") { id name { family } } }` }),
    });
    expect(res.status).toBe(401);
  });
});
