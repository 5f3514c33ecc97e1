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
export function listen(
  app: Express,
  host: string,
  port: number,
  tls?: TlsSettings,
  keepAliveTimeoutMs = 65_000,
): Promise<RunningHttp> {
  const secure = serverTlsOptions(tls);
  // Headers of at most 16 KB (a token is at most 8 KB); larger answers 431 before any handler runs.
  const limits = { maxHeaderSize: 16_384 };
  const server = secure ? https.createServer({ ...secure, ...limits }, app) : http.createServer(limits, app);
  // Slow clients must not hold sockets forever; idle keep-alive connections last longer than a
  // load balancer's idle timeout (HTTP_KEEP_ALIVE_TIMEOUT_MS), so it is the one to close them.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = keepAliveTimeoutMs;
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
