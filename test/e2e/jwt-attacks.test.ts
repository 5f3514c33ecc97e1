import crypto, { randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { usingMysql } from '../helpers/database';
import { startStack, type Stack } from '../helpers/stack';

const ME = '{ me { sub roles } }';
const WWW_AUTHENTICATE = /^Bearer realm="ehr", error="(invalid_token|invalid_request)", error_description="[^"]+"$/;
/** What a stack trace or a leaked internal path looks like in a response. */
const STACK_TRACE = /stacktrace|\n\s+at\s|\bat\s+\S+\s+\(|\.(?:ts|js):\d+|node_modules|\/work\//i;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json?: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A compact JWS with any header and payload, signed however the attack needs. */
function jws(header: Record<string, unknown>, payload: Record<string, unknown>, sign: (input: string) => string) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}
const es256 = (key: KeyObject) => (input: string) =>
  crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
const rs256 = (key: KeyObject) => (input: string) =>
  crypto.sign('sha256', Buffer.from(input), key).toString('base64url');
const hs256 = (secret: Buffer | string) => (input: string) =>
  crypto.createHmac('sha256', secret).update(input).digest('base64url');

/** The first piece of `secret` longer than 10 characters that `haystack` contains, if any. */
function leakedPart(haystack: string, secret: string): string | undefined {
  if (secret.length <= 10) return haystack.includes(secret) ? secret : undefined;
  for (let i = 0; i + 11 <= secret.length; i++) {
    const part = secret.slice(i, i + 11);
    if (haystack.includes(part)) return part;
  }
  return undefined;
}

describe(`JWT attacks on the gateway (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let stack: Stack;
  let devPrivate: KeyObject;
  let devPublicJwk: Record<string, string>;
  let devPublicText: string;
  let internalPrivate: KeyObject;
  let attacker: { privateKey: KeyObject; publicKey: KeyObject };
  let audits = 0;

  beforeAll(async () => {
    stack = await startStack({ patients: 12, seed: 3 });
    const keys = path.join(stack.db.config.dataDir, 'keys');
    devPublicText = fs.readFileSync(path.join(keys, 'dev-issuer.public.jwk'), 'utf8');
    devPublicJwk = JSON.parse(devPublicText);
    const privateJwk = JSON.parse(fs.readFileSync(path.join(keys, 'dev-issuer.private.jwk'), 'utf8'));
    devPrivate = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' });
    internalPrivate = crypto.createPrivateKey({
      key: JSON.parse(fs.readFileSync(path.join(keys, 'internal.private.jwk'), 'utf8')),
      format: 'jwk',
    });
    attacker = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** Claims the gateway would accept for a demo identity, valid for ten minutes. */
  function claimsOf(sub: string): Record<string, unknown> {
    const identity = stack.data.identities.find((i) => i.sub === sub)!;
    const t = now();
    return {
      iss: 'ehr-dev-issuer',
      aud: 'ehr-gateway',
      sub,
      roles: [identity.role],
      ...(identity.patient_id ? { patient_id: identity.patient_id } : {}),
      ...(identity.practitioner_id ? { practitioner_id: identity.practitioner_id } : {}),
      sid: randomUUID(),
      iat: t,
      exp: t + 600,
    };
  }
  /** Signed with the real development-issuer key: only what the test changes is wrong. */
  const devSigned = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    jws({ alg: 'ES256', typ: 'JWT', kid: devPublicJwk.kid, ...header }, payload, es256(devPrivate));

  /** A POST /graphql with exactly these headers (plus content-type). */
  async function post(headers: Record<string, string>, query = ME): Promise<Answer> {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    let json: Answer['json'];
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** A request carrying `token` as the bearer and a well-formed audit id. */
  const withToken = (token: string, query = ME) =>
    post({ authorization: `Bearer ${token}`, 'x-hipaa-audit-id': `jwt-attack-${++audits}` }, query);

  /** Everything a client receives: status line aside, every header and the body. */
  const everything = (a: Answer) => [...a.headers].map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' + a.text;

  /** The answer to a refused token: 401, WWW-Authenticate, UNAUTHENTICATED, no data, nothing echoed. */
  function expectRefused(a: Answer, token: string, message?: RegExp) {
    expect({ status: a.status, body: a.text }).toEqual({ status: 401, body: expect.any(String) });
    expect(a.headers.get('www-authenticate')).toMatch(WWW_AUTHENTICATE);
    expect(a.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(a.json?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(a.json?.data ?? null).toBeNull();
    if (message) expect(a.json?.errors?.[0]?.message).toMatch(message);
    expect(leakedPart(everything(a), token)).toBeUndefined();
    expect(leakedPart(everything(a), `Bearer ${token}`)).toBeUndefined();
    expect(a.text).not.toMatch(STACK_TRACE);
  }

  describe('controls', () => {
    it('a valid token gets 200 with data', async () => {
      const token = await stack.token('physician-1');
      const a = await withToken(token);
      expect(a.status).toBe(200);
      expect(a.json?.data).toEqual({ me: { sub: 'physician-1', roles: ['physician'] } });
      expect(a.json?.errors).toBeUndefined();
      expect(leakedPart(everything(a), token)).toBeUndefined();
    });

    it('a token of the longest allowed lifetime (15 minutes) is accepted', async () => {
      const c = claimsOf('billing-1');
      const a = await withToken(devSigned({ ...c, exp: (c.iat as number) + 900 }));
      expect(a.status).toBe(200);
      expect(a.json?.data).toEqual({ me: { sub: 'billing-1', roles: ['billing'] } });
    });

    it('the hand-built token helper makes tokens the gateway accepts (so attacks fail for their flaw)', async () => {
      const a = await withToken(devSigned(claimsOf('nurse-1')));
      expect(a.status).toBe(200);
      expect(a.json?.data).toEqual({ me: { sub: 'nurse-1', roles: ['nurse'] } });
    });

    it('no token: 401 invalid_request, even when the audit id is missing too', async () => {
      for (const headers of [{ 'x-hipaa-audit-id': 'jwt-no-token' }, {}] as Record<string, string>[]) {
        const a = await post(headers);
        expect(a.status).toBe(401);
        expect(a.headers.get('www-authenticate')).toMatch(WWW_AUTHENTICATE);
        expect(a.headers.get('www-authenticate')).toContain('error="invalid_request"');
        expect(a.json?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(a.json?.data ?? null).toBeNull();
      }
    });

    it.each([
      ['Basic', `Basic ${Buffer.from('physician-1:secret').toString('base64')}`],
      ['bare token', 'eyJhbGciOiJFUzI1NiJ9.e30.sig'],
      ['Bearer without token', 'Bearer '],
      ['two tokens', 'Bearer a.b.c d.e.f'],
    ])('an Authorization header that is not "Bearer <token>" (%s): 401', async (_name, value) => {
      const a = await post({ authorization: value, 'x-hipaa-audit-id': 'jwt-bad-scheme' });
      expect(a.status).toBe(401);
      expect(a.headers.get('www-authenticate')).toMatch(WWW_AUTHENTICATE);
      expect(a.json?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // (`Bearer` alone is the scheme the WWW-Authenticate challenge names, not a secret.)
      if (value.trim().length > 10) expect(leakedPart(everything(a), value.trim())).toBeUndefined();
    });

    it('a valid token without x-hipaa-audit-id: 403 "Audit trail required", no data', async () => {
      const a = await post({ authorization: `Bearer ${await stack.token('physician-1')}` });
      expect(a.status).toBe(403);
      expect(a.json?.errors?.[0]?.message).toBe('Audit trail required');
      expect(a.json?.data ?? null).toBeNull();
    });

    it.each([
      ['empty', ''],
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'audit 42'],
      ['<script>', '<script>alert(1)</script>'],
    ])('a malformed audit id (%s): 400, not echoed back', async (_name, auditId) => {
      const a = await post({
        authorization: `Bearer ${await stack.token('physician-1')}`,
        'x-hipaa-audit-id': auditId,
      });
      expect(a.status).toBe(400);
      expect(a.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(a.json?.data ?? null).toBeNull();
      if (auditId.length > 0) expect(leakedPart(everything(a), auditId)).toBeUndefined();
    });

    it('an audit id of exactly 128 allowed characters is accepted', async () => {
      const a = await post({
        authorization: `Bearer ${await stack.token('physician-1')}`,
        'x-hipaa-audit-id': `Aa0._:-${'x'.repeat(121)}`,
      });
      expect(a.status).toBe(200);
      expect(a.json?.data).toEqual({ me: { sub: 'physician-1', roles: ['physician'] } });
    });

    it('an analyst token is refused on /graphql with 403 and no data', async () => {
      const a = await withToken(await stack.token('analyst-1'));
      expect(a.status).toBe(403);
      expect(a.json?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(a.json?.data ?? null).toBeNull();
    });

    it("the client's Authorization header value never appears in any response", async () => {
      const good = await stack.token('physician-1');
      const values = [
        `Bearer ${good}`,
        `Bearer ${await stack.token('analyst-1')}`,
        `Bearer ${good.slice(0, -4)}AAAA`,
        `Bearer ${devSigned({ ...claimsOf('billing-1'), aud: 'elsewhere' })}`,
        `Bearer ${'x'.repeat(9000)}`,
        `Token ${good}`,
      ];
      const seen: number[] = [];
      for (const authorization of values) {
        for (const audit of [
          { 'x-hipaa-audit-id': `jwt-echo-${++audits}` },
          {},
          { 'x-hipaa-audit-id': 'bad id' },
        ] as Record<string, string>[]) {
          const a = await post({ authorization, ...audit });
          seen.push(a.status);
          expect(leakedPart(everything(a), authorization)).toBeUndefined();
          expect(leakedPart(everything(a), authorization.replace(/^\S+ /, ''))).toBeUndefined();
          expect(a.text).not.toMatch(STACK_TRACE);
        }
      }
      // Some of these were served (200), some refused at each gate: the check saw real answers.
      expect(new Set(seen)).toEqual(new Set([200, 400, 401, 403]));
    });
  });

  describe('forged or broken tokens are refused with 401', () => {
    it.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s" (unsigned)', async (alg) => {
      const token = jws({ alg, typ: 'JWT' }, claimsOf('physician-1'), () => '');
      expectRefused(await withToken(token), token, /algorithm is not accepted/);
    });

    it('alg "none" on a real token, signature kept', async () => {
      const [, payload, signature] = devSigned(claimsOf('physician-1')).split('.');
      const token = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
      expectRefused(await withToken(token), token, /algorithm is not accepted/);
    });

    it.each([
      ['the JWK file as it is on disk', () => devPublicText],
      ['the JWK as compact JSON', () => JSON.stringify(devPublicJwk)],
      [
        'the PEM (SPKI)',
        () => crypto.createPublicKey({ key: devPublicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }),
      ],
      [
        'the DER (SPKI)',
        () => crypto.createPublicKey({ key: devPublicJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }),
      ],
      [
        'the raw EC point',
        () =>
          Buffer.concat([
            Buffer.from([4]),
            Buffer.from(devPublicJwk.x!, 'base64url'),
            Buffer.from(devPublicJwk.y!, 'base64url'),
          ]),
      ],
    ])('HS256 signed with the public key (%s) as the HMAC secret', async (_name, secret) => {
      const token = jws(
        { alg: 'HS256', typ: 'JWT', kid: devPublicJwk.kid },
        claimsOf('physician-1'),
        hs256(secret() as Buffer),
      );
      expectRefused(await withToken(token), token, /algorithm is not accepted/);
    });

    it.each([
      '../../keys/dev-issuer.private.jwk',
      '../../../../../../dev/null',
      '/etc/passwd',
      "x' UNION SELECT 'k",
      'dev-issuer|id',
    ])('a kid with a path or an injection (%s)', async (kid) => {
      const token = devSigned(claimsOf('physician-1'), { kid });
      expectRefused(await withToken(token), token, /key id that is not accepted/);
    });

    it('a kid pointing at /dev/null with HS256 and an empty secret', async () => {
      const token = jws(
        { alg: 'HS256', typ: 'JWT', kid: '../../../../../../dev/null' },
        claimsOf('admin-1'),
        hs256(''),
      );
      expectRefused(await withToken(token), token);
    });

    it('an expired token', async () => {
      const t = now() - 3600;
      const token = devSigned({ ...claimsOf('physician-1'), iat: t, exp: t + 600 });
      expectRefused(await withToken(token), token, /expired/);
    });

    it('a token not valid yet (nbf in the future)', async () => {
      const token = devSigned({ ...claimsOf('physician-1'), nbf: now() + 3600 });
      expectRefused(await withToken(token), token, /not valid yet/);
    });

    it.each([
      ['another issuer', 'https://evil.example/'],
      ['the issuer in other case', 'EHR-DEV-ISSUER'],
    ])('a wrong iss (%s)', async (_name, iss) => {
      const token = devSigned({ ...claimsOf('physician-1'), iss });
      expectRefused(await withToken(token), token, /issuer that is not trusted/);
    });

    it.each([
      ['another audience', 'ehr-analytics'],
      ['a list without the gateway', ['ehr-subgraph', 'other']],
    ])('a wrong aud (%s)', async (_name, aud) => {
      const token = devSigned({ ...claimsOf('physician-1'), aud });
      expectRefused(await withToken(token), token, /another audience/);
    });

    it.each([
      ['exp', /exp claim is missing or invalid/],
      ['iat', /iat claim is missing or invalid/],
      ['sub', /sub claim is missing or invalid/],
      ['iss', /issuer that is not trusted|iss claim is missing/],
      ['aud', /another audience|aud claim is missing/],
    ])('a missing %s claim', async (claim, message) => {
      const payload = claimsOf('physician-1');
      delete payload[claim];
      const token = devSigned(payload);
      expectRefused(await withToken(token), token, message);
    });

    it('a missing sid (session) claim', async () => {
      const payload = claimsOf('physician-1');
      delete payload.sid;
      const token = devSigned(payload);
      expectRefused(await withToken(token), token, /sid/);
    });

    it.each([
      ['exp a string', { exp: String(now() + 600) }],
      ['iat a string', { iat: String(now()) }],
      ['sub empty', { sub: '' }],
      ['sub a number', { sub: 42 }],
    ])('a claim of the wrong type (%s)', async (_name, change) => {
      const token = devSigned({ ...claimsOf('physician-1'), ...change });
      expectRefused(await withToken(token), token);
    });

    it('a lifetime over 15 minutes (2 hours, still unexpired)', async () => {
      const t = now() - 60;
      const token = devSigned({ ...claimsOf('physician-1'), iat: t, exp: t + 7200 });
      expectRefused(await withToken(token), token, /lives longer than 15 minutes/);
    });

    it('a lifetime of 15 minutes and one second', async () => {
      const c = claimsOf('physician-1');
      const token = devSigned({ ...c, exp: (c.iat as number) + 901 });
      expectRefused(await withToken(token), token, /lives longer than 15 minutes/);
    });

    it('iat in the future', async () => {
      const t = now() + 3600;
      const token = devSigned({ ...claimsOf('physician-1'), iat: t, exp: t + 600 });
      expectRefused(await withToken(token), token, /issued in the future/);
    });

    it.each([
      ['roles raised to admin + billing', { roles: ['admin', 'billing'] }],
      ['sub changed to another user', { sub: 'physician-2' }],
      ['expiry pushed back', { exp: now() + 100_000 }],
    ])('a tampered payload, signature kept (%s)', async (_name, change) => {
      const [header, payload, signature] = (await stack.token('billing-1')).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const token = `${header}.${b64({ ...claims, ...change })}.${signature}`;
      expectRefused(await withToken(token), token, /signature does not verify/);
    });

    it('a signature cut off a valid token', async () => {
      const [header, payload] = (await stack.token('physician-1')).split('.');
      const token = `${header}.${payload}.`;
      expectRefused(await withToken(token), token);
    });

    it.each(['abc.def', 'a.b.c', '...', 'eyJ.eyJ.eyJ', 'Zm9v.YmFy.YmF6'])('garbage (Bearer %s)', async (garbage) => {
      expectRefused(await withToken(garbage), garbage, /not a JWT|malformed|not valid/);
    });

    it('a token just over the verifier limit (9 KB): 401 "too large"', async () => {
      const token = devSigned({ ...claimsOf('physician-1'), pad: 'A'.repeat(9000) });
      expectRefused(await withToken(token), token, /too large/);
    });

    it('a huge header (20 KB token) gets a 4xx, never a 5xx, and the gateway keeps serving', async () => {
      const token = devSigned({ ...claimsOf('physician-1'), pad: 'A'.repeat(20_000) });
      expect(token.length).toBeGreaterThan(20_000);
      // node:http rather than fetch: the server may answer and close before reading the whole header.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(stack.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'x-hipaa-audit-id': `jwt-huge-${++audits}`,
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ query: ME }));
      });
      const { status } = answer;
      expect(leakedPart(answer.body, token)).toBeUndefined();
      expect(answer.body).not.toMatch(STACK_TRACE);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      const after = await withToken(await stack.token('physician-1'));
      expect(after.status).toBe(200);
      expect(after.json?.data).toEqual({ me: { sub: 'physician-1', roles: ['physician'] } });
    });

    it('a token signed by a different ES256 key (same kid as the real one)', async () => {
      const token = jws(
        { alg: 'ES256', typ: 'JWT', kid: devPublicJwk.kid },
        claimsOf('admin-1'),
        es256(attacker.privateKey),
      );
      expectRefused(await withToken(token), token, /signature does not verify/);
    });

    it("a token signed with the gateway's internal (gateway-to-subgraph) key", async () => {
      const token = jws({ alg: 'ES256', typ: 'JWT' }, claimsOf('physician-1'), es256(internalPrivate));
      expectRefused(await withToken(token), token, /signature does not verify/);
    });

    it('an RS256 token signed by an attacker RSA key', async () => {
      const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = jws({ alg: 'RS256', typ: 'JWT' }, claimsOf('physician-1'), rs256(rsa.privateKey));
      expectRefused(await withToken(token), token);
    });

    it.each([
      ['jwk (the attacker public key embedded)', () => ({ jwk: attacker.publicKey.export({ format: 'jwk' }) })],
      ['jku (a URL to the attacker key set)', () => ({ jku: 'https://attacker.example/.well-known/jwks.json' })],
      ['x5u (a URL to an attacker certificate)', () => ({ x5u: 'https://attacker.example/cert.pem' })],
    ])('a header naming its own key: %s', async (_name, header) => {
      const token = jws({ alg: 'ES256', typ: 'JWT', ...header() }, claimsOf('admin-1'), es256(attacker.privateKey));
      expectRefused(await withToken(token), token, /may not name its own key/);
    });

    it('a jwk header carrying the real public key, signed by the attacker', async () => {
      const token = jws(
        { alg: 'ES256', typ: 'JWT', jwk: devPublicJwk },
        claimsOf('admin-1'),
        es256(attacker.privateKey),
      );
      expectRefused(await withToken(token), token);
    });

    it('a valid client token sent straight to a subgraph (skipping the gateway) is refused', async () => {
      const token = await stack.token('physician-1');
      const res = await fetch(`http://127.0.0.1:${stack.ports.patient}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ patients(first: 1) { nodes { id ssn } } }' }),
      });
      const text = await res.text();
      expect(res.status).toBe(401);
      expect(JSON.parse(text).data ?? null).toBeNull();
      expect(text).not.toMatch(/ssn|\d{3}-\d{2}-\d{4}/);
      expect(leakedPart(text, token)).toBeUndefined();
    });

    it.each(['physician-1', 'nurse-1'])('a clinician token (%s) without practitioner_id', async (sub) => {
      const payload = claimsOf(sub);
      delete payload.practitioner_id;
      const token = devSigned(payload);
      expectRefused(await withToken(token), token, /clinician token needs a practitioner_id/);
    });

    it('a clinician token whose practitioner_id is not a record id', async () => {
      const token = devSigned({ ...claimsOf('physician-1'), practitioner_id: "' OR '1'='1" });
      expectRefused(await withToken(token), token, /clinician token needs a practitioner_id/);
    });

    it('a patient token without patient_id', async () => {
      const payload = claimsOf('patient-1');
      delete payload.patient_id;
      const token = devSigned(payload);
      expectRefused(await withToken(token), token, /patient token needs a patient_id/);
    });

    it('a patient token whose patient_id is a wildcard', async () => {
      const token = devSigned({ ...claimsOf('patient-1'), patient_id: '*' });
      expectRefused(await withToken(token), token, /patient token needs a patient_id/);
    });

    it.each([
      ['an unknown role', ['superuser']],
      ['a known role next to an unknown one', ['billing', 'root']],
      ['a role as a string, not a list', 'admin'],
      ['no roles', []],
      ['roles in other case', ['ADMIN']],
    ])('%s', async (_name, roles) => {
      const token = devSigned({ ...claimsOf('billing-1'), roles });
      expectRefused(await withToken(token), token, /roles claim/);
    });
  });
});
