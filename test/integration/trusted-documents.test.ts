import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGateway, loadGatewayConfig, type Gateway } from '@ehr/gateway';
import { DEFAULT_TRUSTED_DOCUMENTS } from '../../gateway/src/trusted-documents';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { devTokens } from '../helpers/tokens';

const manifest = JSON.parse(fs.readFileSync(DEFAULT_TRUSTED_DOCUMENTS, 'utf8')) as Record<string, string>;
const idOf = (name: string) => Object.entries(manifest).find(([, doc]) => doc.includes(`query ${name}`))![0];

/** Registered operations: by hash for everyone, and nothing else for the apps that must. */
describe('trusted documents', () => {
  let db: TestDatabase;
  let data: SeedData;
  let patient: RunningSubgraph;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 4);
    patient = await runSubgraph('patient', db);
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await patient?.stop();
    await db?.cleanup();
  });

  async function gateway(env: Record<string, string> = {}) {
    const g = await createGateway(
      loadGatewayConfig({ ...db.env, LOG_LEVEL: 'silent', PATIENT_URL: `${patient.url}/graphql`, ...env }),
    );
    gateways.push(g);
    return `${(await g.listen('127.0.0.1', 0)).url}/graphql`;
  }
  async function token(claims: Record<string, unknown> = {}) {
    const billing = data.identities.find((i) => i.role === 'billing')!;
    return (await devTokens(db.config.dataDir)).forIdentity(billing, claims);
  }
  async function post(url: string, body: unknown, bearer: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${bearer}`,
        'x-hipaa-audit-id': 'td',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        data?: { me?: { sub: string } };
        errors?: { message: string; extensions?: { code?: string } }[];
      },
    };
  }

  it('answers a registered operation named by documentId or by Apollo persisted-query hash', async () => {
    const url = await gateway();
    const id = idOf('Me');
    const byId = await post(url, { documentId: id }, await token());
    expect(byId.status).toBe(200);
    expect(byId.body.data?.me?.sub).toBe('billing-1');
    const byHash = await post(
      url,
      { extensions: { persistedQuery: { version: 1, sha256Hash: id.slice('sha256:'.length) } } },
      await token(),
    );
    expect(byHash.body.data?.me?.sub).toBe('billing-1');
  });

  it('refuses an unknown id, and an id sent with another operation text', async () => {
    const url = await gateway();
    const unknown = await post(url, { documentId: `sha256:${'0'.repeat(64)}` }, await token());
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const swapped = await post(
      url,
      { documentId: idOf('Me'), query: '{ patients(first: 100) { totalCount } }' },
      await token(),
    );
    expect(swapped.status).toBe(400);
  });

  it('lets apps named in TRUSTED_DOCUMENTS_CLIENTS send registered operations only', async () => {
    const url = await gateway({ TRUSTED_DOCUMENTS_CLIENTS: 'ehr-mobile,reminder-app' });
    const app = await token({ azp: 'ehr-mobile' });
    const own = await post(url, { query: '{ me { sub } }' }, app);
    expect(own.status).toBe(400);
    expect(own.body.errors?.[0]?.message).toBe('This client may send registered operations only (by documentId)');
    expect((await post(url, { documentId: idOf('Me') }, app)).body.data?.me?.sub).toBe('billing-1');
    // An app that says who it is by header is held to it too; other clients are not.
    const declared = await post(url, { query: '{ me { sub } }' }, await token(), {
      'apollographql-client-name': 'reminder-app',
    });
    expect(declared.status).toBe(400);
    expect((await post(url, { query: '{ me { sub } }' }, await token({ client_id: 'web-chart' }))).status).toBe(200);
  });

  it('holds every client to registered operations with TRUSTED_DOCUMENTS_ONLY=true', async () => {
    const url = await gateway({ TRUSTED_DOCUMENTS_ONLY: 'true' });
    expect((await post(url, { query: '{ me { sub } }' }, await token())).status).toBe(400);
    expect((await post(url, { documentId: idOf('Me') }, await token())).status).toBe(200);
  });

  it('refuses to start on a manifest whose hash does not match its document', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-td-'));
    const file = path.join(dir, 'persisted-documents.json');
    fs.writeFileSync(file, JSON.stringify({ [idOf('Me')]: 'query Me { me { sub roles } }' }));
    await expect(gateway({ TRUSTED_DOCUMENTS_FILE: file })).rejects.toThrow(/does not match its document/);
  });

  it('refuses a token whose azp is not a client name', async () => {
    const url = await gateway();
    expect((await post(url, { documentId: idOf('Me') }, await token({ azp: 'not a name!' }))).status).toBe(401);
  });
});
