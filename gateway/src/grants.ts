import {
  ACTIVE_GRANTS_PATH,
  type BreakGlassGrantRef,
  type Identity,
  type InternalTokenSigner,
  type PeerFetch,
} from '@ehr/common';
import { isClinical } from '@ehr/policy';
import type { SessionStore } from './auth/session-store.js';

/** How long a user's active grants are cached between requests (a new grant invalidates it at once). */
const CACHE_S = 30;

/**
 * The active break-glass grants of a clinician, from the audit subgraph (their system of record)
 * through a short shared cache, so each internal token can carry them.
 */
export class GrantLookup {
  constructor(
    private readonly auditUrl: string,
    private readonly signer: InternalTokenSigner,
    private readonly sessions: SessionStore,
    private readonly timeoutMs = 5000,
    private readonly fetchPeer: PeerFetch = fetch,
  ) {}

  async forIdentity(identity: Identity): Promise<BreakGlassGrantRef[]> {
    if (!isClinical(identity.roles)) return [];
    const cached = await this.sessions.getGrants(identity.sub);
    if (cached) return cached;
    const token = await this.signer.sign(identity, 'audit');
    const res = await this.fetchPeer(new URL(ACTIVE_GRANTS_PATH, this.auditUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`active grants lookup failed with HTTP ${res.status}`);
    const { grants } = (await res.json()) as { grants: BreakGlassGrantRef[] };
    await this.sessions.setGrants(identity.sub, grants, CACHE_S);
    return grants;
  }

  invalidate(sub: string): Promise<void> {
    return this.sessions.invalidateGrants(sub);
  }
}
