import path from 'node:path';
import {
  bootSubgraph,
  loadSubgraphConfig,
  type SubgraphConfig,
  type SubgraphServer,
  type SubgraphSpec,
} from '@ehr/common';
import { createContextFactory, type MedicationContext } from './context.js';
import { rareCodesWithheld } from './deid.js';
import { entities } from './entities/index.js';
import { stores } from './entities/stores.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers/index.js';

export const medicationSubgraph: SubgraphSpec<MedicationContext> = {
  name: 'medication',
  schemaFile: path.resolve(__dirname, '..', 'schema.graphql'),
  entities,
  stores,
  migrations,
  resolvers,
  loadConfig: (env) => loadSubgraphConfig('medication', env),
  recordsAccess: true,
  aggregateFields: ['medicationCounts'],
  build: (deps) => ({ context: createContextFactory(deps), deidOverrides: rareCodesWithheld }),
};

/** Builds the medication subgraph on its own database; tests and main() both start here. */
export function createMedicationSubgraph(config: SubgraphConfig): Promise<SubgraphServer> {
  return bootSubgraph(medicationSubgraph, config);
}

export * from './entities/index.js';
export { stores } from './entities/stores.js';
export { migrations } from './migrations/index.js';
