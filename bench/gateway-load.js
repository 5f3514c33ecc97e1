#!/usr/bin/env node
/**
 * Load through the real gateway with autocannon, three operations in one run so they can be
 * compared: `{ me { sub } }` (authentication, session, planning, one subgraph; touches no
 * record, so writes no audit record) is the baseline; a one-patient demographics read adds a
 * scoped row load and its durable audit record; a chart across three subgraphs adds two more
 * subgraphs and their records.
 *
 *   RATE_LIMIT_PER_MINUTE=1000000 npm start &     (or with MYSQL_URL set; the default limit
 *                                                   of 600 requests a minute per user would cap it)
 *   node bench/gateway-load.js [--duration 10] [--connections 10]
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
});
const gateway = process.env.GATEWAY_URL ?? `http://localhost:${process.env.GATEWAY_PORT ?? 4000}`;
const token = (role) =>
  execFileSync(process.execPath, [path.join(__dirname, '../tools/dist/token.js'), '--role', role], {
    encoding: 'utf8',
  }).trim();

async function run(name, token, query) {
  const result = await autocannon({
    url: `${gateway}/graphql`,
    method: 'POST',
    connections: Number(values.connections),
    duration: Number(values.duration),
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-hipaa-audit-id': `bench-${name.replace(/[^A-Za-z0-9]+/g, '-')}`,
    },
    body: JSON.stringify({ query }),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main() {
  const physician = token('physician');
  const res = await fetch(`${gateway}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${physician}`,
      'x-hipaa-audit-id': 'bench-setup',
    },
    body: JSON.stringify({ query: '{ patients(first: 1) { nodes { id } } }' }),
  });
  const id = (await res.json()).data.patients.nodes[0].id;
  const rows = [];
  rows.push(await run('me (baseline)', physician, '{ me { sub roles } }'));
  rows.push(await run('one patient', physician, `{ patient(id: "${id}") { id name { family } birthDate gender } }`));
  rows.push(
    await run(
      'chart, 3 subgraphs',
      physician,
      `{ patient(id: "${id}") { id name { family } medications { id medication { display } } notes { id type } } }`,
    ),
  );
  console.table(rows.map((r) => ({ ...r, ratio: (r.rps / rows[0].rps).toFixed(2) })));
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
