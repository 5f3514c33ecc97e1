import { randomUUID } from 'node:crypto';
import { SCOPE_SUBJECT } from '../security/scoped-load.js';
import type { AuditAction } from './record.js';

/** A row this request loaded (or was refused): its type, id and the patient it belongs to. */
export interface RowRef {
  entityType: string;
  entityId: string;
  patientId: string | null;
  denied: boolean;
  /** Named by the request (an argument, a representation) but not yet seen by a loader. */
  named?: boolean;
}

export interface RecordedMutation {
  /** The audit record's id, when the caller needs it first (to bind a sealed state to it). */
  id?: string;
  action: AuditAction;
  entityType: string;
  entityId: string;
  patientId: string | null;
  afterState: string | null;
}

/**
 * One request's record of which rows it loaded, filled where rows are loaded (one entry per row,
 * none per field). Two indexes serve the walk of the response that builds the records: by
 * `type:id` (a refusal, a representation) and by the row object itself, which the resolvers of
 * row-returning fields turn into "the object at this response path is that row" (`placed`), so a
 * row is known even when its id was not selected.
 */
export class AccessCollector {
  readonly requestStarted = new Date();
  readonly entities = new Map<string, RowRef>();
  readonly mutations: (RecordedMutation & { id: string })[] = [];
  private readonly byObject = new WeakMap<object, RowRef>();
  /** Response path (see pathKey) -> the row served there. */
  readonly placed = new Map<string, RowRef>();
  /** Response path of a root field -> the record its arguments named (for a refusal there). */
  readonly named = new Map<string, RowRef>();

  touch(entityType: string, entityId: string, patientId: string | null, denied = false, row?: object): RowRef {
    const key = `${entityType}:${entityId}`;
    let ref = this.entities.get(key);
    if (ref?.named) {
      // A loader now speaks for the row the request named: its patient and its answer count.
      ref.named = false;
      ref.denied = denied;
      ref.patientId = patientId ?? ref.patientId;
    } else if (ref) {
      ref.denied &&= denied;
      ref.patientId ??= patientId;
    } else this.entities.set(key, (ref = { entityType, entityId, patientId, denied }));
    if (row) this.byObject.set(row, ref);
    return ref;
  }

  /** Rows served to the caller, each owned by a patient (children of a patient's list, a page). */
  rows<T extends { id: string }>(
    entityType: string,
    rows: Iterable<T>,
    patientOf: (row: T) => string | null = (r) => (r as { patientId?: string }).patientId ?? null,
  ): void {
    for (const r of rows) this.touch(entityType, r.id, patientOf(r), false, r);
  }

  /** The row a resolved value is, if a loader noted it. */
  rowOf(value: unknown): RowRef | undefined {
    return typeof value === 'object' && value !== null ? this.byObject.get(value) : undefined;
  }

  lookup(entityType: string, entityId: string): RowRef | undefined {
    return this.entities.get(`${entityType}:${entityId}`);
  }

  /**
   * The row a request named (an argument, a representation), loaded or not: a row of the scope's
   * subject is its own patient; another row's patient is known once a loader has seen it.
   */
  reference(entityType: string, entityId: string): RowRef {
    const key = `${entityType}:${entityId}`;
    let ref = this.entities.get(key);
    if (!ref) {
      ref = {
        entityType,
        entityId,
        patientId: entityType === SCOPE_SUBJECT ? entityId : null,
        denied: false,
        named: true,
      };
      this.entities.set(key, ref);
    }
    return ref;
  }

  mutation(m: RecordedMutation): void {
    this.mutations.push({ ...m, id: m.id ?? randomUUID() });
  }
}

/** A response path as one string key: `patients.nodes.3.medications.0`. */
export function pathKey(path: readonly (string | number)[]): string {
  return path.join('.');
}
