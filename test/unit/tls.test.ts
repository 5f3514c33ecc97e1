import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSubgraphConfig, NO_TLS } from '@ehr/common';
import { loadGatewayConfig } from '@ehr/gateway';
import { loadAuditConfig } from '@ehr/subgraph-audit';
import { localTls } from '../../tools/src/tls-certs';
import { problemsOf } from '../helpers/config';

describe('TLS configuration (every service)', () => {
  it('is off by default: plain HTTP, no pinned CA', () => {
    expect(loadGatewayConfig({}).tls).toEqual(NO_TLS);
    expect(loadSubgraphConfig('patient', {}).tls).toEqual(NO_TLS);
    expect(loadAuditConfig({ TLS_CERT_FILE: '', TLS_KEY_FILE: '' }).tls).toEqual(NO_TLS);
  });

  it('reads the certificate, key, pinned CA and mutual TLS', () => {
    const env = {
      TLS_CERT_FILE: '/run/secrets/tls.crt',
      TLS_KEY_FILE: '/run/secrets/tls.key',
      TLS_CA_FILE: '/run/secrets/ca.crt',
      TLS_CLIENT_CERTS: 'require',
    };
    const expected = {
      certFile: '/run/secrets/tls.crt',
      keyFile: '/run/secrets/tls.key',
      caFile: '/run/secrets/ca.crt',
      requireClientCerts: true,
    };
    expect(loadGatewayConfig(env).tls).toEqual(expected);
    expect(loadAuditConfig(env).tls).toEqual(expected);
    // A client that only pins the CA (a service that calls HTTPS peers but serves plain HTTP).
    expect(loadSubgraphConfig('notes', { TLS_CA_FILE: '/ca.pem' }).tls).toEqual({ ...NO_TLS, caFile: '/ca.pem' });
  });

  it('refuses a certificate without its key (and the other way round), with every other problem', () => {
    expect(problemsOf(() => loadGatewayConfig({ TLS_CERT_FILE: '/c.pem' }))).toEqual([
      'TLS_CERT_FILE and TLS_KEY_FILE are set together or not at all',
    ]);
    const both = problemsOf(() => loadSubgraphConfig('patient', { TLS_KEY_FILE: '/k.pem', PATIENT_PORT: 'x' }));
    expect(both.join('\n')).toMatch(/PATIENT_PORT/);
    expect(both.join('\n')).toMatch(/TLS_CERT_FILE and TLS_KEY_FILE are set together/);
  });

  it('mutual TLS needs a certificate, a key and the CA; the only value is "require"', () => {
    expect(
      problemsOf(() => loadGatewayConfig({ TLS_CLIENT_CERTS: 'require', TLS_CA_FILE: '/ca.pem' })).join('\n'),
    ).toMatch(/TLS_CLIENT_CERTS=require needs TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE/);
    expect(problemsOf(() => loadGatewayConfig({ TLS_CLIENT_CERTS: 'yes' })).join('\n')).toMatch(/TLS_CLIENT_CERTS/);
  });

  it('production does not require TLS here (it may end at a proxy): no new production problem', () => {
    const production = problemsOf(() => loadGatewayConfig({ NODE_ENV: 'production' })).join('\n');
    expect(production).not.toMatch(/TLS/);
  });
});

describe('the local CA of `npm start -- --tls`', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-local-tls-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is made once under DATA_DIR/tls: a certificate for this machine signed by it, the key 0600, no CA key on disk', async () => {
    const made = await localTls(dataDir);
    expect(made.created).toBe(true);
    expect(made.dir).toBe(path.join(dataDir, 'tls'));
    expect(fs.statSync(made.dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(made.keyFile).mode & 0o777).toBe(0o600);
    // Only the CA certificate, the service certificate and its key: the CA's key is never written.
    expect(fs.readdirSync(made.dir).sort()).toEqual(['ca.crt', 'localhost.crt', 'localhost.key']);
    const ca = new X509Certificate(fs.readFileSync(made.caFile));
    const cert = new X509Certificate(fs.readFileSync(made.certFile));
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('example.org')).toBeUndefined();
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(cert.checkPrivateKey(createPrivateKey(fs.readFileSync(made.keyFile)))).toBe(true);

    // The next start reuses them.
    const again = await localTls(dataDir);
    expect(again.created).toBe(false);
    expect(fs.readFileSync(again.certFile, 'utf8')).toBe(fs.readFileSync(made.certFile, 'utf8'));
  });
});
