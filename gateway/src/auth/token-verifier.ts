import { devKeyPair, isId, readPublicKey, DEV_ISSUER } from '@ehr/common';
import type { AuthConfig } from '../config.js';
import { isClinical, isRole, type Role } from '@ehr/policy';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { AuthError } from './errors.js';

/** Asymmetric algorithms only: `none` and HMAC (HS256 signed with a public key) never verify. */
export const ALLOWED_ALGS = ['ES256', 'RS256'];
const MAX_TOKEN_LENGTH = 8192;
const CLOCK_TOLERANCE_S = 30;
const KID = /^[A-Za-z0-9._-]{1,128}$/;
const SID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface VerifiedClaims {
  sub: string;
  roles: Role[];
  sid: string;
  patientId?: string;
  practitionerId?: string;
  /** The app the token was issued to (`azp`, or `client_id`), when the issuer names one. */
  clientId?: string;
  exp: number;
}

const invalid = (description: string) => new AuthError('UNAUTHENTICATED', description);

/**
 * Verifies client tokens: allow-listed algorithms, a key from JWKS, a key file or (development)
 * DATA_DIR/keys, required iss, aud, sub, exp and iat, a lifetime no longer than configured, and
 * the claims this product needs. Messages say what is wrong, never echo the token.
 */
export class TokenVerifier {
  private constructor(
    private readonly config: AuthConfig,
    private readonly key: KeyLike | JWTVerifyGetKey,
    private readonly clock: () => number,
  ) {}

  static async create(config: AuthConfig, dataDir: string, clock: () => number = Date.now): Promise<TokenVerifier> {
    let key: KeyLike | JWTVerifyGetKey;
    if (config.jwksUrl)
      key = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    else if (config.publicKeyFile)
      key = await readPublicKey(config.publicKeyFile, 'ES256').catch(() =>
        readPublicKey(config.publicKeyFile!, 'RS256'),
      );
    else {
      if (config.issuer !== DEV_ISSUER)
        throw new Error('without AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE only development tokens verify');
      key = await readPublicKey((await devKeyPair(dataDir, 'dev-issuer')).publicFile);
    }
    return new TokenVerifier(config, key, clock);
  }

  async verify(token: string): Promise<VerifiedClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('The token is too large');
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid('The token is not a JWT');
    }
    if (typeof header.alg !== 'string' || !ALLOWED_ALGS.includes(header.alg)) {
      throw invalid(`The token's algorithm is not accepted (allowed: ${ALLOWED_ALGS.join(', ')})`);
    }
    if (header.kid !== undefined && (typeof header.kid !== 'string' || !KID.test(header.kid))) {
      throw invalid('The token names a key id that is not accepted');
    }
    if (header.jku !== undefined || header.x5u !== undefined || header.jwk !== undefined) {
      throw invalid('The token may not name its own key');
    }
    const now = this.clock();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key as KeyLike, {
        algorithms: ALLOWED_ALGS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(now),
      }));
    } catch (err) {
      throw invalid(describe(err));
    }
    const { iat, exp } = payload as { iat: number; exp: number };
    if (iat > now / 1000 + CLOCK_TOLERANCE_S) throw invalid('The token was issued in the future');
    if (exp <= iat) throw invalid('The token expires before it was issued');
    if (exp - iat > this.config.maxTokenLifetimeS) {
      throw invalid(`The token lives longer than ${this.config.maxTokenLifetimeS / 60} minutes`);
    }
    return this.claims(payload as Record<string, unknown>);
  }

  private claims(p: Record<string, unknown>): VerifiedClaims {
    const sub = p.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
      throw invalid('The token has no valid sub claim');
    const roles = Array.isArray(p.roles) ? [...new Set(p.roles)] : undefined;
    if (!roles || roles.length === 0 || roles.length > 7 || !roles.every(isRole)) {
      throw invalid('The token has no valid roles claim (an array of known roles)');
    }
    if (typeof p.sid !== 'string' || !SID.test(p.sid)) throw invalid('The token has no valid sid (session) claim');
    const claims: VerifiedClaims = { sub, roles, sid: p.sid, exp: p.exp as number };
    const client = p.azp ?? p.client_id;
    if (client !== undefined) {
      if (typeof client !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(client))
        throw invalid('The token has an invalid azp or client_id claim');
      claims.clientId = client;
    }
    if (roles.includes('patient')) {
      if (!isId(p.patient_id)) throw invalid('A patient token needs a patient_id claim naming a record');
      claims.patientId = p.patient_id;
    }
    if (isClinical(roles)) {
      if (!isId(p.practitioner_id)) throw invalid('A clinician token needs a practitioner_id claim naming a record');
      claims.practitionerId = p.practitioner_id;
    }
    return claims;
  }
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'The token is not valid yet';
    if (err.claim === 'iss') return 'The token comes from an issuer that is not trusted';
    if (err.claim === 'aud') return 'The token is meant for another audience';
    return `The token's ${err.claim} claim is missing or invalid`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature does not verify';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted";
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'No trusted key matches the token';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'The token is malformed';
  return 'The token is not valid';
}
