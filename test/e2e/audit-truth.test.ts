import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { accessFor, readPhiClasses } from '@ehr/common';
import { RolePolicy, type Role } from '@ehr/policy';
import fc from 'fast-check';
import { parse } from 'graphql';
import { usingMysql } from '../helpers/database';
import { startStack, type GraphQLResponse, type Stack } from '../helpers/stack';

/** A field a generated selection may ask for: its name and, for objects, a sub-selection. */
interface FieldSpec {
  name: string;
  sub?: string;
}
const PATIENT_FIELDS: FieldSpec[] = [
  { name: 'mrn' },
  { name: 'name', sub: '{ family given }' },
  { name: 'birthDate' },
  { name: 'gender' },
  { name: 'ssn' },
  { name: 'phone' },
  { name: 'email' },
  { name: 'address', sub: '{ city state }' },
];
const MED_FIELDS: FieldSpec[] = [{ name: 'status' }, { name: 'dosageText' }, { name: 'authoredOn' }];
const NOTE_FIELDS: FieldSpec[] = [{ name: 'type' }, { name: 'text' }, { name: 'authoredAt' }];

/** How one generated field is asked for: an alias, a @skip/@include on a variable, inside a fragment. */
interface Ask {
  field: FieldSpec;
  alias: string | undefined;
  directive: 'none' | 'skip' | 'include';
  flag: boolean;
  via: 'direct' | 'inline' | 'named';
}
interface Target {
  pick: 'inScope' | 'outOfScope' | 'missing';
  index: number;
  asks: Ask[];
  meds: Ask[] | undefined;
  notes: Ask[] | undefined;
}

const ask = (fields: FieldSpec[]) =>
  fc.record({
    field: fc.constantFrom(...fields),
    alias: fc.option(fc.constantFrom('a1', 'b2', 'c3', 'x'), { nil: undefined }),
    directive: fc.constantFrom('none', 'none', 'skip', 'include') as fc.Arbitrary<Ask['directive']>,
    flag: fc.boolean(),
    via: fc.constantFrom('direct', 'direct', 'inline', 'named') as fc.Arbitrary<Ask['via']>,
  });
const target = fc.record({
  pick: fc.constantFrom('inScope', 'inScope', 'outOfScope', 'missing') as fc.Arbitrary<Target['pick']>,
  index: fc.nat(50),
  asks: fc.array(ask(PATIENT_FIELDS), { minLength: 1, maxLength: 5 }),
  meds: fc.option(fc.array(ask(MED_FIELDS), { maxLength: 3 }), { nil: undefined }),
  notes: fc.option(fc.array(ask(NOTE_FIELDS), { maxLength: 3 }), { nil: undefined }),
});
const ROLE_SUBS = ['physician-1', 'nurse-1', 'billing-1', 'patient-1'] as const;

/** What the client will see for one ask: the response key, and whether @skip/@include lets it through. */
function keyOf(a: Ask, i: number): string {
  return a.alias ? `${a.alias}_${i}` : a.field.name;
}
const shown = (a: Ask) => (a.directive === 'skip' ? !a.flag : a.directive === 'include' ? a.flag : true);

/**
 * Renders a selection: every row selects its id as `_k` (so the test can tell rows apart), then
 * the asks, each aliased, directive-guarded and placed directly, in an inline fragment or in a
 * named fragment, as generated. Two asks of one field under one key are merged by GraphQL only
 * when identical; aliases carry the ask's index so they never conflict.
 */
function selection(type: string, asks: Ask[], vars: Record<string, boolean>, fragments: string[], extra = ''): string {
  const parts = ['_k: id'];
  asks.forEach((a, i) => {
    const key = keyOf(a, i);
    let dir = '';
    if (a.directive !== 'none') {
      const v = `v${Object.keys(vars).length}`;
      vars[v] = a.flag;
      dir = ` @${a.directive}(if: $${v})`;
    }
    const name = `${a.alias ? `${key}: ` : ''}${a.field.name}`;
    const sub = a.field.sub ? ` ${a.field.sub}` : '';
    const field = `${name}${sub}`;
    if (a.via === 'direct') parts.push(`${name}${dir}${sub}`);
    else if (a.via === 'inline') parts.push(`... on ${type}${dir} { ${field} }`);
    else {
      const fragment = `F${fragments.length}`;
      fragments.push(`fragment ${fragment} on ${type} { ${field} }`);
      parts.push(`...${fragment}${dir}`);
    }
  });
  return `{ ${parts.join(' ')} ${extra} }`;
}

type Row = Record<string, unknown> & { _k?: string };
type Events = {
  auditEvents: {
    nodes: {
      subgraph: string;
      patientId: string | null;
      action: string;
      entities: { type: string; id: string; fields: { path: string; outcome: string }[] }[];
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
};

/**
 * The audit trail tells what left, checked from outside over generated operations: aliases,
 * fragments, @skip/@include with variables, several patients per query (in scope, out of scope,
 * missing), denied fields and nested rows, as four roles. For every request, the auditor's
 * records must match the response: every value that left is recorded against its row and
 * patient with the outcome the policy gives it, every refusal is recorded against its row, and
 * nothing the response does not carry is recorded as read.
 */
describe(`audit records match what left (${usingMysql ? 'MySQL' : 'SQLite'}, generated)`, () => {
  let stack: Stack;
  const policy = RolePolicy.load();
  const maskable = new Set<string>();
  for (const s of ['patient', 'medication', 'notes']) {
    const schema = buildSubgraphSchema([
      { typeDefs: parse(fs.readFileSync(path.resolve(__dirname, `../../subgraphs/${s}/schema.graphql`), 'utf8')) },
    ]);
    for (const [k, c] of readPhiClasses(schema).classes) if (c.mask !== undefined) maskable.add(k);
  }

  beforeAll(async () => {
    stack = await startStack({ patients: 24, seed: 41 });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const today = new Date().toISOString().slice(0, 10);
  function reachable(sub: string): string[] {
    const who = stack.data.identities.find((i) => i.sub === sub)!;
    if (who.role === 'billing') return stack.data.patients.map((p) => p.id);
    if (who.role === 'patient') return [who.patient_id!];
    return stack.data.careTeam
      .filter(
        (m) =>
          m.practitionerId === who.practitioner_id &&
          m.periodStart <= today &&
          (m.periodEnd === null || m.periodEnd >= today),
      )
      .map((m) => m.patientId);
  }

  async function recordsOf(auditId: string): Promise<Events['auditEvents']['nodes']> {
    const out: Events['auditEvents']['nodes'] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse<Events> = await stack.query<Events>(
        `query ($auditId: String, $after: String) { auditEvents(auditId: $auditId, first: 100, after: $after) {
           nodes { subgraph patientId action entities { type id fields { path outcome } } }
           pageInfo { hasNextPage endCursor } } }`,
        { auditId, after },
        'auditor-1',
      );
      if (!res.body.data) throw new Error(`auditEvents failed: ${JSON.stringify(res.body.errors)}`);
      const page = res.body.data.auditEvents;
      out.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return out;
      after = page.pageInfo.endCursor;
    }
  }

  it('records exactly what each generated operation returned, refused or failed', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLE_SUBS),
        fc.array(target, { minLength: 1, maxLength: 3 }),
        async (sub, targets) => {
          const role = stack.data.identities.find((i) => i.sub === sub)!.role as Role;
          const access = accessFor(policy, [role], maskable);
          const inScope = reachable(sub);
          const outOfScope = stack.data.patients.map((p) => p.id).filter((id) => !inScope.includes(id));
          const ids = targets.map((t, i) =>
            t.pick === 'inScope' && inScope.length > 0
              ? inScope[t.index % inScope.length]!
              : t.pick === 'outOfScope' && outOfScope.length > 0
                ? outOfScope[t.index % outOfScope.length]!
                : `00000000-0000-4000-8000-${String(900000000000 + i)}`,
          );
          const vars: Record<string, boolean> = {};
          const fragments: string[] = [];
          const fields = targets.map((t, i) => {
            const meds = t.meds ? `medications ${selection('MedicationRequest', t.meds, vars, fragments)}` : '';
            const notes = t.notes ? `notes ${selection('ClinicalNote', t.notes, vars, fragments)}` : '';
            return `p${i}: patient(id: "${ids[i]}") ${selection('Patient', t.asks, vars, fragments, `${meds} ${notes}`)}`;
          });
          const varDefs = Object.keys(vars).map((v) => `$${v}: Boolean!`);
          const query = `query Generated${varDefs.length ? `(${varDefs.join(', ')})` : ''} { ${fields.join(' ')} } ${fragments.join(' ')}`;
          const auditId = `truth-${process.pid}-${++run}`;
          const res = await stack.query<Record<string, Row | null>>(query, vars, {
            token: await stack.token(sub),
            auditId,
          });

          expect(res.status).toBe(200);
          const errors = res.body.errors ?? [];
          const errorAt = new Map(errors.map((e) => [JSON.stringify(e.path ?? []), String(e.extensions?.code)]));

          // What an outsider sees: (type, id, field) -> the outcome it must be recorded with.
          const expected = new Map<string, string>();
          const expect_ = (type: string, id: string, field: string, outcome: string) =>
            expected.set(`${type}|${id}|${type}.${field}`, outcome);
          const outcomeOf = (type: string, field: string) =>
            access.decide(type, field) === 'masked' ? 'MASKED' : 'CLEAR';
          const refusal = (code: string | undefined) =>
            code === 'FORBIDDEN' || code === 'NOT_FOUND' || code === 'BREAK_GLASS_REQUIRED' ? 'DENIED' : 'ERROR';
          const rowFields = (type: string, row: Row, asks: Ask[], at: (string | number)[]) => {
            expect_(type, row._k!, 'id', outcomeOf(type, 'id'));
            // Asks of one field under one key are merged: shown if any of them is.
            const keys = new Map<string, { field: string; visible: boolean }>();
            asks.forEach((a, i) => {
              const k = keyOf(a, i);
              keys.set(k, { field: a.field.name, visible: (keys.get(k)?.visible ?? false) || shown(a) });
            });
            for (const [key, { field, visible }] of keys) {
              const code = errorAt.get(JSON.stringify([...at, key]));
              // A skipped field is not in the response at all.
              if (!visible) expect([key, Object.hasOwn(row, key)]).toEqual([key, false]);
              if (code !== undefined) expect_(type, row._k!, field, refusal(code));
              else if (visible && row[key] !== null && row[key] !== undefined)
                expect_(type, row._k!, field, outcomeOf(type, field));
            }
          };
          const patientOf = new Map<string, string>();
          /** Patients whose row the gateway dropped because a non-null field below it failed. */
          const erased = new Set<string>();
          targets.forEach((t, i) => {
            const row = res.body.data?.[`p${i}`] ?? null;
            if (row === null) {
              const code = errorAt.get(JSON.stringify([`p${i}`]));
              if (code !== undefined) expect_('Patient', ids[i]!, '__root', refusal(code));
              // A non-null field's error nulls the whole row at the gateway: the client sees
              // nothing of it, but the refusal is still recorded against this patient.
              for (const e of errors) {
                const [head, key, ...rest] = e.path ?? [];
                if (head !== `p${i}` || typeof key !== 'string' || rest.length > 0) continue;
                erased.add(ids[i]!);
                const field =
                  key === 'medications' || key === 'notes'
                    ? key
                    : t.asks.find((a, j) => keyOf(a, j) === key)?.field.name;
                if (field) expect_('Patient', ids[i]!, field, refusal(String(e.extensions?.code)));
              }
              return;
            }
            expect(row._k).toBe(ids[i]);
            patientOf.set(`Patient|${ids[i]}`, ids[i]!);
            rowFields('Patient', row, t.asks, [`p${i}`]);
            for (const [list, type, asks] of [
              ['medications', 'MedicationRequest', t.meds],
              ['notes', 'ClinicalNote', t.notes],
            ] as const) {
              if (!asks) continue;
              const code = errorAt.get(JSON.stringify([`p${i}`, list]));
              const value = row[list] as Row[] | null | undefined;
              if (code !== undefined) expect_('Patient', ids[i]!, list, refusal(code));
              else if (value) {
                expect_('Patient', ids[i]!, list, outcomeOf('Patient', list));
                value.forEach((item, j) => {
                  patientOf.set(`${type}|${item._k}`, ids[i]!);
                  rowFields(type, item, asks, [`p${i}`, list, j]);
                });
              }
            }
          });

          // What the trail says.
          const records = (await recordsOf(auditId)).filter((r) => r.action === 'READ');
          const actual = new Map<string, string>();
          const recordsPatient = new Map<string, string | null>();
          for (const r of records) {
            for (const e of r.entities) {
              // Every row is recorded against its own patient.
              if (patientOf.has(`${e.type}|${e.id}`))
                expect([e.type, e.id, r.patientId]).toEqual([e.type, e.id, patientOf.get(`${e.type}|${e.id}`)]);
              for (const f of e.fields) {
                const field = f.path.startsWith('Query.') ? '__root' : f.path.split('.')[1]!;
                const type = f.path.startsWith('Query.') ? 'Patient' : e.type;
                actual.set(`${type}|${e.id}|${type}.${field}`, f.outcome);
                recordsPatient.set(`${type}|${e.id}|${type}.${field}`, r.patientId);
              }
            }
          }
          // Every value that left, and every refusal, is recorded as it happened.
          for (const [k, outcome] of expected) {
            expect([k, actual.get(k)]).toEqual([k, outcome]);
          }
          // Nothing is recorded as read that the response does not carry.
          // Records say what each subgraph returned: for a row the gateway then dropped (above),
          // a subgraph's rows went to the gateway but not to the client.
          for (const [k, outcome] of actual) {
            if (erased.size > 0 && [...erased].some((id) => recordsPatient.get(k) === id)) continue;
            if (outcome === 'CLEAR' || outcome === 'MASKED') expect([k, expected.get(k)]).toEqual([k, outcome]);
          }
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  }, 240_000);
});
