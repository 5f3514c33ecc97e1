import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import type { Identity } from '@ehr/common';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';
import type { SeedData } from '../../tools/src/seed/generate';

describe(`medication and notes subgraphs on ${usingMysql ? 'MySQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let data: SeedData;
  let medication: RunningSubgraph;
  let notes: RunningSubgraph;
  let patient: RunningSubgraph;
  let physician: Identity;
  let billing: Identity;
  let onTeam: string[];

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 15);
    // Medication and notes ask the patient subgraph which patients are on the caller's care team.
    patient = await runSubgraph('patient', db);
    const env = { PATIENT_URL: `${patient.url}/graphql` };
    medication = await runSubgraph('medication', db, env);
    notes = await runSubgraph('notes', db, env);
    physician = identityOf(demo(data, 'physician-1'));
    billing = identityOf(demo(data, 'billing-1'));
    onTeam = data.careTeam.filter((m) => m.practitionerId === physician.practitionerId).map((m) => m.patientId);
  });
  afterAll(async () => {
    await patient?.stop();
    await medication?.stop();
    await notes?.stop();
    await db?.cleanup();
  });

  const MEDS = /* GraphQL */ `
    query ($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Patient {
          id
          medications {
            id
            status
            authoredOn
            medication {
              system
              code
              display
            }
            prescriber {
              id
            }
          }
        }
      }
    }
  `;
  const NOTES = /* GraphQL */ `
    query ($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Patient {
          id
          notes {
            id
            type
            authoredAt
            text
            author {
              id
            }
          }
        }
      }
    }
  `;

  it('adds each patient its own medications and notes, newest first, in one batch', async () => {
    const patients = data.patients.filter((p) => onTeam.includes(p.id)).slice(0, 5);
    expect(patients.length).toBe(5);
    const r = patients.map((p) => ({ __typename: 'Patient', id: p.id }));
    const [m, n] = await Promise.all([
      medication.query<{
        _entities: { id: string; medications: { id: string; authoredOn: string; prescriber: { id: string } }[] }[];
      }>(MEDS, { r }, physician),
      notes.query<{ _entities: { id: string; notes: { id: string; authoredAt: string; text: string }[] }[] }>(
        NOTES,
        { r },
        physician,
      ),
    ]);
    expect(m.body.errors).toBeUndefined();
    expect(n.body.errors).toBeUndefined();
    patients.forEach((p, i) => {
      const meds = m.body.data!._entities[i]!.medications;
      const expected = data.medications.filter((x) => x.patientId === p.id);
      expect(meds.map((x) => x.id).sort()).toEqual(expected.map((x) => x.id).sort());
      expect(meds.map((x) => x.authoredOn)).toEqual([...meds.map((x) => x.authoredOn)].sort().reverse());
      for (const x of meds) expect(x.prescriber.id).toBe(expected.find((e) => e.id === x.id)!.prescriberId);
      const ns = n.body.data!._entities[i]!.notes;
      expect(ns.map((x) => x.id).sort()).toEqual(
        data.notes
          .filter((x) => x.patientId === p.id)
          .map((x) => x.id)
          .sort(),
      );
      for (const x of ns) expect(x.text).toBe(data.notes.find((e) => e.id === x.id)!.text);
    });
  });

  it('finds a medication request and a note by id, null for unknown, BAD_USER_INPUT for malformed', async () => {
    const med = data.medications.find((m) => onTeam.includes(m.patientId))!;
    const note = data.notes.find((n) => onTeam.includes(n.patientId))!;
    const m = await medication.query(
      `query ($id: ID!) { medicationRequest(id: $id) { id medication { code } patient { id } } }`,
      { id: med.id },
      physician,
    );
    expect(m.body.data).toEqual({
      medicationRequest: { id: med.id, medication: { code: med.code }, patient: { id: med.patientId } },
    });
    const n = await notes.query(
      `query ($id: ID!) { note(id: $id) { id type author { id } patient { id } } }`,
      { id: note.id },
      physician,
    );
    expect(n.body.data).toEqual({
      note: { id: note.id, type: note.type, author: { id: note.authorId }, patient: { id: note.patientId } },
    });
    const unknown = await medication.query(
      `{ medicationRequest(id: "00000000-0000-4000-8000-000000000000") { id } }`,
      undefined,
      billing,
    );
    expect(unknown.body).toEqual({ data: { medicationRequest: null } });
    const bad = await medication.query(`{ medicationRequest(id: "DROP TABLE") { id } }`, undefined, billing);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a note or a medication outside the care team with BREAK_GLASS_REQUIRED, and lists none', async () => {
    const outside = data.patients.find((p) => !onTeam.includes(p.id))!;
    const note = data.notes.find((n) => n.patientId === outside.id)!;
    const n = await notes.query(`query ($id: ID!) { note(id: $id) { id text } }`, { id: note.id }, physician);
    expect(n.body.data).toEqual({ note: null });
    expect(n.body.errors?.[0]?.extensions?.code).toBe('BREAK_GLASS_REQUIRED');
    const r = [{ __typename: 'Patient', id: outside.id }];
    const m = await medication.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { medications { id } } } }`,
      { r },
      physician,
    );
    expect(m.body.data).toEqual({ _entities: [null] });
    expect(m.body.errors?.[0]?.extensions?.code).toBe('BREAK_GLASS_REQUIRED');
  });

  it('answers a patient without rows with empty lists', async () => {
    const r = [{ __typename: 'Patient', id: '00000000-0000-4000-8000-000000000000' }];
    const m = await medication.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { medications { id } } } }`,
      { r },
      billing,
    );
    expect(m.body.data).toEqual({ _entities: [{ medications: [] }] });
  });
});
