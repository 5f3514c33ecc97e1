import type { RecordScope } from './scope.js';
import { breakGlassRequired } from './scope.js';
import { notFound } from './errors.js';

/**
 * A DataLoader batch that checks scope before it loads: out-of-scope keys answer with the
 * scope's error in their own slot and never reach the database; the rest load in one batch.
 */
export async function scopedLoad<T>(
  scope: RecordScope,
  patientIds: readonly string[],
  load: (allowed: string[]) => Promise<T[]>,
): Promise<(T | Error)[]> {
  const answers = await Promise.all(patientIds.map((id) => scope.check(id)));
  const allowed = patientIds.filter((_, i) => answers[i] === 'in');
  const loaded = allowed.length > 0 ? await load(allowed) : [];
  let next = 0;
  return answers.map((a) => {
    if (a === 'not_found') return notFound();
    if (a === 'break_glass_required') return breakGlassRequired();
    return loaded[next++] as T;
  });
}

/**
 * For rows found by their own id (a medication request, a note): the row if its patient is in
 * scope, the scope's error if not. A missing row is null for unrestricted callers and NOT_FOUND
 * for everyone else, so a scoped caller cannot tell "missing" from "not yours".
 */
export async function scopedRows<T extends { patientId: string }>(
  scope: RecordScope,
  rows: (T | null)[],
): Promise<(T | null | Error)[]> {
  const answers = await Promise.all(rows.map((r) => (r ? scope.check(r.patientId) : Promise.resolve(null))));
  return rows.map((row, i) => {
    const a = answers[i];
    if (!row) return scope.unrestricted ? null : notFound();
    if (a === 'not_found') return notFound();
    if (a === 'break_glass_required') return breakGlassRequired();
    return row;
  });
}
