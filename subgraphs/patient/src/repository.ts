import { encodeCursor, groupByKeys, orderByKeys } from '@ehr/common';
import { In, MoreThan, type DataSource } from 'typeorm';
import { CareTeamMemberRecord, PatientRecord, PractitionerRecord } from './entities/index.js';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/**
 * Every row this subgraph serves is loaded here, so the record-scope check lands in one place
 * and every entry point (root field, _entities, relation) passes through it. Batch functions
 * answer in the order of the keys they were given, as DataLoader requires.
 */
export class PatientRepository {
  constructor(private readonly db: DataSource) {}

  async patientsByIds(ids: readonly string[]): Promise<(PatientRecord | null)[]> {
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

  /** Keyset pagination in id order: stable under inserts, one statement for the page, one for the count. */
  async patientPage(first: number, after: string | undefined): Promise<Page<PatientRecord>> {
    const repo = this.db.getRepository(PatientRecord);
    const rows = await repo.find({
      where: after ? { id: MoreThan(after) } : {},
      order: { id: 'ASC' },
      take: first + 1,
    });
    const totalCount = await repo.count();
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.id) : null, totalCount };
  }
}
