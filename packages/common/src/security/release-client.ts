import { RELEASE_PATH } from '../server/internal-paths.js';
import { peerFetch, type PeerFetch } from '../server/tls.js';

/**
 * Which patients the analyst's k-anonymous release holds, as the patient subgraph (which owns
 * it) says, for the medication and notes subgraphs: for analysts they serve rows of released
 * patients only (a medication or note pseudonym kept from an earlier release leads nowhere)
 * and count only those rows (all rows minus the listed ones would profile the suppressed).
 * Asked with the analyst request's own internal token, at most once per `ttlMs` (the release is
 * reused as long); an unanswered question fails the request (no rows rather than all rows).
 */
export class ReleasedPatients {
  private cached?: { at: number; ids: Promise<ReadonlySet<string>> };

  constructor(
    private readonly patientUrl: string,
    private readonly ttlMs: number,
    private readonly fetchPeer: PeerFetch = peerFetch,
    private readonly clock: () => number = Date.now,
    private readonly timeoutMs = 5000,
  ) {}

  ids(internalToken: string): Promise<ReadonlySet<string>> {
    const now = this.clock();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.ids;
    const ids = this.fetch(internalToken);
    this.cached = { at: now, ids };
    ids.catch(() => {
      if (this.cached?.ids === ids) this.cached = undefined;
    });
    return ids;
  }

  private async fetch(internalToken: string): Promise<ReadonlySet<string>> {
    const res = await this.fetchPeer(new URL(RELEASE_PATH, this.patientUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${internalToken}` },
      body: '{}',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`release membership failed with HTTP ${res.status}`);
    const body = (await res.json()) as { released?: unknown };
    if (!Array.isArray(body.released) || !body.released.every((id) => typeof id === 'string'))
      throw new Error('release membership answered malformed');
    return new Set(body.released as string[]);
  }
}
