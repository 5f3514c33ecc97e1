import { ageBand, loadDeidKey, Pseudonymizer, zip3 } from '@ehr/common';
import type { SeedData } from '../../tools/src/seed/generate';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

/**
 * The analyst's row-level view tried as an outside reviewer would: recount suppressed cells
 * from rows, pair pseudonyms with real ids by order, join the release to the clinical data on
 * quasi-identifiers, and check the risk report against a brute-force count of the seed data.
 */

interface Row {
  id: string;
  birthYear: number | null;
  ageBand: string | null;
  gender: string | null;
  address: { state: string | null; zip3: string | null } | null;
}
interface Report {
  k: number;
  kAchieved: number | null;
  records: number;
  releasedRecords: number;
  suppressedRecords: number;
  generalisedRecords: number;
  birth: string;
  geography: string;
  gender: string;
  equivalenceClasses: number;
  highestRisk: number;
  averageRisk: number;
}
interface Cell {
  keys: string[];
  count: number | null;
  suppressed: boolean;
}
interface GqlBody<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

const K = 11;
const YEAR = new Date().getUTCFullYear();
const REPORT = `{ deidentificationReport { k kAchieved records releasedRecords suppressedRecords generalisedRecords
  birth geography gender equivalenceClasses highestRisk averageRisk } }`;

/** The test's own generalisation of a seeded patient, from the levels the report names. */
function generalised(p: SeedData['patients'][number], r: Report, restricted?: string[]) {
  const age = YEAR - Number(p.birthDate.slice(0, 4));
  const band = (w: number) =>
    age >= 90 ? '90+' : `${Math.floor(age / w) * w}-${Math.min(Math.floor(age / w) * w + w - 1, 89)}`;
  return {
    birthYear: r.birth === 'YEAR' && age < 90 ? Number(p.birthDate.slice(0, 4)) : null,
    ageBand: r.birth === 'WITHHELD' ? null : band(r.birth === 'FIVE_YEAR_AGE_BAND' ? 5 : 10),
    gender: r.gender === 'KEPT' ? p.gender : null,
    zip3: r.geography === 'ZIP3' ? zip3(p.postalCode, restricted) : null,
    state: r.geography === 'WITHHELD' ? null : p.state,
  };
}
const keyOf = (q: {
  birthYear: number | null;
  ageBand: string | null;
  gender: string | null;
  zip3: string | null;
  state: string | null;
}) => JSON.stringify([q.birthYear, q.ageBand, q.gender, q.zip3, q.state]);
const rowKey = (r: Row) =>
  keyOf({
    birthYear: r.birthYear,
    ageBand: r.ageBand,
    gender: r.gender,
    zip3: r.address?.zip3 ?? null,
    state: r.address?.state ?? null,
  });

describe.each<[string, Record<string, string>]>([
  ['the default suppression limit', {}],
  ['a 30% suppression limit (finer rows, more left out)', { DEID_MAX_SUPPRESSION: '0.3' }],
])(`the analyst's k-anonymous release, with %s (${usingMysql ? 'MySQL' : 'SQLite'})`, (_name, env) => {
  let stack: Stack;
  let data: SeedData;
  let analytics: string;
  let rows: Row[];
  let listingExtensions: unknown[];
  let report: Report;

  async function ask<T>(query: string, variables?: Record<string, unknown>) {
    const res = await fetch(analytics, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token('analyst-1')}`,
        'x-hipaa-audit-id': 'analyst-release-e2e',
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlBody<T> };
  }

  beforeAll(async () => {
    // Paging the whole release reads 400 patients in minutes: above the access monitor's default
    // (3 x 20 distinct patients an hour) the analyst's account would be disabled mid-test.
    stack = await startStack({ patients: 400, seed: 23, env: { ...env, ANOMALY_BASELINE_FLOOR: '1000' } });
    data = stack.data;
    analytics = stack.url.replace('/graphql', '/analytics/graphql');
    rows = [];
    listingExtensions = [];
    let after: string | null = null;
    for (;;) {
      type Page = {
        patients: { nodes: Row[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };
      };
      const { body }: { body: GqlBody<Page> } = await ask<Page>(
        `query ($after: String) { patients(first: 100, after: $after) {
          nodes { id birthYear ageBand gender address { state zip3 } } pageInfo { hasNextPage endCursor } totalCount } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      rows.push(...body.data!.patients.nodes);
      listingExtensions.push(body.extensions?.deidentification);
      if (!body.data!.patients.pageInfo.hasNextPage) break;
      after = body.data!.patients.pageInfo.endCursor;
    }
    report = (await ask<{ deidentificationReport: Report }>(REPORT)).body.data!.deidentificationReport;
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every released patient once, and every combination of quasi-identifiers at least k times', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.length).toBe(report.releasedRecords);
    expect(report.releasedRecords + report.suppressedRecords).toBe(data.patients.length);
    expect(report.k).toBe(K);
    const classes = new Map<string, number>();
    for (const r of rows) classes.set(rowKey(r), (classes.get(rowKey(r)) ?? 0) + 1);
    for (const n of classes.values()) expect(n).toBeGreaterThanOrEqual(K);
    expect(classes.size).toBe(report.equivalenceClasses);
  });

  it('says in extensions.deidentification how every listing page was de-identified', () => {
    for (const ext of listingExtensions) {
      expect(ext).toMatchObject({
        k: K,
        generalisation: { birth: report.birth, geography: report.geography, gender: report.gender },
        records: data.patients.length,
        suppressedRecords: report.suppressedRecords,
      });
    }
  });

  it('defeats the recount attack: no value counted from rows gives a cell the aggregates withhold', async () => {
    const dims: [string, (r: Row) => string | null][] = [
      ['GENDER', (r) => r.gender],
      ['ZIP3', (r) => r.address?.zip3 ?? null],
      ['STATE', (r) => r.address?.state ?? null],
    ];
    for (const [dimension, value] of dims) {
      const { body } = await ask<{ cohortCounts: { cells: Cell[] } }>(
        `{ cohortCounts(dimension: "${dimension}") { cells { keys count suppressed } } }`,
      );
      const fromRows = new Map<string, number>();
      for (const r of rows) {
        const v = value(r);
        if (v !== null) fromRows.set(v, (fromRows.get(v) ?? 0) + 1);
      }
      // Every value visible in rows is seen at least k times, so no count from 1 to 10 comes out of them ...
      for (const n of fromRows.values()) expect(n).toBeGreaterThanOrEqual(K);
      // ... and a value the aggregates withhold as small is not in the rows at all.
      const truth = new Map<string, number>();
      for (const p of data.patients) {
        const v = dimension === 'GENDER' ? p.gender : dimension === 'STATE' ? p.state : zip3(p.postalCode)!;
        truth.set(v, (truth.get(v) ?? 0) + 1);
      }
      for (const c of body.data!.cohortCounts.cells.filter((x) => x.suppressed)) {
        if (truth.get(c.keys[0]!)! <= 10) expect(fromRows.get(c.keys[0]!) ?? 0).toBe(0);
      }
    }
  });

  it('defeats the ordering attack: listings run in pseudonym order, and their order says nothing of real ids', () => {
    const key = loadDeidKey(undefined, stack.db.config.dataDir);
    const pseudonyms = new Pseudonymizer(key);
    const ids = rows.map((r) => r.id);
    expect([...ids].sort()).toEqual(ids);
    const real = ids.map((p) => pseudonyms.reveal(p));
    // The attack: pair the i-th row with the i-th real id in id order.
    const byId = [...real].sort();
    const correct = real.filter((id, i) => byId[i] === id).length;
    expect(correct).toBeLessThanOrEqual(7);
    // Kendall's tau between listing position and real-id rank: near 0 (|tau| < 0.2 is 6 sigma at n = 380).
    let concordant = 0;
    let discordant = 0;
    for (let i = 0; i < real.length; i++)
      for (let j = i + 1; j < real.length; j++) {
        if (real[i]! < real[j]!) concordant++;
        else discordant++;
      }
    const tau = (concordant - discordant) / (concordant + discordant);
    expect(Math.abs(tau)).toBeLessThan(0.2);
  });

  it('keeps real ids out of cursors, and a cursor continues the listing where it stopped', async () => {
    const first = await ask<{ patients: { nodes: Row[]; pageInfo: { endCursor: string } } }>(
      '{ patients(first: 7) { nodes { id } pageInfo { endCursor } } }',
    );
    const cursor = first.body.data!.patients.pageInfo.endCursor;
    const decoded = Buffer.from(cursor, 'base64url').toString();
    for (const p of data.patients) expect(decoded).not.toContain(p.id);
    const next = await ask<{ patients: { nodes: Row[] } }>(
      'query ($a: String) { patients(first: 3, after: $a) { nodes { id } } }',
      {
        a: cursor,
      },
    );
    expect(next.body.data!.patients.nodes.map((n) => n.id)).toEqual(rows.slice(7, 10).map((r) => r.id));
  });

  it('defeats a join on quasi-identifiers against the clinical data: every row matches at least k patients', () => {
    const clinical = new Map<string, number>();
    for (const p of data.patients) {
      const k = keyOf(generalised(p, report));
      clinical.set(k, (clinical.get(k) ?? 0) + 1);
    }
    for (const r of rows) expect(clinical.get(rowKey(r)) ?? 0).toBeGreaterThanOrEqual(K);
  });

  it('reports k, suppression and risk as a brute-force count of the seeded data finds them', () => {
    const classes = new Map<string, number>();
    for (const p of data.patients) {
      const k = keyOf(generalised(p, report));
      classes.set(k, (classes.get(k) ?? 0) + 1);
    }
    const kept = [...classes.values()].filter((n) => n >= K);
    const released = kept.reduce((s, n) => s + n, 0);
    expect(report.records).toBe(data.patients.length);
    expect(report.releasedRecords).toBe(released);
    expect(report.suppressedRecords).toBe(data.patients.length - released);
    expect(report.suppressedRecords).toBeLessThanOrEqual(
      Math.floor(data.patients.length * Number(env.DEID_MAX_SUPPRESSION ?? 0.05)),
    );
    expect(report.equivalenceClasses).toBe(kept.length);
    expect(report.kAchieved).toBe(Math.min(...kept));
    expect(report.highestRisk).toBeCloseTo(1 / Math.min(...kept), 12);
    expect(report.averageRisk).toBeCloseTo(kept.length / released, 12);
  });

  it('finds a suppressed patient nowhere, not even by its pseudonym', async () => {
    const pseudonyms = new Pseudonymizer(loadDeidKey(undefined, stack.db.config.dataDir));
    const listed = new Set(rows.map((r) => r.id));
    const hidden = data.patients.map((p) => pseudonyms.pseudonym(p.id)).filter((p) => !listed.has(p));
    expect(hidden.length).toBe(report.suppressedRecords);
    for (const id of hidden.slice(0, 5)) {
      const { body } = await ask<{ patient: Row | null }>('query ($id: ID!) { patient(id: $id) { id birthYear } }', {
        id,
      });
      expect(body.data).toEqual({ patient: null });
    }
  });

  it('cross-tabulates with every count from 1 to 10 withheld and no withheld cell recoverable from a published margin', async () => {
    const { body } = await ask<{ cohortCounts: { cells: Cell[]; total: number | null } }>(
      '{ cohortCounts(dimensions: ["GENDER", "AGE_BAND"]) { cells { keys count suppressed } total } }',
    );
    const margins = async (d: string) =>
      new Map(
        (
          await ask<{ cohortCounts: { cells: Cell[] } }>(`{ cohortCounts(dimension: "${d}") { cells { keys count } } }`)
        ).body.data!.cohortCounts.cells.map((c) => [c.keys[0]!, c.count]),
      );
    const byGender = await margins('GENDER');
    const byBand = await margins('AGE_BAND');
    const truth = new Map<string, number>();
    for (const p of data.patients) {
      const band = ageBand(p.birthDate)!;
      truth.set(`${p.gender}|${band}`, (truth.get(`${p.gender}|${band}`) ?? 0) + 1);
    }
    const cells = body.data!.cohortCounts.cells;
    for (const c of cells) {
      if (c.count !== null) {
        expect(c.count).toBeGreaterThan(10);
        expect(c.count).toBe(truth.get(c.keys.join('|')));
      }
    }
    // Along each line, with its margin published: the withheld cells are none, or two or more holding over 10.
    for (const [slot, margin] of [
      [0, byGender],
      [1, byBand],
    ] as const) {
      const lines = new Map<string, Cell[]>();
      for (const c of cells) lines.set(c.keys[slot]!, [...(lines.get(c.keys[slot]!) ?? []), c]);
      for (const [value, line] of lines) {
        if (margin.get(value) == null) continue;
        const held = line.filter((c) => c.suppressed);
        const heldTrue = held.reduce((s, c) => s + truth.get(c.keys.join('|'))!, 0);
        expect(held.length === 0 || (held.length >= 2 && heldTrue > 10)).toBe(true);
      }
    }
  });

  it('refuses bad cross-tabulations with a clear error that echoes nothing', async () => {
    for (const q of [
      '{ cohortCounts(dimension: "GENDER", dimensions: ["STATE"]) { total } }',
      '{ cohortCounts { total } }',
      '{ cohortCounts(dimensions: ["GENDER", "GENDER"]) { total } }',
      '{ cohortCounts(dimensions: ["SSN-972-80-1460"]) { total } }',
      '{ cohortCounts(dimensions: []) { total } }',
    ]) {
      const { body } = await ask(q);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(body)).not.toContain('972-80-1460');
    }
  });
});

describe(`the analyst schema names fields for what they hold (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ patients: 12, seed: 5 });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const FIELDS = `{ __schema { types { name fields { name description type { name kind ofType { name } } } } } }`;
  async function fields(url: string, sub: string) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await stack.token(sub)}`,
        'x-hipaa-audit-id': 'names-e2e',
      },
      body: JSON.stringify({ query: FIELDS }),
    });
    const body = (await res.json()) as GqlBody<{
      __schema: {
        types: {
          name: string;
          fields:
            | {
                name: string;
                description: string | null;
                type: { name: string | null; ofType: { name: string } | null };
              }[]
            | null;
        }[];
      };
    }>;
    return new Map<string, { type: string | undefined; description: string | null }>(
      body.data!.__schema.types.flatMap((t) =>
        (t.fields ?? []).map(
          (f) =>
            [`${t.name}.${f.name}`, { type: f.type.name ?? f.type.ofType?.name, description: f.description }] as [
              string,
              { type: string | undefined; description: string | null },
            ],
        ),
      ),
    );
  }

  it('shows birthYear, ageBand, zip3, state and years to analysts, and none of the fields they stand for', async () => {
    const analyst = await fields(stack.url.replace('/graphql', '/analytics/graphql'), 'analyst-1');
    for (const [f, type] of [
      ['Patient.birthYear', 'Int'],
      ['Patient.ageBand', 'String'],
      ['Address.zip3', 'String'],
      ['Address.state', 'String'],
      ['Period.startYear', 'Int'],
      ['MedicationRequest.authoredYear', 'Int'],
      ['ClinicalNote.authoredYear', 'Int'],
      ['Query.deidentificationReport', 'DeidentificationReport'],
    ] as const)
      expect([f, analyst.get(f)?.type]).toEqual([f, type]);
    for (const f of [
      'Patient.birthDate',
      'Address.postalCode',
      'Period.start',
      'MedicationRequest.authoredOn',
      'ClinicalNote.authoredAt',
    ])
      expect(analyst.has(f)).toBe(false);
    for (const [f, { description }] of analyst)
      expect([f, description ?? '']).not.toEqual([f, expect.stringMatching(/YYYY-MM-DD/)]);
  });

  it('keeps the clinical schema as it was: the analyst names are not there', async () => {
    const clinical = await fields(stack.url, 'physician-1');
    expect(clinical.has('Patient.birthDate')).toBe(true);
    for (const f of ['Patient.birthYear', 'Address.zip3', 'Period.startYear', 'MedicationRequest.authoredYear'])
      expect(clinical.has(f)).toBe(false);
  });

  it('gives auditors the risk report on /graphql, and refuses it to clinicians', async () => {
    const auditor = await stack.query(
      '{ deidentificationReport { k records suppressedRecords } }',
      undefined,
      'auditor-1',
    );
    expect(auditor.body).toMatchObject({ data: { deidentificationReport: { k: 11, records: 12 } } });
    const physician = await stack.query('{ deidentificationReport { k } }', undefined, 'physician-1');
    expect(JSON.stringify(physician.body)).toContain('FORBIDDEN');
  });

  it('refuses an analyst field on the clinical endpoint as a field it does not have', async () => {
    const refused = await stack.query('{ patients(first: 1) { nodes { birthYear } } }', undefined, 'physician-1');
    expect(JSON.stringify(refused.body)).toContain('GRAPHQL_VALIDATION_FAILED');
  });
});
