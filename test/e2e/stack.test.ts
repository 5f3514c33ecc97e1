import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { PatientChartDocument, PatientListDocument } from '../__generated__/operations';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

// The typed operations graphql-codegen generates from test/operations/*.graphql.
const CHART = print(PatientChartDocument);
const LIST = print(PatientListDocument);

describe(`the stack end to end (real processes, ${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      patients: 60,
      seed: 5,
      // physician-1 treats every patient, so one token can list 50 charts (the batching test).
      arrange: (data) => {
        const doctor = data.identities.find((i) => i.sub === 'physician-1')!.practitioner_id!;
        for (const p of data.patients) {
          if (!data.careTeam.some((m) => m.patientId === p.id && m.practitionerId === doctor)) {
            data.careTeam.push({
              id: randomUUID(),
              patientId: p.id,
              practitionerId: doctor,
              role: 'consulting',
              periodStart: '2024-01-01',
              periodEnd: null,
            });
          }
        }
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers one patient with data from the patient, medication and notes subgraphs', async () => {
    const p = stack.data.patients.find((x) => stack.data.medications.some((m) => m.patientId === x.id))!;
    const { status, body } = await stack.query<{
      patient: {
        id: string;
        name: { family: string };
        medications: { id: string; prescriber: { id: string; name: { family: string } } }[];
        notes: { id: string; author: { name: { family: string } } }[];
      };
    }>(CHART, { id: p.id }, 'physician-1');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const patient = body.data!.patient;
    expect(patient.name.family).toBe(p.family);
    const meds = stack.data.medications.filter((m) => m.patientId === p.id);
    expect(patient.medications.map((m) => m.id).sort()).toEqual(meds.map((m) => m.id).sort());
    // prescriber crosses back from the medication subgraph to the patient subgraph
    const prescriber = stack.data.practitioners.find((x) => x.id === meds[0]!.prescriberId)!;
    expect(patient.medications.find((m) => m.id === meds[0]!.id)!.prescriber.name.family).toBe(prescriber.family);
    expect(patient.notes.length).toBe(stack.data.notes.filter((n) => n.patientId === p.id).length);
    expect(patient.notes.every((n) => typeof n.author.name.family === 'string')).toBe(true);
  });

  it('sends the same number of SQL statements for 1 patient as for 50 (DataLoader batching)', async () => {
    const counts = async (first: number) => {
      const before = await Promise.all(
        ['patient', 'medication', 'notes'].map((s) => stack.metric(s as never, 'ehr_db_statements_total')),
      );
      const { body } = await stack.query<{ patients: { nodes: unknown[] } }>(LIST, { first }, 'physician-1');
      expect(body.errors).toBeUndefined();
      expect(body.data!.patients.nodes).toHaveLength(first);
      const after = await Promise.all(
        ['patient', 'medication', 'notes'].map((s) => stack.metric(s as never, 'ehr_db_statements_total')),
      );
      return after.map((a, i) => a - before[i]!);
    };
    const one = await counts(1);
    const fifty = await counts(50);
    expect(one.every((n) => n > 0)).toBe(true);
    expect(fifty).toEqual(one);
  });

  it('answers an unknown id with null and a malformed id with BAD_USER_INPUT', async () => {
    const q = 'query ($id: ID!) { patient(id: $id) { id name { family } } }';
    const unknown = await stack.query(q, { id: '00000000-0000-4000-8000-000000000000' }, 'billing-1');
    expect(unknown.body.data).toEqual({ patient: null });
    expect(unknown.body.errors).toBeUndefined();
    const bad = await stack.query(q, { id: 'patient-1; DROP TABLE patient' });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.body)).not.toContain('DROP TABLE');
  });

  it('refuses invalid GraphQL with a clear validation error', async () => {
    const res = await stack.query('{ patient(id: 1) { nosuchfield } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    const base = stack.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      subgraphs: { patient: true, medication: true, notes: true, audit: true },
      sessions: true,
      // The gateway's refusal records: none set aside; some may wait for the next ship.
      auditQuarantinedBatches: 0,
      auditJournalRecords: expect.any(Number),
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('ehr_graphql_requests_total');
    expect(metrics).toMatch(/^ehr_audit_journal_records({[^}]*})? \d+$/m);
  });

  it('keeps answering with what it has while a subgraph is down, and recovers when it returns', async () => {
    const p = stack.data.patients[0]!;
    const med = stack.data.medications[0]!;
    const q = `query ($p: ID!, $m: ID!) { patient(id: $p) { id name { family } } medicationRequest(id: $m) { id } }`;
    await stack.stopService('medication');
    try {
      const { status, body } = await stack.query<{
        patient: { id: string; name: { family: string } };
        medicationRequest: null;
      }>(q, { p: p.id, m: med.id });
      expect(status).toBe(200);
      expect(body.data?.patient).toEqual({ id: p.id, name: { family: p.family } });
      expect(body.data?.medicationRequest).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'medication' });
      // the address of the subgraph and the cause stay inside
      expect(JSON.stringify(body.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);
      const ready = await fetch(stack.url.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ subgraphs: { medication: false, patient: true } });
    } finally {
      await stack.startService('medication');
    }
    const again = await stack.query(q, { p: p.id, m: med.id });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data).toEqual({
      patient: { id: p.id, name: { family: p.family } },
      medicationRequest: { id: med.id },
    });
  });

  it('costs only the part of a down subgraph: the chart keeps the rest while each subgraph is stopped in turn', async () => {
    const physician = stack.data.identities.find((i) => i.sub === 'physician-1')!;
    const inScope = stack.data.careTeam.find((m) => m.practitionerId === physician.practitioner_id)!.patientId;
    const q = `query ($p: ID!) { patient(id: $p) { id name { family } medications { id } notes { id } } }`;
    const full = await stack.query<{
      patient: { id: string; name: unknown; medications: unknown[]; notes: unknown[] };
    }>(q, { p: inScope }, 'physician-1');
    expect(full.body.errors).toBeUndefined();
    for (const down of ['medication', 'notes'] as const) {
      await stack.stopService(down);
      try {
        const { status, body } = await stack.query<{
          patient: { id: string; name: unknown; medications: unknown[]; notes: unknown[] };
        }>(q, { p: inScope }, 'physician-1');
        expect(status).toBe(200);
        // The patient is there, with the other subgraph's part; the down one's list stands empty.
        expect(body.data?.patient?.id).toBe(inScope);
        expect(body.data?.patient?.name).toEqual(full.body.data!.patient.name);
        const field = down === 'medication' ? 'medications' : 'notes';
        const other = down === 'medication' ? 'notes' : 'medications';
        expect(body.data?.patient?.[field]).toEqual([]);
        expect(body.data?.patient?.[other]).toEqual(full.body.data!.patient[other]);
        expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
        expect(JSON.stringify(body.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed/);
      } finally {
        await stack.startService(down);
      }
    }
    // The subgraph that owns the patient down: the patient cannot be answered, and says why.
    await stack.stopService('patient');
    try {
      const { status, body } = await stack.query(q, { p: inScope }, 'physician-1');
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await stack.startService('patient');
    }
    expect((await stack.query(q, { p: inScope }, 'physician-1')).body).toEqual(full.body);
  });

  it('labels metrics by registered operation and outcome, never by a name the client chose', async () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../clients/__generated__/persisted-documents.json'), 'utf8'),
    ) as Record<string, string>;
    const me = Object.entries(manifest).find(([, doc]) => doc.startsWith('query Me '))![0];
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token('physician-1')}`,
        'x-hipaa-audit-id': 'metrics-e2e',
      },
      body: JSON.stringify({ documentId: me }),
    });
    expect(res.status).toBe(200);
    await stack.query('query JaneDoeSmithChart { me { sub } }', undefined, 'physician-1');
    await stack.query('{ patient(id: "not-an-id") { id } }', undefined, 'physician-1');
    const metrics = await (await fetch(stack.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/ehr_graphql_requests_total\{[^}]*operation="Me"[^}]*outcome="ok"/);
    expect(metrics).toMatch(/ehr_graphql_requests_total\{[^}]*operation="query"[^}]*outcome="BAD_USER_INPUT"/);
    expect(metrics).toMatch(
      /ehr_gateway_subgraph_request_duration_seconds_count\{[^}]*subgraph="patient"[^}]*outcome="ok"/,
    );
    expect(metrics).not.toContain('JaneDoeSmith');
  });
});
