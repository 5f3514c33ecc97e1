import { requestBinding } from '@ehr/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { SERVICE_ENTRY } from '../../tools/src/paths';
import { startChild, stopAll, waitReady, type Child } from '../../tools/src/process-group';
import { TEST_MYSQL_URL, testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/ports';
import { seed } from '../helpers/subgraphs';
import { TcpProxy } from '../helpers/tcp-proxy';
import { identityOf, internalTokens } from '../helpers/tokens';

function runToExit(
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    // A private DATA_DIR: a service that gets as far as making development keys makes them there.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-fault-'));
    const p = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env } });
    p.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
    let stderr = '';
    let stdout = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.on('data', (d) => (stdout += d));
    p.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('startup faults', () => {
  it('exits non-zero with one line naming the database it could not reach', async () => {
    const closed = await freePort();
    const r = await runToExit(SERVICE_ENTRY.patient, {
      MYSQL_URL: `mysql://root:s3cret@127.0.0.1:${closed}`,
      PATIENT_PORT: '0',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`patient: cannot reach MySQL at 127.0.0.1:${closed}: ECONNREFUSED`]);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('refuses development keys and tokens in production', async () => {
    const gateway = await runToExit(SERVICE_ENTRY.gateway, { NODE_ENV: 'production', GATEWAY_PORT: '0' });
    expect(gateway.code).toBe(1);
    expect(gateway.stderr).toMatch(/AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE is required in production/);
    expect(gateway.stderr).toMatch(/INTERNAL_PRIVATE_KEY_FILE is required in production/);
    const subgraph = await runToExit(SERVICE_ENTRY.notes, { NODE_ENV: 'production', NOTES_PORT: '0' });
    expect(subgraph.code).toBe(1);
    expect(subgraph.stderr).toMatch(/INTERNAL_PUBLIC_KEY_FILE is required in production/);
    const token = await runToExit(path.resolve(__dirname, '../../tools/dist/token.js'), {
      NODE_ENV: 'production',
    });
    expect(token.code).toBe(1);
    expect(token.stdout).toBe('');
    expect(token.stderr).toMatch(/development tokens are refused with NODE_ENV=production/);
  });

  it('exits non-zero with every configuration problem on one line', async () => {
    const r = await runToExit(SERVICE_ENTRY.gateway, { GATEWAY_PORT: 'http', NOTES_URL: 'ftp://x' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^gateway: invalid configuration: .*GATEWAY_PORT.*NOTES_URL/);
  });
});

// Losing the database while running only exists for a database server; the embedded SQLite
// database lives inside the process.
(usingMysql ? describe : describe.skip)('database lost while running (MySQL behind a TCP proxy)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let child: Child;
  let base: string;
  const lines: string[] = [];

  let sign: (text: string) => Promise<string>;

  beforeAll(async () => {
    db = testDatabase();
    const data = await seed(db, 5);
    const billing = data.identities.find((i) => i.role === 'billing')!;
    const internal = await internalTokens(db.config.dataDir);
    // One token per request, bound to it, as the gateway mints them.
    sign = (text) => internal(identityOf(billing), 'patient', requestBinding(text, undefined));
    const target = new URL(TEST_MYSQL_URL!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
    await proxy.up();
    const proxied = new URL(TEST_MYSQL_URL!);
    proxied.port = String(proxy.port);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = startChild(
      'patient',
      SERVICE_ENTRY.patient,
      {
        PATH: process.env.PATH,
        ...db.env,
        MYSQL_URL: proxied.toString(),
        PATIENT_PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      [],
      (l) => lines.push(l),
    );
    await waitReady(child, `${base}/readyz`, 30_000);
  });
  afterAll(async () => {
    if (child) await stopAll([child]);
    await proxy?.down();
    await db?.cleanup();
  });

  const query = async () => {
    const text = '{ patients(first: 2) { totalCount nodes { id family: name { family } } } }';
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(text)}` },
      body: JSON.stringify({ query: text }),
    });
    return (await res.json()) as {
      data?: unknown;
      errors?: { message: string; extensions: Record<string, unknown> }[];
    };
  };

  it('masks the failure, reports not ready, and recovers by itself when the database returns', async () => {
    expect((await query()).errors).toBeUndefined();
    await proxy.down();
    const failed = await query();
    expect(failed.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(failed.errors?.[0]?.message).toBe('Internal server error');
    expect(failed.errors?.[0]?.extensions.correlationId).toEqual(expect.any(String));
    expect(JSON.stringify(failed)).not.toMatch(/SELECT|ECONN|PROTOCOL|mysql|stack/i);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    // the log line carries the correlation id and the error kind, never SQL or values
    const correlationId = String(failed.errors?.[0]?.extensions.correlationId);
    for (let i = 0; i < 40 && !lines.join('\n').includes(correlationId); i++)
      await new Promise((r) => setTimeout(r, 50));
    const logged = lines.join('\n');
    expect(logged).toContain(correlationId);
    expect(logged).not.toMatch(/SELECT .* FROM/);

    await proxy.up();
    const deadline = Date.now() + 20_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      recovered = (await fetch(`${base}/readyz`)).status === 200 && (await query()).errors === undefined;
    }
    expect(recovered).toBe(true);
    expect(child.proc.exitCode).toBeNull();
  });
});
