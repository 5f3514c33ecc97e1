import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface Arg {
  name: string;
  type: TypeRef;
}
interface Field {
  name: string;
  args: Arg[];
  type: TypeRef;
}

const INTROSPECTION = `{ __schema {
  queryType { fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name } } } } }
  mutationType { fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name } } } } }
} }`;
const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);
const ROLES = ['physician-1', 'nurse-1', 'billing-1', 'patient-1', 'auditor-1', 'admin-1'];

/**
 * Every argument of every query and mutation, as every role, with a value far longer than any
 * real one (and one just past a plausible limit): a clear BAD_USER_INPUT or an ordinary answer
 * (FORBIDDEN, NOT_FOUND, null), never an internal error, and the value never comes back.
 */
describe(`every argument has a length check (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let fields: { root: 'query' | 'mutation'; field: Field }[];

  beforeAll(async () => {
    stack = await startStack({ patients: 12, seed: 29, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const { body } = await stack.query<{
      __schema: { queryType: { fields: Field[] }; mutationType: { fields: Field[] } };
    }>(INTROSPECTION, undefined, 'physician-1');
    fields = [
      ...body.data!.__schema.queryType.fields.map((field) => ({ root: 'query' as const, field })),
      ...body.data!.__schema.mutationType.fields.map((field) => ({ root: 'mutation' as const, field })),
    ].filter(({ field }) => !field.name.startsWith('_'));
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** A plausible value for an argument that is not the one under test. */
  const plausible = (a: Arg): unknown => {
    const t = named(a.type).name;
    if (t === 'Int') return 1;
    if (t === 'Boolean') return true;
    if (t === 'ID') return stack.data.patients[0]!.id;
    if (a.name === 'type') return 'progress';
    if (a.name === 'outcome') return 'APPROPRIATE';
    return 'a plausible value for this test';
  };

  it.each([
    ['300 characters', 300],
    ['60,000 characters', 60_000],
  ])(
    'answers an argument of %s with BAD_USER_INPUT or an ordinary answer, never an internal error',
    async (_n, length) => {
      const marker = 'Zq7'.padEnd(length, 'x');
      const problems: string[] = [];
      let tried = 0;
      for (const { root, field } of fields) {
        for (const arg of field.args) {
          const kind = named(arg.type).name;
          if (kind !== 'String' && kind !== 'ID') continue;
          const varDefs = field.args.map((a) => `$${a.name}: ${typeText(a.type)}`).join(', ');
          const call = `${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')})`;
          const leaf = ['SCALAR', 'ENUM'].includes(named(field.type).kind) ? '' : ' { __typename }';
          const query = `${root} Check(${varDefs}) { ${call}${leaf} }`;
          const variables = Object.fromEntries(field.args.map((a) => [a.name, a === arg ? marker : plausible(a)]));
          for (const sub of ROLES) {
            const { status, body } = await stack.query(query, variables, sub);
            tried++;
            const text = JSON.stringify(body);
            const codes = (body.errors ?? []).map((e) => e.extensions?.code);
            if (status >= 500 || codes.includes('INTERNAL_SERVER_ERROR'))
              problems.push(`${field.name}(${arg.name}) as ${sub}: ${status} ${codes.join(',')}`);
            if (text.includes('Zq7xxxx')) problems.push(`${field.name}(${arg.name}) as ${sub}: value echoed`);
          }
        }
      }
      expect(tried).toBeGreaterThan(50);
      expect(problems).toEqual([]);
    },
    300_000,
  );
});

function typeText(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${typeText(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${typeText(t.ofType!)}]`;
  return t.name!;
}
