import type { GraphQLError } from 'graphql';
import {
  badInput,
  decodeCursor,
  encodeCursor,
  forbidden,
  openState,
  parseFirst,
  parseId,
  recordedActorId,
} from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { AuditContext } from '../context.js';
import type { AuditFilter } from '../repository.js';
import { AuditEventRecord, SecurityIncidentRecord } from '../entities/index.js';
import { recordLogRead } from '../log-reads.js';
import { verifyChain } from '../verify-chain.js';
import { consistencyProofOf, inclusionProof } from '../proofs.js';
import { proofOrRefusal, proofView } from './proof-view.js';

const WORD = /^[A-Za-z0-9._:-]{1,128}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/;
const OUTCOME_WORDS = ['CLEAR', 'MASKED', 'DENIED', 'ERROR'];

function sequenceCursor(after: unknown): number | undefined {
  const decoded = decodeCursor(after);
  if (decoded !== undefined && !/^[0-9]+$/.test(decoded)) throw badInput('Argument "after" is not an audit cursor');
  return decoded === undefined ? undefined : Number(decoded);
}

/** A connection over rows paged by their sequence number (the log, the review queue). */
function sequenceConnection<T extends { sequence: number }>(page: {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
}) {
  const last = page.nodes[page.nodes.length - 1];
  return {
    nodes: page.nodes,
    totalCount: page.totalCount,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(String(last.sequence)) : null },
  };
}

async function eventPage(ctx: AuditContext, filter: AuditFilter, first: unknown, after: unknown) {
  return sequenceConnection(await ctx.repo.page(filter, parseFirst(first), sequenceCursor(after)));
}

export const Query: QueryResolvers = {
  auditEvents: async (_root, args, ctx) => {
    if (args.auditId != null && !WORD.test(args.auditId))
      throw badInput('Argument "auditId" must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    // Any account id a token may carry, looked up in the form the trail records it.
    if (args.actorId != null && (args.actorId.length === 0 || args.actorId.length > 256))
      throw badInput('Argument "actorId" must be 1-256 characters');
    for (const [name, value] of [
      ['from', args.from],
      ['to', args.to],
    ] as const) {
      if (value != null && !INSTANT.test(value))
        throw badInput(`Argument "${name}" must be an ISO 8601 date or UTC instant`);
    }
    if (args.outcome != null && !OUTCOME_WORDS.includes(args.outcome)) {
      throw badInput(`Argument "outcome" must be one of ${OUTCOME_WORDS.join(', ')}`);
    }
    await recordLogRead(
      ctx,
      'READ',
      'AuditLog',
      null,
      args.patientId == null ? null : parseId(args.patientId, 'patientId'),
    );
    return eventPage(
      ctx,
      {
        patientId: args.patientId == null ? undefined : parseId(args.patientId, 'patientId'),
        actorId: args.actorId == null ? undefined : recordedActorId(args.actorId),
        auditId: args.auditId ?? undefined,
        outcome: args.outcome ?? undefined,
        from: args.from ?? undefined,
        to: args.to ?? undefined,
      },
      args.first,
      args.after,
    );
  },
  accessHistory: async (_root, args, ctx) => {
    // Only ever the caller's own record: the patient id comes from the token, not an argument.
    if (!ctx.identity.patientId) throw forbidden('Access history is for patients, about their own record');
    await recordLogRead(ctx, 'READ', 'AccessHistory', null, ctx.identity.patientId);
    return eventPage(ctx, { patientId: ctx.identity.patientId, excludeLogReads: true }, args.first, args.after);
  },
  verifyAuditChain: async (_root, _args, ctx) => {
    const status = await verifyChain(ctx.db, ctx.checkpointKey, ctx.config.auditCheckpointEvery, [
      ...ctx.published.all(ctx.checkpointKey),
      ...((await ctx.redisHeads?.all(ctx.checkpointKey)) ?? []),
    ]);
    // Who checked the log, and when, is itself in the log (recorded before the answer leaves). A
    // damaged log refuses that write; the status that says so is the one answer still given,
    // and the check is then in the service log (ids only) instead.
    try {
      await recordLogRead(ctx, 'READ', 'AuditChain', null, null, 'Query.verifyAuditChain');
    } catch (err) {
      if (status.intact || (err as GraphQLError).extensions?.code !== 'AUDIT_UNAVAILABLE') throw err;
      ctx.logger.warn(
        {
          actorId: ctx.identity.sub,
          requestId: ctx.identity.requestId,
          firstBrokenSequence: status.firstBrokenSequence,
        },
        'verifyAuditChain answered unrecorded: the log refuses writes',
      );
    }
    return status;
  },
  auditInclusionProof: async (_root, args, ctx) => {
    const id = parseId(args.recordId, 'recordId');
    const row = await ctx.db.getRepository(AuditEventRecord).findOneBy({ id });
    await recordLogRead(ctx, 'READ', 'AuditProof', id, row?.patientId ?? null, 'Query.auditInclusionProof');
    const doc = await proofOrRefusal(() => inclusionProof(ctx.db, id));
    return doc ? proofView(doc) : null;
  },
  auditConsistencyProof: async (_root, args, ctx) => {
    await recordLogRead(ctx, 'READ', 'AuditProof', null, null, 'Query.auditConsistencyProof');
    return proofView((await proofOrRefusal(() => consistencyProofOf(ctx.db, args.fromSize, args.toSize)))!);
  },
  auditEventState: async (_root, args, ctx) => {
    const id = parseId(args.id);
    const event = await ctx.db.getRepository(AuditEventRecord).findOneBy({ id });
    if (!event) return null;
    // Reading a state is itself recorded, before it is returned.
    await recordLogRead(ctx, 'READ_STATE', 'AuditEventState', id, event.patientId);
    const open = (sealed: string | null, column: 'before_state' | 'after_state') =>
      sealed ? JSON.stringify(openState(ctx.stateKey, sealed, event.id, column)) : null;
    return {
      eventId: id,
      before: open(event.beforeState, 'before_state'),
      after: open(event.afterState, 'after_state'),
    };
  },
  securityIncidents: async (_root, args, ctx) => {
    await recordLogRead(ctx, 'READ', 'SecurityIncidents', null, null);
    const repo = ctx.db.getRepository(SecurityIncidentRecord);
    const nodes = await repo.find({ order: { createdAt: 'DESC' }, take: parseFirst(args.first) });
    return { nodes, totalCount: await repo.count() };
  },
  breakGlassReviews: async (_root, args, ctx) => {
    if (args.status != null && args.status !== 'OPEN' && args.status !== 'REVIEWED') {
      throw badInput('Argument "status" must be OPEN or REVIEWED');
    }
    await recordLogRead(ctx, 'READ', 'BreakGlassReviews', null, null);
    return sequenceConnection(
      await ctx.grants.page(args.status ?? undefined, parseFirst(args.first), sequenceCursor(args.after)),
    );
  },
};
