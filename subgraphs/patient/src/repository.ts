import { encodeCursor, groupByKeys, orderByKeys } from '@ehr/common';
import { Brackets, In, IsNull, LessThanOrEqual, MoreThanOrEqual, type DataSource } from 'typeorm';
import { CareTeamMemberRecord, CoverageRecord, PatientRecord, PractitionerRecord } from './entities/index.js';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** Which patients a listing may include: everyone (billing), one (a patient), a care team, or none. */
export type ListScope =
  | { kind: 'all' }
  | { kind: 'one'; patientId: string }
  | { kind: 'careTeam'; practitionerId: string }
  | { kind: 'none' };

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Every row this subgraph serves is loaded here. Batch functions answer in the order of the keys
 * they were given, as DataLoader requires. Scope is applied by the loaders in context.ts (by id)
 * and by patientPage (listings), so no entry point reads a row without it.
 */
export class PatientRepository {
  constructor(private readonly db: DataSource) {}

  async patientsByIds(ids: readonly string[]): Promise<(PatientRecord | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.getRepository(PatientRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  async practitionersByIds(ids: readonly string[]): Promise<(PractitionerRecord | null)[]> {
    const rows = await this.db.getRepository(PractitionerRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  async careTeamsByPatientIds(ids: readonly string[]): Promise<CareTeamMemberRecord[][]> {
    const rows = await this.db
      .getRepository(CareTeamMemberRecord)
      .find({ where: { patientId: In([...ids]) }, order: { periodStart: 'ASC', id: 'ASC' } });
    return groupByKeys(ids, rows, (r) => r.patientId);
  }

  async coverageByPatientIds(ids: readonly string[]): Promise<CoverageRecord[][]> {
    const rows = await this.db
      .getRepository(CoverageRecord)
      .find({ where: { patientId: In([...ids]) }, order: { periodStart: 'DESC', id: 'ASC' } });
    return groupByKeys(ids, rows, (r) => r.patientId);
  }

  /** For each patient, whether the practitioner is on their care team today. One statement. */
  async careTeamMembership(practitionerId: string, patientIds: readonly string[]): Promise<boolean[]> {
    if (patientIds.length === 0) return [];
    const now = today();
    const rows = await this.db.getRepository(CareTeamMemberRecord).find({
      select: { patientId: true },
      // Current memberships only: started (not in the future) and not ended.
      where: [
        { practitionerId, patientId: In([...patientIds]), periodStart: LessThanOrEqual(now), periodEnd: IsNull() },
        {
          practitionerId,
          patientId: In([...patientIds]),
          periodStart: LessThanOrEqual(now),
          periodEnd: MoreThanOrEqual(now),
        },
      ],
    });
    const members = new Set(rows.map((r) => r.patientId));
    return patientIds.map((id) => members.has(id));
  }

  /** The columns cohort counts group by, for every patient (grouped in memory: they may be encrypted). */
  async cohortColumns(): Promise<Pick<PatientRecord, 'birthDate' | 'gender' | 'postalCode' | 'state'>[]> {
    return this.db
      .getRepository(PatientRecord)
      .find({ select: { id: true, birthDate: true, gender: true, postalCode: true, state: true } });
  }

  /** Keyset pagination in id order within the scope: one statement for the page, one for the count. */
  async patientPage(scope: ListScope, first: number, after: string | undefined): Promise<Page<PatientRecord>> {
    if (scope.kind === 'none') return { nodes: [], hasNextPage: false, endCursor: null, totalCount: 0 };
    const query = () => {
      const q = this.db.getRepository(PatientRecord).createQueryBuilder('p');
      if (scope.kind === 'one') q.where('p.id = :id', { id: scope.patientId });
      if (scope.kind === 'careTeam') {
        q.where((qb) => {
          const sub = qb
            .subQuery()
            .select('m.patient_id')
            .from(CareTeamMemberRecord, 'm')
            .where('m.practitioner_id = :practitionerId', { practitionerId: scope.practitionerId })
            .andWhere('m.period_start <= :today', { today: today() })
            .andWhere(
              new Brackets((b) =>
                b.where('m.period_end IS NULL').orWhere('m.period_end >= :today', { today: today() }),
              ),
            )
            .getQuery();
          return `p.id IN ${sub}`;
        });
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
