import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';

const START = path.resolve(__dirname, '..', '..', 'tools', 'dist', 'start.js');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** `npm start` as a newcomer runs it: no MySQL configured, so the embedded database. */
describe('the npm start launcher (embedded SQLite)', () => {
  let proc: ChildProcess;
  let out = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-start-'));
  const ports: Record<string, number> = {};

  afterAll(() => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds, starts every service, prints the endpoints, and Ctrl-C stops all of it', async () => {
    for (const s of ['GATEWAY', 'PATIENT', 'MEDICATION', 'NOTES', 'AUDIT']) ports[s] = await freePort();
    proc = spawn(process.execPath, [START], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [`${k}_PORT`, String(v)])),
      },
    });
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 90_000;
    while (!out.includes('Ctrl-C stops everything') && Date.now() < deadline && proc.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(out).toContain('EHR gateway is up.');
    expect(out).toContain(`POST http://localhost:${ports.GATEWAY}/graphql`);
    expect(out).toMatch(/seed: 50 patients/);
    expect(out).toMatch(/npm run token/);

    // The token command a newcomer is told to run, against the same DATA_DIR.
    const token = spawnSync(process.execPath, [path.join(path.dirname(START), 'token.js'), '--role', 'billing'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const res = await fetch(`http://localhost:${ports.GATEWAY}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token.stdout.trim()}`,
        'x-hipaa-audit-id': 'launcher-test-1',
      },
      body: JSON.stringify({
        query: '{ patients(first: 3) { totalCount nodes { id medications { id } coverage { payer } } } }',
      }),
    });
    const body = (await res.json()) as { data: { patients: { totalCount: number; nodes: { coverage: unknown[] }[] } } };
    expect(body.data.patients.totalCount).toBe(50);
    expect(body.data.patients.nodes[0]!.coverage.length).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
  }, 120_000);

  it('leaves an already seeded database alone on the next start', async () => {
    expect(fs.existsSync(path.join(dataDir, 'ehr_patient.sqlite'))).toBe(true);
    const seedJs = path.join(path.dirname(START), 'seed.js');
    const r = spawnSync(process.execPath, [seedJs, '--if-empty', '--patients', '5'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('already holds patients; left as it is');
  });
});
