import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SeedData } from '../../tools/src/seed/generate';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface IntrospectedType {
  name: string;
  kind: string;
  fields: { name: string; args: { name: string; type: TypeRef }[]; type: TypeRef }[] | null;
}

const INTROSPECTION = `{ __schema { mutationType { name } types { name kind fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`;
const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);

describe(`the analyst endpoint: de-identified (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let data: SeedData;
  let analytics: string;
  let types: Map<string, IntrospectedType>;

  async function ask<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    sub = 'analyst-1',
  ) {
    const res = await fetch(analytics, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token(sub)}`,
        'x-hipaa-audit-id': 'analyst-e2e',
      },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] },
    };
  }

  beforeAll(async () => {
    stack = await startStack({ patients: 60, seed: 17 });
    data = stack.data;
    analytics = stack.url.replace('/graphql', '/analytics/graphql');
    const { body } = await ask<{ __schema: { types: IntrospectedType[] } }>(INTROSPECTION);
    types = new Map(body.data!.__schema.types.map((t) => [t.name, t]));
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves analysts only', async () => {
    const clinician = await ask('{ patients(first: 1) { totalCount } }', undefined, 'physician-1');
    expect(clinician.status).toBe(403);
    const clinical = await stack.query('{ me { sub } }', undefined, 'analyst-1');
    expect(clinical.status).toBe(403);
  });

  it('has no identifier field at all, in the schema or its introspection', async () => {
    const fields = [...types.values()].flatMap((t) => (t.fields ?? []).map((f) => `${t.name}.${f.name}`));
    const forbidden = [
      'Patient.name',
      'Patient.ssn',
      'Patient.mrn',
      'Patient.phone',
      'Patient.email',
      'Address.line',
      'Address.city',
      'Coverage.memberId',
      'Coverage.groupNumber',
      'Practitioner.name',
      'ClinicalNote.text',
      'MedicationRequest.dosageText',
      'Query.me',
      'Query.auditEvents',
      'Query.breakGlassReviews',
      'Query.practitioner',
    ];
    for (const f of forbidden) expect(fields).not.toContain(f);
    for (const t of ['HumanName', 'Viewer', 'AuditEvent', 'BreakGlassGrant', 'Mutation'])
      expect(types.has(t)).toBe(false);
    // ... while the de-identified fields are there.
    expect(fields).toEqual(
      expect.arrayContaining([
        'Patient.id',
        'Patient.ageBand',
        'Patient.birthYear',
        'Address.zip3',
        'Query.cohortCounts',
      ]),
    );
  });

  /** A selection of every leaf reachable from a type, generated from the introspection. */
  function selection(typeName: string, depth = 0): string {
    const t = types.get(typeName)!;
    const parts: string[] = [];
    for (const f of t.fields ?? []) {
      if (f.args.some((a) => a.type.kind === 'NON_NULL')) continue;
      const target = named(f.type);
      if (target.kind === 'SCALAR' || target.kind === 'ENUM') parts.push(f.name);
      else if (depth < 3 && target.name) {
        const inner = selection(target.name, depth + 1);
        if (inner) parts.push(`${f.name} { ${inner} }`);
      }
    }
    return parts.join(' ');
  }

  function strings(value: unknown, out: string[] = []): string[] {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
    return out;
  }

  it('leaks no seeded identifier anywhere it offers, paging through every record', async () => {
    const responses: unknown[] = [];
    let after: string | null = null;
    let seen = 0;
    const q = `query ($after: String) { patients(first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${selection('Patient')} } } }`;
    for (let pages = 0; pages < 10; pages++) {
      type Page = { patients: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const { body }: { body: { data?: Page; errors?: unknown[] } } = await ask<Page>(q, { after });
      expect(body.errors).toBeUndefined();
      responses.push(body.data);
      seen += body.data!.patients.nodes.length;
      if (!body.data!.patients.pageInfo.hasNextPage) break;
      after = body.data!.patients.pageInfo.endCursor;
    }
    // Every patient the k-anonymous release keeps (the others are suppressed: see analyst-release).
    const report = await ask<{ deidentificationReport: { releasedRecords: number; records: number } }>(
      '{ deidentificationReport { releasedRecords records } }',
    );
    expect(report.body.data!.deidentificationReport.records).toBe(data.patients.length);
    expect(seen).toBe(report.body.data!.deidentificationReport.releasedRecords);
    expect(seen).toBeGreaterThan(0);
    for (const d of ['GENDER', 'AGE_BAND', 'ZIP3', 'STATE']) {
      responses.push((await ask(`{ cohortCounts(dimension: "${d}") { ${selection('CountTable')} } }`)).body.data);
    }
    responses.push(
      (
        await ask(
          `{ cohortCounts(dimensions: ["GENDER", "AGE_BAND", "ZIP3", "STATE"]) { ${selection('CountTable')} } }`,
        )
      ).body.data,
    );
    // computedAt, the one full timestamp it offers, is when the release was computed: not about anyone.
    const reportFields = selection('DeidentificationReport').replace('computedAt', '');
    responses.push((await ask(`{ deidentificationReport { ${reportFields} } }`)).body.data);
    responses.push(
      (await ask(`{ medicationCounts { ${selection('CountTable')} } noteTypeCounts { ${selection('CountTable')} } }`))
        .body.data,
    );

    const values = new Set(strings(responses));
    const text = JSON.stringify(responses);
    const exact = [
      ...data.patients.flatMap((p) => [
        ...p.givenNames,
        p.family,
        p.ssn,
        p.mrn,
        p.phone,
        p.email,
        p.city,
        ...p.addressLines,
        p.postalCode,
      ]),
      ...data.practitioners.flatMap((p) => [...p.givenNames, p.family]),
    ];
    for (const v of exact) expect([v, values.has(v)]).toEqual([v, false]);
    const contained = [
      ...data.patients.flatMap((p) => [p.id, p.ssn, p.birthDate, p.email]),
      ...data.medications.flatMap((m) => [m.id, m.authoredOn, ...(m.endDate ? [m.endDate] : []), m.dosageText]),
      ...data.notes.flatMap((n) => [n.id, n.authoredAt.slice(0, 10), n.text.slice(0, 40)]),
      ...data.practitioners.map((p) => p.id),
      ...data.careTeam.flatMap((m) => [m.periodStart]),
    ];
    for (const v of contained) expect([v, text.includes(v)]).toEqual([v, false]);
    // Dates carry the year only; ZIP codes three digits; nobody over 89 has a birth year.
    for (const v of values) expect(v).not.toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(text).not.toMatch(/"zip3":"\d{4,}/);
    expect(text).not.toContain('"postalCode"');
  });

  it('gives stable pseudonyms that find the same record again, and real ids find nothing', async () => {
    const first = await ask<{ patients: { nodes: { id: string; birthYear: number | null }[] } }>(
      '{ patients(first: 5) { nodes { id birthYear } } }',
    );
    const again = await ask<{ patients: { nodes: { id: string }[] } }>('{ patients(first: 5) { nodes { id } } }');
    const ids = first.body.data!.patients.nodes.map((n) => n.id);
    expect(again.body.data!.patients.nodes.map((n) => n.id)).toEqual(ids);
    for (const id of ids) expect(data.patients.map((p) => p.id)).not.toContain(id);
    const one = await ask<{ patient: { id: string } }>(
      'query ($id: ID!) { patient(id: $id) { id medications { id } } }',
      { id: ids[0] },
    );
    expect(one.body.data!.patient.id).toBe(ids[0]);
    const real = await ask('query ($id: ID!) { patient(id: $id) { id } }', { id: data.patients[0]!.id });
    expect(real.body.data).toEqual({ patient: null });
  });

  it('keeps pseudonyms across restarts, and changes them with the de-identification key', async () => {
    const list = async () =>
      (
        await ask<{ patients: { nodes: { id: string }[] } }>('{ patients(first: 3) { nodes { id } } }')
      ).body.data!.patients.nodes.map((n) => n.id);
    const before = await list();
    await stack.stopService('patient');
    await stack.startService('patient');
    expect(await list()).toEqual(before);
    const otherKey = path.join(stack.db.config.dataDir, 'other-deid.key');
    fs.writeFileSync(otherKey, randomBytes(32).toString('base64'));
    await stack.stopService('patient');
    await stack.startService('patient', { DEID_KEY_FILE: otherKey });
    const after = await list();
    expect(after).toHaveLength(3);
    for (const id of after) expect(before).not.toContain(id);
    await stack.stopService('patient');
    await stack.startService('patient');
  });

  it('counts cohorts with every count from 1 to 10 withheld, and lists no withheld cell', async () => {
    const { body } = await ask<{
      cohortCounts: { cells: { key: string; count: number; suppressed: boolean }[]; total: number | null };
    }>('{ cohortCounts(dimension: "GENDER") { cells { key count suppressed } total suppressedCells } }');
    const cells = body.data!.cohortCounts.cells;
    const genders = new Map<string, number>();
    for (const p of data.patients) genders.set(p.gender, (genders.get(p.gender) ?? 0) + 1);
    for (const c of cells) {
      expect(c.suppressed).toBe(false);
      expect(c.count).toBe(genders.get(c.key));
      expect(c.count).toBeGreaterThan(10);
    }
    const small = [...genders].filter(([, n]) => n <= 10).map(([k]) => k);
    for (const k of small) expect(cells.find((c) => c.key === k)).toBeUndefined();
    // One small cell alone would be the total minus the listed ones: a second is withheld with it.
    if (small.length === 1 && body.data!.cohortCounts.total !== null)
      expect(genders.size - cells.length).toBeGreaterThanOrEqual(2);
  });
});
