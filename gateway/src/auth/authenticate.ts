import { randomUUID } from 'node:crypto';
import { RequestRefused, type Logger } from '@ehr/common';
import type express from 'express';
import { AuthError } from './errors.js';
import type { RateLimiter } from '../rate-limit.js';
import type { SessionStore } from './session-store.js';
import type { TokenVerifier, VerifiedClaims } from './token-verifier.js';

const AUDIT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the HTTP layer established about a request before GraphQL sees it. */
export interface Authenticated {
  claims: VerifiedClaims;
  auditId: string;
  requestId: string;
  clientIp: string;
  userAgent?: string;
}

export interface AuthenticateOptions {
  verifier: TokenVerifier;
  sessions: SessionStore;
  idleTimeoutS: number;
  clock: () => number;
  logger: Logger;
  /** Requests per user per minute. */
  rateLimiter?: RateLimiter;
  /** Refused requests per client address per minute; past it, 429 before any token is read. */
  failureLimiter?: RateLimiter;
  /** Accounts the access monitor disabled (refused with 403 ACCOUNT_DISABLED). */
  isDisabled?: (sub: string) => boolean;
  /** Which roles this endpoint serves (analysts only on /analytics/graphql, everyone else on /graphql). */
  allowRoles: (roles: readonly string[]) => boolean;
  /** Told of every refusal (the audit trail's security events), with the caller once verified. */
  onRefused?: (req: express.Request, code: string, caller?: { sub: string; roles: readonly string[] }) => void;
}

/** Answers a refusal: JSON errors like GraphQL's, WWW-Authenticate on 401, nothing echoed back. */
export function sendAuthError(res: express.Response, err: AuthError): void {
  if (err.status === 401) {
    const description = err.message.replace(/"/g, "'");
    res.set('WWW-Authenticate', `Bearer realm="ehr", error="${err.oauthError}", error_description="${description}"`);
  }
  res.status(err.status).json(err.body());
}

/**
 * The gateway's front door for GraphQL: a bearer token (401 without one), the x-hipaa-audit-id
 * header (403 `Audit trail required` without it, 400 when malformed), a verified token, a live
 * session (sliding inactivity limit), and a role this endpoint serves.
 */
export function authenticate(opts: AuthenticateOptions): express.RequestHandler {
  return async (req, res, next) => {
    let caller: { sub: string; roles: readonly string[] } | undefined;
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    try {
      if (opts.failureLimiter) {
        const { allowed, retryAfterS } = await opts.failureLimiter.check(address);
        if (!allowed) {
          res.set('Retry-After', String(retryAfterS));
          throw new AuthError('RATE_LIMITED', `Too many refused requests; try again in ${retryAfterS} s`);
        }
      }
      const header = req.headers.authorization;
      if (!header) throw new AuthError('UNAUTHENTICATED', 'A bearer token is required', 'invalid_request');
      const match = /^Bearer ([^\s]+)$/.exec(header);
      if (!match)
        throw new AuthError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"', 'invalid_request');

      const auditId = req.headers['x-hipaa-audit-id'];
      if (auditId === undefined) throw new AuthError('AUDIT_TRAIL_REQUIRED', 'Audit trail required');
      if (typeof auditId !== 'string' || !AUDIT_ID.test(auditId)) {
        throw new AuthError('BAD_REQUEST', 'x-hipaa-audit-id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
      }

      const claims = await opts.verifier.verify(match[1]!);
      caller = { sub: claims.sub, roles: claims.roles };
      if (opts.isDisabled?.(claims.sub)) {
        throw new AuthError('ACCOUNT_DISABLED', 'This account is disabled; contact your administrator');
      }
      const state = await opts.sessions.touch(claims.sid, claims.sub, opts.clock(), opts.idleTimeoutS);
      if (state === 'expired') {
        throw new AuthError(
          'SESSION_EXPIRED',
          `The session was idle for more than ${opts.idleTimeoutS / 60} minutes; sign in again`,
        );
      }
      if (state === 'revoked')
        throw new AuthError('SESSION_EXPIRED', 'The session has ended (logged out); sign in again');
      if (state === 'mismatch') throw new AuthError('UNAUTHENTICATED', 'The session belongs to another user');
      if (opts.rateLimiter) {
        const { allowed, retryAfterS } = await opts.rateLimiter.take(claims.sub);
        if (!allowed) {
          res.set('Retry-After', String(retryAfterS));
          throw new AuthError('RATE_LIMITED', `Too many requests; try again in ${retryAfterS} s`);
        }
      }
      if (claims.roles.includes('analyst') && claims.roles.length > 1) {
        // De-identified research and clinical access never travel in one token: which endpoint it
        // may use, and as whom, would otherwise be a guess.
        throw new AuthError('FORBIDDEN', 'A token may not combine the analyst role with other roles');
      }
      if (!opts.allowRoles(claims.roles)) {
        throw new AuthError('FORBIDDEN', 'Your roles do not give access to this endpoint');
      }
      res.locals.auth = {
        claims,
        auditId,
        // Ours, never the client's: audit records must not carry an id a caller chose.
        requestId: randomUUID(),
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : undefined,
      } satisfies Authenticated;
      next();
    } catch (err) {
      if (err instanceof AuthError) {
        opts.logger.info({ status: err.status, code: err.code, reason: err.message }, 'request refused');
        sendAuthError(res, err);
        opts.onRefused?.(req, err.code, caller);
        // Every refusal but a rate limit counts against the address it came from.
        if (err.code !== 'RATE_LIMITED') await opts.failureLimiter?.take(address).catch(() => undefined);
        return;
      }
      // A session store that cannot answer fails closed.
      opts.logger.error({ errorName: (err as Error)?.name }, 'authentication failed');
      const unavailable = new RequestRefused('SERVICE_UNAVAILABLE', 'Authentication is unavailable; try again');
      res.status(unavailable.status).json(unavailable.body());
    }
  };
}
