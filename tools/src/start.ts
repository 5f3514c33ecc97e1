import { parseArgs } from 'node:util';
import {
  devKeyPair,
  loadSubgraphConfig,
  peerClient,
  SERVICES,
  servesTls,
  SUBGRAPHS,
  describeDatabase,
  type TlsSettings,
} from '@ehr/common';
import { loadGatewayConfig } from '@ehr/gateway';
import { SEED_ENTRY, SERVICE_ENTRY } from './paths.js';
import { startChild, stopAll, waitReady, type Child } from './process-group.js';
import { localTls } from './tls-certs.js';

/**
 * `npm start`: seeds an empty database, starts the four subgraphs, waits until each is ready,
 * starts the gateway, prints the endpoints. Ctrl-C (or SIGTERM) stops every process it started.
 *
 * Plain HTTP on this machine by default. `npm start -- --tls` makes a local CA and a certificate
 * for localhost under DATA_DIR/tls (once) and starts every service with HTTPS (TLS 1.3): the
 * gateway with HSTS, the subgraphs requiring client certificates of that CA (mutual TLS), every
 * call between services pinned to it. TLS_* keys set in the environment are used as they are.
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
    const { values: args } = parseArgs({ options: { tls: { type: 'boolean', default: false } }, strict: true });
    const base = loadSubgraphConfig('patient');
    const gatewayConfig = loadGatewayConfig();
    const host = base.host === '0.0.0.0' ? '127.0.0.1' : base.host;
    const ports = Object.fromEntries(
      SUBGRAPHS.map((s) => [s, Number(process.env[`${s.toUpperCase()}_PORT`] ?? SERVICES[s])]),
    ) as Record<(typeof SUBGRAPHS)[number], number>;
    let tls: TlsSettings = gatewayConfig.tls;
    let tlsEnv: Record<string, string> = {};
    if (args.tls) {
      const local = await localTls(base.database.dataDir);
      tls = { certFile: local.certFile, keyFile: local.keyFile, caFile: local.caFile, requireClientCerts: false };
      tlsEnv = { TLS_CERT_FILE: local.certFile, TLS_KEY_FILE: local.keyFile, TLS_CA_FILE: local.caFile };
      process.stdout.write(`tls: ${local.created ? 'made a local CA and certificate' : 'using'} ${local.dir}\n`);
    }
    const scheme = servesTls(tls) ? 'https' : 'http';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...tlsEnv,
      ...Object.fromEntries(
        SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `${scheme}://${host}:${ports[s]}/graphql`]),
      ),
    };
    // With --tls the subgraphs take calls only from holders of a certificate of the local CA (the
    // gateway and each other); the gateway, the front door, takes any client (tokens decide).
    const subgraphEnv: NodeJS.ProcessEnv = args.tls ? { ...env, TLS_CLIENT_CERTS: 'require' } : env;
    // The launcher's own readiness polls trust that CA and show the certificate, as a service would.
    const peers = peerClient(tls);

    process.stdout.write(`database: ${describeDatabase(base.database, '*')}\n`);
    // Development keys are made once, here, before the services that share them start.
    if (!base.internalPublicKeyFile) await devKeyPair(base.database.dataDir, 'internal');
    const seed = startChild('seed', SEED_ENTRY, env, ['--if-empty', '--patients', '50']);
    children.push(seed);
    if ((await seed.exited) !== 0) throw new Error('seeding failed');
    children.pop();

    for (const s of SUBGRAPHS) children.push(startChild(s, SERVICE_ENTRY[s], subgraphEnv));
    await Promise.all(
      SUBGRAPHS.map((s, i) =>
        waitReady(children[i]!, `${scheme}://${host}:${ports[s]}/readyz`, undefined, peers.fetch),
      ),
    );
    const gateway = startChild('gateway', SERVICE_ENTRY.gateway, env);
    children.push(gateway);
    const gw = `${scheme}://${host === '127.0.0.1' ? 'localhost' : host}:${gatewayConfig.port}`;
    await waitReady(gateway, `${gw}/readyz`, undefined, peers.fetch);
    await peers.close();

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
        ...SUBGRAPHS.map((s) => `  ${`${s} subgraph`.padEnd(20)}${`${scheme}://${host}:${ports[s]}/graphql`}`),
        ...(tls.caFile && scheme === 'https'
          ? [
              '',
              `HTTPS only (TLS 1.3). Trust this CA: ${tls.caFile}`,
              `  (curl --cacert ${tls.caFile} ...; NODE_EXTRA_CA_CERTS=${tls.caFile} for Node clients)`,
              ...(args.tls ? ['  the subgraphs take calls only with a certificate of that CA (mutual TLS)'] : []),
            ]
          : []),
        '',
        'Every request needs a bearer token and an x-hipaa-audit-id header. Development tokens:',
        '  TOKEN=$(npm run token -- --role physician)        # roles: physician nurse billing patient auditor admin',
        '  npm run token -- --list --json                     # the demo identities',
        'Try:',
        `  curl -s ${tls.caFile && scheme === 'https' ? `--cacert ${tls.caFile} ` : ''}${gw}/graphql -H "authorization: Bearer $TOKEN" -H 'x-hipaa-audit-id: demo-1' \\`,
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
