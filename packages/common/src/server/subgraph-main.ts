import type { BaseContext } from '@apollo/server';
import type { SubgraphConfig } from '../config/subgraph.js';
import { runMain } from './main.js';
import { bootSubgraph, type SubgraphSpec } from './subgraph.js';
import { usePeerTls } from './tls.js';

/** A subgraph's main(): load its config, start (HTTPS when configured), say where it listens. */
export function runSubgraph<TContext extends BaseContext, TConfig extends SubgraphConfig>(
  spec: SubgraphSpec<TContext, TConfig>,
): void {
  runMain(spec.name, async () => {
    const config = spec.loadConfig();
    // Its calls to the audit intake and the care-team owner trust the pinned CA (when set).
    const peers = usePeerTls(config.tls);
    const server = await bootSubgraph(spec, config);
    const { url } = await server.listen(config.host, config.port, config.tls, config.httpKeepAliveTimeoutMs);
    process.stdout.write(`${spec.name} subgraph ready at ${url}/graphql\n`);
    return {
      stop: async () => {
        await server.stop();
        await peers.close();
      },
    };
  });
}
