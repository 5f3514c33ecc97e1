import type { BaseContext } from '@apollo/server';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import type { ServiceConfig, SubgraphName } from './config.js';
import { openDatabase } from './database.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { readSchema } from './schema-file.js';
import { createSubgraphServer, type RequestInfo, type SubgraphServer } from './subgraph-server.js';

/** What makes one subgraph: its contract, its tables and its resolvers. */
export interface SubgraphSpec<TContext extends BaseContext> {
  name: SubgraphName;
  schemaFile: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  resolvers: unknown;
  context: (db: DataSource) => (info: RequestInfo) => TContext | Promise<TContext>;
}

/** Opens the subgraph's own database (migrating it) and builds its server. */
export async function bootSubgraph<TContext extends BaseContext>(
  spec: SubgraphSpec<TContext>,
  config: ServiceConfig,
): Promise<SubgraphServer> {
  const logger = createLogger(spec.name, config.logLevel);
  const metrics = createMetrics(spec.name);
  const dataSource = await openDatabase({
    subgraph: spec.name,
    config: config.database,
    entities: spec.entities,
    migrations: spec.migrations,
    logger,
    metrics,
  });
  return createSubgraphServer({
    name: spec.name,
    typeDefs: readSchema(spec.schemaFile),
    resolvers: spec.resolvers,
    dataSource,
    logger,
    metrics,
    introspection: config.nodeEnv !== 'production',
    context: spec.context(dataSource),
  });
}
