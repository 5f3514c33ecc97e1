import { isClinical, type Role } from '@ehr/policy';

/** An active break-glass grant: one patient, until a time. */
export interface BreakGlassGrantRef {
  grantId: string;
  patientId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Why data is being accessed (HL7 PurposeOfUse, simplified): recorded and shown in responses. */
export const PURPOSES = {
  treatment: 'TREATMENT',
  breakGlass: 'BREAK_GLASS',
  payment: 'PAYMENT',
  operations: 'OPERATIONS',
  research: 'DEIDENTIFIED_RESEARCH',
  access: 'PATIENT_ACCESS',
} as const;
export type Purpose = (typeof PURPOSES)[keyof typeof PURPOSES];

/**
 * Who is asking, as the gateway verified it and carries it to every subgraph in the internal
 * token. The client's own token never leaves the gateway.
 */
export interface Identity {
  sub: string;
  roles: Role[];
  /** For role patient: the only record they may reach. */
  patientId?: string;
  /** For clinicians: the practitioner whose care team scopes them. */
  practitionerId?: string;
  sid: string;
  auditId: string;
  requestId: string;
  clientIp: string;
  userAgent?: string;
  breakGlass: BreakGlassGrantRef[];
  /** The analyst schema: subgraphs answer de-identified. */
  deidentified: boolean;
}

/** Patients the identity reaches through a break-glass grant that is still running. */
export function activeBreakGlass(identity: Identity, nowMs = Date.now()): string[] {
  return identity.breakGlass.filter((g) => g.expiresAt * 1000 > nowMs).map((g) => g.patientId);
}

/**
 * Why this identity is reading: about one patient (audit records), or, with no patient given,
 * the request as a whole (responses, `me`): break-glass while any grant runs.
 */
export function purposeFor(identity: Identity, patientId?: string | null, nowMs = Date.now()): Purpose {
  if (identity.deidentified) return PURPOSES.research;
  const granted = activeBreakGlass(identity, nowMs);
  if (patientId === undefined ? granted.length > 0 : patientId !== null && granted.includes(patientId)) {
    return PURPOSES.breakGlass;
  }
  if (isClinical(identity.roles)) return PURPOSES.treatment;
  if (identity.roles.includes('billing')) return PURPOSES.payment;
  if (identity.roles.includes('patient')) return PURPOSES.access;
  return PURPOSES.operations;
}
