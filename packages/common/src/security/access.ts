import { RolePolicy, type Decision, type Role } from '@ehr/policy';

/** One request's view of the policy: a table lookup per field, built once per role set. */
export interface Access {
  roles: readonly Role[];
  decide(type: string, field: string): Decision;
  noteType(type: string): Decision;
  canWriteNoteType(type: string): boolean;
}

const views = new WeakMap<RolePolicy, Map<string, Access>>();

/**
 * The decisions for a set of roles, memoised: the policy is static, so every request with the
 * same roles shares one table and no field ever recomputes a decision.
 */
export function accessFor(policy: RolePolicy, roles: readonly Role[]): Access {
  let byRoles = views.get(policy);
  if (!byRoles) views.set(policy, (byRoles = new Map()));
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
      if (d === undefined) table.set(k, (d = policy.decideAny(roles, type, field)));
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
