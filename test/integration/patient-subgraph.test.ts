import { requestBinding, type Identity } from '@ehr/common';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf, internalTokens } from '../helpers/tokens';

type P = {
  id: string;
  mrn: string;
  ssn: string;
  birthDate: string;
  name: { given: string[]; family: string };
  address: { line: string[]; city: string; state: string; postalCode: string };
  careTeam: { role: string; practitioner: { id: string } }[];
};

describe(`patient subgraph on ${usingMysql ? 'MySQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let data: SeedData;
  let sg: RunningSubgraph;
  let billing: Identity;
  let patient1: Identity;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 25);
    sg = await runSubgraph('patient', db);
    billing = identityOf(demo(data, 'billing-1'));
    patient1 = identityOf(demo(data, 'patient-1'));
  });
  afterAll(async () => {
    await sg?.stop();
    await db?.cleanup();
  });

  it("answers a request Apollo refuses itself with the catalogue's masked error, not Apollo's text", async () => {
    const sign = await internalTokens(db.config.dataDir);
    for (const body of ['{}', '{"query": 1}', '[{"query": "{ me { sub } }"}]']) {
      // Bound to the body as the subgraph reads it, so that Apollo is what answers.
      const parsed = JSON.parse(body) as { query?: unknown; variables?: unknown };
      const token = await sign(billing, 'patient', requestBinding(parsed.query, parsed.variables));
      const res = await fetch(`${sg.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const json = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect([body, res.status, json.errors[0]!.message, json.errors[0]!.extensions.code]).toEqual([
        body,
        400,
        'Internal server error',
        'INTERNAL_SERVER_ERROR',
      ]);
    }
  });

  const PATIENT = /* GraphQL */ `
    query ($id: ID!) {
      patient(id: $id) {
        id
        mrn
        ssn
        birthDate
        name {
          given
          family
        }
        address {
          line
          city
          state
          postalCode
        }
        careTeam {
          role
          period {
            start
            end
          }
          practitioner {
            id
            qualification
            name {
              family
            }
          }
        }
      }
    }
  `;

  it('returns a patient their own record as seeded, with the care team resolved', async () => {
    const seeded = data.patients.find((p) => p.id === patient1.patientId)!;
    const { body } = await sg.query<{ patient: P }>(PATIENT, { id: seeded.id }, patient1);
    expect(body.errors).toBeUndefined();
    const p = body.data!.patient;
    expect(p).toMatchObject({
      id: seeded.id,
      mrn: seeded.mrn,
      ssn: seeded.ssn,
      birthDate: seeded.birthDate,
      name: { given: seeded.givenNames, family: seeded.family },
      address: { line: seeded.addressLines, city: seeded.city, state: seeded.state, postalCode: seeded.postalCode },
    });
    const expected = data.careTeam.filter((m) => m.patientId === seeded.id).map((m) => m.practitionerId);
    expect(p.careTeam.map((m) => m.practitioner.id).sort()).toEqual(expected.sort());
    expect(p.careTeam.map((m) => m.role)).toContain('attending');
  });

  it('answers null, not an error, for an unknown id asked by a role that reaches every patient', async () => {
    const { body } = await sg.query(
      `query ($id: ID!) { patient(id: $id) { id } }`,
      { id: '00000000-0000-4000-8000-000000000000' },
      billing,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ patient: null });
  });

  it('refuses a malformed id with BAD_USER_INPUT and does not echo it', async () => {
    const { body } = await sg.query(`query ($id: ID!) { patient(id: $id) { id } }`, { id: "1' OR '1'='1" }, billing);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toContain("OR '1'='1");
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts/);
  });

  it('pages through every patient exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    type Page = { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    for (;;) {
      const res: { body: { data?: { patients: Page } | null } } = await sg.query<{ patients: Page }>(
        `query ($after: String) { patients(first: 10, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
        billing,
      );
      const page: Page = res.body.data!.patients;
      expect(page.totalCount).toBe(25);
      seen.push(...page.nodes.map((n) => n.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    expect(seen.sort()).toEqual(data.patients.map((p) => p.id).sort());
  });

  it.each([
    ['first: 0', 'first'],
    ['first: 101', 'first'],
    ['after: "not-a-cursor"', 'after'],
  ])('refuses patients(%s) with BAD_USER_INPUT', async (args, arg) => {
    const { body } = await sg.query(`{ patients(${args}) { totalCount } }`, undefined, billing);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain(arg);
  });

  it('resolves _entities representations: known, unknown and malformed', async () => {
    const known = data.patients[0]!;
    const { body } = await sg.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id mrn } } }`,
      {
        r: [
          { __typename: 'Patient', id: known.id },
          { __typename: 'Patient', id: '00000000-0000-4000-8000-000000000000' },
          { __typename: 'Patient', id: '../../etc/passwd' },
        ],
      },
      billing,
    );
    const entities = (body.data as { _entities: unknown[] })._entities;
    expect(entities[0]).toEqual({ id: known.id, mrn: known.mrn });
    expect(entities[1]).toBeNull();
    expect(entities[2]).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers a malformed body with a clear 400, not a stack trace', async () => {
    const token = await (await internalTokens(db.config.dataDir))(billing, 'patient');
    const res = await fetch(`${sg.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('Malformed request body');
    expect(text).not.toMatch(/at .*\(|node_modules/);
  });

  it('refuses callers without the gateway internal token, or with one minted for another subgraph', async () => {
    const query = JSON.stringify({ query: '{ patients(first: 1) { totalCount } }' });
    const plain = await fetch(`${sg.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: query,
    });
    expect(plain.status).toBe(401);
    const replayed = await (await internalTokens(db.config.dataDir))(billing, 'medication');
    const res = await fetch(`${sg.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${replayed}` },
      body: query,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      errors: [{ message: 'Internal token required', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('takes an internal token once, for the request it was minted for only', async () => {
    const sign = await internalTokens(db.config.dataDir);
    const body = { query: '{ patients(first: 1) { totalCount } }' };
    const post = (token: string, b: unknown) =>
      fetch(`${sg.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(b),
      });
    const token = await sign(billing, 'patient', requestBinding(body.query, undefined));
    expect((await post(token, body)).status).toBe(200);
    // The same token again (a capture replayed within its 60 s): refused.
    expect((await post(token, body)).status).toBe(401);
    // A fresh token for one query, sent with another: refused.
    const other = await sign(billing, 'patient', requestBinding(body.query, undefined));
    expect((await post(other, { query: '{ patients(first: 100) { nodes { ssn } } }' })).status).toBe(401);
    expect((await post(other, { query: body.query, variables: { extra: 1 } })).status).toBe(401);
    // A token bound to nothing (as internal routes take): not for /graphql.
    expect((await post(await sign(billing, 'patient'), body)).status).toBe(401);
  });

  it('reports ready while its database answers', async () => {
    const res = await fetch(`${sg.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', database: true });
  });

  it('starts again on a migrated database without re-running migrations', async () => {
    await sg.stop();
    sg = await runSubgraph('patient', db);
    const { body } = await sg.query(`{ patients(first: 1) { totalCount } }`, undefined, billing);
    expect(body.data).toEqual({ patients: { totalCount: 25 } });
  });
});
