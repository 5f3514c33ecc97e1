import {
  ageBand,
  anonymise,
  cubeKey,
  SealedValueError,
  SuppressedCube,
  zip3,
  type Logger,
  type Pseudonymizer,
  type QuasiRecord,
  type Release,
} from '@ehr/common';
import type { CohortRow } from '../repository.js';

/** What cohortCounts cross-tabulates (every one itself de-identified: age bands with 90+, ZIP3 with 000). */
export const COHORT_DIMENSIONS = ['GENDER', 'AGE_BAND', 'ZIP3', 'STATE'] as const;
export type CohortDimension = (typeof COHORT_DIMENSIONS)[number];

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
    const counts = new Map<string, number>();
    let unreadable = 0;
    for (const row of await this.rows()) {
      let cells: string[];
      try {
        const birthDate = row.birthDate;
        const z = zip3(row.postalCode, this.settings.restrictedZip3);
        records.push({
          id: row.id,
          birthYear: birthDate && /^\d{4}/.test(birthDate) ? Number(birthDate.slice(0, 4)) : null,
          gender: row.gender,
          zip3: z,
          state: row.state,
        });
        cells = [row.gender ?? 'unknown', ageBand(birthDate, now) ?? 'unknown', z ?? 'unknown', row.state ?? 'unknown'];
      } catch (err) {
        // A value that does not open (damaged, moved) is a cell of its own and never a row.
        if (!(err instanceof SealedValueError)) throw err;
        unreadable++;
        cells = COHORT_DIMENSIONS.map(() => 'unreadable');
      }
      const key = cubeKey(cells);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (unreadable > 0) this.logger.error({ unreadable }, 'cohort values do not open');
    const release = anonymise(records, {
      k: this.settings.k,
      maxSuppression: this.settings.maxSuppression,
      year: now.getUTCFullYear(),
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
      cube: new SuppressedCube(COHORT_DIMENSIONS, counts),
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
