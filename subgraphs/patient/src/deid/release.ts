import {
  anonymise,
  cubeKey,
  SealedValueError,
  SuppressedCube,
  zip3,
  type Generalisation,
  type Logger,
  type Pseudonymizer,
  type QuasiRecord,
  type Release,
} from '@ehr/common';
import type { CohortRow } from '../repository.js';
import {
  cohortValues,
  COHORT_DIMENSIONS,
  DIMENSION_DOMAINS,
  MAX_CELLS,
  UNREADABLE,
  visibleInRows,
} from './dimensions.js';

/** One computation over every patient: the analyst's row-level release and the suppressed counts. */
export interface ReleaseSnapshot {
  release: Release;
  /** Released record ids in pseudonym order (the only order an analyst listing has). */
  order: readonly string[];
  /** Their pseudonyms, in the same order, for finding where a cursor continues. */
  pseudonymOrder: readonly string[];
  cube: SuppressedCube;
  /** Patients whose values did not open: counted as such, never released. */
  unreadable: number;
  computedAt: Date;
}

export interface ReleaseSettings {
  k: number;
  maxSuppression: number;
  /** How long one snapshot is reused; 0 computes one per request. */
  ttlMs: number;
  restrictedZip3: readonly string[] | undefined;
}

/**
 * The analyst's view of the patients, computed over all of them at once (a class is a property
 * of the whole population, never of a page): k-anonymous rows, in pseudonym order, and the
 * counts every cohortCounts query is cut from. Reused for `ttlMs`, so a listing pages through
 * one consistent release; a patient added since is not listed until the next one (deny by
 * default), and a request sees a single snapshot throughout.
 */
export class PatientRelease {
  private current?: { at: number; snapshot: Promise<ReleaseSnapshot> };

  constructor(
    private readonly rows: () => Promise<CohortRow[]>,
    private readonly pseudonyms: Pseudonymizer,
    private readonly settings: ReleaseSettings,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  snapshot(): Promise<ReleaseSnapshot> {
    const now = this.clock();
    if (this.current && now - this.current.at < this.settings.ttlMs) return this.current.snapshot;
    const snapshot = this.compute(new Date(now));
    this.current = { at: now, snapshot };
    // A failed computation is not reused: the next request tries again.
    snapshot.catch(() => {
      if (this.current?.snapshot === snapshot) this.current = undefined;
    });
    return snapshot;
  }

  private async compute(now: Date): Promise<ReleaseSnapshot> {
    const started = performance.now();
    const records: QuasiRecord[] = [];
    const values = new Map<string, string[]>();
    const year = now.getUTCFullYear();
    let unreadable = 0;
    for (const row of await this.rows()) {
      try {
        const birthDate = row.birthDate;
        const record: QuasiRecord = {
          id: row.id,
          birthYear: birthDate && /^\d{4}/.test(birthDate) ? Number(birthDate.slice(0, 4)) : null,
          gender: row.gender,
          zip3: zip3(row.postalCode, this.settings.restrictedZip3),
          state: row.state,
        };
        records.push(record);
        values.set(row.id, cohortValues(record, year));
      } catch (err) {
        // A value that does not open (damaged, moved) is a cell of its own and never a row.
        if (!(err instanceof SealedValueError)) throw err;
        unreadable++;
        values.set(
          row.id,
          COHORT_DIMENSIONS.map(() => UNREADABLE),
        );
      }
    }
    if (unreadable > 0) this.logger.error({ unreadable }, 'cohort values do not open');
    const release = anonymise(records, {
      k: this.settings.k,
      maxSuppression: this.settings.maxSuppression,
      year,
    });
    const counts = new Map<string, number>();
    for (const v of values.values()) counts.set(cubeKey(v), (counts.get(cubeKey(v)) ?? 0) + 1);
    const cube = new SuppressedCube(DIMENSION_DOMAINS, counts, {
      maxCells: MAX_CELLS,
      revealed: revealedByRows(
        release.generalisation,
        [...values].filter(([id]) => !release.released.has(id)),
      ),
    });
    const ids = [...release.released.keys()];
    const names = this.pseudonyms.pseudonyms(ids);
    const listed = ids
      .map((id, i) => ({ id, pseudonym: names[i]! }))
      .sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : a.pseudonym > b.pseudonym ? 1 : 0));
    const snapshot: ReleaseSnapshot = {
      release: { ...release, records: release.records + unreadable, suppressed: release.suppressed + unreadable },
      order: listed.map((l) => l.id),
      pseudonymOrder: listed.map((l) => l.pseudonym),
      cube,
      unreadable,
      computedAt: now,
    };
    this.logger.info(
      {
        records: snapshot.release.records,
        suppressed: snapshot.release.suppressed,
        generalisation: release.generalisation,
        ms: Math.round(performance.now() - started),
      },
      'de-identified release computed',
    );
    return snapshot;
  }

  /** A page of released ids after the record `afterId` (by pseudonym), and whether more follow. */
  page(snapshot: ReleaseSnapshot, first: number, afterId: string | undefined): { ids: string[]; hasNextPage: boolean } {
    let start = 0;
    if (afterId !== undefined) {
      // The first pseudonym greater than the cursor's: a cursor whose record is gone still continues.
      const after = this.pseudonyms.pseudonym(afterId);
      let lo = 0;
      let hi = snapshot.pseudonymOrder.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (snapshot.pseudonymOrder[mid]! <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const ids = snapshot.order.slice(start, start + first);
    return { ids, hasNextPage: start + first < snapshot.order.length };
  }
}

/**
 * The cells whose exact count anyone can read off the released rows: every dimension shown at
 * the release's generalisation, and no suppressed record in the cell (the rows then hold all of
 * it). The cube never relies on withholding those to protect another cell.
 */
function revealedByRows(g: Generalisation, suppressed: [string, string[]][]) {
  const hidden = new Map<string, Set<string>>();
  return (dimensions: readonly string[], cellValues: readonly string[]): boolean => {
    if (!dimensions.every((d) => visibleInRows(d, g))) return false;
    const slots = dimensions.map((d) => (COHORT_DIMENSIONS as readonly string[]).indexOf(d));
    const id = slots.join(',');
    let keys = hidden.get(id);
    if (!keys) {
      keys = new Set(suppressed.map(([, v]) => cubeKey(slots.map((i) => v[i]!))));
      hidden.set(id, keys);
    }
    return !keys.has(cubeKey(cellValues));
  };
}
