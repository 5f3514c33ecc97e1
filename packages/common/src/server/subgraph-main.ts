import type { BaseContext } from '@apollo/server';
import type { SubgraphConfig } from '../config/subgraph.js';
import { runMain } from './main.js';
import { bootSubgraph, type SubgraphSpec } from './subgraph.js';

/** A subgraph's main(): load its config, start, say where it listens. */
export function runSubgraph<TContext extends BaseContext, TConfig extends SubgraphConfig>(
  spec: SubgraphSpec<TContext, TConfig>,
): void {
  runMain(spec.name, async () => {
    const config = spec.loadConfig();
    const server = await bootSubgraph(spec, config);
    const { url } = await server.listen(config.host, config.port);
    process.stdout.write(`${spec.name} subgraph ready at ${url}/graphql\n`);
    return server;
  });
}
