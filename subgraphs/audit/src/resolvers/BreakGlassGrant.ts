import { PURPOSES, SealedValueError } from '@ehr/common';
import type { BreakGlassGrantResolvers } from '../__generated__/resolvers-types.js';
import type { AuditContext } from '../context.js';

/** What a review shows for a sealed text that does not open: the grant stays reviewable. */
export const UNREADABLE = '[sealed value could not be opened; see the audit service log]';

/**
 * A sealed column read for one grant: a value that does not open (moved, damaged, under a
 * retired key) shows as UNREADABLE and is logged by grant id, instead of failing the whole
 * review page (the reason is non-null: one bad row would null the list).
 */
const opened =
  (field: 'reason' | 'reviewComment') =>
  (grant: { id: string; reason: string; reviewComment?: string | null }, _args: unknown, ctx: AuditContext) => {
    try {
      return grant[field];
    } catch (err) {
      if (!(err instanceof SealedValueError)) throw err;
      ctx.logger.error({ grantId: grant.id, field }, 'break-glass grant text does not open');
      return UNREADABLE;
    }
  };

export const BreakGlassGrant: BreakGlassGrantResolvers = {
  purposeOfUse: () => PURPOSES.breakGlass,
  reason: opened('reason') as never,
  reviewComment: opened('reviewComment') as never,
};
