import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import type { Authenticated } from './auth/authenticate.js';
import { ROOT } from './supergraph.js';

/** The manifest graphql-codegen writes from clients/operations (see codegen.yml). */
export const DEFAULT_TRUSTED_DOCUMENTS = path.join(ROOT, 'clients', '__generated__', 'persisted-documents.json');

export interface TrustedDocumentSettings {
  /** The manifest: `sha256:<hex>` to the document. */
  file: string;
  /** Apps (token `azp`/`client_id`, or `apollographql-client-name`) that may send registered operations only. */
  clients: readonly string[];
  /** Every client may send registered operations only. */
  everyone: boolean;
}

/** Reads the manifest; every entry's hash must be the document's own (a tampered manifest does not start). */
export function loadTrustedDocuments(file: string): Map<string, string> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const docs = new Map<string, string>();
  for (const [id, doc] of Object.entries(raw)) {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(id)?.[1];
    if (!hex || typeof doc !== 'string') throw new Error(`${file}: ${id.slice(0, 80)} is not a sha256 document entry`);
    if (createHash('sha256').update(doc).digest('hex') !== hex)
      throw new Error(`${file}: ${id} does not match its document`);
    docs.set(hex, doc);
  }
  return docs;
}

/** The names of the registered operations, by their text (metrics label them by name). */
export function registeredNames(file: string): (query: string | undefined) => string | undefined {
  const names = new Map<string, string>();
  for (const doc of loadTrustedDocuments(file).values()) {
    const name = /^(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(doc)?.[1];
    if (name) names.set(doc, name);
  }
  return (query) => (query === undefined ? undefined : names.get(query));
}

const refuse = (res: express.Response, code: string, message: string) =>
  res.status(400).json({ errors: [{ message, extensions: { code } }] });

/**
 * Registered operations (trusted documents), after authentication and before Apollo: a request
 * may name a registered operation by `documentId` ("sha256:<hex>", GraphQL over HTTP) or by
 * Apollo's `extensions.persistedQuery.sha256Hash`; the gateway puts the registered text in its
 * place. Apps named in TRUSTED_DOCUMENTS_CLIENTS (by the token's `azp`/`client_id`, or by the
 * `apollographql-client-name` header) and, with TRUSTED_DOCUMENTS_ONLY, every client, may send
 * nothing else: an operation text of their own is refused, so a stolen app token cannot be used
 * to ask anything the app never asks.
 */
export function trustedDocuments(
  settings: TrustedDocumentSettings,
  onRefused: (req: express.Request, code: string) => void,
): express.RequestHandler {
  const docs = loadTrustedDocuments(settings.file);
  const restricted = new Set(settings.clients);
  return (req, res, next) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
    const auth = res.locals.auth as Authenticated | undefined;
    const header = req.headers['apollographql-client-name'];
    const registeredOnly =
      settings.everyone ||
      (auth?.claims.clientId !== undefined && restricted.has(auth.claims.clientId)) ||
      (typeof header === 'string' && restricted.has(header));
    const extensions = body.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
    const named =
      typeof body.documentId === 'string'
        ? body.documentId
        : typeof extensions?.persistedQuery?.sha256Hash === 'string'
          ? `sha256:${extensions.persistedQuery.sha256Hash}`
          : undefined;
    if (named === undefined) {
      if (!registeredOnly) return next();
      onRefused(req, 'BAD_REQUEST');
      return refuse(res, 'BAD_REQUEST', 'This client may send registered operations only (by documentId)');
    }
    const doc = docs.get(/^sha256:([0-9a-f]{64})$/.exec(named)?.[1] ?? '');
    if (doc === undefined || (typeof body.query === 'string' && body.query !== doc)) {
      onRefused(req, 'PERSISTED_QUERY_NOT_FOUND');
      return refuse(res, 'PERSISTED_QUERY_NOT_FOUND', 'Not a registered operation');
    }
    body.query = doc;
    delete body.documentId;
    if (extensions) delete extensions.persistedQuery;
    next();
  };
}
