import { createLogger, devKeyPair, SUBGRAPHS, type SubgraphName } from '@ehr/common';
import { SERVICE_ENTRY } from '../../tools/src/paths';
import { startChild, stopAll, waitReady, type Child } from '../../tools/src/process-group';
import { generateSeedData, type SeedData } from '../../tools/src/seed/generate';
import { writeSeedData } from '../../tools/src/seed/write';
import { testDatabase, type TestDatabase } from './database';
import { freePort } from './ports';
import { devTokens } from './tokens';

type ServiceName = SubgraphName | 'gateway';

/** Queries that read the audit trail: they wait for the senders' journals first (see auditSettled). */
const READS_TRAIL =
  /\b(auditEvents|accessHistory|securityIncidents|verifyAuditChain|auditInclusionProof|auditConsistencyProof|breakGlassReviews)\b/;

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

export interface Stack {
  url: string;
  ports: Record<ServiceName, number>;
  db: TestDatabase;
  data: SeedData;
  /**
   * A GraphQL request through the gateway as a demo identity (`physician-1`, ...) or with a raw
   * token; a fresh x-hipaa-audit-id unless one is given.
   */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: string | { token: string; auditId?: string },
  ): Promise<GraphQLResponse<T>>;
  /** A client token for a demo identity (or any claims). */
  token(sub: string, extra?: Record<string, unknown>): Promise<string>;
  tokens: Awaited<ReturnType<typeof devTokens>>;
  /** One counter from a service's /metrics. */
  metric(service: ServiceName, name: string): Promise<number>;
  /**
   * Waits until every running sender of audit records (the data subgraphs, the gateway) has had
   * everything it journaled committed by the audit subgraph: a read of the trail after this sees
   * every request answered before it. `query` does this itself before a query that reads the
   * trail (records reach it within AUDIT_SHIP_INTERVAL_MS, not before their response).
   */
  auditSettled(timeoutMs?: number): Promise<void>;
  output(service: ServiceName): string[];
  stopService(service: ServiceName): Promise<void>;
  startService(service: ServiceName, extraEnv?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  patients?: number;
  seed?: number;
  env?: Record<string, string>;
  db?: TestDatabase;
  /** Changes the generated data before it is written (extra care-team rows, ...). */
  arrange?: (data: SeedData) => void;
}

/**
 * The real stack for end-to-end tests: seeded databases, four subgraph processes and the gateway
 * process (the built dist/ code), each on a free port, talking real HTTP.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = options.db ?? testDatabase();
  const seedValue = options.seed ?? 7;
  const data = generateSeedData({ patients: options.patients ?? 20, seed: seedValue });
  options.arrange?.(data);
  await writeSeedData(data, db.config, createLogger('test-seed', 'silent'), seedValue);
  const tokens = await devTokens(db.config.dataDir);
  // The internal-token pair exists before any service starts, as the launcher does it.
  await devKeyPair(db.config.dataDir, 'internal');
  const names: ServiceName[] = [...SUBGRAPHS, 'gateway'];
  const ports = {} as Record<ServiceName, number>;
  for (const n of names) ports[n] = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    // Attack tests send many refused requests from 127.0.0.1; the per-address limit has its own test.
    AUTH_FAILURES_PER_MINUTE: '100000',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...db.env,
    ...Object.fromEntries(names.map((n) => [`${n.toUpperCase()}_PORT`, String(ports[n])])),
    ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${ports[s]}/graphql`])),
    ...options.env,
  };
  const children = new Map<ServiceName, Child>();
  const outputs = new Map<ServiceName, string[]>(names.map((n) => [n, []]));

  const startService = async (name: ServiceName, extraEnv: Record<string, string> = {}) => {
    const child = startChild(name, SERVICE_ENTRY[name], { ...env, ...extraEnv }, [], (line) =>
      outputs.get(name)?.push(line),
    );
    children.set(name, child);
    await waitReady(child, `http://127.0.0.1:${ports[name]}/readyz`, 30_000);
  };
  const stopService = async (name: ServiceName) => {
    const child = children.get(name);
    if (child) await stopAll([child]);
    children.delete(name);
  };

  try {
    await Promise.all(SUBGRAPHS.map((s) => startService(s)));
    await startService('gateway');
  } catch (err) {
    await stopAll([...children.values()]);
    const logs = [...outputs].map(([n, l]) => `${n}: ${l.join('\n')}`).join('\n');
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  const url = `http://127.0.0.1:${ports.gateway}/graphql`;
  const token = async (sub: string, extra: Record<string, unknown> = {}) => {
    const identity = data.identities.find((i) => i.sub === sub);
    if (!identity) throw new Error(`no demo identity ${sub}`);
    return tokens.forIdentity(identity, extra);
  };
  let audits = 0;
  const metric = async (service: ServiceName, name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${ports[service]}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const auditSettled = async (timeoutMs = 10_000) => {
    const senders = (['patient', 'medication', 'notes', 'gateway'] as const).filter((s) => children.has(s));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const waiting = await Promise.all(senders.map((s) => metric(s, 'ehr_audit_journal_records')));
      if (waiting.every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`audit journals still hold ${waiting.join('/')} records`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    url,
    ports,
    db,
    data,
    tokens,
    token,
    async query(query, variables, as = 'billing-1') {
      if (READS_TRAIL.test(query)) await auditSettled();
      const auth = typeof as === 'string' ? { token: await token(as), auditId: undefined } : as;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${auth.token}`,
          'x-hipaa-audit-id': auth.auditId ?? `e2e-${process.pid}-${++audits}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GraphQLResponse['body'] } as never;
    },
    metric,
    auditSettled,
    output: (service) => outputs.get(service) ?? [],
    stopService,
    startService,
    async stop() {
      await stopAll([...children.values()]);
      if (!options.db) await db.cleanup();
    },
  };
}
