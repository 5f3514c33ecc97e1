import { groupByKeys, orderByKeys, scopedLoad, scopedRows, type BaseSubgraphContext } from '@ehr/common';
import { In, type DataSource } from 'typeorm';
import { MedicationRequestRecord } from './entities/index.js';

/**
 * What one request may read, with its scope built in: every row passes the request's
 * RecordScope (by its patient) and is noted for the audit trail where it is loaded.
 */
export interface MedicationReads {
  /** By id: a row whose patient is out of scope answers with the scope's error, never the row. */
  byIds(ids: readonly string[]): Promise<(MedicationRequestRecord | null | Error)[]>;
  /** Per patient: out-of-scope patients are refused before any row is read. */
  byPatients(patientIds: readonly string[]): Promise<(MedicationRequestRecord[] | Error)[]>;
  /** Requests per RxNorm code, for suppressed counts only. */
  countsByCode(): Promise<Map<string, number>>;
}

/** Every medication row is loaded here; the subgraph reads through `forRequest`. */
export class MedicationRepository {
  constructor(private readonly db: DataSource) {}

  forRequest(ctx: Pick<BaseSubgraphContext, 'scope' | 'audit'>): MedicationReads {
    return {
      byIds: async (ids) => scopedRows(ctx, 'MedicationRequest', ids, await this.byIds(ids)),
      byPatients: async (ids) => {
        const lists = await scopedLoad(ctx, ids, (allowed) => this.byPatientIds(allowed));
        for (const l of lists) if (!(l instanceof Error)) ctx.audit.rows('MedicationRequest', l);
        return lists;
      },
      countsByCode: () => this.countsByCode(),
    };
  }

  private async byIds(ids: readonly string[]): Promise<(MedicationRequestRecord | null)[]> {
    const rows = await this.db.getRepository(MedicationRequestRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  /** One GROUP BY. */
  private async countsByCode(): Promise<Map<string, number>> {
    const rows = await this.db
      .getRepository(MedicationRequestRecord)
      .createQueryBuilder('m')
      .select('m.code', 'code')
      .addSelect('COUNT(*)', 'n')
      .groupBy('m.code')
      .getRawMany<{ code: string; n: string | number }>();
    return new Map(rows.map((r) => [r.code, Number(r.n)]));
  }

  private async byPatientIds(patientIds: readonly string[]): Promise<MedicationRequestRecord[][]> {
    const rows = await this.db.getRepository(MedicationRequestRecord).find({
      where: { patientId: In([...patientIds]) },
      order: { authoredOn: 'DESC', id: 'ASC' },
    });
    return groupByKeys(patientIds, rows, (r) => r.patientId);
  }
}
