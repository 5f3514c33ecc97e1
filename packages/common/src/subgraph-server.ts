import { randomUUID } from 'node:crypto';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express from 'express';
import type { DocumentNode } from 'graphql';
import type { DataSource } from 'typeorm';
import { maskErrors } from './errors.js';
import { databaseReady } from './database.js';
import { listen, type RunningHttp } from './http.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { requestMetricsPlugin } from './request-metrics.js';

export interface RequestInfo {
  requestId: string;
}

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  // The generated resolver types are stricter than @apollo/subgraph's map; both describe the same object.
  resolvers: unknown;
  dataSource: DataSource;
  logger: Logger;
  metrics: ServiceMetrics;
  introspection: boolean;
  /** Builds the per-request context: fresh DataLoaders every time. */
  context: (info: RequestInfo) => TContext | Promise<TContext>;
}

export interface SubgraphServer {
  app: express.Express;
  apollo: ApolloServer<BaseContext>;
  listen(host: string, port: number): Promise<RunningHttp>;
  stop(): Promise<void>;
}

/**
 * Builds a subgraph: Apollo Server over the subgraph schema at POST /graphql, plus /healthz,
 * /readyz (the database answers) and /metrics. Errors outside the catalogue are masked.
 */
export async function createSubgraphServer<TContext extends BaseContext>(
  opts: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const schema = buildSubgraphSchema([
    { typeDefs: opts.typeDefs, resolvers: opts.resolvers as never },
  ]);
  const apollo = new ApolloServer<TContext>({
    schema,
    introspection: opts.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: maskErrors(opts.logger),
    // Inline traces would send per-field timings (and error text) to the gateway: off.
    plugins: [ApolloServerPluginInlineTraceDisabled(), requestMetricsPlugin(opts.name, opts.metrics)],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await databaseReady(opts.dataSource);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database: ready });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers['x-request-id'];
        const requestId = typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
        return opts.context({ requestId });
      },
    }),
  );
  app.use(jsonErrors(opts.logger));

  let running: RunningHttp | undefined;
  return {
    app,
    apollo: apollo as unknown as ApolloServer<BaseContext>,
    async listen(host, port) {
      running = await listen(app, host, port);
      return running;
    },
    async stop() {
      await running?.close();
      await apollo.stop();
      if (opts.dataSource.isInitialized) await opts.dataSource.destroy();
    },
  };
}

/** Malformed JSON bodies and other HTTP-level faults: a clear message, never a stack. */
export function jsonErrors(logger: Logger): express.ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ errorName: err?.name }, 'http request failed');
    const message =
      status === 413 ? 'Request body too large' : status < 500 ? 'Malformed request body' : 'Internal server error';
    res
      .status(status)
      .json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  };
}
