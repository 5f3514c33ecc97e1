import fs from 'node:fs';
import type { ServerOptions } from 'node:https';
import type { SecureVersion } from 'node:tls';
import { servesTls, type TlsSettings } from '../config/tls.js';
import { StartupError } from '../db/database.js';

/** Every hop of the stack speaks TLS 1.3 or nothing: a TLS 1.2 peer is refused in the handshake. */
export const TLS_MIN_VERSION: SecureVersion = 'TLSv1.3';

/** What the gateway sends with every HTTPS response: browsers keep to HTTPS for a year. */
export const HSTS_HEADER = 'max-age=31536000; includeSubDomains';

function readPem(key: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new StartupError(`${key} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${file}`);
  }
}

/**
 * The HTTPS server options of a service with a certificate and key, or undefined (plain HTTP).
 * Under mutual TLS the server asks every client for a certificate and refuses, in the handshake,
 * one without a certificate signed by the pinned CA.
 */
export function serverTlsOptions(tls: TlsSettings | undefined): ServerOptions | undefined {
  if (!tls || !servesTls(tls)) return undefined;
  return {
    cert: readPem('TLS_CERT_FILE', tls.certFile!),
    key: readPem('TLS_KEY_FILE', tls.keyFile!),
    minVersion: TLS_MIN_VERSION,
    ...(tls.requireClientCerts
      ? { ca: readPem('TLS_CA_FILE', tls.caFile!), requestCert: true, rejectUnauthorized: true }
      : {}),
  };
}

/** fetch for one service's calls to the others (same arguments and answer as the global fetch). */
export type PeerFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface PeerClient {
  fetch: PeerFetch;
  /** Closes the pinned connections (at stop; a no-op without a pinned CA). */
  close(): Promise<void>;
}

type Undici = typeof import('undici');
let undiciModule: Undici | undefined;

/**
 * The undici package, loaded only by a service that pins a CA. Node's own fetch is undici too, but
 * its Agent is not exported, and an Agent of one undici handed to another's fetch breaks across
 * major versions: pinned calls use the package's fetch with the package's Agent, self-contained.
 * Node's built-in undici is initialised first (touching Headers does it), so the package does not
 * install its own Agent as the global dispatcher that every other fetch of the process uses.
 */
function undici(): Undici {
  if (!undiciModule) {
    void globalThis.Headers;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
    undiciModule = require('undici') as Undici;
  }
  return undiciModule;
}

const plain: PeerClient = { fetch: (input, init) => fetch(input, init), close: async () => undefined };

/**
 * How a service calls the other services of the stack. With TLS_CA_FILE set, an https peer must
 * present a certificate signed by that CA (the system's CAs are not trusted for it), over TLS 1.3,
 * and the service presents its own certificate (TLS_CERT_FILE/TLS_KEY_FILE, when set) to servers
 * that ask for one (mutual TLS). Without a pinned CA, the global fetch as it is. Plain http peer
 * URLs stay plain: with TLS on, configure the peers' URLs as https://.
 */
export function peerClient(tls: TlsSettings | undefined): PeerClient {
  if (!tls?.caFile) return plain;
  const connect = {
    ca: readPem('TLS_CA_FILE', tls.caFile),
    ...(servesTls(tls)
      ? { cert: readPem('TLS_CERT_FILE', tls.certFile!), key: readPem('TLS_KEY_FILE', tls.keyFile!) }
      : {}),
    minVersion: TLS_MIN_VERSION,
  };
  let agent: InstanceType<Undici['Agent']> | undefined;
  return {
    fetch: async (input, init) => {
      const url = new URL(input);
      if (url.protocol !== 'https:') return fetch(input, init);
      const u = undici();
      agent ??= new u.Agent({ connect });
      return (await u.fetch(url, { ...(init as object), dispatcher: agent })) as unknown as Response;
    },
    close: async () => {
      await agent?.close();
      agent = undefined;
    },
  };
}

let processPeers: PeerClient = plain;

/**
 * Sets the peer client of this process from its TLS settings: called once by a service's main
 * before it starts, for the clients built without settings of their own (the audit shipper and
 * the care-team client a subgraph boots with). Returns it, to close at stop.
 */
export function usePeerTls(tls: TlsSettings | undefined): PeerClient {
  processPeers = peerClient(tls);
  return processPeers;
}

/** fetch to another service of the stack through this process's peer client (usePeerTls). */
export const peerFetch: PeerFetch = (input, init) => processPeers.fetch(input, init);
