#!/usr/bin/env node
/**
 * Benchmark-only: one data subgraph as its own process, with the audit recording on or off
 * (BENCH_AUDIT=off), so bench/audit-overhead.js can measure what recording costs. The product
 * has no such switch: a subgraph's main() always records (subgraphs/<name>/src/index.ts).
 *
 *   node bench/serve-subgraph.js patient
 */
const { bootSubgraph } = require('@ehr/common');

const name = process.argv[2];
const spec = require(`@ehr/subgraph-${name}`)[`${name}Subgraph`];
if (!spec) throw new Error(`no subgraph ${name}`);
const audit = process.env.BENCH_AUDIT !== 'off';

async function main() {
  const config = spec.loadConfig();
  const server = await bootSubgraph({ ...spec, recordsAccess: audit && spec.recordsAccess }, config);
  await server.listen(config.host, config.port);
  process.stdout.write(`${name} ready (audit ${audit ? 'on' : 'off'})\n`);
  const stop = () =>
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${name}: ${err && err.message}\n`);
  process.exit(1);
});
