import { ConfigError, loadConfig, loadGatewayConfig } from '@ehr/common';

describe('loadConfig', () => {
  it('defaults to the embedded database and the contract ports', () => {
    const c = loadConfig('patient', {});
    expect(c.database.mysqlUrl).toBeUndefined();
    expect(c.database.databasePrefix).toBe('ehr_');
    expect(c.port).toBe(4001);
    expect(loadGatewayConfig({}).port).toBe(4000);
    expect(loadGatewayConfig({}).subgraphUrls.notes).toBe('http://127.0.0.1:4003/graphql');
  });

  it('reports every problem at once, in words an operator understands', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        GATEWAY_PORT: 'abc',
        MYSQL_URL: 'postgres://x',
        MYSQL_DATABASE_PREFIX: 'a;drop',
        NOTES_URL: 'nope',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/GATEWAY_PORT/);
    expect(problems).toMatch(/MYSQL_URL must start with mysql:\/\//);
    expect(problems).toMatch(/MYSQL_DATABASE_PREFIX/);
    expect(problems).toMatch(/NOTES_URL/);
  });

  it('treats an empty MYSQL_URL as unset', () => {
    expect(loadConfig('notes', { MYSQL_URL: '' }).database.mysqlUrl).toBeUndefined();
  });
});
