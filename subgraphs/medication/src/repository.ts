import { groupByKeys, orderByKeys } from '@ehr/common';
import { In, type DataSource } from 'typeorm';
import { MedicationRequestRecord } from './entities/index.js';

/** Every medication row is loaded here (the place record scope is enforced). */
export class MedicationRepository {
  constructor(private readonly db: DataSource) {}

  async byIds(ids: readonly string[]): Promise<(MedicationRequestRecord | null)[]> {
    const rows = await this.db.getRepository(MedicationRequestRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  /** Requests per RxNorm code: one GROUP BY. */
  async countsByCode(): Promise<Map<string, number>> {
    const rows = await this.db
      .getRepository(MedicationRequestRecord)
      .createQueryBuilder('m')
      .select('m.code', 'code')
      .addSelect('COUNT(*)', 'n')
      .groupBy('m.code')
      .getRawMany<{ code: string; n: string | number }>();
    return new Map(rows.map((r) => [r.code, Number(r.n)]));
  }

  async byPatientIds(patientIds: readonly string[]): Promise<MedicationRequestRecord[][]> {
    const rows = await this.db.getRepository(MedicationRequestRecord).find({
      where: { patientId: In([...patientIds]) },
      order: { authoredOn: 'DESC', id: 'ASC' },
    });
    return groupByKeys(patientIds, rows, (r) => r.patientId);
  }
}
