import type { BaseContext } from '@apollo/server';
import { loadConfig } from '../config/config.js';
import { runMain } from './main.js';
import { bootSubgraph, type SubgraphSpec } from './subgraph.js';

/** A subgraph's main(): load config, start, say where it listens. */
export function runSubgraph<TContext extends BaseContext>(spec: SubgraphSpec<TContext>): void {
  runMain(spec.name, async () => {
    const config = loadConfig(spec.name);
    const server = await bootSubgraph(spec, config);
    const { url } = await server.listen(config.host, config.port);
    process.stdout.write(`${spec.name} subgraph ready at ${url}/graphql\n`);
    return server;
  });
}
