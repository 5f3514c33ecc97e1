import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { RolePolicy } from '@ehr/policy';
import express from 'express';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { DataSource } from 'typeorm';
import type { TlsSettings } from '../config/tls.js';
import { maskErrors, RequestRefused } from '../errors/index.js';
import { listen, type RunningHttp } from './http.js';
import type { Identity } from '../security/identity.js';
import { requestBinding, type InternalTokenClaims, type InternalTokenVerifier } from '../security/internal-token.js';
import { SeenTokens } from '../security/seen-tokens.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { requestMetricsPlugin } from './request-metrics.js';
import { clearOperationFastPath, operationAccessPlugin } from '../security/operation-access.js';
import { policyShield } from '../security/shield.js';
import { placeRows, rootArgumentsMiddleware } from '../audit-client/placement.js';
import { deidMiddleware, maskingMiddleware, uncoveredQuasiIdentifiers, type DeidOverrides } from '../phi/middleware.js';
import { readPhiClasses, unclassifiedFields, type PhiClass } from '../phi/classification.js';
import { databaseReady, StartupError } from '../db/database.js';
import type { Pseudonymizer } from '../phi/deid.js';

/** What the HTTP layer hands the context builder once the internal token checks out. */
export interface RequestInfo {
  requestId: string;
  identity: Identity;
  /** The verified internal token, for this subgraph's own calls to another (care-team scope). */
  internalToken: string;
  /** The `Type.field` keys the schema's @phi gives a mask style (for Access.decide). */
  maskable: ReadonlySet<string>;
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
  policy: RolePolicy;
  verifier: InternalTokenVerifier;
  /** Record-id pseudonyms for de-identified requests. */
  pseudonyms: Pseudonymizer;
  restrictedZip3?: readonly string[];
  /** De-identified fields served from elsewhere than their source (the patient subgraph's k-anonymous release). */
  deidOverrides?: DeidOverrides;
  /** Types whose de-identified quasi-identifiers must all come from deidOverrides (a release). */
  releaseGoverns?: readonly string[];
  /** Builds the per-request context: fresh DataLoaders every time. */
  context: (info: RequestInfo) => TContext | Promise<TContext>;
  /** Note which row stands at which response path, for records built from the response (placeRows). */
  placeRows?: boolean;
  /** Extra Apollo plugins (the audit plugin of the data subgraphs). */
  plugins?: (classes: Map<string, PhiClass>) => ApolloServerPlugin<TContext>[];
  /** Runs at stop, after the server stops taking requests (drain the audit spool). */
  onStop?: () => Promise<void>;
  /** More to show on /readyz (the audit quarantine); it does not decide readiness. */
  readiness?: () => Record<string, unknown>;
  /** Extra routes (internal endpoints of the subgraph), mounted before /graphql. */
  routes?: (app: express.Express) => void;
}

export interface SubgraphServer {
  app: express.Express;
  schema: GraphQLSchema;
  /** HTTPS when `tls` has a certificate and key (mutual TLS when it requires client certificates). */
  listen(host: string, port: number, tls?: TlsSettings, keepAliveTimeoutMs?: number): Promise<RunningHttp>;
  stop(): Promise<void>;
}

/** 401 with a fixed body: a caller without a valid internal token learns nothing more. */
function refuse(res: express.Response): void {
  const refused = new RequestRefused('UNAUTHENTICATED', 'Internal token required');
  res.status(refused.status).set('WWW-Authenticate', 'Bearer realm="ehr-internal"').json(refused.body());
}

/** Reads and verifies the gateway's internal token for this subgraph; refuses the request otherwise. */
export function requireInternalToken(verifier: InternalTokenVerifier, audience: string | string[], logger: Logger) {
  return async (req: express.Request, res: express.Response, next: express.NextFunction) => {
    const header = req.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token || token.length > 16_384) return refuse(res);
    try {
      const claims = await verifier.verifyClaims(token, audience);
      res.locals.identity = claims.identity;
      res.locals.internalToken = token;
      res.locals.tokenClaims = claims;
      next();
    } catch (err) {
      logger.warn({ reason: (err as Error).message }, 'internal token refused');
      refuse(res);
    }
  };
}

/**
 * On /graphql, after the body is read: the internal token must be bound to this very request
 * (its operation and variables) and not have been used before. A token captured on the wire is
 * then good for nothing: not another query, not the same one again. Tokens for internal routes
 * (care-team questions a subgraph asks on behalf of a request) carry no binding and are not
 * taken here.
 */
export function requireBoundRequest(seen: SeenTokens, logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const claims = res.locals.tokenClaims as InternalTokenClaims | undefined;
    const body = req.body as { query?: unknown; variables?: unknown } | undefined;
    if (!claims?.binding || !claims.jti || claims.binding !== requestBinding(body?.query, body?.variables)) {
      logger.warn({ reason: 'binding' }, 'internal token refused: not minted for this request');
      return refuse(res);
    }
    if (!seen.first(claims.jti, claims.exp)) {
      logger.warn({ reason: 'replay' }, 'internal token refused: already used');
      return refuse(res);
    }
    next();
  };
}

/**
 * Builds a subgraph: Apollo Server over the subgraph schema, guarded by the policy's shield, at
 * POST /graphql behind the internal-token check; plus /healthz, /readyz and /metrics.
 */
export async function createSubgraphServer<TContext extends BaseContext>(
  opts: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const base = buildSubgraphSchema([{ typeDefs: opts.typeDefs, resolvers: opts.resolvers as never }]);
  const { classes, problems } = readPhiClasses(base);
  const unclassified = [
    ...unclassifiedFields(base, classes).map((f) => `${f} has no @phi classification`),
    ...uncoveredQuasiIdentifiers(classes, opts.deidOverrides, opts.releaseGoverns).map(
      (f) => `${f} is a quasi-identifier the analyst schema shows outside the k-anonymous release`,
    ),
  ];
  if (problems.length + unclassified.length > 0)
    throw new StartupError(`invalid @phi classification: ${[...problems, ...unclassified].join('; ')}`);
  const maskable: ReadonlySet<string> = new Set([...classes].filter(([, c]) => c.mask !== undefined).map(([k]) => k));
  if (opts.placeRows) placeRows(base);
  // Outermost first: an operation whose every field the policy grants in the clear skips the
  // per-field wrappers (decided once per operation, see operation-access.ts); otherwise
  // de-identification, the policy shield, then masking wrap the field's own resolver.
  const schema = applyMiddleware(
    base,
    clearOperationFastPath(base),
    deidMiddleware(base, classes, opts.pseudonyms, opts.restrictedZip3, opts.deidOverrides),
    // Before the shield: a refused root field is still recorded against the record it named.
    ...(opts.placeRows ? [rootArgumentsMiddleware(base)] : []),
    policyShield(base, opts.policy, opts.logger),
    maskingMiddleware(classes),
  );
  const apollo = new ApolloServer<TContext>({
    schema,
    introspection: opts.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: maskErrors(opts.logger),
    // runMain stops the service on SIGTERM/SIGINT (the audit journal drains first); Apollo's own
    // handler would stop it and re-raise the signal, killing the process before the drain.
    stopOnTerminationSignals: false,
    // Inline traces would send per-field timings (and error text) to the gateway: off.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      requestMetricsPlugin(opts.name, opts.metrics),
      operationAccessPlugin() as never,
      ...(opts.plugins?.(classes) ?? []),
    ],
  });
  await apollo.start();

  const seen = new SeenTokens();
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await databaseReady(opts.dataSource);
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', database: ready, ...opts.readiness?.() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  opts.routes?.(app);
  app.use(
    '/graphql',
    requireInternalToken(opts.verifier, opts.name, opts.logger),
    express.json({ limit: '1mb' }),
    requireBoundRequest(seen, opts.logger),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const identity = res.locals.identity as Identity;
        return opts.context({
          requestId: identity.requestId,
          identity,
          internalToken: res.locals.internalToken,
          maskable,
        });
      },
    }),
  );
  app.use(unknownRoute());
  app.use(jsonErrors(opts.logger));

  let running: RunningHttp | undefined;
  return {
    app,
    schema,
    async listen(host, port, tls, keepAliveTimeoutMs) {
      running = await listen(app, host, port, tls, keepAliveTimeoutMs);
      return running;
    },
    async stop() {
      await running?.close();
      await apollo.stop();
      await opts.onStop?.();
      if (opts.dataSource.isInitialized) await opts.dataSource.destroy();
    },
  };
}

/**
 * Any path or method nothing serves: a JSON 404 (express's own page is HTML that repeats the
 * path the client sent).
 */
export function unknownRoute(): express.RequestHandler {
  return (_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  };
}

/** Malformed JSON bodies and other HTTP-level faults: a clear message, never a stack. */
export function jsonErrors(logger: Logger): express.ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ errorName: err?.name }, 'http request failed');
    const message =
      status === 413 ? 'Request body too large' : status < 500 ? 'Malformed request body' : 'Internal server error';
    // The body parser's own status (413, 415, 400) is kept; the code is the catalogue's.
    const refused = new RequestRefused(status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR', message);
    res.status(status).json(refused.body());
  };
}
