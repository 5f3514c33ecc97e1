import { randomUUID } from 'node:crypto';
import {
  type FieldCipher,
  encodeCursor,
  groupByKeys,
  orderByKeys,
  scopedLoad,
  type BaseSubgraphContext,
  type ListScope,
} from '@ehr/common';
import { Brackets, In, type DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { CareTeamMemberRecord, CoverageRecord, PatientRecord, PractitionerRecord } from './entities/index.js';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** The cohort columns counted and de-identified in memory (grouped there: they may be encrypted). */
export type CohortRow = Pick<PatientRecord, 'id' | 'birthDate' | 'gender' | 'postalCode' | 'state'>;

/**
 * What one request may read, with its scope built in: every patient row passes the request's
 * RecordScope and is noted for the audit trail where it is loaded, so a loader or resolver
 * built on these reads cannot forget either. (Medplum builds its access policy into the
 * repository the same way.)
 */
export interface PatientReads {
  /** By id: out-of-scope ids answer NOT_FOUND or BREAK_GLASS_REQUIRED in their slot, never the row. */
  patients(ids: readonly string[]): Promise<(PatientRecord | null | Error)[]>;
  /** By MRN through its blind index, then as by id (the same scope). Null when no patient has it. */
  byMrn(mrn: string): Promise<PatientRecord | null | Error>;
  /** Those in scope whose SSN, phone or e-mail matches, through that blind index (at most 50). */
  byIdentifier(name: 'ssn' | 'phone' | 'email', value: string): Promise<PatientRecord[]>;
  /** A page of the patients the caller's scope lists (care team, own record, everyone, none). */
  page(first: number, after: string | undefined): Promise<Page<PatientRecord>>;
  careTeams(patientIds: readonly string[]): Promise<(CareTeamMemberRecord[] | Error)[]>;
  coverage(patientIds: readonly string[]): Promise<(CoverageRecord[] | Error)[]>;
  /** The staff directory: practitioners are not patient data. */
  practitioners(ids: readonly string[]): Promise<(PractitionerRecord | null)[]>;
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Every row this subgraph serves is loaded here. The queries are private: the subgraph reads
 * through `forRequest`, which applies the request's scope. Batch functions answer in the order
 * of the keys they were given, as DataLoader requires.
 */
export class PatientRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cipher: FieldCipher | undefined,
  ) {}

  /** The reads of one request, scoped by its RecordScope and noted in its audit collector. */
  forRequest(ctx: Pick<BaseSubgraphContext, 'scope' | 'audit'>): PatientReads {
    return {
      patients: (ids) => scopedLoad(ctx, ids, (allowed) => this.patientsByIds(allowed)),
      byIdentifier: async (name, value) => {
        // Out-of-scope matches are refused in their slot (and recorded as such), then left out. No
        // match takes the same path with an id no patient has, so that neither the answer nor the
        // time it takes says whether a value exists outside the caller's scope.
        const ids = await this.idsByIndex(name, value, 50);
        const found = await scopedLoad(ctx, ids.length > 0 ? ids : [randomUUID()], (allowed) =>
          this.patientsByIds(allowed),
        );
        return found.filter((p): p is PatientRecord => p !== null && !(p instanceof Error));
      },
      byMrn: async (mrn) => {
        // An MRN no patient has is asked for like an id no patient has (a fresh random one, which
        // no break-glass grant can cover): a caller whose scope is limited gets the same refusal.
        const [id] = await this.idsByIndex('mrn', mrn, 1);
        return (await scopedLoad(ctx, [id ?? randomUUID()], (allowed) => this.patientsByIds(allowed)))[0]!;
      },
      page: async (first, after) => {
        const scope = ctx.scope.listScope();
        const page = await this.patientPage(scope, first, after);
        if (scope.kind === 'careTeam') ctx.scope.primeCareTeam(page.nodes.map((p) => p.id));
        ctx.audit.rows('Patient', page.nodes, (p) => p.id);
        return page;
      },
      careTeams: (ids) => scopedLoad(ctx, ids, (allowed) => this.careTeamsByPatientIds(allowed)),
      coverage: async (ids) => {
        const lists = await scopedLoad(ctx, ids, (allowed) => this.coverageByPatientIds(allowed));
        for (const l of lists) if (!(l instanceof Error)) ctx.audit.rows('Coverage', l);
        return lists;
      },
      practitioners: (ids) => this.practitionersByIds(ids),
    };
  }

  /** The patients whose blind index of this kind matches the value, in id order. Never compares plaintext. */
  private async idsByIndex(name: 'mrn' | 'ssn' | 'phone' | 'email', value: string, limit: number): Promise<string[]> {
    if (!this.cipher) throw new Error('blind indexes need field encryption');
    const index = this.cipher.blindIndex(name, value);
    if (!index) return [];
    const rows = await this.db
      .getRepository(PatientRecord)
      .find({ select: { id: true }, where: { [`${name}Index`]: index }, order: { id: 'ASC' }, take: limit });
    return rows.map((r) => r.id);
  }

  /** For each patient, whether the practitioner is on their care team today. One statement. */
  async careTeamMembership(practitionerId: string, patientIds: readonly string[]): Promise<boolean[]> {
    if (patientIds.length === 0) return [];
    const rows = await this.currentMembers(practitionerId)
      .andWhere('m.patient_id IN (:...patientIds)', { patientIds: [...patientIds] })
      .getRawMany<{ patientId: string }>();
    const members = new Set(rows.map((r) => r.patientId));
    return patientIds.map((id) => members.has(id));
  }

  /**
   * The patients a practitioner is on the care team of today: started (not in the future) and
   * not ended. The one statement of the membership condition, for lookups and for listings.
   */
  private currentMembers(
    practitionerId: string,
    qb?: SelectQueryBuilder<ObjectLiteral>,
  ): SelectQueryBuilder<ObjectLiteral> {
    const now = today();
    const base = qb ?? this.db.createQueryBuilder();
    return base
      .select('m.patient_id', 'patientId')
      .from(CareTeamMemberRecord, 'm')
      .where('m.practitioner_id = :practitionerId', { practitionerId })
      .andWhere('m.period_start <= :today', { today: now })
      .andWhere(new Brackets((b) => b.where('m.period_end IS NULL').orWhere('m.period_end >= :today', { today: now })));
  }

  private async patientsByIds(ids: readonly string[]): Promise<(PatientRecord | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.getRepository(PatientRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  private async practitionersByIds(ids: readonly string[]): Promise<(PractitionerRecord | null)[]> {
    const rows = await this.db.getRepository(PractitionerRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  private async careTeamsByPatientIds(ids: readonly string[]): Promise<CareTeamMemberRecord[][]> {
    const rows = await this.db
      .getRepository(CareTeamMemberRecord)
      .find({ where: { patientId: In([...ids]) }, order: { periodStart: 'ASC', id: 'ASC' } });
    return groupByKeys(ids, rows, (r) => r.patientId);
  }

  private async coverageByPatientIds(ids: readonly string[]): Promise<CoverageRecord[][]> {
    const rows = await this.db
      .getRepository(CoverageRecord)
      .find({ where: { patientId: In([...ids]) }, order: { periodStart: 'DESC', id: 'ASC' } });
    return groupByKeys(ids, rows, (r) => r.patientId);
  }

  /**
   * Every patient's cohort columns, for the de-identified release and its suppressed counts
   * (deid/release.ts): never returned row by row, and not scoped, since the release is computed
   * over the whole population once and served from there.
   */
  async cohortRows(): Promise<CohortRow[]> {
    return this.db
      .getRepository(PatientRecord)
      .find({ select: { id: true, birthDate: true, gender: true, postalCode: true, state: true } });
  }

  /** Keyset pagination in id order within the scope: one statement for the page, one for the count. */
  private async patientPage(scope: ListScope, first: number, after: string | undefined): Promise<Page<PatientRecord>> {
    if (scope.kind === 'none') return { nodes: [], hasNextPage: false, endCursor: null, totalCount: 0 };
    const query = () => {
      const q = this.db.getRepository(PatientRecord).createQueryBuilder('p');
      if (scope.kind === 'one') q.where('p.id = :id', { id: scope.patientId });
      if (scope.kind === 'careTeam') {
        q.where((qb) => `p.id IN ${this.currentMembers(scope.practitionerId, qb.subQuery()).getQuery()}`);
      }
      return q;
    };
    const pageQuery = query()
      .orderBy('p.id', 'ASC')
      .take(first + 1);
    if (after) pageQuery.andWhere('p.id > :after', { after });
    const rows = await pageQuery.getMany();
    const totalCount = await query().getCount();
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.id) : null, totalCount };
  }
}
