import path from 'node:path';
import {
  bootSubgraph,
  loadSubgraphConfig,
  type SubgraphConfig,
  type SubgraphServer,
  type SubgraphSpec,
} from '@ehr/common';
import { createContextFactory, type PatientContext } from './context.js';
import { PatientRepository } from './repository.js';
import { careTeamRoutes } from './routes.js';
import { entities } from './entities/index.js';
import { stores } from './entities/stores.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers/index.js';
import { PatientRelease } from './deid/release.js';
import { deidentificationExtension, releaseOverrides } from './deid/fields.js';

export const patientSubgraph: SubgraphSpec<PatientContext> = {
  name: 'patient',
  schemaFile: path.resolve(__dirname, '..', 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  loadConfig: (env) => loadSubgraphConfig('patient', env),
  recordsAccess: true,
  aggregateFields: ['cohortCounts', 'deidentificationReport'],
  stores,
  build(deps) {
    const repo = new PatientRepository(deps.db, deps.sealing?.cipher);
    const releases = new PatientRelease(
      () => repo.cohortRows(),
      deps.pseudonyms,
      { ...deps.config.deidRelease, restrictedZip3: deps.config.restrictedZip3 },
      deps.logger,
    );
    return {
      context: createContextFactory(deps, repo, releases),
      deidOverrides: releaseOverrides,
      releaseGoverns: ['Patient', 'Address'],
      plugins: [deidentificationExtension()],
      // It answers care-team questions from its own table, for itself and (over HTTP) the others.
      careTeamCheck: (practitionerId, patientIds) => repo.careTeamMembership(practitionerId, patientIds),
      routes: careTeamRoutes(deps, repo, releases),
    };
  },
};

/** Builds the patient subgraph on its own database; tests and main() both start here. */
export function createPatientSubgraph(config: SubgraphConfig): Promise<SubgraphServer> {
  return bootSubgraph(patientSubgraph, config);
}

export * from './entities/index.js';
export { stores } from './entities/stores.js';
export { migrations } from './migrations/index.js';
