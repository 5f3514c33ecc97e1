/** The roles of the contract (token claim `roles`). */
export const ROLES = ['physician', 'nurse', 'billing', 'patient', 'analyst', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** What the policy decides for one role and one field. */
export const DECISIONS = { clear: 'clear', masked: 'masked', denied: 'denied' } as const;
export type Decision = keyof typeof DECISIONS;

/** Roles that treat patients: scoped to their care team, name a practitioner, may break the glass. */
export const CLINICAL_ROLES = ['physician', 'nurse'] as const satisfies readonly Role[];

/**
 * Whether any of these roles treats patients. The one answer to "is this caller a clinician":
 * record scope, grants, purpose of use, token claims and development tokens all ask it.
 */
export function isClinical(roles: readonly string[]): boolean {
  return roles.some((r) => (CLINICAL_ROLES as readonly string[]).includes(r));
}

/** Note types; each is also a policy group (`progress_notes`, ...) that grants rows of that type. */
export const NOTE_TYPES = ['progress', 'nursing', 'discharge', 'psychotherapy'] as const;
export type NoteType = (typeof NOTE_TYPES)[number];
