/**
 * The internal endpoints services call on each other, outside every GraphQL schema. Each is
 * guarded where it is served (an internal token, or a signed body) and never exposed by the gateway.
 */

/** Where a data subgraph delivers its signed batches of access records. */
export const AUDIT_BATCH_PATH = '/internal/audit-batch';
/** Where the gateway asks for a caller's active break-glass grants. */
export const ACTIVE_GRANTS_PATH = '/internal/active-grants';
/** Where every gateway replica reads which accounts are disabled. */
export const DISABLED_ACCOUNTS_PATH = '/internal/disabled-accounts';
/** Where a subgraph asks which patients are on the caller's care team. */
export const CARE_TEAM_PATH = '/internal/care-team';
/** Where the medication and notes subgraphs learn which patients the analyst release holds. */
export const RELEASE_PATH = '/internal/release';
