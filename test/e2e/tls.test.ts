import fs from 'node:fs';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import express from 'express';
import {
  devKeyPair,
  HSTS_HEADER,
  listen,
  peerClient,
  SUBGRAPHS,
  type RunningHttp,
  type SubgraphName,
  type TlsSettings,
} from '@ehr/common';
import { createGateway, loadGatewayConfig, type Gateway } from '@ehr/gateway';
import { SERVICE_ENTRY } from '../../tools/src/paths';
import { startChild, stopAll, waitReady, type Child } from '../../tools/src/process-group';
import type { SeedData } from '../../tools/src/seed/generate';
import { createCa, issueCert } from '../../tools/src/tls-certs';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/ports';
import { seed } from '../helpers/subgraphs';
import { demo, devTokens } from '../helpers/tokens';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  protocol: string | null;
}

/** One HTTPS request with explicit TLS options (what fetch cannot be told: CA, versions, client certificate). */
function request(
  url: string,
  options: https.RequestOptions & { body?: string } = {},
  timeoutMs = 10_000,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...options, agent: false, timeout: timeoutMs }, (res) => {
      const protocol = (res.socket as tls.TLSSocket).getProtocol();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Transmission security with certificates this test makes: the real services (built dist/ code,
 * one process each) serve HTTPS only, TLS 1.3, from a test CA; the subgraphs require client
 * certificates of that CA (mutual TLS); the gateway pins that CA for every call to them, and the
 * data subgraphs pin it for the audit intake and the patient subgraph's care-team answers.
 */
describe('TLS on every hop (HTTPS, TLS 1.3 only, pinned CA, mutual TLS)', () => {
  let db: TestDatabase;
  let data: SeedData;
  let dir: string;
  const files = {} as Record<'ca' | 'cert' | 'key' | 'otherCa' | 'otherCert' | 'otherKey', string>;
  const ports = {} as Record<SubgraphName | 'gateway', number>;
  const children: Child[] = [];
  const outputs: string[] = [];
  let trusted: TlsSettings;
  let gatewayUrl: string;
  let token: (sub: string) => Promise<string>;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 5);
    await devKeyPair(db.config.dataDir, 'internal');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-tls-'));
    // The stack's CA and the services' certificate; another CA with a certificate for the same names.
    const ca = await createCa('EHR test CA');
    const issued = await issueCert(ca, { commonName: 'ehr-services', hosts: ['127.0.0.1', 'localhost'] });
    const otherCa = await createCa('Some other CA');
    const other = await issueCert(otherCa, { commonName: 'impostor', hosts: ['127.0.0.1', 'localhost'] });
    const write = (name: keyof typeof files, content: string) => {
      files[name] = path.join(dir, `${name}.pem`);
      fs.writeFileSync(files[name], content, { mode: 0o600 });
    };
    write('ca', ca.cert);
    write('cert', issued.cert);
    write('key', issued.key);
    write('otherCa', otherCa.cert);
    write('otherCert', other.cert);
    write('otherKey', other.key);
    trusted = { certFile: files.cert, keyFile: files.key, caFile: files.ca, requireClientCerts: false };

    for (const n of [...SUBGRAPHS, 'gateway'] as const) ports[n] = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...db.env,
      ...Object.fromEntries(Object.entries(ports).map(([n, p]) => [`${n.toUpperCase()}_PORT`, String(p)])),
      ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `https://127.0.0.1:${ports[s]}/graphql`])),
      TLS_CERT_FILE: files.cert,
      TLS_KEY_FILE: files.key,
      TLS_CA_FILE: files.ca,
    };
    const poll = peerClient(trusted);
    const start = async (name: SubgraphName | 'gateway', extra: Record<string, string>) => {
      const child = startChild(name, SERVICE_ENTRY[name], { ...env, ...extra }, [], (line) =>
        outputs.push(`${name}: ${line}`),
      );
      children.push(child);
      await waitReady(child, `https://127.0.0.1:${ports[name]}/readyz`, 30_000, poll.fetch);
    };
    try {
      await Promise.all(SUBGRAPHS.map((s) => start(s, { TLS_CLIENT_CERTS: 'require' })));
      // The gateway is the front door: it takes clients without certificates (their tokens decide).
      await start('gateway', {});
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${outputs.join('\n')}`);
    } finally {
      await poll.close();
    }
    gatewayUrl = `https://127.0.0.1:${ports.gateway}`;
    const tokens = await devTokens(db.config.dataDir);
    token = (sub) => tokens.forIdentity(demo(data, sub));
  }, 120_000);

  afterAll(async () => {
    await stopAll(children);
    await db?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const graphql = async (query: string, sub: string, auditId: string) =>
    request(`${gatewayUrl}/graphql`, {
      method: 'POST',
      ca: fs.readFileSync(files.ca),
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token(sub)}`,
        'x-hipaa-audit-id': auditId,
      },
      body: JSON.stringify({ query }),
    });

  it('the gateway answers a TLS 1.3 client over HTTPS, with HSTS on every response', async () => {
    const health = await request(`${gatewayUrl}/healthz`, { ca: fs.readFileSync(files.ca), minVersion: 'TLSv1.3' });
    expect(health.status).toBe(200);
    expect(health.protocol).toBe('TLSv1.3');
    expect(health.headers['strict-transport-security']).toBe(HSTS_HEADER);
    expect(HSTS_HEADER).toBe('max-age=31536000; includeSubDomains');
    // Refusals carry it too (no token: 401).
    const refused = await request(`${gatewayUrl}/graphql`, { method: 'POST', ca: fs.readFileSync(files.ca) });
    expect(refused.status).toBe(401);
    expect(refused.headers['strict-transport-security']).toBe(HSTS_HEADER);
  });

  it('refuses a client limited to TLS 1.2 in the handshake', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: ports.gateway,
        ca: fs.readFileSync(files.ca),
        maxVersion: 'TLSv1.2',
      });
      socket.once('secureConnect', () => (socket.destroy(), resolve(`connected with ${socket.getProtocol()}`)));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(outcome).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    // Through an HTTP client as well.
    await expect(
      request(`${gatewayUrl}/healthz`, { ca: fs.readFileSync(files.ca), maxVersion: 'TLSv1.2' }),
    ).rejects.toThrow(/alert protocol version/);
  });

  it('serves nothing over plain HTTP on the HTTPS port', async () => {
    await expect(fetch(`http://127.0.0.1:${ports.gateway}/healthz`)).rejects.toThrow();
  });

  it('a physician reads a chart through the gateway: every subgraph reached over HTTPS with the pinned CA and client certificates, the reads recorded over HTTPS', async () => {
    const auditId = `tls-chart-${process.pid}`;
    const res = await graphql(
      '{ patients(first: 3) { nodes { id name { family } medications { id } notes { id } coverage { payer } } } }',
      'physician-1',
      auditId,
    );
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as {
      data?: { patients: { nodes: { id: string; medications: unknown[]; notes: unknown[] }[] } };
      errors?: unknown[];
    };
    expect(body.errors).toBeUndefined();
    // The physician's care team (the patient subgraph's answer, over mutual TLS) decides what shows.
    expect(body.data!.patients.nodes.length).toBeGreaterThan(0);
    expect(body.data!.patients.nodes.some((n) => n.medications.length > 0 && n.notes.length > 0)).toBe(true);

    // The data subgraphs' access records reached the audit intake (HTTPS, mutual TLS): an auditor sees them.
    type Events = { auditEvents: { nodes: { subgraph: string }[] } };
    let subgraphs = new Set<string>();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const events = await graphql(
        `{ auditEvents(auditId: "${auditId}", first: 100) { nodes { subgraph } } }`,
        'auditor-1',
        `${auditId}-check`,
      );
      const parsed = JSON.parse(events.body) as { data?: Events };
      subgraphs = new Set(parsed.data?.auditEvents.nodes.map((n) => n.subgraph));
      if (['patient', 'medication', 'notes'].every((s) => subgraphs.has(s))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...subgraphs].sort()).toEqual(expect.arrayContaining(['medication', 'notes', 'patient']));
    // Nothing waits in a journal for an intake it could not reach: every record is committed.
    const tlsClient = {
      ca: fs.readFileSync(files.ca),
      cert: fs.readFileSync(files.cert),
      key: fs.readFileSync(files.key),
    };
    for (const s of ['patient', 'medication', 'notes'] as const) {
      const ready = JSON.parse((await request(`https://127.0.0.1:${ports[s]}/readyz`, tlsClient)).body) as {
        auditJournalRecords?: number;
      };
      expect(ready.auditJournalRecords).toBe(0);
    }
    expect(outputs.join('\n')).not.toMatch(/certificate|ECONNRESET|self.signed/i);
  });

  it('a subgraph refuses a client without a certificate, or with one of another CA (mutual TLS)', async () => {
    const url = `https://127.0.0.1:${ports.patient}/healthz`;
    const ca = fs.readFileSync(files.ca);
    await expect(request(url, { ca })).rejects.toMatchObject({
      code: expect.stringMatching(/ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET/),
    });
    await expect(
      request(url, { ca, cert: fs.readFileSync(files.otherCert), key: fs.readFileSync(files.otherKey) }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/ERR_SSL_TLSV1_ALERT_UNKNOWN_CA|ECONNRESET/) });
    // With the stack's certificate, it answers.
    const ok = await request(url, { ca, cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) });
    expect(ok.status).toBe(200);
    expect(ok.protocol).toBe('TLSv1.3');
  });

  describe('a server whose certificate another CA signed', () => {
    let impostor: RunningHttp;
    let hits = 0;
    let gateway: Gateway | undefined;

    beforeAll(async () => {
      const app = express();
      app.use((_req, res) => {
        hits++;
        res.json({ data: null });
      });
      impostor = await listen(app, '127.0.0.1', 0, {
        certFile: files.otherCert,
        keyFile: files.otherKey,
        caFile: undefined,
        requireClientCerts: false,
      });
    });
    afterAll(async () => {
      await gateway?.stop();
      await impostor?.close();
    });

    it('is refused by the pinned client before any request reaches it', async () => {
      const pinned = peerClient(trusted);
      try {
        await expect(pinned.fetch(`${impostor.url}/graphql`)).rejects.toThrow();
        // Pinned to the other CA instead, the same client reaches it: the CA is what decided.
        const other = peerClient({ ...trusted, caFile: files.otherCa });
        try {
          expect((await other.fetch(`${impostor.url}/graphql`)).status).toBe(200);
        } finally {
          await other.close();
        }
        expect(hits).toBe(1);
        // The system's CAs are not what the pinned client trusts either: a real stack service is reached.
        expect((await pinned.fetch(`https://127.0.0.1:${ports.patient}/healthz`)).status).toBe(200);
      } finally {
        await pinned.close();
      }
    });

    it('a gateway pinned to the stack CA does not send a query to it', async () => {
      hits = 0;
      // A second gateway is another replica: its own DATA_DIR (the stack's keys, copied), since one
      // audit journal has one writer.
      const own = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-tls-gw-'));
      fs.cpSync(path.join(db.config.dataDir, 'keys'), path.join(own, 'keys'), { recursive: true });
      gateway = await createGateway(
        loadGatewayConfig({
          ...db.env,
          DATA_DIR: own,
          LOG_LEVEL: 'silent',
          ...Object.fromEntries(
            SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `https://127.0.0.1:${ports[s]}/graphql`]),
          ),
          PATIENT_URL: `${impostor.url}/graphql`,
          TLS_CERT_FILE: files.cert,
          TLS_KEY_FILE: files.key,
          TLS_CA_FILE: files.ca,
        }),
      );
      const { url } = await gateway.listen('127.0.0.1', 0);
      expect(url).toMatch(/^https:/);
      const res = await request(`${url}/graphql`, {
        method: 'POST',
        ca: fs.readFileSync(files.ca),
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await token('billing-1')}`,
          'x-hipaa-audit-id': 'tls-impostor',
        },
        body: JSON.stringify({ query: '{ patients(first: 1) { nodes { id } } }' }),
      });
      const body = JSON.parse(res.body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(hits).toBe(0);
    });
  });
});
