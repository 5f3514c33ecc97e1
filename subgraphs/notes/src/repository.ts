import { forbidden, groupByKeys, orderByKeys, scopedLoad, scopedRows, type BaseSubgraphContext } from '@ehr/common';
import { In, type DataSource } from 'typeorm';
import { ClinicalNoteRecord } from './entities/index.js';

/**
 * What one request may read and write, with its scope built in: every note passes the request's
 * RecordScope (by its patient) and the role's note-type grants, and is noted for the audit
 * trail where it is loaded; a note is created only for a patient in scope.
 */
export interface NotesReads {
  /** By id: out of scope answers with the scope's error; a type the role may not read, FORBIDDEN. */
  byIds(ids: readonly string[]): Promise<(ClinicalNoteRecord | null | Error)[]>;
  /** Per patient, only the note types the role may read. */
  byPatients(patientIds: readonly string[]): Promise<(ClinicalNoteRecord[] | Error)[]>;
  /** Notes per type, for suppressed counts only. */
  /** Notes counted by type: of every patient, or of the patients in `among` only. */
  countsByType(among?: ReadonlySet<string>): Promise<Map<string, number>>;
  /** Stores a new note after its patient passes the scope (NOT_FOUND or BREAK_GLASS_REQUIRED otherwise). */
  create(note: ClinicalNoteRecord): Promise<ClinicalNoteRecord>;
}

/** Every note row is loaded and stored here; the subgraph reads through `forRequest`. */
export class NotesRepository {
  constructor(private readonly db: DataSource) {}

  forRequest(ctx: Pick<BaseSubgraphContext, 'scope' | 'audit' | 'access'>): NotesReads {
    // Masked reads are denied until masking exists, so only clear note types are served.
    const readable = (n: ClinicalNoteRecord) => ctx.access.noteType(n.type) === 'clear';
    return {
      byIds: async (ids) =>
        scopedRows(ctx, 'ClinicalNote', ids, await this.byIds(ids), (n) =>
          readable(n) ? undefined : forbidden('Not permitted to read this type of note'),
        ),
      byPatients: async (ids) =>
        (await scopedLoad(ctx, ids, (allowed) => this.byPatientIds(allowed))).map((list) => {
          if (list instanceof Error) return list;
          const shown = list.filter(readable);
          ctx.audit.rows('ClinicalNote', shown);
          return shown;
        }),
      countsByType: (among) => this.countsByType(among),
      create: async (note) => {
        await ctx.scope.assert(note.patientId);
        const saved = await this.db.getRepository(ClinicalNoteRecord).save(note);
        // What the mutation returns of it is recorded like any row served.
        ctx.audit.touch('ClinicalNote', saved.id, saved.patientId, false, saved);
        return saved;
      },
    };
  }

  private async byIds(ids: readonly string[]): Promise<(ClinicalNoteRecord | null)[]> {
    const rows = await this.db.getRepository(ClinicalNoteRecord).findBy({ id: In([...ids]) });
    return orderByKeys(ids, rows, (r) => r.id);
  }

  /** One GROUP BY (by patient too when only some patients count, then summed here). */
  private async countsByType(among?: ReadonlySet<string>): Promise<Map<string, number>> {
    const q = this.db
      .getRepository(ClinicalNoteRecord)
      .createQueryBuilder('n')
      .select('n.type', 'type')
      .addSelect('COUNT(*)', 'n')
      .groupBy('n.type');
    if (among) q.addSelect('n.patient_id', 'patientId').addGroupBy('n.patient_id');
    const rows = await q.getRawMany<{ type: string; n: string | number; patientId?: string }>();
    const counts = new Map<string, number>();
    for (const r of rows) {
      if (among && !among.has(r.patientId!)) continue;
      counts.set(r.type, (counts.get(r.type) ?? 0) + Number(r.n));
    }
    return counts;
  }

  private async byPatientIds(patientIds: readonly string[]): Promise<ClinicalNoteRecord[][]> {
    const rows = await this.db.getRepository(ClinicalNoteRecord).find({
      where: { patientId: In([...patientIds]) },
      order: { authoredAt: 'DESC', id: 'ASC' },
    });
    return groupByKeys(patientIds, rows, (r) => r.patientId);
  }
}
