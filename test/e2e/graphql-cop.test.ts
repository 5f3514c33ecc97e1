import { usingMysql, testDatabase } from '../helpers/database';
import { PRODUCTION_ISSUER, productionEnv } from '../helpers/production';
import { startStack, type Stack } from '../helpers/stack';

/**
 * graphql-cop's checks (dolevf/graphql-cop), run as that tool runs them but with a valid token
 * (unauthenticated, every one of them stops at the front door with 401, which proves nothing)
 * against a gateway in production mode, on both endpoints. Each test names the check and what
 * graphql-cop would call a finding.
 */
describe(`graphql-cop checks against the production-mode gateway (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let clinical: string;
  let analytics: string;
  let physician: string;
  let analyst: string;

  beforeAll(async () => {
    const db = testDatabase();
    stack = await startStack({ patients: 6, seed: 31, db, env: await productionEnv(db.config.dataDir) });
    clinical = stack.url;
    analytics = stack.url.replace('/graphql', '/analytics/graphql');
    physician = await stack.token('physician-1', { iss: PRODUCTION_ISSUER });
    analyst = await stack.token('analyst-1', { iss: PRODUCTION_ISSUER });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const headers = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    'x-hipaa-audit-id': 'graphql-cop',
    ...extra,
  });
  async function post(url: string, token: string, body: unknown, extra: Record<string, string> = {}) {
    const res = await fetch(url, {
      method: 'POST',
      headers: headers(token, { 'content-type': 'application/json', ...extra }),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } = {};
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: kept as text below
    }
    return { status: res.status, json, text, headers: res.headers };
  }
  const endpoints = () =>
    [
      ['/graphql', clinical, physician],
      ['/analytics/graphql', analytics, analyst],
    ] as const;

  it('refuses the production start without its keys (the suite runs what production runs)', async () => {
    const res = await post(clinical, physician, { query: '{ __typename }' });
    expect(res.status).toBe(200);
    // A development-issuer token is refused in production.
    const dev = await post(clinical, await stack.token('physician-1'), { query: '{ __typename }' });
    expect(dev.status).toBe(401);
  });

  it('alias overloading (101 aliases of __typename): refused', async () => {
    for (const [, url, token] of endpoints()) {
      const aliases = Array.from({ length: 101 }, (_, i) => `alias${i}:__typename`).join(' ');
      const res = await post(url, token, { query: `query cop { ${aliases} }` });
      expect(res.status).toBe(400);
      expect(res.json.data).toBeUndefined();
    }
  });

  it('array-based batch queries: refused as a client mistake (400 BAD_REQUEST)', async () => {
    for (const [, url, token] of endpoints()) {
      const res = await post(
        url,
        token,
        Array.from({ length: 10 }, () => ({ query: 'query cop { __typename }' })),
      );
      expect(res.status).toBe(400);
      expect(Array.isArray(res.json)).toBe(false);
      expect(res.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
  });

  it('directive overloading (ten directives on one field): one error, nothing processed', async () => {
    for (const [, url, token] of endpoints()) {
      const res = await post(url, token, { query: `query cop { __typename ${'@aa'.repeat(10)} }` });
      expect(res.status).toBe(400);
      expect(res.json.errors).toHaveLength(1);
    }
  });

  it('field duplication (500 x __typename): refused', async () => {
    for (const [, url, token] of endpoints()) {
      const res = await post(url, token, { query: `query cop { ${'__typename \n'.repeat(500)} }` });
      expect(res.status).toBe(400);
      expect(res.json.data).toBeUndefined();
    }
  });

  it('introspection and circular introspection: off', async () => {
    const circular = `query cop { __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`;
    for (const [, url, token] of endpoints()) {
      for (const query of ['query cop { __schema { types { name } } }', circular]) {
        const res = await post(url, token, { query });
        expect(res.status).toBe(400);
        expect(res.json.data).toBeUndefined();
        expect(res.text).not.toMatch(/"types"/);
      }
    }
  });

  it('field suggestions: none, and no field name the client made up comes back', async () => {
    for (const [, url, token] of endpoints()) {
      for (const query of [
        'query cop { __schema { directive } }',
        '{ patien(id: "x") { id } }',
        '{ patients { nodes { ssnn } } }',
      ]) {
        const res = await post(url, token, { query });
        expect(res.status).toBe(400);
        expect(res.text).not.toMatch(/Did you mean/i);
        expect(res.text).not.toMatch(/patien"|ssnn/);
      }
    }
  });

  it('GET-based query and mutation (CSRF): refused', async () => {
    for (const [, url, token] of endpoints()) {
      for (const query of ['query cop { __typename }', 'mutation cop { __typename }']) {
        const res = await fetch(`${url}?query=${encodeURIComponent(query)}`, { headers: headers(token) });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await res.text()).not.toContain('"__typename"');
      }
    }
  });

  it('url-encoded and text/plain POST (CSRF): refused as client mistakes, never run', async () => {
    for (const [, url, token] of endpoints()) {
      const form = await fetch(url, {
        method: 'POST',
        headers: headers(token, { 'content-type': 'application/x-www-form-urlencoded' }),
        body: `query=${encodeURIComponent('query cop { __typename }')}`,
      });
      expect(form.status).toBe(400);
      expect(await form.text()).not.toContain('"__typename"');
      const text = await fetch(url, {
        method: 'POST',
        headers: headers(token, { 'content-type': 'text/plain' }),
        body: JSON.stringify({ query: 'query cop { __typename }' }),
      });
      expect(text.status).toBe(400);
      expect(await text.text()).not.toContain('"__typename"');
    }
  });

  it('a query that is not a string, or malformed JSON: 400 BAD_REQUEST, not a server error', async () => {
    for (const [, url, token] of endpoints()) {
      const notString = await post(url, token, { query: 1 });
      expect(notString.status).toBe(400);
      expect(notString.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      const malformed = await post(url, token, '{"query": ');
      expect(malformed.status).toBe(400);
      expect(malformed.text).not.toMatch(/INTERNAL_SERVER_ERROR|stack|at Object/);
    }
  });

  it('trace mode and debug mode: no tracing, no stack traces, no exception details', async () => {
    for (const [, url, token] of endpoints()) {
      const ok = await post(
        url,
        token,
        { query: 'query cop { __typename }' },
        { 'apollo-federation-include-trace': 'ftv1' },
      );
      expect(ok.status).toBe(200);
      expect(ok.text).not.toMatch(/tracing|ftv1/);
      const bad = await post(url, token, { query: 'query cop { __typenam' });
      expect(bad.status).toBe(400);
      expect(bad.text).not.toMatch(/stacktrace|exception|\bat [A-Za-z]+ \(/);
    }
  });

  it('no IDE or explorer served, on any path', async () => {
    for (const path of ['/graphql', '/analytics/graphql', '/explorer', '/graphiql', '/playground', '/']) {
      const res = await fetch(stack.url.replace('/graphql', path), { headers: { accept: 'text/html' } });
      const text = await res.text();
      expect([path, /<html|graphiql|sandbox|playground/i.test(text)]).toEqual([path, false]);
    }
  });

  it('values in the wrong place are not echoed (variables and literals)', async () => {
    const ssn = '972-80-1460';
    const variables = await post(clinical, physician, {
      query: 'query ($f: Int) { patients(first: $f) { totalCount } }',
      variables: { f: ssn },
    });
    expect(variables.status).toBe(400);
    expect(variables.text).not.toContain(ssn);
    const literal = await post(clinical, physician, { query: `{ patients(first: "${ssn}") { totalCount } }` });
    expect(literal.status).toBe(400);
    expect(literal.text).not.toContain(ssn);
  });
});
