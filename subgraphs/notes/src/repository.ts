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
