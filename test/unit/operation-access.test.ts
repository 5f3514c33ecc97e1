import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { accessFor, operationIsClear } from '@ehr/common';
import { RolePolicy } from '@ehr/policy';
import { parse } from 'graphql';

const sdl = fs.readFileSync(path.resolve(__dirname, '../../subgraphs/patient/schema.graphql'), 'utf8');
const schema = buildSubgraphSchema([{ typeDefs: parse(sdl) }]);
const policy = RolePolicy.load();
const billing = accessFor(policy, ['billing']);
const clear = (q: string) => operationIsClear(parse(q), schema, billing);

/** The fast path may skip the shield only when every field an operation can touch is clear. */
describe('operationIsClear', () => {
  it('is true when every field is granted in the clear', () => {
    expect(clear('{ patients(first: 2) { nodes { id name { family } coverage { payer } } } }')).toBe(true);
  });

  it('is false when any field is masked or denied, wherever it hides', () => {
    expect(clear('{ patients { nodes { id ssn } } }')).toBe(false); // masked for billing
    expect(clear('{ patients { nodes { careTeam { role } } } }')).toBe(false); // denied
    expect(clear('query { patients { nodes { ...F } } } fragment F on Patient { careTeam { role } }')).toBe(false);
    expect(clear('{ patients { nodes { ... on Patient { ssn } } } }')).toBe(false);
    // an unused fragment still counts (conservative)
    expect(clear('query { me { sub } } fragment Unused on Patient { ssn }')).toBe(false);
  });

  it('looks through _entities into the concrete types selected', () => {
    expect(clear('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id mrn } } }')).toBe(true);
    expect(clear('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { ssn } } }')).toBe(false);
    expect(
      clear('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Practitioner { name { family } } } }'),
    ).toBe(false);
  });

  it('treats a field the policy does not know as not clear', () => {
    expect(clear('{ _service { sdl } }')).toBe(false);
  });

  it('answers per role set', () => {
    const q = parse('{ patients { nodes { careTeam { role } } } }');
    expect(operationIsClear(q, schema, accessFor(policy, ['physician']))).toBe(true);
    expect(operationIsClear(q, schema, billing)).toBe(false);
  });
});
