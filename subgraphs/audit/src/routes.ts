import { requireInternalToken, type Identity, type SubgraphDeps } from '@ehr/common';
import type express from 'express';
import { BreakGlassRepository } from './break-glass-repository.js';

/** Where the gateway asks for the caller's active break-glass grants (internal, not in the supergraph). */
export const ACTIVE_GRANTS_PATH = '/internal/active-grants';

/**
 * POST /internal/active-grants: the active grants of the identity in the internal token, and of
 * nobody else. The gateway carries them in every internal token of that user's requests.
 */
export function grantRoutes(deps: SubgraphDeps) {
  const grants = new BreakGlassRepository(deps.db);
  return (app: express.Express) => {
    app.post(ACTIVE_GRANTS_PATH, requireInternalToken(deps.verifier, 'audit', deps.logger), async (_req, res, next) => {
      try {
        const identity = res.locals.identity as Identity;
        const active = await grants.activeFor(identity.sub);
        res.json({
          grants: active.map((g) => ({
            grantId: g.id,
            patientId: g.patientId,
            expiresAt: Math.floor(Date.parse(g.expiresAt) / 1000),
          })),
        });
      } catch (err) {
        next(err);
      }
    });
  };
}
