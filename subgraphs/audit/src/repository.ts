import { LessThan, Like, MoreThanOrEqual, Not, Raw, type DataSource, type FindOptionsWhere } from 'typeorm';
import { AuditEventRecord } from './entities/index.js';

export interface AuditFilter {
  patientId?: string;
  actorId?: string;
  auditId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  /** Leave out reads of the log itself (a patient's accounting lists disclosures, not audits). */
  excludeLogReads?: boolean;
}

/** Reads the log newest first. There is deliberately no update or delete here. */
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  async page(filter: AuditFilter, first: number, afterSequence: number | undefined) {
    const where: FindOptionsWhere<AuditEventRecord> = {};
    if (filter.patientId) where.patientId = filter.patientId;
    if (filter.actorId) where.actorId = filter.actorId;
    if (filter.auditId) where.auditId = filter.auditId;
    if (filter.excludeLogReads) where.subgraph = Not('audit');
    // The fields and entities columns are JSON text; an outcome appears in them as
    // "outcome":"DENIED". A record with rows keeps its per-field outcomes in its rows (its fields
    // are derived from them), one without rows in its fields: either may hold it.
    const outcome = filter.outcome ? Like(`%"outcome":"${filter.outcome}"%`) : undefined;
    if (filter.from && filter.to) {
      where.occurredAt = Raw((c) => `${c} >= :from AND ${c} < :to`, { from: filter.from, to: filter.to });
    } else if (filter.from) where.occurredAt = MoreThanOrEqual(filter.from);
    else if (filter.to) where.occurredAt = LessThan(filter.to);
    const matching = outcome
      ? [
          { ...where, fields: outcome },
          { ...where, entities: outcome },
        ]
      : [where];
    const repo = this.db.getRepository(AuditEventRecord);
    const rows = await repo.find({
      where:
        afterSequence === undefined ? matching : matching.map((w) => ({ ...w, sequence: LessThan(afterSequence) })),
      order: { sequence: 'DESC' },
      take: first + 1,
    });
    const totalCount = await repo.count({ where: matching });
    const nodes = rows.slice(0, first);
    return { nodes, hasNextPage: rows.length > first, totalCount };
  }
}
