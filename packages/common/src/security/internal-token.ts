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

/** Signs the identity the gateway verified, for one subgraph (the audience) and a short time. */
export class InternalTokenSigner {
  constructor(
    private readonly key: KeyLike,
    private readonly ttlSeconds = INTERNAL_TOKEN_MAX_TTL,
  ) {
    if (ttlSeconds < 1 || ttlSeconds > INTERNAL_TOKEN_MAX_TTL)
      throw new RangeError('internal token TTL must be 1-60 s');
  }

  sign(identity: Identity, audience: string, now = Math.floor(Date.now() / 1000)): Promise<string> {
    return new SignJWT({ ctx: identity })
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
      return ctx.data as Identity;
    } catch (err) {
      if (err instanceof InternalTokenError) throw err;
      throw new InternalTokenError((err as { code?: string }).code ?? 'invalid internal token');
    }
  }
}
