import type { StoredTable } from '@ehr/common';
import { BreakGlassGrantRecord } from './break-glass-grant.js';
import { AccountStatusRecord } from './security.js';

/**
 * Which schema field each column stores; the @phi classification decides which are sealed (a
 * break-glass reason or review comment can describe the patient). The audit log's own records
 * name fields and ids, never values; mutation states are sealed by the state key (state-seal.ts).
 */
export const stores: StoredTable[] = [
  {
    entity: BreakGlassGrantRecord,
    table: 'break_glass_grant',
    fields: [
      { property: 'reason', column: 'reason', field: 'BreakGlassGrant.reason' },
      { property: 'reviewComment', column: 'review_comment', field: 'BreakGlassGrant.reviewComment' },
    ],
  },
  {
    // An admin's comment when re-enabling an account is free text too.
    entity: AccountStatusRecord,
    table: 'account_status',
    idProperty: 'actorId',
    fields: [{ property: 'reason', column: 'reason', field: 'AccountStatus.reason' }],
  },
];
