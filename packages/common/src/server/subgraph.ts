import type { BaseContext } from '@apollo/server';
import { RolePolicy } from '@ehr/policy';
import type express from 'express';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import { accessFor, type Access } from '../security/access.js';
import { AccessCollector } from '../audit-client/collector.js';
import { auditPlugin } from '../audit-client/plugin.js';
import { loadIngestKey } from '../audit-client/record.js';
import { AuditShipper } from '../audit-client/shipper.js';
import { remoteCareTeamCheck } from '../security/care-team-client.js';
import type { ServiceConfig, SubgraphName } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import type { Identity } from '../security/identity.js';
import { InternalTokenVerifier } from '../security/internal-token.js';
import { devKeyPair, readPublicKey } from '../security/keys.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { readSchema } from './schema-file.js';
import { RecordScope, type CareTeamCheck } from '../security/scope.js';
import { loadDeidKey, Pseudonymizer } from '../phi/deid.js';
import { createSubgraphServer, type RequestInfo, type SubgraphServer } from './subgraph-server.js';

/** What every subgraph's context starts from: who asks, what the policy lets them see, which records. */
export interface BaseSubgraphContext {
  requestId: string;
  identity: Identity;
  access: Access;
  scope: RecordScope;
  /** What this request touched, for the audit trail (filled by the loaders). */
  audit: AccessCollector;
}

export interface SubgraphDeps {
  db: DataSource;
  config: ServiceConfig;
  policy: RolePolicy;
  logger: Logger;
  verifier: InternalTokenVerifier;
}

/** What makes one subgraph: its contract, its tables and its resolvers. */
export interface SubgraphSpec<TContext extends BaseContext> {
  name: SubgraphName;
  schemaFile: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  resolvers: unknown;
  context: (deps: SubgraphDeps) => (base: BaseSubgraphContext) => TContext | Promise<TContext>;
  /** The patient subgraph answers care-team questions from its own tables; others ask it. */
  careTeamCheck?: (deps: SubgraphDeps) => CareTeamCheck;
  routes?: (deps: SubgraphDeps) => (app: express.Express) => void;
}

/** The key that verifies the gateway's internal tokens: configured, or the development pair. */
export async function internalVerifier(config: ServiceConfig): Promise<InternalTokenVerifier> {
  const file = config.internalPublicKeyFile ?? (await devKeyPair(config.database.dataDir, 'internal')).publicFile;
  return new InternalTokenVerifier(await readPublicKey(file));
}

/** Opens the subgraph's own database (migrating it) and builds its server. */
export async function bootSubgraph<TContext extends BaseContext>(
  spec: SubgraphSpec<TContext>,
  config: ServiceConfig,
): Promise<SubgraphServer> {
  const logger = createLogger(spec.name, config.logLevel);
  const metrics = createMetrics(spec.name);
  const policy = RolePolicy.load(config.policyFile);
  const verifier = await internalVerifier(config);
  const db = await openDatabase({
    subgraph: spec.name,
    config: config.database,
    entities: spec.entities,
    migrations: spec.migrations,
    logger,
    metrics,
  });
  const deps: SubgraphDeps = { db, config, policy, logger, verifier };
  const build = spec.context(deps);
  const localCheck = spec.careTeamCheck?.(deps);
  // Every data subgraph records what it serves; the audit subgraph is the recorder itself.
  const shipper =
    spec.name === 'audit'
      ? undefined
      : new AuditShipper(
          AuditShipper.endpointFor(config.auditUrl),
          loadIngestKey(config.auditIngestKeyFile, config.database.dataDir),
          config.database.dataDir,
          spec.name,
          logger,
          config.alertWebhookUrl,
        );
  return createSubgraphServer({
    name: spec.name,
    typeDefs: readSchema(spec.schemaFile),
    resolvers: spec.resolvers,
    dataSource: db,
    logger,
    metrics,
    policy,
    verifier,
    pseudonyms: new Pseudonymizer(loadDeidKey(config.deidKeyFile, config.database.dataDir)),
    restrictedZip3: config.restrictedZip3,
    introspection: config.nodeEnv !== 'production',
    routes: spec.routes?.(deps),
    plugins: (classes) => (shipper ? [auditPlugin({ subgraph: spec.name, shipper, classes, logger }) as never] : []),
    onStop: async () => shipper?.drain(),
    context: (info: RequestInfo) => {
      const check = localCheck ?? remoteCareTeamCheck(config.patientUrl, info.internalToken);
      return build({
        requestId: info.requestId,
        identity: info.identity,
        access: accessFor(policy, info.identity.roles),
        scope: new RecordScope(info.identity, check),
        audit: new AccessCollector(),
      });
    },
  });
}
