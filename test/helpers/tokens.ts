import { randomUUID } from 'node:crypto';
import { DEV_ISSUER, devKeyPair, InternalTokenSigner, readPrivateKey, type Identity } from '@ehr/common';
import type { Role } from '@ehr/policy';
import { SignJWT, type JWTPayload } from 'jose';
import type { DemoIdentity, SeedData } from '../../tools/src/seed/generate';

/** Client tokens from the development issuer under a test's DATA_DIR, as `npm run token` makes them. */
export async function devTokens(dataDir: string) {
  const key = await readPrivateKey((await devKeyPair(dataDir, 'dev-issuer')).privateFile);
  return {
    /** A token with sensible defaults; any claim or header can be overridden (attack tests). */
    async sign(
      claims: JWTPayload & Record<string, unknown>,
      opts: { header?: Record<string, unknown>; lifetimeS?: number; iat?: number } = {},
    ) {
      const iat = opts.iat ?? Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ sid: randomUUID(), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...opts.header } as never)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (opts.lifetimeS ?? 600));
      if (claims.iss === undefined) jwt.setIssuer(DEV_ISSUER);
      if (claims.aud === undefined) jwt.setAudience('ehr-gateway');
      return jwt.sign(key);
    },
    /** A token for one of the seed's demo identities. */
    async forIdentity(identity: DemoIdentity, extra: Record<string, unknown> = {}) {
      return this.sign({
        sub: identity.sub,
        roles: [identity.role],
        ...(identity.patient_id ? { patient_id: identity.patient_id } : {}),
        ...(identity.practitioner_id ? { practitioner_id: identity.practitioner_id } : {}),
        ...extra,
      });
    },
  };
}

export function demo(data: SeedData, sub: string): DemoIdentity {
  const identity = data.identities.find((i) => i.sub === sub);
  if (!identity) throw new Error(`no demo identity ${sub}`);
  return identity;
}

/** Internal tokens as the gateway signs them, for calling one subgraph directly in a test. */
export async function internalTokens(dataDir: string) {
  const signer = new InternalTokenSigner(await readPrivateKey((await devKeyPair(dataDir, 'internal')).privateFile));
  return (identity: Identity, audience: string, binding?: string) => signer.sign(identity, audience, binding);
}

/** An identity as the gateway would build it for a demo user. */
export function identityOf(demoIdentity: DemoIdentity, extra: Partial<Identity> = {}): Identity {
  return {
    sub: demoIdentity.sub,
    roles: [demoIdentity.role as Role],
    patientId: demoIdentity.patient_id,
    practitionerId: demoIdentity.practitioner_id,
    sid: randomUUID(),
    auditId: 'test-audit',
    requestId: randomUUID(),
    clientIp: '127.0.0.1',
    breakGlass: [],
    deidentified: false,
    ...extra,
  };
}
