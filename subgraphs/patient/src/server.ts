import path from 'node:path';
import { bootSubgraph, type ServiceConfig, type SubgraphServer, type SubgraphSpec } from '@ehr/common';
import { createContextFactory, localCareTeamCheck, type PatientContext } from './context.js';
import { careTeamRoutes } from './routes.js';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers/index.js';

export const patientSubgraph: SubgraphSpec<PatientContext> = {
  name: 'patient',
  schemaFile: path.resolve(__dirname, '..', 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  context: createContextFactory,
  careTeamCheck: localCareTeamCheck,
  routes: careTeamRoutes,
};

/** Builds the patient subgraph on its own database; tests and main() both start here. */
export function createPatientSubgraph(config: ServiceConfig): Promise<SubgraphServer> {
  return bootSubgraph(patientSubgraph, config);
}

export * from './entities/index.js';
export { migrations } from './migrations/index.js';
