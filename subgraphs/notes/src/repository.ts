import { groupByKeys, orderByKeys } from '@ehr/common';
import { In, type DataSource } from 'typeorm';
import { ClinicalNoteRecord } from './entities/index.js';

/** Every note row is loaded here (the place record scope is enforced). */
export class NotesRepository {
  constructor(private readonly db: DataSource) {}

  async byIds(ids: readonly string[]): Promise<(ClinicalNoteRecord | null)[]> {
    const rows = await this.db.getRepository(ClinicalNoteRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  /** Notes per type: one GROUP BY. */
  async countsByType(): Promise<Map<string, number>> {
    const rows = await this.db
      .getRepository(ClinicalNoteRecord)
      .createQueryBuilder('n')
      .select('n.type', 'type')
      .addSelect('COUNT(*)', 'n')
      .groupBy('n.type')
      .getRawMany<{ type: string; n: string | number }>();
    return new Map(rows.map((r) => [r.type, Number(r.n)]));
  }

  async insert(note: ClinicalNoteRecord): Promise<ClinicalNoteRecord> {
    return this.db.getRepository(ClinicalNoteRecord).save(note);
  }

  async byPatientIds(patientIds: readonly string[]): Promise<ClinicalNoteRecord[][]> {
    const rows = await this.db.getRepository(ClinicalNoteRecord).find({
      where: { patientId: In([...patientIds]) },
      order: { authoredAt: 'DESC', id: 'ASC' },
    });
    return groupByKeys(patientIds, rows, (r) => r.patientId);
  }
}
