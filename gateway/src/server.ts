import { randomUUID } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  createLogger,
  createMetrics,
  jsonErrors,
  listen,
  requestMetricsPlugin,
  type GatewayConfig,
  type RunningHttp,
  type SubgraphName,
} from '@ehr/common';
import express from 'express';
import type { GatewayContext } from './context.js';
import { gatewayFormatError } from './errors.js';
import { checkSubgraphs } from './readiness.js';
import { SubgraphSource } from './subgraph-source.js';
import { readSupergraph } from './supergraph.js';

export interface Gateway {
  app: express.Express;
  listen(host: string, port: number): Promise<RunningHttp>;
  stop(): Promise<void>;
}

/**
 * The gateway: plans each query over the committed supergraph and calls the subgraphs at their
 * configured URLs. Serves POST /graphql, GET /healthz, /readyz (every subgraph ready) and /metrics.
 */
export async function createGateway(config: GatewayConfig, supergraphSdl = readSupergraph()): Promise<Gateway> {
  const logger = createLogger('gateway', config.logLevel);
  const metrics = createMetrics('gateway');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const url = config.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`supergraph names an unknown subgraph: ${name}`);
      return new SubgraphSource(name, url, config.subgraphTimeoutMs);
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.nodeEnv !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError: gatewayFormatError(logger),
    plugins: [ApolloServerPluginInlineTraceDisabled(), requestMetricsPlugin('gateway', metrics)],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await checkSubgraphs(config.subgraphUrls);
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not ready', subgraphs: r.subgraphs });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async () => ({ requestId: randomUUID() }),
    }),
  );
  app.use(jsonErrors(logger));

  let running: RunningHttp | undefined;
  return {
    app,
    async listen(host, port) {
      running = await listen(app, host, port);
      return running;
    },
    async stop() {
      await running?.close();
      await apollo.stop();
    },
  };
}
