import {
  CARE_TEAM_MAX_IDS,
  CARE_TEAM_PATH,
  isId,
  requireInternalToken,
  SUBGRAPHS,
  type Identity,
  type SubgraphDeps,
} from '@ehr/common';
import express from 'express';
import type { PatientRepository } from './repository.js';

/**
 * POST /internal/care-team: the other subgraphs ask which patients are on the caller's care
 * team. It answers only for the practitioner in the caller's own internal token, whichever
 * subgraph forwards it, so it tells nobody anything about anyone else's team.
 */
export function careTeamRoutes(deps: SubgraphDeps, repo: PatientRepository) {
  return (app: express.Express) => {
    app.post(
      CARE_TEAM_PATH,
      requireInternalToken(deps.verifier, [...SUBGRAPHS], deps.logger),
      express.json({ limit: '64kb' }),
      async (req, res, next) => {
        try {
          const ids: unknown = req.body?.patientIds;
          if (!Array.isArray(ids) || ids.length > CARE_TEAM_MAX_IDS || !ids.every(isId)) {
            res.status(400).json({ error: `patientIds must be at most ${CARE_TEAM_MAX_IDS} record ids` });
            return;
          }
          const identity = res.locals.identity as Identity;
          const inCareTeam = identity.practitionerId
            ? await repo.careTeamMembership(identity.practitionerId, ids)
            : ids.map(() => false);
          res.json({ inCareTeam });
        } catch (err) {
          next(err);
        }
      },
    );
  };
}
