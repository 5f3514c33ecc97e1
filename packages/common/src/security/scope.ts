import { isClinical } from '@ehr/policy';
import DataLoader from 'dataloader';
import { breakGlassRequired, notFound } from '../errors/catalogue.js';
import type { Identity } from './identity.js';

/** Answers, for a practitioner, which of these patients are on their care team (batched). */
export type CareTeamCheck = (practitionerId: string, patientIds: readonly string[]) => Promise<boolean[]>;

export type ScopeAnswer = 'in' | 'not_found' | 'break_glass_required';

/** Which patients a listing may include: everyone (billing), one (a patient), a care team, or none. */
export type ListScope =
  | { kind: 'all' }
  | { kind: 'one'; patientId: string }
  | { kind: 'careTeam'; practitionerId: string }
  | { kind: 'none' };

/**
 * Which patient records one request may reach. One question ("is this patient in scope?")
 * asked where rows are loaded, so root fields, relations, _entities and mutations all pass the
 * same check. Care-team lookups are batched per request: one query however many patients.
 */
export class RecordScope {
  private readonly careTeam: DataLoader<string, boolean> | undefined;

  constructor(
    private readonly identity: Identity,
    check: CareTeamCheck,
    private readonly now: () => number = () => Date.now(),
  ) {
    const practitionerId = identity.practitionerId;
    if (isClinical(identity.roles) && practitionerId) {
      this.careTeam = new DataLoader((ids) => check(practitionerId, ids));
    }
  }

  /**
   * Billing works on every patient's account (payment); analysts see every patient, but only
   * de-identified (the subgraph transforms everything they reach).
   */
  get unrestricted(): boolean {
    return (
      this.identity.roles.includes('billing') || (this.identity.deidentified && this.identity.roles.includes('analyst'))
    );
  }

  /**
   * The same scope as a filter for listings: the rows `check` would let in, as the repository's
   * query restricts them (break-glass grants reach one record by id, never a listing).
   */
  listScope(): ListScope {
    const { identity } = this;
    if (this.unrestricted) return { kind: 'all' };
    if (identity.roles.includes('patient') && identity.patientId) return { kind: 'one', patientId: identity.patientId };
    if (isClinical(identity.roles) && identity.practitionerId) {
      return { kind: 'careTeam', practitionerId: identity.practitionerId };
    }
    return { kind: 'none' };
  }

  /**
   * Patients a care-team listing just returned are on the caller's team by that same query:
   * noted so the rows' relations do not ask again.
   */
  primeCareTeam(patientIds: readonly string[]): void {
    for (const id of patientIds) this.careTeam?.prime(id, true);
  }

  hasBreakGlass(patientId: string): boolean {
    const nowS = this.now() / 1000;
    return this.identity.breakGlass.some((g) => g.patientId === patientId && g.expiresAt > nowS);
  }

  async check(patientId: string): Promise<ScopeAnswer> {
    const { roles } = this.identity;
    if (this.unrestricted) return 'in';
    if (roles.includes('patient') && this.identity.patientId === patientId) return 'in';
    if (isClinical(roles)) {
      if (this.hasBreakGlass(patientId)) return 'in';
      if (this.careTeam && (await this.careTeam.load(patientId))) return 'in';
      // Said whether or not the patient exists: no existence oracle.
      return 'break_glass_required';
    }
    return 'not_found';
  }

  /** Throws NOT_FOUND or BREAK_GLASS_REQUIRED unless the patient is in scope. */
  async assert(patientId: string): Promise<void> {
    const answer = await this.check(patientId);
    if (answer === 'not_found') throw notFound();
    if (answer === 'break_glass_required') throw breakGlassRequired();
  }
}
