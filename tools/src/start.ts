import { devKeyPair, loadSubgraphConfig, SERVICES, SUBGRAPHS, describeDatabase } from '@ehr/common';
import { loadGatewayConfig } from '@ehr/gateway';
import { SEED_ENTRY, SERVICE_ENTRY } from './paths.js';
import { startChild, stopAll, waitReady, type Child } from './process-group.js';

/**
 * `npm start`: seeds an empty database, starts the four subgraphs, waits until each is ready,
 * starts the gateway, prints the endpoints. Ctrl-C (or SIGTERM) stops every process it started.
 */
async function main(): Promise<void> {
  const children: Child[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopAll(children);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const base = loadSubgraphConfig('patient');
    const gatewayConfig = loadGatewayConfig();
    const host = base.host === '0.0.0.0' ? '127.0.0.1' : base.host;
    const ports = Object.fromEntries(
      SUBGRAPHS.map((s) => [s, Number(process.env[`${s.toUpperCase()}_PORT`] ?? SERVICES[s])]),
    ) as Record<(typeof SUBGRAPHS)[number], number>;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `http://${host}:${ports[s]}/graphql`])),
    };

    process.stdout.write(`database: ${describeDatabase(base.database, '*')}\n`);
    // Development keys are made once, here, before the services that share them start.
    if (!base.internalPublicKeyFile) await devKeyPair(base.database.dataDir, 'internal');
    const seed = startChild('seed', SEED_ENTRY, env, ['--if-empty', '--patients', '50']);
    children.push(seed);
    if ((await seed.exited) !== 0) throw new Error('seeding failed');
    children.pop();

    for (const s of SUBGRAPHS) children.push(startChild(s, SERVICE_ENTRY[s], env));
    await Promise.all(SUBGRAPHS.map((s, i) => waitReady(children[i]!, `http://${host}:${ports[s]}/readyz`)));
    const gateway = startChild('gateway', SERVICE_ENTRY.gateway, env);
    children.push(gateway);
    const gw = `http://${host === '127.0.0.1' ? 'localhost' : host}:${gatewayConfig.port}`;
    await waitReady(gateway, `${gw}/readyz`);

    // Any service that dies takes the stack down with it: half a stack is worse than none.
    for (const c of children) {
      void c.exited.then((code) => {
        if (!stopping) {
          process.stderr.write(`${c.name} stopped unexpectedly (exit ${code}); stopping everything\n`);
          void shutdown(1);
        }
      });
    }
    process.stdout.write(
      [
        '',
        'EHR gateway is up.',
        `  clinical GraphQL   POST ${gw}/graphql`,
        `  health             GET  ${gw}/healthz   ${gw}/readyz   ${gw}/metrics`,
        ...SUBGRAPHS.map((s) => `  ${`${s} subgraph`.padEnd(19)}${`http://${host}:${ports[s]}/graphql`}`),
        '',
        'Every request needs a bearer token and an x-hipaa-audit-id header. Development tokens:',
        '  TOKEN=$(npm run token -- --role physician)        # roles: physician nurse billing patient auditor admin',
        '  npm run token -- --list --json                     # the demo identities',
        'Try:',
        `  curl -s ${gw}/graphql -H "authorization: Bearer $TOKEN" -H 'x-hipaa-audit-id: demo-1' \\`,
        `    -H 'content-type: application/json' \\`,
        `    -d '{"query":"{ me { sub roles } patients(first: 2) { nodes { name { family } medications { medication { display } } notes { type } } } }"}'`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`start: ${(err as Error).message}\n`);
    await shutdown(1);
  }
}

void main();
