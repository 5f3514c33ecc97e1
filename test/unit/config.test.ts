import { loadSubgraphConfig } from '@ehr/common';
import { loadGatewayConfig } from '@ehr/gateway';
import { loadAuditConfig } from '@ehr/subgraph-audit';
import { notesSubgraph } from '@ehr/subgraph-notes';
import { problemsOf } from '../helpers/config';

describe('service configuration', () => {
  it('defaults to the embedded database and the contract ports', () => {
    const c = loadSubgraphConfig('patient', {});
    expect(c.database.mysqlUrl).toBeUndefined();
    expect(c.database.databasePrefix).toBe('ehr_');
    expect(c.port).toBe(4001);
    expect(loadGatewayConfig({}).port).toBe(4000);
    expect(loadGatewayConfig({}).subgraphUrls.notes).toBe('http://127.0.0.1:4003/graphql');
    expect(loadAuditConfig({}).port).toBe(4004);
  });

  it('reports every problem at once, in words an operator understands', () => {
    const problems = problemsOf(() =>
      loadGatewayConfig({
        GATEWAY_PORT: 'abc',
        MYSQL_URL: 'postgres://x',
        MYSQL_DATABASE_PREFIX: 'a;drop',
        NOTES_URL: 'nope',
        QUERY_MAX_DEPTH: '1',
      }),
    ).join('\n');
    expect(problems).toMatch(/GATEWAY_PORT/);
    expect(problems).toMatch(/MYSQL_URL must start with mysql:\/\//);
    expect(problems).toMatch(/MYSQL_DATABASE_PREFIX/);
    expect(problems).toMatch(/NOTES_URL/);
    expect(problems).toMatch(/QUERY_MAX_DEPTH/);
  });

  it('treats an empty MYSQL_URL as unset', () => {
    expect(notesSubgraph.loadConfig({ MYSQL_URL: '' }).database.mysqlUrl).toBeUndefined();
  });

  it('gives each service only its own settings: a subgraph carries no gateway or recorder keys', () => {
    const patient = loadSubgraphConfig('patient', {}) as unknown as Record<string, unknown>;
    for (const key of ['auth', 'redisUrl', 'queryLimits', 'auditCheckpointEvery', 'anomalyFactor', 'breakGlassTtlS'])
      expect(patient).not.toHaveProperty(key);
    const gateway = loadGatewayConfig({}) as unknown as Record<string, unknown>;
    for (const key of ['deidKeyFile', 'auditCheckpointEvery', 'internalPublicKeyFile', 'restrictedZip3'])
      expect(gateway).not.toHaveProperty(key);
    const audit = loadAuditConfig({ AUDIT_CHECKPOINT_EVERY: '7', BREAK_GLASS_TTL_S: '600' });
    expect(audit.auditCheckpointEvery).toBe(7);
    expect(audit.breakGlassTtlS).toBe(600);
    expect(audit as unknown as Record<string, unknown>).not.toHaveProperty('auth');
    expect(notesSubgraph.loadConfig({ AUDIT_STATE_KEY_FILE: '/run/secrets/state' }).auditStateKeyFile).toBe(
      '/run/secrets/state',
    );
  });

  it('takes AUDIT_HEADS_WEBHOOK_URL as an http(s) URL only; empty is unset', () => {
    expect(loadAuditConfig({ AUDIT_HEADS_WEBHOOK_URL: 'https://heads.example/in' }).auditHeadsWebhookUrl).toBe(
      'https://heads.example/in',
    );
    expect(loadAuditConfig({ AUDIT_HEADS_WEBHOOK_URL: '' }).auditHeadsWebhookUrl).toBeUndefined();
    for (const bad of ['ftp://heads.example', 'redis://heads.example', 'not a url'])
      expect(problemsOf(() => loadAuditConfig({ AUDIT_HEADS_WEBHOOK_URL: bad })).join('\n')).toMatch(
        /AUDIT_HEADS_WEBHOOK_URL/,
      );
  });

  it('takes k of at least 11 for the analyst release (smaller classes would recount withheld cells)', () => {
    expect(loadSubgraphConfig('patient', {}).deidRelease).toEqual({ k: 11, maxSuppression: 0.05, ttlMs: 60_000 });
    expect(loadSubgraphConfig('patient', { DEID_K: '25', DEID_MAX_SUPPRESSION: '0' }).deidRelease.k).toBe(25);
    for (const [key, bad] of [
      ['DEID_K', '10'],
      ['DEID_K', '11.5'],
      ['DEID_MAX_SUPPRESSION', '1.5'],
      ['DEID_MAX_SUPPRESSION', '-0.1'],
      ['DEID_RELEASE_TTL_MS', 'soon'],
    ] as const)
      expect(problemsOf(() => loadSubgraphConfig('patient', { [key]: bad })).join('\n')).toMatch(new RegExp(key));
  });

  it("checks a service's own keys only: a gateway key set badly does not stop a subgraph", () => {
    expect(() => loadSubgraphConfig('medication', { QUERY_MAX_DEPTH: 'x', AUTH_JWKS_URL: 'nope' })).not.toThrow();
    expect(problemsOf(() => loadAuditConfig({ ANOMALY_FACTOR: '0', PATIENT_URL: 'ftp://x' })).join('\n')).toMatch(
      /ANOMALY_FACTOR[\s\S]*PATIENT_URL|PATIENT_URL[\s\S]*ANOMALY_FACTOR/,
    );
  });

  it('lists everything production requires in one refusal', () => {
    const audit = problemsOf(() => loadAuditConfig({ NODE_ENV: 'production' }));
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^INTERNAL_PUBLIC_KEY_FILE is required/),
        expect.stringMatching(/^DEID_KEY_FILE is required/),
        expect.stringMatching(/^AUDIT_INGEST_KEY_FILE is required/),
        expect.stringMatching(/^AUDIT_CHECKPOINT_KEY_FILE is required/),
      ]),
    );
    const subgraph = problemsOf(() => loadSubgraphConfig('patient', { NODE_ENV: 'production' }));
    expect(subgraph).toHaveLength(4);
    expect(subgraph.join('\n')).toMatch(/KEY_PROVIDER=file keeps the master key on disk/);
    // Told explicitly, or given an HSM, production accepts the key provider.
    expect(
      problemsOf(() =>
        loadSubgraphConfig('patient', { NODE_ENV: 'production', KEY_PROVIDER_FILE_IN_PRODUCTION: 'allow' }),
      ),
    ).toHaveLength(3);
    expect(
      problemsOf(() => loadSubgraphConfig('patient', { NODE_ENV: 'production', KEY_PROVIDER: 'pkcs11' })).join('\n'),
    ).toMatch(/PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN_FILE/);
    const gateway = problemsOf(() => loadGatewayConfig({ NODE_ENV: 'production' }));
    expect(gateway).toEqual([
      expect.stringMatching(/^AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE is required/),
      'INTERNAL_PRIVATE_KEY_FILE is required in production',
      'AUDIT_INGEST_KEY_FILE is required in production (refusals are recorded)',
      'AUTH_ISSUER must not be the development issuer in production',
    ]);
    // A malformed key does not hide what production lacks: both are in the one refusal.
    const both = problemsOf(() => loadGatewayConfig({ NODE_ENV: 'production', LOG_LEVEL: 'bogus' })).join('\n');
    expect(both).toMatch(/LOG_LEVEL/);
    expect(both).toMatch(/INTERNAL_PRIVATE_KEY_FILE is required/);
    const auditBoth = problemsOf(() => loadAuditConfig({ NODE_ENV: 'production', ANOMALY_FACTOR: '0' })).join('\n');
    expect(auditBoth).toMatch(/ANOMALY_FACTOR/);
    expect(auditBoth).toMatch(/DEID_KEY_FILE is required/);
    expect(
      problemsOf(() => loadGatewayConfig({ AUTH_JWKS_URL: 'https://idp/jwks', AUTH_PUBLIC_KEY_FILE: 'k' })),
    ).toEqual(['set AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE, not both']);
  });
});
