import {
  ACTIVE_GRANTS_PATH,
  AUDIT_BATCH_PATH,
  DISABLED_ACCOUNTS_PATH,
  auditRecordSchema,
  loadIngestKey,
  requireInternalToken,
  verifyBatch,
  type Identity,
  type SubgraphDeps,
} from '@ehr/common';
import type { AnomalyMonitor } from './anomaly-monitor.js';
import type { AuditWriter } from './audit-writer.js';
import type { BreakGlassRepository } from './break-glass-repository.js';
import type { AuditConfig } from './config.js';
import express from 'express';
import { z } from 'zod';
import { AccountStatusRecord } from './entities/index.js';

/** MySQL errors a retry cannot cure: the batch's content does not fit the table. */
const PERMANENT_DB_ERRORS = new Set([
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_BAD_NULL_ERROR',
  'ER_NO_DEFAULT_FOR_FIELD',
]);

const batchSchema = z.object({ records: z.array(auditRecordSchema).max(10_000) });

/**
 * Internal endpoints: the active grants of the identity in an internal token, and the audit
 * batch intake, signed by the data subgraphs with the shared ingest key (HMAC over the body), so
 * nobody else can write the log. A batch answers 200 only once it is committed.
 */
export function auditRoutes(
  deps: SubgraphDeps<AuditConfig>,
  { grants, writer, monitor }: { grants: BreakGlassRepository; writer: AuditWriter; monitor: AnomalyMonitor },
) {
  const ingestKey = loadIngestKey(deps.config.auditIngestKeyFile, deps.config.database.dataDir);
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
    app.post(
      DISABLED_ACCOUNTS_PATH,
      requireInternalToken(deps.verifier, 'audit', deps.logger),
      async (_req, res, next) => {
        try {
          const rows = await deps.db
            .getRepository(AccountStatusRecord)
            .find({ where: { disabled: true }, select: { actorId: true } });
          res.json({ disabled: rows.map((r) => r.actorId) });
        } catch (err) {
          next(err);
        }
      },
    );
    app.post(AUDIT_BATCH_PATH, express.text({ type: 'application/json', limit: '20mb' }), async (req, res, next) => {
      try {
        const body = typeof req.body === 'string' ? req.body : '';
        if (!verifyBatch(ingestKey, body, req.headers['x-audit-signature'])) {
          deps.logger.warn('audit batch refused: bad signature');
          res.status(401).json({ error: 'audit batch signature required' });
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          res.status(400).json({ error: 'malformed audit batch', issues: ['body: not JSON'] });
          return;
        }
        const parsed = batchSchema.safeParse(json);
        if (!parsed.success) {
          // Where and what kind, never the value: the sender keeps the reason with the set-aside batch.
          const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.code}`);
          deps.logger.warn({ issues }, 'audit batch refused: malformed');
          res.status(400).json({ error: 'malformed audit batch', issues });
          return;
        }
        let committed: { stored: number; duplicates: number };
        try {
          committed = await writer.append(parsed.data.records);
        } catch (err) {
          // A value the database refuses (too long, out of range) will be refused on every retry:
          // answer so the sender sets the batch aside instead of spooling it forever.
          const code = (err as { code?: unknown }).code;
          if (typeof code === 'string' && PERMANENT_DB_ERRORS.has(code)) {
            deps.logger.warn({ code }, 'audit batch refused by the database');
            res.status(422).json({ error: 'audit batch refused by the database', issues: [code] });
            return;
          }
          throw err;
        }
        res.json(committed);
        // After the answer: the monitor must not slow the request it watches.
        void monitor.observe(parsed.data.records);
      } catch (err) {
        next(err);
      }
    });
  };
}
