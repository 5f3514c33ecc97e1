import { loadDeidKey, Pseudonymizer, zip3 } from '@ehr/common';
import { DIMENSION_DOMAINS } from '../../subgraphs/patient/src/deid/dimensions';
import { attack, type PublishedTable } from '../helpers/suppression-attacker';
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
const COHORT = ['GENDER', 'AGE_BAND', 'ZIP3', 'STATE'];
const DOMAINS = Object.fromEntries(DIMENSION_DOMAINS.map((d) => [d.name, [...d.domain!]]));

/** A seeded patient's cohort values, as the analyst counts are defined (ages from the year alone). */
function cohortOf(p: SeedData['patients'][number]): string[] {
  const age = YEAR - Number(p.birthDate.slice(0, 4));
  const band = age >= 90 ? '90+' : `${Math.floor(age / 10) * 10}-${Math.floor(age / 10) * 10 + 9}`;
  const state = DOMAINS.STATE!.includes(p.state) ? p.state : 'other';
  return [p.gender, band, zip3(p.postalCode)!, state];
}

/** A row's ten-year band, from the five- or ten-year band the release shows. */
function tenYearBand(band: string | null): string {
  if (band === null) return 'unknown';
  if (band === '90+') return band;
  const low = Math.floor(Number(band.split('-')[0]) / 10) * 10;
  return `${low}-${low + 9}`;
}
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

  it('defeats the recount attack: rows and every published table together pin down no withheld cell', async () => {
    const pseudonyms = new Pseudonymizer(loadDeidKey(undefined, stack.db.config.dataDir));
    const released = new Set(rows.map((r) => pseudonyms.reveal(r.id)));
    // Every table the endpoint offers, as an outsider collects them.
    const subsets: string[][] = [[]];
    for (const d of COHORT) for (const sub of [...subsets]) subsets.push([...sub, d]);
    const published: PublishedTable[] = [];
    for (const dims of subsets.filter((d) => d.length > 0)) {
      const { body } = await ask<{ cohortCounts: PublishedTable }>(
        `query ($d: [String!]) { cohortCounts(dimensions: $d) { dimensions cells { keys count } total } }`,
        { d: dims },
      );
      if (body.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT') continue; // too many cells: not offered
      expect(body.errors).toBeUndefined();
      published.push(body.data!.cohortCounts);
    }
    expect(published.length).toBeGreaterThanOrEqual(10);
    // The truth, from the seed, and which cells hold a suppressed patient.
    const cells = new Map<string, { n: number; suppressed: boolean }>();
    for (const p of data.patients) {
      const v = cohortOf(p);
      for (const dims of subsets.filter((d) => d.length > 0)) {
        const key = `${dims.join(',')}=${dims.map((d) => v[COHORT.indexOf(d)]).join('|')}`;
        const c = cells.get(key) ?? { n: 0, suppressed: false };
        c.n++;
        c.suppressed ||= !released.has(p.id);
        cells.set(key, c);
      }
    }
    // What the rows show, as lower bounds on every cell over the dimensions they show.
    const visible = (d: string) =>
      d === 'GENDER'
        ? report.gender === 'KEPT'
        : d === 'AGE_BAND'
          ? report.birth !== 'WITHHELD'
          : d === 'ZIP3'
            ? report.geography === 'ZIP3'
            : report.geography !== 'WITHHELD';
    const rowValue = (r: Row, d: string) => {
      if (d === 'GENDER') return r.gender ?? 'unknown';
      if (d === 'AGE_BAND') return tenYearBand(r.ageBand);
      if (d === 'ZIP3') return r.address?.zip3 ?? 'unknown';
      return r.address?.state ?? 'unknown';
    };
    const fromRows = new Map<string, number>();
    for (const r of rows) {
      for (const dims of subsets.filter((d) => d.length > 0 && d.every(visible))) {
        const key = `${dims.join(',')}=${dims.map((d) => rowValue(r, d)).join('|')}`;
        fromRows.set(key, (fromRows.get(key) ?? 0) + 1);
      }
    }
    const result = attack(
      COHORT,
      DOMAINS,
      published,
      (dims, values) => fromRows.get(`${dims.join(',')}=${values.join('|')}`) ?? 0,
    );
    const listed = new Set(
      published.flatMap((t) => t.cells.map((c) => `${t.dimensions.join(',')}=${c.keys.join('|')}`)),
    );
    let withheld = 0;
    for (const [key, { n, suppressed }] of cells) {
      if (listed.has(key)) {
        expect(n).toBeGreaterThan(10);
        continue;
      }
      const [dimText, valueText] = key.split('=') as [string, string];
      const dims = dimText.split(',');
      if (!published.some((t) => t.dimensions.join(',') === dimText)) continue;
      // A withheld cell that holds a suppressed patient is never pinned down.
      if (!suppressed) continue;
      withheld++;
      const [lo, hi] = result.bounds(dims, valueText.split('|'));
      expect([key, n, lo === hi]).toEqual([key, n, false]);
    }
    expect(withheld).toBeGreaterThan(0);
  });

  it('shows in rows no medication code or note type that the counts withhold', async () => {
    const { body } = await ask<{ medicationCounts: { cells: Cell[] }; noteTypeCounts: { cells: Cell[] } }>(
      '{ medicationCounts { cells { keys count } } noteTypeCounts { cells { keys count } } }',
    );
    const codes = new Set(body.data!.medicationCounts.cells.map((c) => c.keys[0]));
    const types = new Set(body.data!.noteTypeCounts.cells.map((c) => c.keys[0]));
    const seen = { codes: new Set<string>(), types: new Set<string>(), hidden: 0 };
    let after: string | null = null;
    for (;;) {
      type Page = {
        patients: {
          nodes: {
            medications: { medication: { code: string | null; display: string | null } | null }[];
            notes: { type: string | null }[];
          }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
      const page: { body: GqlBody<Page> } = await ask<Page>(
        `query ($after: String) { patients(first: 100, after: $after) {
          nodes { medications { medication { code display } } notes { type } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      for (const p of page.body.data!.patients.nodes) {
        for (const m of p.medications) {
          if (m.medication?.code) seen.codes.add(m.medication.code);
          else seen.hidden++;
          if (!m.medication?.code) expect(m.medication?.display ?? null).toBeNull();
        }
        for (const n of p.notes) if (n.type) seen.types.add(n.type);
      }
      if (!page.body.data!.patients.pageInfo.hasNextPage) break;
      after = page.body.data!.patients.pageInfo.endCursor;
    }
    for (const c of seen.codes) expect([c, codes.has(c)]).toEqual([c, true]);
    for (const t of seen.types) expect([t, types.has(t)]).toEqual([t, true]);
    // The seed has rare codes: some medications are shown without theirs.
    const byCode = new Map<string, number>();
    for (const m of data.medications) byCode.set(m.code, (byCode.get(m.code) ?? 0) + 1);
    if ([...byCode.values()].some((n) => n <= 10)) expect(seen.hidden).toBeGreaterThan(0);
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

  it('serves no row of a suppressed patient through a kept medication or note pseudonym, and no psychotherapy note', async () => {
    const pseudonyms = new Pseudonymizer(loadDeidKey(undefined, stack.db.config.dataDir));
    const released = new Set(rows.map((r) => pseudonyms.reveal(r.id)));
    const hiddenMeds = data.medications.filter((m) => !released.has(m.patientId)).slice(0, 5);
    const hiddenNotes = data.notes.filter((n) => !released.has(n.patientId) && n.type !== 'psychotherapy').slice(0, 5);
    expect(hiddenMeds.length + hiddenNotes.length).toBeGreaterThan(0);
    for (const m of hiddenMeds) {
      const { body } = await ask<{ medicationRequest: unknown }>(
        'query ($id: ID!) { medicationRequest(id: $id) { id patient { id } } }',
        { id: pseudonyms.pseudonym(m.id) },
      );
      expect(body).toEqual({ data: { medicationRequest: null } });
    }
    for (const n of hiddenNotes) {
      const { body } = await ask<{ note: unknown }>('query ($id: ID!) { note(id: $id) { id type } }', {
        id: pseudonyms.pseudonym(n.id),
      });
      expect(body).toEqual({ data: { note: null } });
    }
    // A psychotherapy note of a released patient answers exactly like one that does not exist.
    const therapy = data.notes.find((n) => n.type === 'psychotherapy' && released.has(n.patientId));
    if (therapy) {
      const { body } = await ask('query ($id: ID!) { note(id: $id) { id } }', { id: pseudonyms.pseudonym(therapy.id) });
      expect(body).toEqual({ data: { note: null } });
    }
  });

  it('counts medications and note types of released patients only: the counts minus the rows profile nobody', async () => {
    const pseudonyms = new Pseudonymizer(loadDeidKey(undefined, stack.db.config.dataDir));
    const released = new Set(rows.map((r) => pseudonyms.reveal(r.id)));
    const { body } = await ask<{ medicationCounts: { cells: Cell[] }; noteTypeCounts: { cells: Cell[] } }>(
      '{ medicationCounts { cells { keys count } } noteTypeCounts { cells { keys count } } }',
    );
    const byCode = new Map<string, number>();
    for (const m of data.medications.filter((x) => released.has(x.patientId)))
      byCode.set(m.code, (byCode.get(m.code) ?? 0) + 1);
    for (const c of body.data!.medicationCounts.cells)
      expect([c.keys[0], c.count]).toEqual([c.keys[0], byCode.get(c.keys[0]!)]);
    const byType = new Map<string, number>();
    for (const n of data.notes.filter((x) => released.has(x.patientId) && x.type !== 'psychotherapy'))
      byType.set(n.type, (byType.get(n.type) ?? 0) + 1);
    for (const c of body.data!.noteTypeCounts.cells)
      expect([c.keys[0], c.count]).toEqual([c.keys[0], byType.get(c.keys[0]!)]);
  });

  it('cross-tabulates true counts over 10, listing no cell it withholds, and says which crosses are too fine', async () => {
    const { body } = await ask<{ cohortCounts: { cells: Cell[]; total: number | null; suppressedCells: number } }>(
      '{ cohortCounts(dimensions: ["GENDER", "AGE_BAND"]) { cells { keys count suppressed } total suppressedCells } }',
    );
    const truth = new Map<string, number>();
    for (const p of data.patients) {
      const v = cohortOf(p);
      truth.set(`${v[0]}|${v[1]}`, (truth.get(`${v[0]}|${v[1]}`) ?? 0) + 1);
    }
    const t = body.data!.cohortCounts;
    for (const c of t.cells) {
      expect(c.suppressed).toBe(false);
      expect(c.count).toBeGreaterThan(10);
      expect(c.count).toBe(truth.get(c.keys.join('|')));
    }
    // Every cell of the table (5 genders x 12 bands) is listed or counted as not published.
    expect(t.cells.length + t.suppressedCells).toBe(DOMAINS.GENDER!.length * DOMAINS.AGE_BAND!.length);
    // ZIP3 crosses with one small dimension at most: the rest would be tables of 50,000 cells.
    const fine = await ask('{ cohortCounts(dimensions: ["ZIP3", "STATE"]) { total } }');
    expect(fine.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
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
