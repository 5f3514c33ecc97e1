import { newId } from '@ehr/common';
import { LessThan, MoreThan, type DataSource, type FindOptionsWhere } from 'typeorm';
import { BreakGlassGrantRecord } from './entities/index.js';

/** Grants and reviews. A grant is never deleted; a review closes it. */
export class BreakGlassRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The queue position is time-ordered (microseconds since the epoch plus a random tail) so
   * replicas need no coordination; the unique index turns the rare collision into a retry.
   */
  async create(
    actorId: string,
    patientId: string,
    reason: string,
    ttlS: number,
    now = new Date(),
  ): Promise<BreakGlassGrantRecord> {
    const repo = this.db.getRepository(BreakGlassGrantRecord);
    for (let attempt = 0; ; attempt++) {
      const grant = repo.create({
        id: newId(),
        sequence: now.getTime() * 1000 + Math.floor(Math.random() * 1000),
        actorId,
        patientId,
        reason,
        grantedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlS * 1000).toISOString(),
        status: 'OPEN',
        outcome: null,
        reviewComment: null,
        reviewedBy: null,
        reviewedAt: null,
      });
      try {
        return await repo.insert(grant).then(() => grant);
      } catch (err) {
        if (attempt >= 2) throw err;
      }
    }
  }

  async activeFor(actorId: string, now = new Date()): Promise<BreakGlassGrantRecord[]> {
    return this.db.getRepository(BreakGlassGrantRecord).find({
      where: { actorId, expiresAt: MoreThan(now.toISOString()) },
      order: { sequence: 'ASC' },
    });
  }

  async byId(id: string): Promise<BreakGlassGrantRecord | null> {
    return this.db.getRepository(BreakGlassGrantRecord).findOneBy({ id });
  }

  async review(
    grant: BreakGlassGrantRecord,
    outcome: string,
    comment: string,
    reviewer: string,
  ): Promise<BreakGlassGrantRecord> {
    const review = {
      status: 'REVIEWED',
      outcome,
      reviewComment: comment,
      reviewedBy: reviewer,
      reviewedAt: new Date().toISOString(),
    };
    // Only the review's columns are written, without reading the others back first: a stored
    // reason that does not open must not stop its grant from being reviewed. The id rides along
    // so that the sealed comment is bound to its row.
    await this.db.getRepository(BreakGlassGrantRecord).update({ id: grant.id }, { id: grant.id, ...review });
    return Object.assign(grant, review);
  }

  async page(status: string | undefined, first: number, afterSequence: number | undefined) {
    const repo = this.db.getRepository(BreakGlassGrantRecord);
    const where: FindOptionsWhere<BreakGlassGrantRecord> = status ? { status } : {};
    const rows = await repo.find({
      where: afterSequence === undefined ? where : { ...where, sequence: LessThan(afterSequence) },
      order: { sequence: 'DESC' },
      take: first + 1,
    });
    const totalCount = await repo.count({ where });
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }
}
