#!/usr/bin/env node
/**
 * What the generated graphql-shield costs on the hot path: the patient subgraph's schema without
 * the shield (baseline), with the shield on every field, and as shipped (the shield plus the
 * once-per-operation fast path), executing the same 50-patient listing (about 1,300 resolved
 * fields) against the same seeded database, in one run. Reports ops/s and ratios to the baseline.
 *
 *   npm run build && node bench/shield-overhead.js            # embedded SQLite
 *   MYSQL_URL=mysql://root@127.0.0.1:3306 node bench/shield-overhead.js
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('reflect-metadata');
const { Bench } = require('tinybench');
const { buildSubgraphSchema } = require('@apollo/subgraph');
const { applyMiddleware } = require('graphql-middleware');
const { execute, parse } = require('graphql');
const common = require('@ehr/common');
const { RolePolicy } = require('@ehr/policy');
const { patientSubgraph } = require('@ehr/subgraph-patient');
const { generateSeedData } = require('../tools/dist/seed/generate.js');
const { writeSeedData } = require('../tools/dist/seed/write.js');

const QUERY = parse(`{
  patients(first: 50) {
    totalCount
    nodes {
      id mrn birthDate gender phone email
      name { given family }
      address { line city state postalCode }
      coverage { id payer planName memberId groupNumber status period { start end } }
    }
  }
}`);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-bench-'));
  const db = { mysqlUrl: process.env.MYSQL_URL, databasePrefix: 'bench_', dataDir, poolSize: 5 };
  const logger = common.createLogger('bench', 'silent');
  const data = generateSeedData({ patients: 60, seed: 1 });
  await writeSeedData(data, db, logger, 1);
  const dataSource = await common.openDatabase({
    subgraph: 'patient',
    config: db,
    entities: patientSubgraph.entities,
    migrations: patientSubgraph.migrations,
    logger,
  });
  const policy = RolePolicy.load();
  const deps = { db: dataSource, config: { database: db }, policy, logger, verifier: undefined };
  const build = patientSubgraph.context(deps);
  const billing = data.identities.find((i) => i.role === 'billing');
  const identity = {
    sub: billing.sub,
    roles: ['billing'],
    sid: 's',
    auditId: 'a',
    requestId: 'r',
    clientIp: '127.0.0.1',
    breakGlass: [],
    deidentified: false,
  };
  const context = () =>
    build({
      requestId: 'r',
      identity,
      access: common.accessFor(policy, identity.roles),
      scope: new common.RecordScope(identity, async (_p, ids) => ids.map(() => false)),
    });

  const typeDefs = common.readSchema(patientSubgraph.schemaFile);
  const base = buildSubgraphSchema([{ typeDefs, resolvers: patientSubgraph.resolvers }]);
  const shielded = applyMiddleware(base, common.policyShield(base, policy, logger));
  // What the subgraphs run: the shield, plus the once-per-operation fast path for all-clear operations.
  const production = applyMiddleware(
    base,
    common.clearOperationFastPath(base),
    common.policyShield(base, policy, logger),
  );
  const run = async (schema, decide = false) => {
    const contextValue = context();
    if (decide) contextValue.clearOperation = common.operationIsClear(QUERY, schema, contextValue.access);
    const result = await execute({ schema, document: QUERY, contextValue });
    if (result.errors) throw new Error(result.errors[0].message);
    return result;
  };
  const sample = await run(shielded);
  const fields = JSON.stringify(sample.data).match(/":/g).length;

  const bench = new Bench({ time: 3000, warmupTime: 1000 });
  bench
    .add('baseline: no shield', () => run(base))
    .add('shield on every field', () => run(shielded))
    .add('shield + operation fast path (shipped)', () => run(production, true));
  await bench.run();
  const [b, s, p] = bench.tasks.map((t) => t.result);
  const hz = (r) => r.hz ?? r.throughput?.mean;
  console.log(`database: ${db.mysqlUrl ? 'MySQL' : 'SQLite'}; about ${fields} fields per execution`);
  console.table(
    bench.tasks.map((t) => ({
      task: t.name,
      'ops/s': Math.round(hz(t.result)),
      'p99 ms': (t.result.p99 ?? t.result.latency?.p99)?.toFixed(2),
    })),
  );
  console.log(`ratio shield on every field / baseline: ${(hz(s) / hz(b)).toFixed(2)}x`);
  console.log(`ratio shipped (shield + fast path) / baseline: ${(hz(p) / hz(b)).toFixed(2)}x`);
  await dataSource.destroy();
  if (db.mysqlUrl) {
    const mysql = require('mysql2/promise');
    const conn = await mysql.createConnection({ uri: db.mysqlUrl });
    for (const s of common.SUBGRAPHS) await conn.query(`DROP DATABASE IF EXISTS \`bench_${s}\``);
    await conn.end();
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
