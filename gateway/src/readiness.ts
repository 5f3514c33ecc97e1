import type { PeerFetch, SubgraphName } from '@ehr/common';

export interface Readiness {
  ready: boolean;
  subgraphs: Record<string, boolean>;
}

/** Every subgraph answers its own /readyz (which includes its database) within the deadline. */
export async function checkSubgraphs(
  urls: Record<SubgraphName, string>,
  timeoutMs = 2000,
  fetchPeer: PeerFetch = fetch,
): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const res = await fetchPeer(new URL('/readyz', url), { signal: AbortSignal.timeout(timeoutMs) });
        return [name, res.ok] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  const subgraphs = Object.fromEntries(entries);
  return { ready: entries.every(([, ok]) => ok), subgraphs };
}
