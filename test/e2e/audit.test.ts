import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCheckpointKey, verifyProof } from '@ehr/subgraph-audit';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

interface Event {
  id: string;
  auditId: string;
  actorId: string;
  subgraph: string;
  patientId: string | null;
  entityType: string;
  entityId: string;
  purpose: string;
  action: string;
  outcome: string;
  fields: { path: string; outcome: string }[];
  entities: { type: string; id: string; fields: { path: string; outcome: string }[] }[];
}

const EVENTS = /* GraphQL */ `
  query ($auditId: String, $patientId: ID, $after: String) {
    auditEvents(auditId: $auditId, patientId: $patientId, first: 100, after: $after) {
      totalCount
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
        entityType
        entityId
        purpose
        action
        outcome
        fields {
          path
          outcome
        }
        entities {
          type
          id
          fields {
            path
            outcome
          }
        }
      }
    }
  }
`;

describe(`the audit trail through the gateway (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;

  beforeAll(async () => {
    // This deployment grants its privacy officer (here: the auditor role) the separate permission
    // to open sealed states; the shipped policy grants it to nobody.
    const policy = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../packages/policy/role-policy.json'), 'utf8'),
    );
    policy.roles.auditor.ehr_read.push('audit_state');
    const policyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-policy-')), 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(policy));
    stack = await startStack({ patients: 20, seed: 31, env: { POLICY_FILE: policyFile } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function events(filter: { auditId?: string; patientId?: string }): Promise<Event[]> {
    const out: Event[] = [];
    let after: string | null = null;
    for (;;) {
      type Page = { auditEvents: { nodes: Event[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const { body }: { body: { data?: Page | null; errors?: unknown[] } } = await stack.query<Page>(
        EVENTS,
        { ...filter, after },
        'auditor-1',
      );
      expect(body.errors).toBeUndefined();
      out.push(...body.data!.auditEvents.nodes);
      if (!body.data!.auditEvents.pageInfo.hasNextPage) return out;
      after = body.data!.auditEvents.pageInfo.endCursor;
    }
  }

  it("records every field a physician's chart query resolved, in every subgraph, under its audit id", async () => {
    const patient = stack.data.identities.find((i) => i.sub === 'patient-1')!.patient_id!;
    const meds = stack.data.medications.filter((m) => m.patientId === patient);
    const notes = stack.data.notes.filter((n) => n.patientId === patient);
    const token = await stack.token('physician-1');
    const { body } = await stack.query(
      `{ patient(id: "${patient}") { id name { family } ssn birthDate medications { id dosageText } notes { id type text } } }`,
      undefined,
      { token, auditId: 'chart-review-001' },
    );
    expect(body.errors).toBeUndefined();

    const recorded = await events({ auditId: 'chart-review-001' });
    expect(new Set(recorded.map((e) => e.subgraph))).toEqual(new Set(['patient', 'medication', 'notes']));
    expect(
      recorded.every(
        (e) => e.actorId === 'physician-1' && e.auditId === 'chart-review-001' && e.purpose === 'TREATMENT',
      ),
    ).toBe(true);
    const patientRead = recorded.find((e) => e.subgraph === 'patient' && e.entityType === 'Patient')!;
    expect(patientRead.entityId).toBe(patient);
    expect(patientRead.fields).toEqual(
      expect.arrayContaining([
        { path: 'Patient.id', outcome: 'CLEAR' },
        { path: 'Patient.name', outcome: 'CLEAR' },
        { path: 'Patient.ssn', outcome: 'MASKED' },
        { path: 'Patient.birthDate', outcome: 'CLEAR' },
      ]),
    );
    // One record per subgraph and patient, carrying every row it returned.
    expect(recorded.filter((e) => e.action === 'READ').map((e) => [e.subgraph, e.patientId])).toEqual(
      expect.arrayContaining([
        ['patient', patient],
        ['medication', patient],
        ['notes', patient],
      ]),
    );
    expect(recorded).toHaveLength(3);
    const rows = (subgraph: string, type: string) =>
      recorded.find((e) => e.subgraph === subgraph)!.entities.filter((x) => x.type === type);
    expect(
      rows('medication', 'MedicationRequest')
        .map((x) => x.id)
        .sort(),
    ).toEqual(meds.map((m) => m.id).sort());
    for (const m of rows('medication', 'MedicationRequest')) {
      const dosage = meds.find((x) => x.id === m.id)!.dosageText;
      // Asked for id and dosageText: exactly what came back, nothing else.
      expect(m.fields).toEqual([
        { path: 'MedicationRequest.id', outcome: 'CLEAR' },
        ...(dosage ? [{ path: 'MedicationRequest.dosageText', outcome: 'CLEAR' }] : []),
      ]);
    }
    expect(rows('medication', 'Patient')).toEqual([
      { type: 'Patient', id: patient, fields: [{ path: 'Patient.medications', outcome: 'CLEAR' }] },
    ]);
    expect(
      rows('notes', 'ClinicalNote')
        .map((x) => x.id)
        .sort(),
    ).toEqual(notes.map((n) => n.id).sort());
    // Records name fields and ids, never values.
    const text = JSON.stringify(recorded);
    const p = stack.data.patients.find((x) => x.id === patient)!;
    for (const value of [p.family, p.ssn, p.birthDate, notes[0]!.text.slice(0, 30), meds[0]?.dosageText ?? 'n/a']) {
      expect(text).not.toContain(value);
    }
  });

  it('records every patient a listing returned', async () => {
    const { body } = await stack.query<{ patients: { nodes: { id: string }[] } }>(
      '{ patients(first: 5) { nodes { id gender } } }',
      undefined,
      { token: await stack.token('billing-1'), auditId: 'listing-001' },
    );
    const listed = body.data!.patients.nodes.map((n) => n.id).sort();
    const recorded = await events({ auditId: 'listing-001' });
    expect(recorded.map((e) => e.entityId).sort()).toEqual(listed);
    expect(recorded.every((e) => e.purpose === 'PAYMENT')).toBe(true);
  });

  it('records a refused field even when no record was loaded, and break-glass in the trail', async () => {
    const note = stack.data.notes[0]!;
    await stack.query(`{ note(id: "${note.id}") { text } }`, undefined, {
      token: await stack.token('billing-1'),
      auditId: 'refused-001',
    });
    const refused = await events({ auditId: 'refused-001' });
    // Refused by the policy before any row was read: recorded against the note that was asked for.
    expect(refused).toEqual([
      expect.objectContaining({
        actorId: 'billing-1',
        subgraph: 'notes',
        entityType: 'ClinicalNote',
        entityId: note.id,
        outcome: 'DENIED',
      }),
    ]);
    expect(refused[0]!.fields).toEqual([{ path: 'Query.note', outcome: 'DENIED' }]);

    const outsider = stack.data.patients[stack.data.patients.length - 1]!.id;
    await stack.query(
      `mutation { breakGlass(patientId: "${outsider}", reason: "Trauma bay, patient unresponsive") { id } }`,
      undefined,
      {
        token: await stack.token('physician-2'),
        auditId: 'bg-001',
      },
    );
    expect(await events({ auditId: 'bg-001' })).toEqual([
      expect.objectContaining({
        action: 'BREAK_GLASS',
        actorId: 'physician-2',
        patientId: outsider,
        purpose: expect.any(String),
      }),
    ]);
  });

  it('records denied attempts too', async () => {
    const own = stack.data.identities.find((i) => i.sub === 'patient-1')!.patient_id!;
    const other = stack.data.patients.find((p) => p.id !== own)!.id;
    await stack.query(`{ patient(id: "${other}") { id name { family } } }`, undefined, {
      token: await stack.token('patient-1'),
      auditId: 'hop-attempt-001',
    });
    const recorded = await events({ auditId: 'hop-attempt-001' });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      actorId: 'patient-1',
      entityId: other,
      outcome: 'DENIED',
      purpose: 'PATIENT_ACCESS',
    });
    expect(recorded[0]!.fields.every((f) => f.outcome === 'DENIED')).toBe(true);
  });

  it('finds records by outcome, whether the outcome is in their rows or in their fields', async () => {
    type Count = { auditEvents: { totalCount: number; nodes: { subgraph: string }[] } };
    const count = async (auditId: string, outcome: string) =>
      (
        await stack.query<Count>(
          `{ auditEvents(auditId: "${auditId}", outcome: "${outcome}", first: 10) { totalCount nodes { subgraph } } }`,
          undefined,
          'auditor-1',
        )
      ).body.data!.auditEvents;
    // The chart's patient record keeps the masked SSN in its rows (its fields are derived from them).
    expect((await count('chart-review-001', 'MASKED')).nodes.map((n) => n.subgraph)).toContain('patient');
    // A refusal with no row keeps it in its fields.
    expect((await count('hop-attempt-001', 'DENIED')).totalCount).toBe(1);
    expect((await count('hop-attempt-001', 'MASKED')).totalCount).toBe(0);
  });

  it('proves to an auditor that a record is in the signed log, checkable offline', async () => {
    const [record] = await events({ auditId: 'chart-review-001' });
    const res = await stack.query<{ auditInclusionProof: { kind: string; treeSize: number; document: string } }>(
      `{ auditInclusionProof(recordId: "${record!.id}") { kind treeSize document } }`,
      undefined,
      'auditor-1',
    );
    expect(res.body.errors).toBeUndefined();
    const proof = res.body.data!.auditInclusionProof;
    expect(proof.kind).toBe('inclusion');
    const { publicKey } = loadCheckpointKey(undefined, stack.db.config.dataDir);
    expect(verifyProof(JSON.parse(proof.document), publicKey)).toMatchObject({ valid: true });
    // Not for other roles.
    const denied = await stack.query(
      `{ auditInclusionProof(recordId: "${record!.id}") { kind } }`,
      undefined,
      'physician-1',
    );
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('records a refusal by id against the patient whose row it was, and honours variable defaults', async () => {
    const own = new Set<string>();
    const physician = stack.data.identities.find((i) => i.sub === 'physician-1')!;
    const today = new Date().toISOString().slice(0, 10);
    for (const m of stack.data.careTeam)
      if (m.practitionerId === physician.practitioner_id && m.periodStart <= today && (m.periodEnd ?? today) >= today)
        own.add(m.patientId);
    const note = stack.data.notes.find((n) => !own.has(n.patientId))!;
    const { body } = await stack.query(`{ note(id: "${note.id}") { id type } }`, undefined, {
      token: await stack.token('physician-1'),
      auditId: 'note-by-id-001',
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BREAK_GLASS_REQUIRED');
    const refused = await events({ auditId: 'note-by-id-001' });
    expect(refused).toEqual([
      expect.objectContaining({
        entityType: 'ClinicalNote',
        entityId: note.id,
        patientId: note.patientId,
        outcome: 'DENIED',
      }),
    ]);

    // A directive whose variable takes its default: the query runs, and ssn (skipped) is not recorded.
    const patient = stack.data.identities.find((i) => i.sub === 'patient-1')!.patient_id!;
    const skipped = await stack.query(
      `query Q($s: Boolean = true) { patient(id: "${patient}") { id ssn @skip(if: $s) } }`,
      undefined,
      { token: await stack.token('patient-1'), auditId: 'defaults-001' },
    );
    expect(skipped.body.errors).toBeUndefined();
    const recorded = await events({ auditId: 'defaults-001' });
    expect(recorded.flatMap((e) => e.fields.map((f) => f.path))).toEqual(['Patient.id']);
  });

  it('keeps the created state of a note encrypted, and the record names no text', async () => {
    const patient = stack.data.identities.find((i) => i.sub === 'patient-1')!.patient_id!;
    // A long note of multi-byte text (sealed, about 80 KB) is stored and recorded like any other.
    const long = `Secret words about the patient ${'患者の経過'.repeat(3990)}`;
    const { body } = await stack.query<{ createClinicalNote: { id: string } }>(
      `mutation ($t: String!) { createClinicalNote(patientId: "${patient}", type: "progress", text: $t) { id } }`,
      { t: long },
      { token: await stack.token('physician-1'), auditId: 'note-write-001' },
    );
    expect(body.errors).toBeUndefined();
    const recorded = await events({ auditId: 'note-write-001' });
    const created = recorded.find((e) => e.action === 'CREATE')!;
    expect(created).toMatchObject({
      entityType: 'ClinicalNote',
      entityId: body.data!.createClinicalNote.id,
      patientId: patient,
    });
    expect(JSON.stringify(recorded)).not.toContain('Secret words');
    // What the mutation returned of the note is recorded against the note itself.
    const returned = recorded.find((e) => e.action === 'READ')!;
    expect(returned.entities).toEqual([
      {
        type: 'ClinicalNote',
        id: body.data!.createClinicalNote.id,
        fields: [{ path: 'ClinicalNote.id', outcome: 'CLEAR' }],
      },
    ]);

    // The sealed state opens only for a role granted it, and the opening is itself recorded.
    const state = `{ auditEventState(id: "${created.id}") { eventId after } }`;
    const denied = await stack.query(state, undefined, 'physician-1');
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const opened = await stack.query<{ auditEventState: { after: string } }>(state, undefined, {
      token: await stack.token('auditor-1'),
      auditId: 'state-read-001',
    });
    expect(JSON.parse(opened.body.data!.auditEventState.after)).toMatchObject({ text: long });
    const reads = await events({ auditId: 'state-read-001' });
    expect(reads).toEqual([
      expect.objectContaining({ action: 'READ_STATE', actorId: 'auditor-1', entityId: created.id, patientId: patient }),
    ]);
  });

  it("records auditors' reads of the log itself", async () => {
    const patient = stack.data.patients[3]!.id;
    await stack.query(`{ auditEvents(patientId: "${patient}") { totalCount } }`, undefined, {
      token: await stack.token('auditor-1'),
      auditId: 'log-read-001',
    });
    const reads = await events({ auditId: 'log-read-001' });
    expect(reads).toEqual([
      expect.objectContaining({ action: 'READ', actorId: 'auditor-1', entityType: 'AuditLog', patientId: patient }),
    ]);
  });

  it('shows a patient who read their record, when, which fields and why (accounting of disclosures)', async () => {
    const { body } = await stack.query<{
      accessHistory: { nodes: { actorId: string; purpose: string; fields: { path: string }[] }[] };
    }>(
      '{ accessHistory(first: 50) { totalCount nodes { actorId occurredAt purpose action fields { path outcome } } } }',
      undefined,
      'patient-1',
    );
    expect(body.errors).toBeUndefined();
    const readers = body.data!.accessHistory.nodes.map((n) => n.actorId);
    expect(readers).toContain('physician-1');
    expect(body.data!.accessHistory.nodes.find((n) => n.actorId === 'physician-1')!.purpose).toBe('TREATMENT');
    // Only their own record: patient-2's history is exactly the events about patient-2.
    const patient2 = stack.data.identities.find((x) => x.sub === 'patient-2')!.patient_id!;
    const other = await stack.query<{ accessHistory: { totalCount: number } }>(
      '{ accessHistory { totalCount } }',
      undefined,
      'patient-2',
    );
    expect(other.body.data!.accessHistory.totalCount).toBe(
      (await events({ patientId: patient2 })).filter((e) => e.subgraph !== 'audit').length,
    );
  });

  it("proves a patient's history entries to an auditor, and gives the patient no proof (it holds workforce details)", async () => {
    const { body } = await stack.query<{ accessHistory: { nodes: { id: string }[] } }>(
      '{ accessHistory(first: 20) { nodes { id } } }',
      undefined,
      'patient-1',
    );
    const nodes = body.data!.accessHistory.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    // The proof document carries the whole record (staff address, agent, request id): not for patients.
    const refused = await stack.query(
      '{ accessHistory(first: 1) { nodes { proof { document } } } }',
      undefined,
      'patient-1',
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // An auditor gets each entry's proof, and it checks offline against the log's key.
    const { publicKey } = loadCheckpointKey(undefined, stack.db.config.dataDir);
    const patient = stack.data.identities.find((x) => x.sub === 'patient-1')!.patient_id!;
    const audited = await stack.query<{ auditEvents: { nodes: { id: string; proof: { document: string } }[] } }>(
      `{ auditEvents(patientId: "${patient}", first: 20) { nodes { id proof { document } } } }`,
      undefined,
      'auditor-1',
    );
    expect(audited.body.errors).toBeUndefined();
    const proven = audited.body.data!.auditEvents.nodes;
    expect(proven.length).toBeGreaterThan(0);
    for (const n of proven) {
      const doc = JSON.parse(n.proof.document) as Parameters<typeof verifyProof>[0];
      expect(verifyProof(doc, publicKey)).toMatchObject({ valid: true });
      expect(doc.record!.content).toMatchObject({ id: n.id, patientId: patient });
    }
    const forged = JSON.parse(proven[0]!.proof.document) as Parameters<typeof verifyProof>[0];
    forged.record!.content.patientId = stack.data.identities.find((x) => x.sub === 'patient-2')!.patient_id!;
    expect(verifyProof(forged, publicKey)).toMatchObject({ valid: false });
  });

  it('verifies the chain through the API, for auditors only', async () => {
    const { body } = await stack.query<{ verifyAuditChain: { intact: boolean; checkedRecords: number } }>(
      '{ verifyAuditChain { intact checkedRecords firstBrokenSequence } }',
      undefined,
      'auditor-1',
    );
    expect(body.data!.verifyAuditChain.intact).toBe(true);
    expect(body.data!.verifyAuditChain.checkedRecords).toBeGreaterThan(5);
    const nurse = await stack.query('{ verifyAuditChain { intact } }', undefined, 'nurse-1');
    expect(nurse.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('loses no record and duplicates none when the audit subgraph stops under load and returns', async () => {
    const ids = stack.data.patients.map((p) => p.id);
    const token = await stack.token('billing-1');
    let n = 0;
    const fire = async (count: number) => {
      const answers = await Promise.all(
        Array.from({ length: count }, () => {
          const i = n++;
          return stack.query(`{ patient(id: "${ids[i % ids.length]}") { id gender } }`, undefined, {
            token,
            auditId: `load-${i}`,
          });
        }),
      );
      for (const a of answers) expect(a.body.errors).toBeUndefined();
    };
    await fire(20);
    await stack.stopService('audit');
    await fire(30); // answered: the records are fsync'd to the patient subgraph's spool
    await stack.startService('audit');
    await fire(20);
    // The spool replays within seconds once the audit subgraph answers.
    let recorded: Event[] = [];
    for (let tries = 0; tries < 40; tries++) {
      recorded = (await events({})).filter((e) => e.auditId.startsWith('load-'));
      if (recorded.length >= 70) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(recorded).toHaveLength(70);
    expect(new Set(recorded.map((e) => e.auditId)).size).toBe(70);
    expect(new Set(recorded.map((e) => e.id)).size).toBe(70);
    const intact = await stack.query<{ verifyAuditChain: { intact: boolean } }>(
      '{ verifyAuditChain { intact } }',
      undefined,
      'auditor-1',
    );
    expect(intact.body.data!.verifyAuditChain.intact).toBe(true);
  });
});
