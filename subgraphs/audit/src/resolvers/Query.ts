import { badInput, decodeCursor, encodeCursor, parseFirst, parseId } from '@ehr/common';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';

const AUDIT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const Query: QueryResolvers = {
  auditEvents: async (_root, args, ctx) => {
    if (args.auditId != null && !AUDIT_ID.test(args.auditId)) {
      throw badInput('Argument "auditId" must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    }
    if (args.actorId != null && !AUDIT_ID.test(args.actorId)) {
      throw badInput('Argument "actorId" must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    }
    const after = decodeCursor(args.after);
    if (after !== undefined && !/^[0-9]+$/.test(after)) throw badInput('Argument "after" is not an audit cursor');
    const page = await ctx.repo.page(
      {
        patientId: args.patientId == null ? undefined : parseId(args.patientId, 'patientId'),
        actorId: args.actorId ?? undefined,
        auditId: args.auditId ?? undefined,
      },
      parseFirst(args.first),
      after === undefined ? undefined : Number(after),
    );
    const last = page.nodes[page.nodes.length - 1];
    return {
      nodes: page.nodes,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(String(last.sequence)) : null },
    };
  },
  breakGlassReviews: async (_root, args, ctx) => {
    if (args.status != null && args.status !== 'OPEN' && args.status !== 'REVIEWED') {
      throw badInput('Argument "status" must be OPEN or REVIEWED');
    }
    const after = decodeCursor(args.after);
    if (after !== undefined && !/^[0-9]+$/.test(after)) throw badInput('Argument "after" is not a review cursor');
    const page = await ctx.grants.page(
      args.status ?? undefined,
      parseFirst(args.first),
      after === undefined ? undefined : Number(after),
    );
    const last = page.nodes[page.nodes.length - 1];
    return {
      nodes: page.nodes,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(String(last.sequence)) : null },
    };
  },
};
