import { bootSubgraph, createLogger, requestBinding, type SubgraphName, type SubgraphServer } from '@ehr/common';
import { auditSubgraph } from '@ehr/subgraph-audit';
import { medicationSubgraph } from '@ehr/subgraph-medication';
import { notesSubgraph } from '@ehr/subgraph-notes';
import { patientSubgraph } from '@ehr/subgraph-patient';
import { generateSeedData, type SeedData } from '../../tools/src/seed/generate';
import { writeSeedData } from '../../tools/src/seed/write';
import type { Identity } from '@ehr/common';
import type { TestDatabase } from './database';
import type { GraphQLResponse } from './stack';
import { internalTokens } from './tokens';

const SPECS = { patient: patientSubgraph, medication: medicationSubgraph, notes: notesSubgraph, audit: auditSubgraph };

export interface RunningSubgraph {
  server: SubgraphServer;
  url: string;
  /** A GraphQL request carrying an internal token for `identity`, as the gateway would send it. */
  query<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> | undefined,
    identity: Identity,
  ): Promise<GraphQLResponse<T>>;
  /** For a subgraph that records access: waits until everything it journaled is committed by the audit subgraph. */
  auditSettled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** One subgraph in this process, on its test database, behind real HTTP on a free port. */
export async function runSubgraph(
  name: SubgraphName,
  db: TestDatabase,
  env: Record<string, string> = {},
): Promise<RunningSubgraph> {
  const spec = SPECS[name];
  const config = spec.loadConfig({ ...db.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
  const server = await bootSubgraph(spec as never, { ...config, database: db.config } as never);
  const { url } = await server.listen('127.0.0.1', 0);
  const sign = await internalTokens(db.config.dataDir);
  return {
    server,
    url,
    async query(query, variables, identity) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await sign(identity, name, requestBinding(query, variables))}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GraphQLResponse['body'] } as never;
    },
    async auditSettled(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ready = (await (await fetch(`${url}/readyz`)).json()) as { auditJournalRecords?: number };
        if (!ready.auditJournalRecords) return;
        if (Date.now() > deadline) throw new Error(`${name}'s audit journal still holds ${ready.auditJournalRecords}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => server.stop(),
  };
}

export async function seed(db: TestDatabase, patients: number, seedValue = 11): Promise<SeedData> {
  const data = generateSeedData({ patients, seed: seedValue });
  await writeSeedData(data, db.config, createLogger('test-seed', 'silent'), seedValue);
  return data;
}
