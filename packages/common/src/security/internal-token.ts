import { createHash, randomUUID } from 'node:crypto';
import { isRole } from '@ehr/policy';
import { SignJWT, jwtVerify, type KeyLike } from 'jose';
import { z } from 'zod';
import type { Identity } from './identity.js';
import { INTERNAL_ALG } from './keys.js';

/** Issuer of internal tokens: only the gateway signs them. */
export const INTERNAL_ISSUER = 'ehr-gateway';
/** Internal tokens live at most this long (seconds): long enough for one request's fetches. */
export const INTERNAL_TOKEN_MAX_TTL = 60;

const identitySchema = z.object({
  sub: z.string().min(1).max(256),
  roles: z.array(z.string().refine(isRole)).min(1),
  patientId: z.string().max(64).optional(),
  practitionerId: z.string().max(64).optional(),
  sid: z.string().min(1).max(128),
  auditId: z.string().min(1).max(128),
  requestId: z.string().min(1).max(128),
  clientIp: z.string().max(64),
  userAgent: z.string().max(512).optional(),
  breakGlass: z.array(z.object({ grantId: z.string(), patientId: z.string(), expiresAt: z.number() })).max(100),
  deidentified: z.boolean(),
});

/**
 * What binds an internal token to the one GraphQL request it was minted for: a digest of the
 * operation text and its variables, as the subgraph receives them (JSON-parsed, re-serialised).
 */
export function requestBinding(query: unknown, variables: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([query, variables ?? null]))
    .digest('base64url');
}

/** An internal token's claims beyond the identity: its request binding and its unique id. */
export interface InternalTokenClaims {
  identity: Identity;
  /** requestBinding of the request it was minted for; absent on tokens for internal routes. */
  binding?: string;
  jti?: string;
  exp: number;
}

/** Signs the identity the gateway verified, for one subgraph (the audience) and a short time. */
export class InternalTokenSigner {
  constructor(
    private readonly key: KeyLike,
    private readonly ttlSeconds = INTERNAL_TOKEN_MAX_TTL,
  ) {
    if (ttlSeconds < 1 || ttlSeconds > INTERNAL_TOKEN_MAX_TTL)
      throw new RangeError('internal token TTL must be 1-60 s');
  }

  /**
   * `binding`: the requestBinding of the one GraphQL request this token is for; with it, the
   * subgraph takes the token for that request once, and for no other.
   */
  sign(identity: Identity, audience: string, binding?: string, now = Math.floor(Date.now() / 1000)): Promise<string> {
    return new SignJWT({ ctx: identity, ...(binding ? { bnd: binding } : {}) })
      .setJti(randomUUID())
      .setProtectedHeader({ alg: INTERNAL_ALG, typ: 'ehr-internal+jwt' })
      .setIssuer(INTERNAL_ISSUER)
      .setAudience(audience)
      .setSubject(identity.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.key);
  }
}

export class InternalTokenError extends Error {
  override name = 'InternalTokenError';
}

/** Verifies internal tokens in a subgraph: the gateway's key, ES256 only, this audience, unexpired. */
export class InternalTokenVerifier {
  constructor(
    private readonly key: KeyLike,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  async verify(token: string, audience: string | string[]): Promise<Identity> {
    return (await this.verifyClaims(token, audience)).identity;
  }

  async verifyClaims(token: string, audience: string | string[]): Promise<InternalTokenClaims> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.key, {
        algorithms: [INTERNAL_ALG],
        issuer: INTERNAL_ISSUER,
        audience,
        requiredClaims: ['iat', 'exp', 'sub'],
        maxTokenAge: INTERNAL_TOKEN_MAX_TTL + 5,
        clockTolerance: 5,
        currentDate: new Date(this.clock()),
      });
      if (protectedHeader.typ !== 'ehr-internal+jwt') throw new InternalTokenError('not an internal token');
      const ctx = identitySchema.safeParse(payload.ctx);
      if (!ctx.success || ctx.data.sub !== payload.sub) throw new InternalTokenError('malformed identity');
      const binding = typeof payload.bnd === 'string' ? payload.bnd : undefined;
      return { identity: ctx.data as Identity, binding, jti: payload.jti, exp: payload.exp! };
    } catch (err) {
      if (err instanceof InternalTokenError) throw err;
      throw new InternalTokenError((err as { code?: string }).code ?? 'invalid internal token');
    }
  }
}
