import { CARE_TEAM_PATH } from '../server/internal-paths.js';
import { peerFetch, type PeerFetch } from '../server/tls.js';
import type { CareTeamCheck } from './scope.js';

/** The most patient ids one care-team question may carry. */
export const CARE_TEAM_MAX_IDS = 1000;

/**
 * Asks the patient subgraph, which owns care teams, which of these patients are on the calling
 * practitioner's team. The request carries the caller's own internal token, and the patient
 * subgraph answers only for the practitioner named in it, so the endpoint cannot be used to
 * learn anyone else's care team. One call per request (the caller batches with DataLoader).
 * Over https the patient subgraph must present a certificate of the pinned CA (see server/tls.ts).
 */
export function remoteCareTeamCheck(
  patientUrl: string,
  internalToken: string,
  timeoutMs = 5000,
  fetchPeer: PeerFetch = peerFetch,
): CareTeamCheck {
  const endpoint = new URL(CARE_TEAM_PATH, patientUrl).toString();
  return async (_practitionerId, patientIds) => {
    const answers: boolean[] = [];
    for (let i = 0; i < patientIds.length; i += CARE_TEAM_MAX_IDS) {
      const res = await fetchPeer(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${internalToken}` },
        body: JSON.stringify({ patientIds: patientIds.slice(i, i + CARE_TEAM_MAX_IDS) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Fail closed: no answer from the owner of care teams means no access.
      if (!res.ok) throw new Error(`care-team check failed with HTTP ${res.status}`);
      const body = (await res.json()) as { inCareTeam?: unknown };
      if (!Array.isArray(body.inCareTeam)) throw new Error('care-team check answered malformed');
      answers.push(...body.inCareTeam.map((v) => v === true));
    }
    return answers;
  };
}
