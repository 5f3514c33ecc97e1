import { raiseAlert, serial, type AuditRecordInput, type Logger } from '@ehr/common';
import { canonicalFromLists, canonicalRecord, chainHash, GENESIS_HASH, recordHash } from './chain.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Between, In, type DataSource, type EntityManager } from 'typeorm';
import { checkpointValid, signCheckpoint, signTreeHead, treeHeadValid } from './checkpoint-key.js';
import { appendLeaf, decodeFrontier, encodeFrontier, leafHash, rootOfFrontier } from './merkle.js';
import { rowAsInput, verifyChain } from './verify-chain.js';
import type { HeadSink, SignedHead } from './published-heads.js';
import { AuditChainHeadRecord, AuditCheckpointRecord, AuditEventRecord } from './entities/index.js';

/** The log's head does not vouch for its newest record: someone changed it, or it is damaged. */
export class AuditLogDamagedError extends Error {
  override name = 'AuditLogDamagedError';
  constructor(readonly sequence: number) {
    super(`audit log head does not vouch for sequence ${sequence}`);
  }
}

/**
 * The only writer of the audit log. Each batch, in one transaction with the chain head locked
 * (so several replicas extend one chain), drops records it already holds (delivery is
 * idempotent), gives the rest the next sequence numbers and chains them: hash = SHA-256(previous
 * hash, canonical record). Every committed group ends in a signed head (Ed25519, the key outside
 * the database), in the same transaction, so no committed record is ever unsigned; after the
 * commit the head is also published outside the database (PublishedHeads). Every
 * `checkpointEvery` records a checkpoint is kept as well (the history of heads).
 */
export class AuditWriter {
  /** Group commits and checkpoints run one at a time against the chain. */
  private readonly serial = serial();

  constructor(
    private readonly db: DataSource,
    private readonly signingKey: KeyObject,
    private readonly checkpointEvery: number,
    private readonly logger: Logger,
    private readonly published?: HeadSink,
    private readonly alertWebhookUrl?: string,
    /**
     * How long a commit waits for more batches once one arrives (ms). The data subgraphs a
     * request reached send their records at nearly the same moment: a short wait puts them in
     * one transaction instead of one each. 0: commit at once.
     */
    private readonly gatherMs = 0,
  ) {
    this.publicKey = createPublicKey(signingKey);
  }

  private readonly publicKey: KeyObject;
  /** The head this writer committed last, as it signed it. */
  private lastSigned: SignedHead | undefined;
  /** The tree head this writer committed last (its edge as stored, its root and signature). */
  private lastTree: { size: number; frontier: string; root: string; signature: string } | undefined;

  private queue: {
    records: AuditRecordInput[];
    resolve: (r: { stored: number; duplicates: number }) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private writing = false;

  /**
   * Group commit: batches that arrive while a transaction is running wait and then share the next
   * one, so the log's throughput is not one commit (one fsync) per request. Serialised in process
   * too: sql.js has no row locks, and it saves lock waits on MySQL.
   */
  append(records: AuditRecordInput[]): Promise<{ stored: number; duplicates: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        const drain = () => void this.serial(() => this.drainQueue());
        if (this.gatherMs > 0) setTimeout(drain, this.gatherMs);
        else drain();
      }
    });
  }

  private async drainQueue(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          const counts = await this.appendNow(group.flatMap((g) => g.records));
          if (counts.head) await this.publish(counts.head);
          // Each sender learns how many of its own records were new.
          const seen = counts.storedIds;
          for (const g of group) {
            const stored = g.records.filter((r) => seen.delete(r.id)).length;
            g.resolve({ stored, duplicates: g.records.length - stored });
          }
        } catch (err) {
          if (group.length === 1) {
            group[0]!.reject(err);
            continue;
          }
          // One sender's bad batch must not fail the others it shared a transaction with: each
          // batch is tried alone, so a refusal reaches only the sender whose records caused it.
          for (const g of group) {
            try {
              const alone = await this.appendNow(g.records);
              if (alone.head) await this.publish(alone.head);
              g.resolve({ stored: alone.storedIds.size, duplicates: g.records.length - alone.storedIds.size });
            } catch (own) {
              g.reject(own);
            }
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** The head row, locked, with the newest record joined: one statement. */
  private async lockHead(tx: EntityManager): Promise<AuditChainHeadRecord & { last?: AuditEventRecord | null }> {
    const q = tx
      .getRepository(AuditChainHeadRecord)
      .createQueryBuilder('h')
      .leftJoinAndMapOne('h.last', AuditEventRecord, 'e', 'e.sequence = h.sequence')
      .where('h.id = 1');
    // sql.js has no row locks (the writer is serialised in process there).
    if (this.db.options.type === 'mysql') q.setLock('pessimistic_write');
    const head = (await q.getOne()) as (AuditChainHeadRecord & { last?: AuditEventRecord | null }) | null;
    if (!head) throw new Error('audit chain head missing');
    return head;
  }

  /**
   * The head, locked, once it is known to vouch for the newest row: its signature verifies and
   * the newest row hashes to it. Extending or re-signing a head that does not would bless a
   * rewrite (edit the newest record, recompute, and the next commit signs over it), so the
   * writer refuses instead: batches stay spooled by their senders, and an alert goes out.
   */
  private async trustedHead(tx: EntityManager): Promise<AuditChainHeadRecord> {
    const head = await this.lockHead(tx);
    if (head.sequence === 0) return head;
    const last = head.last ?? null;
    // The head this writer signed last needs no signature check (a head changed since is not it).
    const ours =
      this.lastSigned !== undefined &&
      this.lastSigned.sequence === head.sequence &&
      this.lastSigned.chainHash === head.chainHash &&
      this.lastSigned.signature === head.signature;
    const vouched =
      head.signature !== null &&
      (ours || checkpointValid(this.publicKey, head.sequence, head.chainHash, head.signature)) &&
      last !== null &&
      last.chainHash === head.chainHash &&
      recordHash(rowAsInput(last), last.sequence, last.prevHash) === head.chainHash;
    if (!vouched) throw this.damaged(head.sequence, 'the head does not vouch for the newest record');
    return head;
  }

  /**
   * After the commit: the head goes to the file outside the database. A failure here is logged
   * loudly but does not fail the batch (the records and their signed head are committed); the
   * next commit publishes a later head.
   */
  private async publish(head: SignedHead): Promise<void> {
    try {
      await this.published?.append(head);
    } catch (err) {
      this.logger.error({ errorName: (err as Error).name, sequence: head.sequence }, 'audit head not published');
    }
  }

  /**
   * A log written before heads were signed: its head is signed once, at start, but only after the
   * whole chain verifies (every row, every checkpoint); otherwise it stays unsigned, writes are
   * refused, and the operator is told to run the verifier.
   */
  async signHeadIfUnsigned(): Promise<void> {
    await this.serial(() =>
      this.db.transaction(async (tx) => {
        const head = await this.lockHead(tx);
        if (head.sequence === 0 || head.signature) return;
        const status = await verifyChain(this.db, this.publicKey, this.checkpointEvery, undefined, {
          allowUnsignedHead: true,
        });
        if (!status.intact) {
          this.logger.error(
            { firstBrokenSequence: status.firstBrokenSequence },
            'unsigned audit head not signed: the log does not verify',
          );
          return;
        }
        const signature = signCheckpoint(this.signingKey, head.sequence, head.chainHash);
        await tx.getRepository(AuditChainHeadRecord).update({ id: 1 }, { signature });
      }),
    );
  }

  /**
   * One group commit. The first attempt assumes the records are new (the usual case: a replay or
   * a re-submission is rare) and lets the primary key find any that are not; only then is the
   * batch run again with a lookup of the ids the log already holds. Five statements per commit:
   * the head with the newest row (locked), one insert, the head update, begin and commit.
   */
  private async appendNow(records: AuditRecordInput[]): Promise<{ storedIds: Set<string>; head?: SignedHead }> {
    if (records.length === 0) return { storedIds: new Set() };
    try {
      return await this.commit(records, false);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return this.commit(records, true);
    }
  }

  private async commit(
    records: AuditRecordInput[],
    lookUpExisting: boolean,
  ): Promise<{ storedIds: Set<string>; head?: SignedHead }> {
    const result = await this.db.transaction(async (tx) => {
      const head = await this.trustedHead(tx);
      // The tree's edge is established before this commit's rows exist (a rebuild verifies the log as it was).
      let frontier = await this.frontierOf(tx, head);
      const existing = new Set<string>();
      if (lookUpExisting) {
        const ids = [...new Set(records.map((r) => r.id))];
        const held = new Map<string, AuditEventRecord>();
        for (let i = 0; i < ids.length; i += 1000) {
          const rows = await tx.getRepository(AuditEventRecord).findBy({ id: In(ids.slice(i, i + 1000)) });
          rows.forEach((r) => held.set(r.id, r));
        }
        held.forEach((_r, id) => existing.add(id));
        // A replay repeats a record as it was; the same id with other content is a sender's bug
        // or forgery: it is not stored (the log keeps the first), but it is not silent either.
        const reused = records.filter((r) => {
          const row = held.get(r.id);
          if (!row) return false;
          const was = rowAsInput(row);
          return (
            canonicalRecord({ ...r, sequence: 0, prevHash: '' }) !==
            canonicalRecord({ ...was, sequence: 0, prevHash: '' })
          );
        });
        if (reused.length > 0) this.reusedIds(reused.map((r) => r.id));
      }
      const fresh: AuditEventRecord[] = [];
      let sequence = head.sequence;
      let prev = head.chainHash || GENESIS_HASH;
      for (const r of records) {
        if (existing.has(r.id)) continue;
        existing.add(r.id);
        sequence++;
        // The lists are serialised once: the same JSON is stored and hashed.
        const lists = {
          roles: JSON.stringify(r.roles),
          fields: JSON.stringify(r.fields),
          entities: JSON.stringify(r.entities ?? []),
        };
        const hash = chainHash(prev, canonicalFromLists({ ...r, sequence, prevHash: prev }, lists));
        fresh.push({ ...r, ...lists, sequence, prevHash: prev, chainHash: hash } as AuditEventRecord);
        prev = hash;
      }
      for (let i = 0; i < fresh.length; i += 500) await this.insertRows(tx, fresh.slice(i, i + 500));
      if (fresh.length === 0) return { storedIds: new Set<string>() };
      const crossed = Math.floor(sequence / this.checkpointEvery) > Math.floor(head.sequence / this.checkpointEvery);
      const signature = signCheckpoint(this.signingKey, sequence, prev);
      // The Merkle tree grows by the same records: its right edge and a signed tree head.
      let size = head.sequence;
      for (const f of fresh) frontier = appendLeaf(frontier, size++, leafHash(f.chainHash));
      const tree = {
        frontier: encodeFrontier(sequence, frontier),
        root: rootOfFrontier(frontier).toString('hex'),
        signature: '',
      };
      tree.signature = signTreeHead(this.signingKey, sequence, tree.root);
      await tx.query(
        'UPDATE audit_chain_head SET sequence = ?, chain_hash = ?, signature = ?, tree_frontier = ?, tree_root = ?, tree_signature = ? WHERE id = 1',
        [sequence, prev, signature, tree.frontier, tree.root, tree.signature],
      );
      if (crossed) await this.checkpoint(tx, sequence, prev);
      return {
        storedIds: new Set(fresh.map((f) => f.id)),
        head: { sequence, chainHash: prev, signature },
        tree,
      };
    });
    // Committed: this writer's own head and tree head need no signature check next time.
    if (result.head && 'tree' in result) {
      this.lastSigned = result.head;
      this.lastTree = { ...result.tree, size: result.head.sequence };
    }
    return result;
  }

  /** A multi-row INSERT written once from the entity's columns (the query builder costs more than the rows). */
  private async insertRows(tx: EntityManager, rows: AuditEventRecord[]): Promise<void> {
    const columns = this.db.getMetadata(AuditEventRecord).columns;
    const names = columns.map((c) => c.databaseName);
    const one = `(${names.map(() => '?').join(', ')})`;
    const values = rows.flatMap((r) => columns.map((c) => (c.getEntityValue(r, true) as unknown) ?? null));
    await tx.query(
      `INSERT INTO hipaa_audit_log (${names.map((n) => this.db.driver.escape(n)).join(', ')}) VALUES ${rows.map(() => one).join(', ')}`,
      values,
    );
  }

  private async checkpoint(tx: EntityManager, sequence: number, hash: string): Promise<void> {
    await tx.getRepository(AuditCheckpointRecord).insert({
      sequence,
      chainHash: hash,
      signature: signCheckpoint(this.signingKey, sequence, hash),
      createdAt: new Date().toISOString(),
    });
  }

  /**
   * The tree's right edge at the (trusted) head, itself trusted: kept in the head row for the
   * head's size, its root equal to the signed tree head. A stored edge that does not match its
   * own signed root was changed: writing is refused. An edge missing or kept for another size (a
   * log from before the tree, a commit by a writer that did not keep it) is rebuilt from the rows,
   * but only over a chain that verifies.
   */
  private async frontierOf(tx: EntityManager, head: AuditChainHeadRecord): Promise<Buffer[]> {
    if (head.sequence === 0) return [];
    const stored = decodeFrontier(head.treeFrontier);
    if (stored && stored.size === head.sequence) {
      const root = rootOfFrontier(stored.nodes).toString('hex');
      const t = this.lastTree;
      // The tree head this writer signed last, unchanged, needs no signature check.
      const ours =
        t !== undefined &&
        t.size === head.sequence &&
        t.frontier === head.treeFrontier &&
        t.root === head.treeRoot &&
        t.signature === head.treeSignature;
      const signed =
        root === head.treeRoot && (ours || treeHeadValid(this.publicKey, head.sequence, root, head.treeSignature));
      if (!signed) throw this.damaged(head.sequence, 'the Merkle tree head does not match its signature');
      return stored.nodes;
    }
    const status = await verifyChain(this.db, this.publicKey, this.checkpointEvery);
    if (!status.intact) throw this.damaged(head.sequence, 'the tree cannot be rebuilt over a log that does not verify');
    let frontier: Buffer[] = [];
    let size = 0;
    for (let from = 1; from <= head.sequence; from += 5000) {
      const rows = await tx.getRepository(AuditEventRecord).find({
        select: { sequence: true, chainHash: true },
        where: { sequence: Between(from, Math.min(head.sequence, from + 4999)) },
        order: { sequence: 'ASC' },
      });
      for (const r of rows) frontier = appendLeaf(frontier, size++, leafHash(r.chainHash));
    }
    this.logger.warn({ size }, 'audit Merkle tree rebuilt from the verified log');
    return frontier;
  }

  /** Record ids sent again with other content: logged and alerted (ids only), never stored. */
  private reusedIds(ids: string[]): void {
    this.logger.error({ recordIds: ids.slice(0, 20), count: ids.length }, 'audit record ids reused with other content');
    void raiseAlert(
      {
        type: 'audit_failure',
        severity: 'critical',
        actorId: 'system',
        detail: `${ids.length} audit record id(s) sent again with other content (kept the first): ${ids.slice(0, 5).join(', ')}`,
      },
      this.logger,
      this.alertWebhookUrl,
    );
  }

  /** Logs, alerts and returns the refusal for a log that cannot be trusted to extend. */
  private damaged(sequence: number, why: string): AuditLogDamagedError {
    this.logger.error({ sequence, why }, 'audit log head does not vouch for the newest record: writing refused');
    void raiseAlert(
      {
        type: 'audit_failure',
        severity: 'critical',
        actorId: 'system',
        detail: `audit log tampered or damaged at sequence ${sequence} (${why}): writes refused; run npm run audit:verify`,
      },
      this.logger,
      this.alertWebhookUrl,
    );
    return new AuditLogDamagedError(sequence);
  }

  /** Waits for the group commit or checkpoint already running (at stop, before the database closes). */
  async settle(): Promise<void> {
    while (this.writing || this.queue.length > 0) await this.serial(async () => undefined);
    await this.serial(async () => undefined);
  }

  /** A checkpoint at the head if records arrived since the last one (the timer's "every N minutes"). */
  checkpointNow(): Promise<void> {
    return this.serial(() =>
      this.db.transaction(async (tx) => {
        const head = await this.trustedHead(tx);
        if (head.sequence === 0) return;
        const last = await tx.getRepository(AuditCheckpointRecord).find({ order: { sequence: 'DESC' }, take: 1 });
        if ((last[0]?.sequence ?? 0) < head.sequence) await this.checkpoint(tx, head.sequence, head.chainHash);
      }),
    ).catch((err: unknown) => this.logger.error({ errorName: (err as Error).name }, 'audit checkpoint failed'));
  }
}

/** A primary-key clash (MySQL ER_DUP_ENTRY, SQLite UNIQUE/PRIMARY KEY constraint): a record the log holds. */
function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string; driverError?: { code?: string } };
  return (
    e?.code === 'ER_DUP_ENTRY' ||
    e?.driverError?.code === 'ER_DUP_ENTRY' ||
    e?.errno === 1062 ||
    /UNIQUE constraint failed|PRIMARY KEY/i.test(e?.message ?? '')
  );
}
