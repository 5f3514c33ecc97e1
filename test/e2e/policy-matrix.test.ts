import { Supergraph } from '@apollo/federation-internals';
import { composeSupergraph } from '@ehr/gateway';
import { RolePolicy, type Decision, type Role } from '@ehr/policy';
import { getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLSchema } from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readPhiClasses } from '@ehr/common';
import { parse } from 'graphql';
import type { SeedData } from '../../tools/src/seed/generate';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

/** A root field and the type it returns; arguments are filled per role with in-scope records. */
const ROOTS: [field: string, args: string][] = [
  ['patient', '(id: $patient)'],
  ['patients', '(first: 2)'],
  ['me', ''],
  ['medicationRequest', '(id: $med)'],
  ['note', '(id: $note)'],
  ['practitioner', '(id: $practitioner)'],
  ['auditEvents', '(first: 2)'],
  ['breakGlassReviews', '(first: 2)'],
  ['cohortCounts', '(dimension: "GENDER")'],
  ['medicationCounts', ''],
  ['noteTypeCounts', ''],
];
const MAX_DEPTH = 4;

interface Step {
  type: string;
  field: string;
}

/** Every path from a root field to a leaf (scalar) field, up to MAX_DEPTH fields long. */
function chains(schema: GraphQLSchema): Step[][] {
  const out: Step[][] = [];
  const walk = (typeName: string, prefix: Step[]) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return;
    for (const [name, field] of Object.entries(type.getFields())) {
      if (field.args.some((a) => isNonNullType(a.type))) continue;
      const named = getNamedType(field.type);
      const chain = [...prefix, { type: typeName, field: name }];
      if (isLeafType(named)) out.push(chain);
      else if (chain.length < MAX_DEPTH) walk(named.name, chain);
    }
  };
  const query = schema.getQueryType()!;
  for (const [root] of ROOTS) {
    const field = query.getFields()[root]!;
    walk(getNamedType(field.type).name, [{ type: 'Query', field: root }]);
  }
  return out;
}

function document(chain: Step[]): string {
  const args = ROOTS.find(([f]) => f === chain[0]!.field)![1];
  let selection = chain[chain.length - 1]!.field;
  for (let i = chain.length - 2; i >= 1; i--) selection = `${chain[i]!.field} { ${selection} }`;
  const used = ['patient', 'med', 'note', 'practitioner'].filter((v) => args.includes(`$${v}`));
  const vars = used.length ? `(${used.map((v) => `$${v}: ID!`).join(', ')})` : '';
  return `query Matrix${vars} { ${chain[0]!.field}${args} { ${selection} } }`;
}

/** Every field's @phi classification, from the subgraph schemas. */
const CLASSES = new Map(
  ['patient', 'medication', 'notes', 'audit'].flatMap((s) => [
    ...readPhiClasses(
      buildSubgraphSchema([
        { typeDefs: parse(fs.readFileSync(path.resolve(__dirname, `../../subgraphs/${s}/schema.graphql`), 'utf8')) },
      ]),
    ).classes,
  ]),
);

/** A masked grant is served masked where the field has a mask style, denied otherwise. */
const effective = (d: Decision, s: Step): 'clear' | 'masked' | 'denied' =>
  d === 'masked' ? (CLASSES.get(`${s.type}.${s.field}`)?.mask ? 'masked' : 'denied') : d;

const MASKED_FORM: Record<string, (v: unknown) => boolean> = {
  SSN: (v) => /^\*\*\*-\*\*-\d{4}$/.test(String(v)),
  PHONE: (v) => /^\*\*\*-\*\*\*-\d{4}$/.test(String(v)),
  EMAIL: (v) => /^.\*\*\*@/.test(String(v)),
  YEAR: (v) => /^\d{4}$/.test(String(v)),
  LAST4: (v) => /^\*+.{4}$/.test(String(v)),
  WITHHOLD: (v) => v === '[withheld]',
};

/** Whether a leaf value reached under a masked step carries the masked form, never the real one. */
function looksMasked(chain: Step[], maskedAt: number, leaf: unknown): boolean {
  const style = CLASSES.get(`${chain[maskedAt]!.type}.${chain[maskedAt]!.field}`)?.mask;
  const leafField = chain[chain.length - 1]!.field;
  if (leaf === null || leaf === undefined) return true;
  if (style && MASKED_FORM[style]) return MASKED_FORM[style](leaf);
  if (style === 'INITIALS') return (Array.isArray(leaf) ? leaf : [leaf]).every((x) => /^.\.$/.test(String(x)));
  if (style === 'CITY_STATE')
    return leafField === 'line' ? Array.isArray(leaf) && leaf.length === 0 : leafField !== 'postalCode';
  return style === 'INHERIT';
}

describe(`policy matrix: every role, every reachable field, through the gateway (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let data: SeedData;
  const policy = RolePolicy.load();
  const composed = composeSupergraph();
  if (!('supergraphSdl' in composed)) throw new Error('supergraph does not compose');
  const schema = Supergraph.build(composed.supergraphSdl).apiSchema().toGraphQLJSSchema();
  const all = chains(schema);

  beforeAll(async () => {
    stack = await startStack({ patients: 30, seed: 21 });
    data = stack.data;
    // One review in the queue, so its fields are reached.
    const other = data.patients[data.patients.length - 1]!.id;
    await stack.query(
      `mutation { breakGlass(patientId: "${other}", reason: "Matrix test: emergency admission") { id } }`,
      undefined,
      'physician-2',
    );
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** Records for one role: a patient in scope with every kind of row, and rows of that patient. */
  function recordsFor(sub: string, role: Role) {
    const identity = data.identities.find((i) => i.sub === sub)!;
    const today = new Date().toISOString().slice(0, 10);
    const inScope = (pid: string) =>
      role === 'billing' ||
      pid === identity.patient_id ||
      data.careTeam.some(
        (m) =>
          m.patientId === pid &&
          m.practitionerId === identity.practitioner_id &&
          (m.periodEnd === null || m.periodEnd >= today),
      );
    const readableNote = (t: string) => policy.noteTypeDecision([role], t) === 'clear';
    const patient =
      data.patients.find(
        (p) =>
          inScope(p.id) &&
          data.medications.some((m) => m.patientId === p.id) &&
          data.notes.some((n) => n.patientId === p.id && readableNote(n.type)),
      ) ?? data.patients[0]!;
    return {
      patient: patient.id,
      med: data.medications.find((m) => m.patientId === patient.id)?.id ?? data.medications[0]!.id,
      note: data.notes.find((n) => n.patientId === patient.id && readableNote(n.type))?.id ?? data.notes[0]!.id,
      practitioner: data.practitioners[0]!.id,
    };
  }

  it.each([
    ['physician-1', 'physician'],
    ['nurse-1', 'nurse'],
    ['billing-1', 'billing'],
    ['patient-1', 'patient'],
    ['auditor-1', 'auditor'],
    ['admin-1', 'admin'],
  ] as [string, Role][])('%s gets exactly what the policy grants', async (sub, role) => {
    const token = await stack.token(sub);
    const variables = recordsFor(sub, role);
    const mismatches: string[] = [];
    let checked = 0;
    let maskedChecked = 0;
    const queue = [...all];
    const worker = async () => {
      for (let chain = queue.shift(); chain; chain = queue.shift()) {
        const { body } = await stack.query(document(chain), variables, { token });
        const decisions = chain.map((s) => effective(policy.decide(role, s.type, s.field), s));
        const firstDenied = decisions.indexOf('denied');
        const firstMasked = decisions.indexOf('masked');
        const names = chain.map((s) => s.field);
        const label = chain.map((s) => `${s.type}.${s.field}`).join(' > ');
        const forbidden = (body.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
        const at = (n: number) =>
          forbidden.some(
            (e) =>
              JSON.stringify((e.path ?? []).filter((p) => typeof p === 'string')) ===
              JSON.stringify(names.slice(0, n + 1)),
          );
        if (firstDenied === -1) {
          if (forbidden.length > 0)
            mismatches.push(`${label}: expected clear, got FORBIDDEN at ${JSON.stringify(forbidden[0]!.path)}`);
          else checked++;
          if (firstMasked !== -1) {
            let leaf: unknown = body.data;
            for (const n of names) {
              leaf = (leaf as Record<string, unknown> | null)?.[n];
              if (Array.isArray(leaf) && n !== names[names.length - 1]) leaf = leaf[0];
            }
            if (!looksMasked(chain, firstMasked, leaf))
              mismatches.push(`${label}: masked read carries ${JSON.stringify(leaf)}`);
            else maskedChecked++;
          }
          continue;
        }
        // Reached only if every list above it had an element; an empty list proves nothing.
        let value: unknown = body.data;
        let reached = true;
        for (let i = 0; i < firstDenied && reached; i++) {
          value = (value as Record<string, unknown> | null)?.[names[i]!];
          if (Array.isArray(value)) value = value[0];
          if (value === null || value === undefined) reached = at(i) || (body.errors ?? []).length > 0;
        }
        if (!reached) continue;
        if (!at(firstDenied))
          mismatches.push(
            `${label}: expected FORBIDDEN at ${names.slice(0, firstDenied + 1).join('.')}, got ${JSON.stringify(body.errors ?? [])}`,
          );
        else checked++;
        const leaf = names.slice(0, firstDenied + 1);
        if (JSON.stringify(body.data).includes(`"${leaf[leaf.length - 1]}":"`))
          mismatches.push(`${label}: a denied field carries a value`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(mismatches).toEqual([]);
    // The matrix must actually have exercised this role (not everything skipped as unreached).
    expect(checked).toBeGreaterThan(all.length / 3);
    // Roles with masked grants must have had masked values checked.
    const masks = all.some((c) => c.some((s) => effective(policy.decide(role, s.type, s.field), s) === 'masked'));
    if (masks) expect(maskedChecked).toBeGreaterThan(0);
  });
});
