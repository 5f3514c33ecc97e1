import {
  CARE_TEAM_MAX_IDS,
  CARE_TEAM_PATH,
  isId,
  RELEASE_PATH,
  requireInternalToken,
  SUBGRAPHS,
  type Identity,
  type SubgraphDeps,
} from '@ehr/common';
import express from 'express';
import type { PatientRepository } from './repository.js';
import type { PatientRelease } from './deid/release.js';

/**
 * POST /internal/care-team: the other subgraphs ask which patients are on the caller's care
 * team. It answers only for the practitioner in the caller's own internal token, whichever
 * subgraph forwards it, so it tells nobody anything about anyone else's team.
 */
export function careTeamRoutes(deps: SubgraphDeps, repo: PatientRepository, releases: PatientRelease) {
  return (app: express.Express) => {
    // POST /internal/release: the ids the analyst release holds, for an analyst request only
    // (a de-identified internal token); the other subgraphs serve analysts those patients' rows only.
    app.post(
      RELEASE_PATH,
      requireInternalToken(deps.verifier, [...SUBGRAPHS], deps.logger),
      async (_req, res, next) => {
        try {
          if (!(res.locals.identity as Identity).deidentified) {
            res.status(403).json({ error: 'for de-identified requests only' });
            return;
          }
          const snapshot = await releases.snapshot();
          res.json({ computedAt: snapshot.computedAt.toISOString(), released: snapshot.order });
        } catch (err) {
          next(err);
        }
      },
    );
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
