import { z } from 'zod';
import { configPart, emptyIsUnset } from './load.js';

/**
 * Transport security of one service: what it serves with, and what it trusts when it calls the
 * other services of the stack. Every service reads the same keys (each from its own environment).
 */
export interface TlsSettings {
  /** The service's certificate chain and key (PEM): with both set it serves HTTPS only. */
  certFile: string | undefined;
  keyFile: string | undefined;
  /**
   * The CA pinned for calls to the other services (gateway to subgraphs, subgraphs to the audit
   * intake and to the care-team owner): an https peer must present a certificate it signed. Under
   * mutual TLS it is also the CA client certificates must be signed by.
   */
  caFile: string | undefined;
  /** Mutual TLS (TLS_CLIENT_CERTS=require): the server refuses a client without a certificate signed by caFile. */
  requireClientCerts: boolean;
}

/** Serves HTTPS: both files given. */
export const servesTls = (tls: TlsSettings): boolean => tls.certFile !== undefined && tls.keyFile !== undefined;

const file = emptyIsUnset(z.string().min(1));

const tlsSchema = z
  .object({
    TLS_CERT_FILE: file,
    TLS_KEY_FILE: file,
    TLS_CA_FILE: file,
    TLS_CLIENT_CERTS: emptyIsUnset(z.enum(['require'], { message: 'must be "require" or unset' })),
  })
  .superRefine((e, ctx) => {
    if ((e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined))
      ctx.addIssue({ code: 'custom', message: 'TLS_CERT_FILE and TLS_KEY_FILE are set together or not at all' });
    if (e.TLS_CLIENT_CERTS === 'require' && !(e.TLS_CERT_FILE && e.TLS_KEY_FILE && e.TLS_CA_FILE))
      ctx.addIssue({
        code: 'custom',
        message: 'TLS_CLIENT_CERTS=require needs TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE',
      });
  });

/**
 * The TLS slice, part of every service's base (see base.ts). Production does not refuse plain
 * HTTP here: a deployment may end TLS at a proxy in front of the gateway. The README says what
 * production should set.
 */
export const tlsPart = configPart(
  tlsSchema as unknown as z.ZodObject<{
    TLS_CERT_FILE: typeof file;
    TLS_KEY_FILE: typeof file;
    TLS_CA_FILE: typeof file;
    TLS_CLIENT_CERTS: z.ZodType<'require' | undefined>;
  }>,
  (e): { tls: TlsSettings } => ({
    tls: {
      certFile: e.TLS_CERT_FILE as string | undefined,
      keyFile: e.TLS_KEY_FILE as string | undefined,
      caFile: e.TLS_CA_FILE as string | undefined,
      requireClientCerts: e.TLS_CLIENT_CERTS === 'require',
    },
  }),
);

/** No TLS at all: plain HTTP, peers trusted as the system trusts them. */
export const NO_TLS: TlsSettings = {
  certFile: undefined,
  keyFile: undefined,
  caFile: undefined,
  requireClientCerts: false,
};
