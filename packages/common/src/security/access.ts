import { RolePolicy, type Decision, type Role } from '@ehr/policy';

/**
 * One request's view of the policy: what leaves for each field, a table lookup built once per
 * role set. `decide` is the one decision: the shield (denied is FORBIDDEN), the all-clear fast
 * path (clear), masking (masked) and the audit outcome (CLEAR, MASKED, DENIED) all read it, so
 * they cannot drift.
 */
export interface Access {
  roles: readonly Role[];
  /**
   * clear, masked or denied. A policy grant of "masked" on a field the classification gives no
   * mask style is served as denied (nothing could show it masked).
   */
  decide(type: string, field: string): Decision;
  noteType(type: string): Decision;
  canWriteNoteType(type: string): boolean;
}

const NO_MASKS: ReadonlySet<string> = new Set();
const views = new WeakMap<RolePolicy, WeakMap<ReadonlySet<string>, Map<string, Access>>>();

/**
 * The decisions for a set of roles, memoised: the policy and the schema's mask styles are static,
 * so every request with the same roles shares one table and no field recomputes a decision.
 * `maskable` holds the `Type.field` keys whose classification has a mask style.
 */
export function accessFor(
  policy: RolePolicy,
  roles: readonly Role[],
  maskable: ReadonlySet<string> = NO_MASKS,
): Access {
  let bySchema = views.get(policy);
  if (!bySchema) views.set(policy, (bySchema = new WeakMap()));
  let byRoles = bySchema.get(maskable);
  if (!byRoles) bySchema.set(maskable, (byRoles = new Map()));
  const key = [...roles].sort().join(',');
  const hit = byRoles.get(key);
  if (hit) return hit;
  const table = new Map<string, Decision>();
  const notes = new Map<string, Decision>();
  const access: Access = {
    roles,
    decide(type, field) {
      const k = `${type}.${field}`;
      let d = table.get(k);
      if (d === undefined) {
        d = policy.decideAny(roles, type, field);
        if (d === 'masked' && !maskable.has(k)) d = 'denied';
        table.set(k, d);
      }
      return d;
    },
    noteType(type) {
      let d = notes.get(type);
      if (d === undefined) notes.set(type, (d = policy.noteTypeDecision(roles, type)));
      return d;
    },
    canWriteNoteType: (type) => policy.canWriteNoteType(roles, type),
  };
  byRoles.set(key, access);
  return access;
}
