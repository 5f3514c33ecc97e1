import { parseArgs } from 'node:util';
import { createLogger, describeDatabase, loadSubgraphConfig, runMain } from '@ehr/common';
import { generateSeedData } from './seed/generate.js';
import { hasPatients, writeSeedData } from './seed/write.js';

/**
 * `npm run seed -- --patients N [--seed S] [--if-empty]`: (re)seeds N synthetic patients,
 * deterministic for a given seed. With --if-empty it leaves a database that has patients alone.
 */
runMain(
  'seed',
  async () => {
    const { values } = parseArgs({
      options: {
        patients: { type: 'string', default: '50' },
        seed: { type: 'string', default: '1' },
        'if-empty': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const patients = Number(values.patients);
    const seed = Number(values.seed);
    const config = loadSubgraphConfig('patient');
    const logger = createLogger('seed', 'warn');
    const where = describeDatabase(config.database, '*');
    if (values['if-empty'] && (await hasPatients(config.database, logger, config.keys))) {
      process.stdout.write(`seed: ${where} already holds patients; left as it is\n`);
      return { stop: async () => undefined };
    }
    const started = performance.now();
    const data = generateSeedData({ patients, seed });
    const generated = performance.now();
    await writeSeedData(data, config.database, logger, seed, config.keys);
    const done = performance.now();
    process.stdout.write(
      `seed: ${data.patients.length} patients, ${data.practitioners.length} practitioners, ` +
        `${data.medications.length} medication requests, ${data.notes.length} notes into ${where} ` +
        `(generated in ${((generated - started) / 1000).toFixed(1)} s, written in ${((done - generated) / 1000).toFixed(1)} s)\n`,
    );
    return { stop: async () => undefined };
  },
  { exitWhenDone: true },
);
