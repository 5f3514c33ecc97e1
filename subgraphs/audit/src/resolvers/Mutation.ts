import { badInput, notFound, parseId, raiseAlert, recordedActorId } from '@ehr/common';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { setAccount } from '../anomaly-monitor.js';
import { recordLogRead } from '../log-reads.js';

const REASON_MIN = 15;
const REASON_MAX = 1000;
const REVIEW_OUTCOMES = ['JUSTIFIED', 'UNJUSTIFIED'] as const;

export const Mutation: MutationResolvers = {
  breakGlass: async (_root, args, ctx) => {
    const patientId = parseId(args.patientId, 'patientId');
    const reason = args.reason.trim();
    if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
      throw badInput(`Argument "reason" must be ${REASON_MIN}-${REASON_MAX} characters: say why this is an emergency`);
    }
    const grant = await ctx.grants.create(ctx.identity.sub, patientId, reason, ctx.config.breakGlassTtlS);
    await recordLogRead(ctx, 'BREAK_GLASS', 'BreakGlassGrant', grant.id, patientId, 'Mutation.breakGlass');
    // The alert names ids only; the reason may describe the patient and stays in the review queue.
    await raiseAlert(
      { type: 'break_glass', severity: 'critical', actorId: ctx.identity.sub, patientId, grantId: grant.id },
      ctx.logger,
      ctx.config.alertWebhookUrl,
    );
    return grant;
  },
  reviewBreakGlass: async (_root, args, ctx) => {
    const id = parseId(args.id);
    if (!(REVIEW_OUTCOMES as readonly string[]).includes(args.outcome)) {
      throw badInput(`Argument "outcome" must be ${REVIEW_OUTCOMES.join(' or ')}`);
    }
    const comment = args.comment.trim();
    if (comment.length === 0 || comment.length > 2000) throw badInput('Argument "comment" must be 1-2000 characters');
    const grant = await ctx.grants.byId(id);
    if (!grant) throw notFound();
    if (grant.status === 'REVIEWED') throw badInput('This grant has already been reviewed');
    if (grant.actorId === ctx.identity.sub) throw badInput('A grant cannot be reviewed by the person who used it');
    const reviewed = await ctx.grants.review(grant, args.outcome, comment, ctx.identity.sub);
    await recordLogRead(ctx, 'REVIEW', 'BreakGlassGrant', grant.id, grant.patientId, 'Mutation.reviewBreakGlass');
    return reviewed;
  },
  // The gateway revokes the session before this runs; answering records that it happened.
  logout: async (_root, _args, ctx) => {
    await recordLogRead(ctx, 'LOGOUT', 'Session', null, null, 'Mutation.logout');
    return true;
  },
  enableAccount: async (_root, args, ctx) => {
    // Any account id a token may carry (1-256 characters), in the form the monitor disabled it.
    if (args.actorId.length === 0 || args.actorId.length > 256)
      throw badInput('Argument "actorId" is not an account id');
    const comment = args.comment.trim();
    if (comment.length < 5 || comment.length > 500) throw badInput('Argument "comment" must be 5-500 characters');
    return setAccount(
      ctx.db,
      ctx.writer,
      recordedActorId(args.actorId),
      false,
      `re-enabled: ${comment}`,
      ctx.identity.sub,
      {
        auditId: ctx.identity.auditId,
        requestId: ctx.identity.requestId,
        ipAddress: ctx.identity.clientIp,
      },
    );
  },
};
