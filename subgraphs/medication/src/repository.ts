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
  /** Requests counted by code: of every patient, or of the patients in `among` only. */
  countsByCode(among?: ReadonlySet<string>): Promise<Map<string, number>>;
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
      countsByCode: (among) => this.countsByCode(among),
    };
  }

  private async byIds(ids: readonly string[]): Promise<(MedicationRequestRecord | null)[]> {
    const rows = await this.db.getRepository(MedicationRequestRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  /** One GROUP BY (by patient too when only some patients count, then summed here). */
  private async countsByCode(among?: ReadonlySet<string>): Promise<Map<string, number>> {
    const q = this.db
      .getRepository(MedicationRequestRecord)
      .createQueryBuilder('m')
      .select('m.code', 'code')
      .addSelect('COUNT(*)', 'n')
      .groupBy('m.code');
    if (among) q.addSelect('m.patient_id', 'patientId').addGroupBy('m.patient_id');
    const rows = await q.getRawMany<{ code: string; n: string | number; patientId?: string }>();
    const counts = new Map<string, number>();
    for (const r of rows) {
      if (among && !among.has(r.patientId!)) continue;
      counts.set(r.code, (counts.get(r.code) ?? 0) + Number(r.n));
    }
    return counts;
  }

  private async byPatientIds(patientIds: readonly string[]): Promise<MedicationRequestRecord[][]> {
    const rows = await this.db.getRepository(MedicationRequestRecord).find({
      where: { patientId: In([...patientIds]) },
      order: { authoredOn: 'DESC', id: 'ASC' },
    });
    return groupByKeys(patientIds, rows, (r) => r.patientId);
  }
}
