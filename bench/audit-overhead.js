#!/usr/bin/env node
/**
 * What the audit trail costs, measured from outside: the whole stack (four subgraphs and the
 * gateway, each its own process, on MySQL) under autocannon load, with the data subgraphs'
 * recording on and off, in interleaved rounds. Reported per query: requests per second, CPU
 * milliseconds per request summed over every process (from /proc/<pid>/stat, the steady figure on
 * a shared machine), the audit subgraph's own CPU and its SQL statements per request, and the
 * on/off ratio. Every response is checked (no non-2xx, no GraphQL errors in a sample).
 *
 *   npm run build && node bench/audit-overhead.js [--patients 2000] [--duration 8] [--rounds 2]
 *   node bench/audit-overhead.js --smoke
 *   BENCH_PROFILE=audit,medication node bench/audit-overhead.js --only list --rounds 1
 *
 * MYSQL_URL (default mysql://root@127.0.0.1:3306). Results: bench/results/audit-overhead-*.json.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');

const ROOT = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const smoke = values.smoke;
const patients = smoke ? 200 : Number(values.patients);
const duration = smoke ? 2 : Number(values.duration);
const rounds = smoke ? 1 : Number(values.rounds);
const connections = Number(values.connections);
// --only list (or chart): one query, e.g. for a CPU profile of just that load.
const only = values.only ? [values.only] : ['chart', 'list'];
const mysqlUrl = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306';
const profiled = (process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean);
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-bench-'));
const prefix = `bench${process.pid}_`;
const PORTS = { patient: 4201, medication: 4202, notes: 4203, audit: 4204, gateway: 4200 };
const baseEnv = {
  PATH: process.env.PATH,
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  MYSQL_URL: mysqlUrl,
  MYSQL_DATABASE_PREFIX: prefix,
  RATE_LIMIT_PER_MINUTE: '1000000',
  ...Object.fromEntries(Object.entries(PORTS).map(([n, p]) => [`${n.toUpperCase()}_PORT`, String(p)])),
  ...Object.fromEntries(
    Object.entries(PORTS)
      .filter(([n]) => n !== 'gateway')
      .map(([n, p]) => [`${n.toUpperCase()}_URL`, `http://127.0.0.1:${p}/graphql`]),
  ),
};

function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
}

async function waitReady(name) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORTS[name]}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not become ready`);
}

async function startStack(audit) {
  const env = { ...baseEnv, BENCH_AUDIT: audit ? 'on' : 'off' };
  const procs = {};
  const start = (name, args) => {
    // BENCH_PROFILE=audit,patient: CPU profiles of those processes over each measured load, in
    // bench/results/profiles/<name>.<on|off>.<n>.cpuprofile (see profile-window.js).
    const flags = profiled.includes(name) ? ['-r', path.join(__dirname, 'profile-window.js')] : [];
    const child = spawn(process.execPath, [...flags, ...args], {
      env: { ...env, BENCH_PROFILE_NAME: name, BENCH_PROFILE_DIR: path.join(__dirname, 'results', 'profiles') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    procs[name] = child;
  };
  start('audit', [path.join(ROOT, 'subgraphs/audit/dist/index.js')]);
  for (const s of ['patient', 'medication', 'notes']) start(s, [path.join(__dirname, 'serve-subgraph.js'), s]);
  for (const s of ['audit', 'patient', 'medication', 'notes']) await waitReady(s);
  start('gateway', [path.join(ROOT, 'gateway/dist/index.js')]);
  await waitReady('gateway');
  return procs;
}

async function stopStack(procs) {
  await Promise.all(
    Object.values(procs).map(
      (p) => new Promise((r) => (p.exitCode !== null ? r() : (p.once('exit', r), p.kill('SIGTERM')))),
    ),
  );
}

async function auditStatements() {
  const text = await (await fetch(`http://127.0.0.1:${PORTS.audit}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('ehr_db_statements_total'));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function ask(token, query) {
  const res = await fetch(`http://127.0.0.1:${PORTS.gateway}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-hipaa-audit-id': 'bench-check',
    },
    body: JSON.stringify({ query }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.errors) throw new Error(`check failed: ${res.status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function measure(procs, name, token, query) {
  await ask(token, query); // every measured query is checked once before the load
  const before = Object.fromEntries(Object.entries(procs).map(([n, p]) => [n, cpuMs(p.pid)]));
  const statementsBefore = await auditStatements();
  const profiling = (signal) => {
    for (const name of profiled) procs[name]?.kill(signal);
  };
  profiling('SIGUSR2');
  const result = await autocannon({
    url: `http://127.0.0.1:${PORTS.gateway}/graphql`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-hipaa-audit-id': 'bench' },
    body: JSON.stringify({ query }),
  });
  if (profiled.length > 0) {
    profiling('SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000)); // the profiles are written
  }
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const requests = result.requests.total;
  const cpu = Object.fromEntries(Object.entries(procs).map(([n, p]) => [n, (cpuMs(p.pid) - before[n]) / requests]));
  const statements = ((await auditStatements()) - statementsBefore) / requests;
  return {
    rps: result.requests.average,
    cpuMsPerRequest: Object.values(cpu).reduce((a, b) => a + b, 0),
    auditCpuMsPerRequest: cpu.audit,
    auditStatementsPerRequest: statements,
    perProcess: cpu,
  };
}

async function main() {
  console.error(`seeding ${patients} patients on ${new URL(mysqlUrl).host} (prefix ${prefix})`);
  execFileSync(process.execPath, [path.join(ROOT, 'tools/dist/seed.js'), '--patients', String(patients)], {
    env: baseEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const token = execFileSync(
    process.execPath,
    [path.join(ROOT, 'tools/dist/token.js'), '--role', 'physician', '--ttl', '15m'],
    {
      env: baseEnv,
      encoding: 'utf8',
    },
  ).trim();
  const queries = {};
  const results = [];
  for (let round = 0; round < rounds; round++) {
    for (const audit of [true, false]) {
      const procs = await startStack(audit);
      try {
        if (!queries.chart) {
          const list = await ask(token, '{ patients(first: 25) { nodes { id } } }');
          const id = list.patients.nodes[0].id;
          queries.chart = `{ patient(id: "${id}") { id name { family given } birthDate ssn medications { id status dosageText } notes { id type text } } }`;
          queries.list = '{ patients(first: 25) { nodes { id name { family } birthDate medications { id status } } } }';
          queries.listSize = list.patients.nodes.length;
        }
        for (const q of only) {
          const m = await measure(procs, q, token, queries[q]);
          results.push({ round, audit: audit ? 'on' : 'off', query: q, ...m });
          console.error(
            `round ${round} audit ${audit ? 'on ' : 'off'} ${q}: ${m.cpuMsPerRequest.toFixed(2)} ms CPU/request, ${m.rps.toFixed(0)} req/s`,
          );
        }
      } finally {
        await stopStack(procs);
      }
    }
  }
  const summary = only.map((q) => {
    const avg = (audit, key) => {
      const rows = results.filter((r) => r.query === q && r.audit === audit);
      return rows.reduce((a, r) => a + r[key], 0) / rows.length;
    };
    return {
      query: q === 'list' ? `care-team list (${queries.listSize} patients)` : 'chart (3 subgraphs)',
      'CPU ms/req on': avg('on', 'cpuMsPerRequest').toFixed(2),
      'CPU ms/req off': avg('off', 'cpuMsPerRequest').toFixed(2),
      'CPU ratio on/off': (avg('on', 'cpuMsPerRequest') / avg('off', 'cpuMsPerRequest')).toFixed(3),
      'req/s ratio on/off': (avg('on', 'rps') / avg('off', 'rps')).toFixed(3),
      'audit CPU ms/req': avg('on', 'auditCpuMsPerRequest').toFixed(2),
      'audit SQL/req': avg('on', 'auditStatementsPerRequest').toFixed(2),
    };
  });
  console.table(summary);
  const out = path.join(__dirname, 'results', `audit-overhead-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ patients, duration, connections, rounds, summary, results }, null, 2));
  console.error(`results: ${path.relative(ROOT, out)}`);
}

main()
  .catch((err) => {
    console.error(err.message);
    process.exitCode = 1;
  })
  .finally(async () => {
    try {
      const mysql = require('mysql2/promise');
      const conn = await mysql.createConnection({ uri: mysqlUrl });
      for (const s of ['patient', 'medication', 'notes', 'audit'])
        await conn.query(`DROP DATABASE IF EXISTS \`${prefix}${s}\``);
      await conn.end();
    } catch {
      // best effort: a leftover bench database is dropped by the next run's prefix anyway
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
