#!/usr/bin/env node
/**
 * What the analyst's k-anonymous release costs to compute, and what it releases, over the
 * seeded population (tools' generator, the same data `npm run seed` writes):
 *   - anonymise: the 24-node lattice search and the release (CPU ms, median of rounds);
 *   - cube: the suppressed family of cross-tabulations over GENDER, AGE_BAND, ZIP3 and STATE (fixed
 *     domains, tables of at most 20,000 cells, as the patient subgraph builds it);
 *   - order: pseudonyms for every released record and their sort;
 *   - baseline: one pass that only groups the records by their finest class (what any
 *     release must at least do), so the figures read as ratios on any machine.
 * The database read and the opening of sealed birth dates and ZIP codes come on top; they are
 * the cost of any cohortCounts query already (bench/encryption.js measures the opening).
 *
 *   npm run build && node bench/deid-release.js [--patients 10000] [--rounds 5] [--k 11]
 *
 * Results: bench/results/deid-release-*.json.
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { randomBytes } = require('node:crypto');
const {
  anonymise,
  classKey,
  cubeKey,
  generalise,
  LATTICE,
  Pseudonymizer,
  SuppressedCube,
  zip3,
} = require('@ehr/common');
const { cohortValues, DIMENSION_DOMAINS, MAX_CELLS } = require('../subgraphs/patient/dist/deid/dimensions.js');
const { generateSeedData } = require('../tools/dist/seed/generate.js');

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    k: { type: 'string', default: '11' },
    'max-suppression': { type: 'string', default: '0.05' },
  },
});
const patients = Number(values.patients);
const rounds = Number(values.rounds);
const k = Number(values.k);
const maxSuppression = Number(values['max-suppression']);
const year = new Date().getUTCFullYear();

const data = generateSeedData({ patients, seed: 7 });
const records = data.patients.map((p) => ({
  id: p.id,
  birthYear: Number(p.birthDate.slice(0, 4)),
  gender: p.gender,
  zip3: zip3(p.postalCode),
  state: p.state,
}));
const counts = new Map();
for (const r of records) {
  const key = cubeKey(cohortValues(r, year));
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
const pseudonyms = new Pseudonymizer(randomBytes(32));

const cpuMs = (f) => {
  const start = process.cpuUsage();
  const result = f();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, result };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const timings = { baseline: [], anonymise: [], cube: [], order: [] };
let release;
let cube;
for (let r = 0; r < rounds + 1; r++) {
  const baseline = cpuMs(() => {
    const m = new Map();
    for (const rec of records) {
      const key = classKey(generalise(rec, LATTICE[0], year));
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return m;
  });
  const a = cpuMs(() => anonymise(records, { k, maxSuppression, year }));
  const c = cpuMs(() => new SuppressedCube(DIMENSION_DOMAINS, counts, { maxCells: MAX_CELLS }));
  const o = cpuMs(() => {
    const ids = [...a.result.released.keys()];
    const names = pseudonyms.pseudonyms(ids);
    return ids.map((id, i) => ({ id, p: names[i] })).sort((x, y) => (x.p < y.p ? -1 : 1));
  });
  release = a.result;
  cube = c.result;
  if (r === 0) continue; // warm-up
  timings.baseline.push(baseline.ms);
  timings.anonymise.push(a.ms);
  timings.cube.push(c.ms);
  timings.order.push(o.ms);
}

const figures = Object.fromEntries(
  Object.entries(timings).map(([name, xs]) => [
    name,
    { medianMs: median(xs), min: Math.min(...xs), max: Math.max(...xs) },
  ]),
);
const base = figures.baseline.medianMs;
const result = {
  date: new Date().toISOString(),
  patients,
  k,
  maxSuppression,
  rounds,
  cpuMs: figures,
  ratioToBaseline: {
    anonymise: figures.anonymise.medianMs / base,
    cube: figures.cube.medianMs / base,
    order: figures.order.medianMs / base,
  },
  release: {
    generalisation: release.generalisation,
    released: release.released.size,
    suppressed: release.suppressed,
    classes: release.classes,
    kAchieved: release.smallestClass,
    highestRisk: release.highestRisk,
    averageRisk: release.averageRisk,
  },
  cube: {
    zip3Withheld: cube.table(['ZIP3']).suppressedCells,
    genderByAgeWithheld: cube.table(['GENDER', 'AGE_BAND']).suppressedCells,
    genderAgeStatePublished: cube.table(['GENDER', 'AGE_BAND', 'STATE']).cells.length,
    genderAgeStateUnpublished: cube.table(['GENDER', 'AGE_BAND', 'STATE']).suppressedCells,
  },
};
const out = path.join(__dirname, 'results', `deid-release-${result.date.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 2));
process.stdout.write(`${JSON.stringify(result, null, 2)}\nwrote ${path.relative(process.cwd(), out)}\n`);
