import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { RolePolicy } from '@ehr/policy';
import type express from 'express';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { auditPlugin } from '../audit-client/plugin.js';
import { AccessCollector } from '../audit-client/collector.js';
import { loadIngestKey } from '../audit-client/record.js';
import { AuditShipper } from '../audit-client/shipper.js';
import type { SubgraphName } from '../config/services.js';
import type { SubgraphConfig } from '../config/subgraph.js';
import { openDatabase } from '../db/database.js';
import type { StoredTable } from '../crypto/sealed-columns.js';
import { openSealing, type Sealing } from '../crypto/sealing.js';
import { loadDeidKey, Pseudonymizer } from '../phi/deid.js';
import { accessFor, type Access } from '../security/access.js';
import { remoteCareTeamCheck } from '../security/care-team-client.js';
import type { Identity } from '../security/identity.js';
import type { DeidOverrides } from '../phi/middleware.js';
import { InternalTokenVerifier } from '../security/internal-token.js';
import { devKeyPair, readPublicKey } from '../security/keys.js';
import { RecordScope, type CareTeamCheck } from '../security/scope.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type ServiceMetrics } from './metrics.js';
import { readSchema } from './schema-file.js';
import { createSubgraphServer, type RequestInfo, type SubgraphServer } from './subgraph-server.js';

/** What every subgraph's context starts from: who asks, what the policy lets them see, which records. */
export interface BaseSubgraphContext {
  requestId: string;
  identity: Identity;
  access: Access;
  scope: RecordScope;
  /** What this request touched, for the audit trail (filled by the loaders). */
  audit: AccessCollector;
  /** The request's verified internal token, for this subgraph's own calls on its behalf. */
  internalToken: string;
}

/** What a subgraph is built from: opened once at boot and handed to its `build`. */
export interface SubgraphDeps<TConfig extends SubgraphConfig = SubgraphConfig> {
  db: DataSource;
  config: TConfig;
  policy: RolePolicy;
  logger: Logger;
  verifier: InternalTokenVerifier;
  /** Field encryption, when the subgraph stores sealed columns (blind indexes for search). */
  sealing: Sealing | undefined;
  /** The service's metrics, served on /metrics: what build() starts may count there too. */
  metrics: ServiceMetrics;
  /** Record-id pseudonyms for de-identified requests (the analyst's listing is ordered by them). */
  pseudonyms: Pseudonymizer;
}

/** What a subgraph's `build` returns: its per-request context and whatever else it runs. */
export interface SubgraphParts<TContext extends BaseContext> {
  /** Builds the per-request context: fresh DataLoaders every time. */
  context: (base: BaseSubgraphContext) => TContext | Promise<TContext>;
  /** Answers care-team questions from this subgraph's own tables; unset means ask the patient subgraph. */
  careTeamCheck?: CareTeamCheck;
  /** Extra routes (internal endpoints), mounted before /graphql. */
  routes?: (app: express.Express) => void;
  /** Extra Apollo plugins. */
  plugins?: ApolloServerPlugin<TContext>[];
  /** Closes every timer and connection `build` opened; runs after the server stops taking requests. */
  stop?: () => Promise<void>;
  /** De-identified fields this subgraph serves from elsewhere than their source (its k-anonymous release). */
  deidOverrides?: DeidOverrides;
  /** Types whose de-identified quasi-identifiers must all come from deidOverrides (a release). */
  releaseGoverns?: readonly string[];
}

/** What makes one subgraph: its contract, its tables, its settings and how it is built. */
export interface SubgraphSpec<TContext extends BaseContext, TConfig extends SubgraphConfig = SubgraphConfig> {
  name: SubgraphName;
  schemaFile: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  resolvers: unknown;
  /** Reads and validates this subgraph's configuration, every problem at once. */
  loadConfig: (env?: NodeJS.ProcessEnv) => TConfig;
  /**
   * Whether what it serves is recorded through the audit client (every data subgraph). The
   * audit subgraph is the recorder and records its own reads itself.
   */
  recordsAccess: boolean;
  /** Root fields that read many records at once as counts: recorded even when no single record is touched. */
  aggregateFields?: readonly string[];
  /**
   * Where its schema's fields are stored (entity property, column, schema coordinate): the
   * columns whose fields @phi classifies as identifying are sealed (field encryption).
   */
  stores?: readonly StoredTable[];
  build: (deps: SubgraphDeps<TConfig>) => SubgraphParts<TContext> | Promise<SubgraphParts<TContext>>;
}

/** The key that verifies the gateway's internal tokens: configured, or the development pair. */
export async function internalVerifier(config: SubgraphConfig): Promise<InternalTokenVerifier> {
  const file = config.internalPublicKeyFile ?? (await devKeyPair(config.database.dataDir, 'internal')).publicFile;
  return new InternalTokenVerifier(await readPublicKey(file));
}

/** Opens the subgraph's own database (migrating it), builds its parts and its server. */
export async function bootSubgraph<TContext extends BaseContext, TConfig extends SubgraphConfig>(
  spec: SubgraphSpec<TContext, TConfig>,
  config: TConfig,
): Promise<SubgraphServer> {
  const logger = createLogger(spec.name, config.logLevel);
  const metrics = createMetrics(spec.name);
  const policy = RolePolicy.load(config.policyFile);
  const verifier = await internalVerifier(config);
  const pseudonyms = new Pseudonymizer(loadDeidKey(config.deidKeyFile, config.database.dataDir));
  const sealing = spec.stores
    ? await openSealing(spec.stores, spec.schemaFile, config.keys, config.database.dataDir, logger)
    : undefined;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase({
      subgraph: spec.name,
      config: config.database,
      entities: spec.entities,
      migrations: spec.migrations,
      logger,
      metrics,
      subscribers: sealing ? [sealing.subscriber] : [],
    });
  } catch (err) {
    await sealing?.close();
    throw err;
  }
  try {
    await sealing?.checkKeyringFits(db);
  } catch (err) {
    await db.destroy();
    await sealing?.close();
    throw err;
  }
  let parts: SubgraphParts<TContext>;
  try {
    parts = await spec.build({ db, config, policy, logger, verifier, sealing, metrics, pseudonyms });
  } catch (err) {
    await db.destroy();
    await sealing?.close();
    throw err;
  }
  // Whatever fails from here on (a key file, the schema's @phi, Apollo's start) leaves nothing
  // running: what build() started is stopped and the database closed before the error goes up.
  let shipper: AuditShipper | undefined;
  try {
    shipper = spec.recordsAccess
      ? new AuditShipper({
          endpoint: AuditShipper.endpointFor(config.auditUrl),
          key: loadIngestKey(config.auditIngestKeyFile, config.database.dataDir),
          dataDir: config.database.dataDir,
          subgraph: spec.name,
          logger,
          alertWebhookUrl: config.alertWebhookUrl,
          shipEveryMs: config.auditShipIntervalMs,
        })
      : undefined;
    const recorder = shipper;
    const readiness = recorder?.instrument(metrics.registry);
    return await createSubgraphServer({
      name: spec.name,
      typeDefs: readSchema(spec.schemaFile),
      resolvers: spec.resolvers,
      dataSource: db,
      logger,
      metrics,
      policy,
      verifier,
      pseudonyms,
      restrictedZip3: config.restrictedZip3,
      deidOverrides: parts.deidOverrides,
      releaseGoverns: parts.releaseGoverns,
      introspection: config.nodeEnv !== 'production',
      routes: parts.routes,
      readiness,
      placeRows: recorder !== undefined,
      plugins: (classes) => [
        ...(recorder
          ? [
              auditPlugin({
                subgraph: spec.name,
                shipper: recorder,
                classes,
                logger,
                aggregateFields: spec.aggregateFields ?? [],
              }) as never,
            ]
          : []),
        ...(parts.plugins ?? []),
      ],
      onStop: async () => {
        await recorder?.drain();
        await parts.stop?.();
        await sealing?.close();
      },
      context: (info: RequestInfo) => {
        const check = parts.careTeamCheck ?? remoteCareTeamCheck(config.patientUrl, info.internalToken);
        return parts.context({
          requestId: info.requestId,
          identity: info.identity,
          access: accessFor(policy, info.identity.roles, info.maskable),
          scope: new RecordScope(info.identity, check),
          audit: new AccessCollector(),
          internalToken: info.internalToken,
        });
      },
    });
  } catch (err) {
    await shipper?.drain().catch(() => undefined);
    await parts.stop?.().catch(() => undefined);
    if (db.isInitialized) await db.destroy();
    await sealing?.close().catch(() => undefined);
    throw err;
  }
}
