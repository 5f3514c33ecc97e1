import type { AccessCollector } from '../audit-client/collector.js';
import { breakGlassRequired, notFound } from '../errors/catalogue.js';
import type { RecordScope } from './scope.js';

/**
 * The type record scope is about: a row of it is its own patient. The one type shared code
 * names (see docs/architecture.md).
 */
export const SCOPE_SUBJECT = 'Patient';

/** What a loader needs: who may see which patients, and where to note what was touched. */
export interface LoadContext {
  scope: RecordScope;
  audit: AccessCollector;
}

/**
 * A DataLoader batch keyed by patient id that checks scope before it loads: out-of-scope keys
 * answer with the scope's error in their own slot and never reach the database; the rest load in
 * one batch. Every patient read (or refused) is noted for the audit trail here, once, so no
 * subgraph has to remember to.
 */
export async function scopedLoad<T>(
  ctx: LoadContext,
  patientIds: readonly string[],
  load: (allowed: string[]) => Promise<T[]>,
): Promise<(T | Error)[]> {
  const answers = await Promise.all(patientIds.map((id) => ctx.scope.check(id)));
  const allowed = patientIds.filter((_, i) => answers[i] === 'in');
  const loaded = allowed.length > 0 ? await load(allowed) : [];
  let next = 0;
  return answers.map((a, i) => {
    const id = patientIds[i]!;
    if (a !== 'in') {
      ctx.audit.touch(SCOPE_SUBJECT, id, id, true);
      return a === 'not_found' ? notFound() : breakGlassRequired();
    }
    const value = loaded[next++] as T;
    // A patient row is itself the row; a list of a patient's rows notes each row where it is made.
    if (value !== null && value !== undefined)
      ctx.audit.touch(SCOPE_SUBJECT, id, id, false, Array.isArray(value) ? undefined : (value as object));
    return value;
  });
}

/**
 * For rows found by their own id (a medication request, a note): the row if its patient is in
 * scope and `refuse` has no objection, the error if not. A missing row is null for unrestricted
 * callers and NOT_FOUND for everyone else, so a scoped caller cannot tell "missing" from "not
 * yours". Each row served or refused is noted for the audit trail.
 */
export async function scopedRows<T extends { id: string; patientId: string }>(
  ctx: LoadContext,
  entityType: string,
  keys: readonly string[],
  rows: (T | null)[],
  refuse: (row: T) => Error | undefined = () => undefined,
): Promise<(T | null | Error)[]> {
  const answers = await Promise.all(rows.map((r) => (r ? ctx.scope.check(r.patientId) : Promise.resolve(null))));
  return rows.map((row, i) => {
    const a = answers[i];
    if (!row) return ctx.scope.unrestricted ? null : notFound();
    const error = a === 'not_found' ? notFound() : a === 'break_glass_required' ? breakGlassRequired() : refuse(row);
    // A refusal is recorded against the patient whose row it was (the record is the auditor's).
    ctx.audit.touch(entityType, error ? keys[i]! : row.id, row.patientId, error !== undefined, error ? undefined : row);
    return error ?? row;
  });
}
