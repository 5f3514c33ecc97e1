import { registeredNames, trustedDocuments } from './trusted-documents.js';
import { Histogram } from 'prom-client';
import { fieldShapes } from './partial-answers.js';
import { deidentificationExtensionPlugin } from './deidentification-extension.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  AuditShipper,
  createLogger,
  createMetrics,
  devKeyPair,
  HSTS_HEADER,
  InternalTokenSigner,
  jsonErrors,
  unknownRoute,
  listen,
  loadIngestKey,
  peerClient,
  readPrivateKey,
  requestMetricsPlugin,
  servesTls,
  type Identity,
  type RunningHttp,
  type SubgraphName,
  recordedActorId,
} from '@ehr/common';
import express from 'express';
import { authenticate, type Authenticated } from './auth/authenticate.js';
import { DisabledAccounts } from './auth/disabled-accounts.js';
import { MemorySessionStore, RedisSessionStore, type SessionStore } from './auth/session-store.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { RefusalRecorder, refusedOperationsPlugin } from './refusals.js';
import { analystSupergraph } from './analyst-supergraph.js';
import { gatewayFormatError } from './errors.js';
import { GrantLookup } from './grants.js';
import { checkSubgraphs } from './readiness.js';
import { sessionPlugin } from './session-plugin.js';
import { SubgraphSource } from './subgraph-source.js';
import { queryProtection, tokenLimit } from './query-limits.js';
import { RateLimiter } from './rate-limit.js';
import { readSupergraph } from './supergraph.js';

/** The identity the gateway vouches for in internal tokens, from what the front door verified. */
function identityOf(auth: Authenticated, endpoint: Pick<Identity, 'roles' | 'deidentified'>): Identity {
  const { claims } = auth;
  return {
    sub: claims.sub,
    ...endpoint,
    // The patient and practitioner scope only mean something on the clinical endpoint.
    ...(endpoint.deidentified ? {} : { patientId: claims.patientId, practitionerId: claims.practitionerId }),
    sid: claims.sid,
    auditId: auth.auditId,
    requestId: auth.requestId,
    clientIp: auth.clientIp,
    userAgent: auth.userAgent,
    breakGlass: [],
  };
}

export interface Gateway {
  app: express.Express;
  sessions: SessionStore;
  /** HTTPS (TLS 1.3, HSTS) when the config has a certificate and key; plain HTTP otherwise. */
  listen(host: string, port: number): Promise<RunningHttp>;
  stop(): Promise<void>;
}

export interface GatewayDeps {
  supergraphSdl?: string;
  /** Milliseconds since the epoch; tests inject a clock instead of sleeping. */
  clock?: () => number;
  sessions?: SessionStore;
  rateLimiter?: RateLimiter;
  failureLimiter?: RateLimiter;
}

/**
 * The gateway: authenticates each caller, keeps their session, signs an internal token per
 * subgraph, and plans each query over the committed supergraph. Serves POST /graphql (clinical),
 * POST /analytics/graphql (de-identified, analysts only), GET /healthz, /readyz and /metrics.
 */
export async function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = createLogger('gateway', config.logLevel);
  const metrics = createMetrics('gateway');
  const clock = deps.clock ?? Date.now;
  const verifier = await TokenVerifier.create(config.auth, config.database.dataDir, clock);
  const keyFile = config.internalPrivateKeyFile ?? (await devKeyPair(config.database.dataDir, 'internal')).privateFile;
  const signer = new InternalTokenSigner(await readPrivateKey(keyFile));
  // Calls to the subgraphs (GraphQL, readiness, grants, disabled accounts, refusal records): over
  // https, only a subgraph with a certificate of the pinned CA is trusted (TLS_CA_FILE).
  const peers = peerClient(config.tls);
  const sessions =
    deps.sessions ?? (config.redisUrl ? new RedisSessionStore(config.redisUrl) : new MemorySessionStore());
  const grants = new GrantLookup(config.subgraphUrls.audit, signer, sessions, 5000, peers.fetch);
  const rateLimiter =
    deps.rateLimiter ??
    new RateLimiter({
      points: config.rateLimitPerMinute,
      durationS: 60,
      redisUrl: config.redisUrl,
      keyPrefix: 'ehr:rate',
    });
  // Refused requests per client address: a stolen or forged token cannot be tried endlessly.
  const failureLimiter =
    deps.failureLimiter ??
    new RateLimiter({
      points: config.authFailuresPerMinute,
      durationS: 60,
      redisUrl: config.redisUrl,
      keyPrefix: 'ehr:authfail',
    });
  const production = config.nodeEnv === 'production';
  const operationNames = registeredNames(config.trustedDocuments.file);
  const subgraphLatency = new Histogram({
    name: 'ehr_gateway_subgraph_request_duration_seconds',
    help: 'Calls from the gateway to each subgraph, by outcome (ok, error, unavailable)',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  const protection = queryProtection<GatewayContext>(config.queryLimits, production);
  const disabled = new DisabledAccounts(config.subgraphUrls.audit, signer, logger, 2000, peers.fetch);
  // Refusals are security events: recorded through the same durable path as every access record.
  const shipper = new AuditShipper({
    endpoint: AuditShipper.endpointFor(config.subgraphUrls.audit),
    key: loadIngestKey(config.auditIngestKeyFile, config.database.dataDir),
    dataDir: config.database.dataDir,
    subgraph: 'gateway',
    logger,
    alertWebhookUrl: config.alertWebhookUrl,
    shipEveryMs: config.auditShipIntervalMs,
    fetchPeer: peers.fetch,
  });
  const auditReadiness = shipper.instrument(metrics.registry);
  // Started once the journal is open: a start refused there (another writer) leaves no poller behind.
  disabled.start();
  const refusals = new RefusalRecorder(shipper, logger, metrics, undefined, clock);

  const buildService = ({ name }: { name: string }) => {
    const url = config.subgraphUrls[name as SubgraphName];
    if (!url) throw new Error(`supergraph names an unknown subgraph: ${name}`);
    return new SubgraphSource(name, url, config.subgraphTimeoutMs, signer, peers.fetch, shapes, subgraphLatency);
  };
  const supergraphSdl = deps.supergraphSdl ?? readSupergraph();
  const shapes = fieldShapes(supergraphSdl);
  // @apollo/gateway reports usage metrics (host and OS details) to Apollo's servers unless this is
  // set. A hospital's gateway calls nobody outside the stack: always off, whatever the environment says.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({ supergraphSdl, buildService });
  // The analysts' gateway plans over a supergraph without the identifier fields (see analyst-supergraph.ts).
  const analystGateway = new ApolloGateway({ supergraphSdl: analystSupergraph(supergraphSdl), buildService });
  // The clinical and the analyst endpoint differ in what they plan over and in their plugins only.
  const graphqlServer = async (
    over: ApolloGateway,
    metricsName: string,
    plugins: ApolloServerPlugin<GatewayContext>[] = [],
  ) => {
    const server = new ApolloServer<GatewayContext>({
      gateway: over,
      introspection: config.nodeEnv !== 'production',
      includeStacktraceInErrorResponses: false,
      formatError: gatewayFormatError(logger, !production),
      // runMain stops the service on SIGTERM/SIGINT (the audit journal drains first); Apollo's own
      // handler would stop it and re-raise the signal, killing the process before the drain.
      stopOnTerminationSignals: false,
      validationRules: protection.validationRules,
      // Batches multiply every limit by their length: one operation per request.
      allowBatchedHttpRequests: false,
      // Operations by hash are the registered ones only (trusted-documents.ts): no client-side
      // registration (Apollo's automatic persisted queries would let anyone add to the cache).
      persistedQueries: false,
      plugins: [
        ...protection.plugins,
        ApolloServerPluginInlineTraceDisabled(),
        requestMetricsPlugin(metricsName, metrics, operationNames),
        refusedOperationsPlugin(),
        ...plugins,
      ],
    });
    await server.start();
    return server;
  };
  const apollo = await graphqlServer(gateway, 'gateway', [sessionPlugin(sessions, grants, logger)]);
  const analytics = await graphqlServer(analystGateway, 'gateway-analytics', [deidentificationExtensionPlugin()]);
  const front = (allowRoles: (roles: readonly string[]) => boolean) =>
    authenticate({
      verifier,
      sessions,
      idleTimeoutS: config.auth.sessionIdleTimeoutS,
      clock,
      logger,
      isDisabled: (sub) => disabled.has(recordedActorId(sub)),
      rateLimiter,
      failureLimiter,
      allowRoles,
      onRefused: (req, code, caller) => refusals.record(req, code, caller),
    });
  /** The refusal hook a request's context carries, for operations Apollo refuses before running. */
  const refusedHook = (req: express.Request, auth: Authenticated) => (code: string) =>
    refusals.record(req, code, { sub: auth.claims.sub, roles: auth.claims.roles });

  const registered = trustedDocuments(config.trustedDocuments, (req, code) =>
    refusals.record(req, code, (req.res?.locals.auth as Authenticated | undefined)?.claims),
  );
  const tokens = tokenLimit(config.queryLimits.maxTokens, (req) =>
    refusals.record(req, 'GRAPHQL_VALIDATION_FAILED', (req.res?.locals.auth as Authenticated | undefined)?.claims),
  );
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer, the client address audit records carry comes from X-Forwarded-For,
  // trusted only for the proxies named here (TRUST_PROXY); by default the socket address.
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);
  // Served over HTTPS, every answer tells browsers to come back over HTTPS only, for a year.
  if (servesTls(config.tls)) {
    app.use((_req, res, next) => {
      res.set('Strict-Transport-Security', HSTS_HEADER);
      next();
    });
  }
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const [r, store] = await Promise.all([checkSubgraphs(config.subgraphUrls, 2000, peers.fetch), sessions.ready()]);
    const ready = r.ready && store;
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', subgraphs: r.subgraphs, sessions: store, ...auditReadiness() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(
    '/graphql',
    // Analysts work on the de-identified endpoint only.
    front((roles) => roles.some((r) => r !== 'analyst')),
    express.json({ limit: '256kb' }),
    registered,
    tokens,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const auth = res.locals.auth as Authenticated;
        const identity = identityOf(auth, {
          roles: auth.claims.roles.filter((r) => r !== 'analyst'),
          deidentified: false,
        });
        try {
          identity.breakGlass = await grants.forIdentity(identity);
        } catch (err) {
          // Without the audit subgraph there are no grants: care-team access only (fails closed).
          logger.warn({ errorName: (err as Error).name }, 'break-glass grants unavailable');
        }
        return { requestId: auth.requestId, identity, refused: refusedHook(req, auth) };
      },
    }),
  );
  app.use(
    '/analytics/graphql',
    front((roles) => roles.includes('analyst')),
    express.json({ limit: '256kb' }),
    registered,
    tokens,
    expressMiddleware(analytics, {
      // Only the analyst role travels, and the subgraphs are told to de-identify everything.
      context: async ({ req, res }) => {
        const auth = res.locals.auth as Authenticated;
        const identity = identityOf(auth, { roles: ['analyst'], deidentified: true });
        return { requestId: auth.requestId, identity, refused: refusedHook(req, auth) };
      },
    }),
  );
  // A malformed or oversized body, refused by the body parser after the front door let it in.
  app.use(((err, req, res, next) => {
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status >= 400 && status < 500) {
      const auth = res.locals.auth as Authenticated | undefined;
      refusals.record(req, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', auth?.claims);
    }
    next(err);
  }) as express.ErrorRequestHandler);
  app.use(unknownRoute());
  app.use(jsonErrors(logger));

  let running: RunningHttp | undefined;
  return {
    app,
    sessions,
    async listen(host, port) {
      running = await listen(app, host, port, config.tls, config.httpKeepAliveTimeoutMs);
      return running;
    },
    async stop() {
      disabled.stop();
      await running?.close();
      await apollo.stop();
      await analytics.stop();
      await sessions.close();
      await rateLimiter.close();
      await failureLimiter.close();
      await shipper.drain();
      await peers.close();
    },
  };
}
