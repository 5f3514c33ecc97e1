import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { accessFor, policyRules, SUBGRAPHS } from '@ehr/common';
import { DECISIONS, DEFAULT_POLICY_FILE, ROLES, RolePolicy } from '@ehr/policy';
import { isObjectType, parse, type GraphQLSchema } from 'graphql';

const ROOT = path.resolve(__dirname, '..', '..');

/** A subgraph's executable schema as the subgraph builds it (with _entities, _service, _Service, ...). */
function subgraphSchema(name: string): GraphQLSchema {
  const sdl = fs.readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
  return buildSubgraphSchema([{ typeDefs: parse(sdl) }]);
}

/** Every `Type.field` of every object type, introspection types (`__*`) aside. */
function fieldsOf(schema: GraphQLSchema): [string, string][] {
  const out: [string, string][] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.keys(type.getFields())) out.push([type.name, field]);
  }
  return out;
}

/** A graphql-shield rule, as far as this test runs one. */
interface Runnable {
  resolve(parent: unknown, args: object, ctx: object, info: unknown, options: object): Promise<unknown>;
}

const shippedJson = () => JSON.parse(fs.readFileSync(DEFAULT_POLICY_FILE, 'utf8'));

describe('every field of every subgraph is classified by the role policy', () => {
  const policy = RolePolicy.load(DEFAULT_POLICY_FILE);

  describe.each(SUBGRAPHS.map((s) => [s]))('%s subgraph', (name) => {
    const schema = subgraphSchema(name);
    const fields = fieldsOf(schema);

    it('has the fields the checks walk (federation fields included)', () => {
      expect(fields.length).toBeGreaterThan(5);
      expect(fields.map(([t, f]) => `${t}.${f}`)).toEqual(expect.arrayContaining(['Query._service', '_Service.sdl']));
    });

    it('policy.covers() every Type.field', () => {
      const uncovered = fields.filter(([t, f]) => !policy.covers(t, f)).map(([t, f]) => `${t}.${f}`);
      expect(uncovered).toEqual([]);
    });

    it('the generated shield has a policy rule for every field, so the fallback rule is never reached', () => {
      const { rules, uncovered } = policyRules(schema, policy);
      expect(uncovered).toEqual([]);
      const tree = rules as unknown as Record<string, Record<string, { name: string }>>;
      const missing = fields.filter(([t, f]) => tree[t]?.[f]?.name !== `policy:${t}.${f}`).map(([t, f]) => `${t}.${f}`);
      expect(missing).toEqual([]);
    });

    it.each([...ROLES])(
      '%s gets a decision from the policy for every field, and the generated rule enforces it',
      async (role) => {
        const allowed = Object.keys(DECISIONS);
        const odd = fields
          .map(([t, f]) => [`${t}.${f}`, policy.decide(role, t, f)] as const)
          .filter(([, d]) => !allowed.includes(d));
        expect(odd).toEqual([]);

        // The shield's rule for each field, run with this role's access: allows exactly the clear
        // fields (masked is served as denied until masking exists) and refuses the rest with FORBIDDEN.
        const tree = policyRules(schema, policy).rules as unknown as Record<string, Record<string, Runnable>>;
        const ctx = { access: accessFor(policy, [role]) };
        const disagreements: string[] = [];
        for (const [t, f] of fields) {
          const answer = await tree[t]![f]!.resolve(undefined, {}, ctx, undefined, { debug: true });
          const allows = answer === true;
          const refusedAsForbidden =
            answer instanceof Error && (answer as { extensions?: { code?: string } }).extensions?.code === 'FORBIDDEN';
          const clear = policy.decide(role, t, f) === 'clear';
          if (clear !== allows || (!clear && !refusedAsForbidden)) disagreements.push(`${t}.${f}`);
        }
        expect(disagreements).toEqual([]);
      },
    );
  });

  it('every role gets at least one clear field somewhere (the decisions are not all the default)', () => {
    const all = SUBGRAPHS.flatMap((s) => fieldsOf(subgraphSchema(s)));
    const clearCount = Object.fromEntries(
      ROLES.map((role) => [role, all.filter(([t, f]) => policy.decide(role, t, f) === 'clear').length]),
    );
    for (const role of ROLES) expect([role, clearCount[role]! > 0]).toEqual([role, true]);
  });
});

describe('the coverage check can fail', () => {
  it('a policy without the coverage group leaves the Coverage fields no other group names uncovered', () => {
    const json = shippedJson();
    expect(json.groups.coverage).toBeDefined();
    delete json.groups.coverage;
    let references = 0;
    for (const spec of Object.values(json.roles) as Record<string, unknown>[]) {
      for (const list of ['ehr_read', 'ehr_read_masked', 'ehr_write']) {
        const entries = spec[list] as string[];
        const kept = entries.filter((e) => e !== 'coverage');
        references += entries.length - kept.length;
        spec[list] = kept;
      }
    }
    expect(references).toBeGreaterThan(0);
    const stripped = RolePolicy.fromObject(json);

    const schema = subgraphSchema('patient');
    const coverageFields = Object.keys((schema.getType('Coverage') as { getFields(): object }).getFields()).map(
      (f) => `Coverage.${f}`,
    );
    expect(coverageFields).toEqual(expect.arrayContaining(['Coverage.memberId', 'Coverage.period']));

    // The analysts' de-identified group still names the non-identifying Coverage fields; the
    // identifiers (member and group numbers) were only in `coverage`.
    const { uncovered } = policyRules(schema, stripped);
    expect(uncovered.sort()).toEqual(['Coverage.groupNumber', 'Coverage.memberId']);
    expect(coverageFields).toEqual(expect.arrayContaining(uncovered));
    expect(stripped.covers('Coverage', 'memberId')).toBe(false);

    // The other subgraphs do not declare Coverage: still fully covered.
    for (const name of SUBGRAPHS.filter((s) => s !== 'patient')) {
      expect([name, policyRules(subgraphSchema(name), stripped).uncovered]).toEqual([name, []]);
    }
  });

  it('a field added to a schema but not to the policy is reported as uncovered', () => {
    const policy = RolePolicy.load(DEFAULT_POLICY_FILE);
    const sdl = fs.readFileSync(path.join(ROOT, 'subgraphs', 'patient', 'schema.graphql'), 'utf8');
    const schema = buildSubgraphSchema([
      { typeDefs: parse(`${sdl}\nextend type Patient { religion: String }\ntype Secret { value: String }`) },
    ]);
    expect(policy.covers('Patient', 'religion')).toBe(false);
    expect(policyRules(schema, policy).uncovered.sort()).toEqual(['Patient.religion', 'Secret.value']);
  });
});
