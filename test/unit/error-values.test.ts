import fc from 'fast-check';
import { graphql, parse, validate, buildSchema, GraphQLError } from 'graphql';
import { withoutValues } from '@ehr/common';

const schema = buildSchema(`
  enum Gender { female male }
  type Query { patients(first: Int, gender: Gender, id: ID): Int }
`);

/** What graphql-js itself says about a value in the wrong place, for each way a client can put it there. */
async function messagesFor(value: string): Promise<string[]> {
  const literal = JSON.stringify(value);
  const out: string[] = [];
  for (const [query, variables] of [
    ['query ($f: Int) { patients(first: $f) }', { f: value }],
    ['query ($f: Int) { patients(first: $f) }', { f: { ssn: value } }],
    ['query ($f: Int) { patients(first: $f) }', { f: [value] }],
    ['query ($g: Gender) { patients(gender: $g) }', { g: value }],
    [`{ patients(first: ${literal}) }`, undefined],
    [`{ patients(gender: ${literal}) }`, undefined],
  ] as const) {
    const res = await graphql({ schema, source: query, variableValues: variables as never });
    out.push(...(res.errors ?? []).map((e) => e.message));
  }
  try {
    parse(`{ patients } ${literal}`);
  } catch (e) {
    out.push((e as GraphQLError).message);
  }
  out.push(...validate(schema, parse(`{ patients(first: 1) }`)).map((e) => e.message));
  return out;
}

describe('input errors name where, never what', () => {
  it('drops the value from every graphql-js message about a misplaced value (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.stringMatching(/^9\d\d-\d\d-\d{4}$/),
          fc.stringMatching(/^[A-Z][a-z]{5,12}$/),
          fc.string({ minLength: 6, maxLength: 40 }).filter((s) => s.trim().length >= 6),
        ),
        async (value) => {
          const messages = await messagesFor(value);
          expect(messages.length).toBeGreaterThan(3);
          for (const m of messages) expect(withoutValues(m)).not.toContain(value);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the names that say where: variables, arguments, fields and types', () => {
    expect(
      withoutValues(
        'Variable "$first" got invalid value "972-80-1460"; Int cannot represent non-integer value: "972-80-1460"',
      ),
    ).toBe('Variable "$first" got an invalid value.');
    expect(withoutValues('Cannot query field "ssnx" on type "Patient".')).toBe(
      'Cannot query field "ssnx" on type "Patient".',
    );
    expect(withoutValues('Argument "mrn" is longer than 64 characters')).toBe(
      'Argument "mrn" is longer than 64 characters',
    );
  });
});
