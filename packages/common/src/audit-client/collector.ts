import { randomUUID } from 'node:crypto';
import type { AuditAction } from './record.js';

interface TouchedEntity {
  entityType: string;
  entityId: string;
  patientId: string | null;
  denied: boolean;
}

export interface RecordedMutation {
  action: AuditAction;
  entityType: string;
  entityId: string;
  patientId: string | null;
  afterState: string | null;
}

/**
 * One request's record of what it touched, filled where rows are loaded (one push per row, none
 * per field). Which fields of each entity were read, and with what outcome, is decided once per
 * operation from the document and the policy when the response is about to leave.
 */
export class AccessCollector {
  readonly requestStarted = new Date();
  readonly entities = new Map<string, TouchedEntity>();
  readonly mutations: (RecordedMutation & { id: string })[] = [];

  touch(entityType: string, entityId: string, patientId: string | null, denied = false): void {
    const key = `${entityType}:${entityId}`;
    const seen = this.entities.get(key);
    if (seen) seen.denied &&= denied;
    else this.entities.set(key, { entityType, entityId, patientId, denied });
  }

  /** Rows served to the caller, each owned by a patient (children of a patient's list, a page). */
  rows<T extends { id: string }>(
    entityType: string,
    rows: Iterable<T>,
    patientOf: (row: T) => string | null = (r) => (r as { patientId?: string }).patientId ?? null,
  ): void {
    for (const r of rows) this.touch(entityType, r.id, patientOf(r));
  }

  mutation(m: RecordedMutation): void {
    this.mutations.push({ ...m, id: randomUUID() });
  }
}
