#!/usr/bin/env node
/**
 * What field encryption costs:
 *   1. per value: sealing (AES-256-GCM, fresh nonce), opening, and a blind index (HMAC-SHA256),
 *      with tinybench, against a plain JSON.stringify of the same value as the baseline;
 *   2. seeding 10,000 patients on MySQL with every identifying column sealed (wall time);
 *   3. the share of the data subgraphs' CPU that encryption takes under the chart and list loads,
 *      read from V8 CPU profiles of those processes (bench/audit-overhead.js with
 *      BENCH_PROFILE=patient,medication,notes): samples in the crypto room over busy samples.
 *
 *   npm run build && node bench/encryption.js [--patients 10000] [--skip-seed] [--skip-profile]
 *
 * MYSQL_URL (default mysql://root@127.0.0.1:3306). Results: bench/results/encryption-*.json.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Bench } = require('tinybench');
const { seal, open, FieldCipher, FileKeyProvider, Keyring, createLogger } = require('@ehr/common');

const ROOT = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000' },
    'skip-seed': { type: 'boolean', default: false },
    'skip-profile': { type: 'boolean', default: false },
  },
});
const mysqlUrl = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306';

async function perValue() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-enc-bench-'));
  const provider = FileKeyProvider.open(path.join(dir, 'master.key'));
  const ring = await Keyring.open(path.join(dir, 'keyring.json'), provider, createLogger('bench', 'silent'));
  const cipher = new FieldCipher(() => ring);
  const ctx = { table: 'patient', column: 'ssn', rowId: '0b8f9a9e-1111-4222-8333-444455556666' };
  const ssn = '972-80-1460';
  const note = 'Patient seen for follow-up. '.repeat(40); // about 1 KB of note text
  const sealedSsn = cipher.seal(ssn, ctx);
  const sealedNote = cipher.seal(note, ctx);
  const key = ring.primaryKey;
  const bench = new Bench({ time: 1000 });
  bench
    .add('baseline: JSON.stringify(ssn)', () => JSON.stringify(ssn))
    .add('seal ssn', () => seal(key, ring.primary, ssn, ctx))
    .add('open ssn', () => open(() => key, sealedSsn, ctx))
    .add('seal 1 KB note', () => seal(key, ring.primary, note, ctx))
    .add('open 1 KB note', () => open(() => key, sealedNote, ctx))
    .add('blind index ssn', () => cipher.blindIndex('ssn', ssn));
  await bench.run();
  fs.rmSync(dir, { recursive: true, force: true });
  return bench.tasks.map((t) => ({ task: t.name, nsPerOp: Math.round(t.result.latency.mean * 1e6) }));
}

function seed(patients) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-enc-seed-'));
  const prefix = `encbench${process.pid}_`;
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    MYSQL_URL: mysqlUrl,
    MYSQL_DATABASE_PREFIX: prefix,
  };
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, [path.join(ROOT, 'tools/dist/seed.js'), '--patients', String(patients)], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mysql = require('mysql2/promise');
  return (async () => {
    const conn = await mysql.createConnection({ uri: mysqlUrl });
    try {
      for (const s of ['patient', 'medication', 'notes', 'audit'])
        await conn.query(`DROP DATABASE IF EXISTS \`${prefix}${s}\``);
    } finally {
      await conn.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    return { patients, seconds: Number(seconds.toFixed(1)) };
  })();
}

/** Busy samples, and those spent in the crypto room (inclusive), over every profile of a data subgraph. */
function profileShare(dir) {
  let busy = 0;
  let crypto = 0;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
    const inCrypto = new Map();
    const isCrypto = (id) => {
      if (inCrypto.has(id)) return inCrypto.get(id);
      const n = byId.get(id);
      const url = n.callFrame.url;
      const yes = /common\/dist\/crypto\//.test(url) || (parent.has(id) && isCrypto(parent.get(id)));
      inCrypto.set(id, yes);
      return yes;
    };
    // Only processes that served requests (their profiles hold the audit client or resolvers).
    if (!p.nodes.some((n) => /subgraphs\/(patient|medication|notes)\/dist\/resolvers/.test(n.callFrame.url))) continue;
    p.samples.forEach((id, i) => {
      const name = byId.get(id).callFrame.functionName;
      if (name === '(idle)' || name === '(program)') return;
      const dt = p.timeDeltas[i] || 0;
      busy += dt;
      if (isCrypto(id)) crypto += dt;
    });
  }
  return { busyMs: Math.round(busy / 1000), cryptoMs: Math.round(crypto / 1000), share: busy ? crypto / busy : 0 };
}

async function main() {
  const results = { at: new Date().toISOString(), perValue: await perValue() };
  console.table(results.perValue);
  if (!values['skip-seed']) {
    results.seed = await seed(Number(values.patients));
    console.log(`seeded ${results.seed.patients} patients with sealing in ${results.seed.seconds} s`);
  }
  if (!values['skip-profile']) {
    const dir = path.join(__dirname, 'results', 'profiles');
    fs.rmSync(dir, { recursive: true, force: true });
    execFileSync(process.execPath, [path.join(__dirname, 'audit-overhead.js'), '--rounds', '1', '--duration', '8'], {
      env: { ...process.env, BENCH_PROFILE: 'patient,medication,notes' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    results.cpuShare = profileShare(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(
      `encryption: ${(results.cpuShare.share * 100).toFixed(2)}% of the data subgraphs' busy CPU under the chart and list loads (${results.cpuShare.cryptoMs} of ${results.cpuShare.busyMs} ms sampled)`,
    );
  }
  const out = path.join(__dirname, 'results', `encryption-${results.at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`results: ${path.relative(ROOT, out)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
