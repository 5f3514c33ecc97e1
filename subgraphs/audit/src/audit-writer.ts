import { canonicalRecord, chainHash, GENESIS_HASH, type AuditRecordInput, type Logger } from '@ehr/common';
import type { KeyObject } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { signCheckpoint } from './checkpoint-key.js';
import { AuditChainHeadRecord, AuditCheckpointRecord, AuditEventRecord } from './entities/index.js';

/**
 * The only writer of the audit log. Each batch, in one transaction with the chain head locked
 * (so several replicas extend one chain), drops records it already holds (delivery is
 * idempotent), gives the rest the next sequence numbers and chains them: hash = SHA-256(previous
 * hash, canonical record). Every `checkpointEvery` records a checkpoint is signed.
 */
export class AuditWriter {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly signingKey: KeyObject,
    private readonly checkpointEvery: number,
    private readonly logger: Logger,
  ) {}

  /** Serialised in process too: sql.js has no row locks, and it saves a round trip on MySQL. */
  append(records: AuditRecordInput[]): Promise<{ stored: number; duplicates: number }> {
    const run = this.tail.then(() => this.appendNow(records));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async lockHead(tx: EntityManager): Promise<AuditChainHeadRecord> {
    const repo = tx.getRepository(AuditChainHeadRecord);
    const head =
      this.db.options.type === 'mysql'
        ? await repo.createQueryBuilder('h').setLock('pessimistic_write').where('h.id = 1').getOne()
        : await repo.findOneBy({ id: 1 });
    if (!head) throw new Error('audit chain head missing');
    return head;
  }

  private async appendNow(records: AuditRecordInput[]): Promise<{ stored: number; duplicates: number }> {
    if (records.length === 0) return { stored: 0, duplicates: 0 };
    return this.db.transaction(async (tx) => {
      const head = await this.lockHead(tx);
      const ids = [...new Set(records.map((r) => r.id))];
      const existing = new Set<string>();
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = await tx
          .getRepository(AuditEventRecord)
          .find({ select: { id: true }, where: { id: In(ids.slice(i, i + 1000)) } });
        rows.forEach((r) => existing.add(r.id));
      }
      const fresh: AuditEventRecord[] = [];
      let sequence = head.sequence;
      let prev = head.chainHash || GENESIS_HASH;
      for (const r of records) {
        if (existing.has(r.id)) continue;
        existing.add(r.id);
        sequence++;
        const hash = chainHash(prev, canonicalRecord({ ...r, sequence, prevHash: prev }));
        fresh.push(
          tx.getRepository(AuditEventRecord).create({
            ...r,
            sequence,
            roles: JSON.stringify(r.roles),
            fields: JSON.stringify(r.fields),
            prevHash: prev,
            chainHash: hash,
          }),
        );
        prev = hash;
      }
      for (let i = 0; i < fresh.length; i += 500) {
        await tx
          .createQueryBuilder()
          .insert()
          .into(AuditEventRecord)
          .values(fresh.slice(i, i + 500))
          .execute();
      }
      if (fresh.length > 0) {
        const crossed = Math.floor(sequence / this.checkpointEvery) > Math.floor(head.sequence / this.checkpointEvery);
        await tx.getRepository(AuditChainHeadRecord).update({ id: 1 }, { sequence, chainHash: prev });
        if (crossed) await this.checkpoint(tx, sequence, prev);
      }
      return { stored: fresh.length, duplicates: records.length - fresh.length };
    });
  }

  private async checkpoint(tx: EntityManager, sequence: number, hash: string): Promise<void> {
    await tx.getRepository(AuditCheckpointRecord).insert({
      sequence,
      chainHash: hash,
      signature: signCheckpoint(this.signingKey, sequence, hash),
      createdAt: new Date().toISOString(),
    });
  }

  /** A checkpoint at the head if records arrived since the last one (the timer's "every N minutes"). */
  checkpointNow(): Promise<void> {
    const run = this.tail.then(() =>
      this.db.transaction(async (tx) => {
        const head = await this.lockHead(tx);
        if (head.sequence === 0) return;
        const last = await tx.getRepository(AuditCheckpointRecord).find({ order: { sequence: 'DESC' }, take: 1 });
        if ((last[0]?.sequence ?? 0) < head.sequence) await this.checkpoint(tx, head.sequence, head.chainHash);
      }),
    );
    this.tail = run.catch((err: unknown) =>
      this.logger.error({ errorName: (err as Error).name }, 'audit checkpoint failed'),
    );
    return run;
  }
}
