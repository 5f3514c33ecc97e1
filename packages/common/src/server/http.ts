import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { TlsSettings } from '../config/tls.js';
import { serverTlsOptions } from './tls.js';

export interface RunningHttp {
  /** An https.Server (a subclass of tls.Server, with the same request API) when TLS is configured. */
  server: http.Server | https.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens and resolves once bound; port 0 picks a free port (tests). With a certificate and key in
 * `tls`, HTTPS only (TLS 1.3, mutual TLS when configured, see tls.ts); otherwise plain HTTP.
 */
export function listen(app: Express, host: string, port: number, tls?: TlsSettings): Promise<RunningHttp> {
  const secure = serverTlsOptions(tls);
  const server = secure ? https.createServer(secure, app) : http.createServer(app);
  // Slow or idle clients must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        server,
        port: bound,
        url: `${secure ? 'https' : 'http'}://${shownHost}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 2_000).unref();
          }),
      });
    });
  });
}
