import { generateKeyPair, SignJWT } from 'jose';
import { InternalTokenSigner, InternalTokenVerifier, type Identity } from '@ehr/common';

const identity: Identity = {
  sub: 'physician-1',
  roles: ['physician'],
  practitionerId: '33333333-3333-4333-8333-333333333333',
  sid: 'sid-1',
  auditId: 'audit-1',
  requestId: 'req-1',
  clientIp: '10.0.0.7',
  breakGlass: [],
  deidentified: false,
};

describe('internal tokens (gateway to subgraph)', () => {
  let signer: InternalTokenSigner;
  let verifier: InternalTokenVerifier;
  let otherKey: import('jose').KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signer = new InternalTokenSigner(pair.privateKey, 60);
    verifier = new InternalTokenVerifier(pair.publicKey);
    otherKey = (await generateKeyPair('ES256')).privateKey;
  });

  it('carries the verified identity to the subgraph it names', async () => {
    expect(await verifier.verify(await signer.sign(identity, 'notes'), 'notes')).toEqual(identity);
  });

  it('is refused by any other subgraph (no replay across audiences)', async () => {
    await expect(verifier.verify(await signer.sign(identity, 'notes'), 'patient')).rejects.toThrow();
  });

  it('lives at most 60 seconds', async () => {
    expect(() => new InternalTokenSigner(otherKey as never, 61)).toThrow(RangeError);
    const old = await signer.sign(identity, 'notes', undefined, Math.floor(Date.now() / 1000) - 120);
    await expect(verifier.verify(old, 'notes')).rejects.toThrow();
  });

  it('is refused when signed by another key, or when it is a client token', async () => {
    const forged = await new InternalTokenSigner(otherKey as never).sign(identity, 'notes');
    await expect(verifier.verify(forged, 'notes')).rejects.toThrow();
    const now = Math.floor(Date.now() / 1000);
    const wrongType = await new SignJWT({ ctx: identity })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer('ehr-gateway')
      .setAudience('notes')
      .setSubject(identity.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 30)
      .sign(otherKey as never);
    await expect(verifier.verify(wrongType, 'notes')).rejects.toThrow();
  });

  it('refuses an identity with an unknown role', async () => {
    const bad = await signer.sign({ ...identity, roles: ['superuser' as never] }, 'notes');
    await expect(verifier.verify(bad, 'notes')).rejects.toThrow(/malformed identity/);
  });
});
