import type { AuditRecordInput } from '@ehr/common';
import { GENESIS_HASH, recordHash } from './chain.js';
import type { KeyObject } from 'node:crypto';
import { Between, LessThanOrEqual, MoreThan, type DataSource } from 'typeorm';
import { checkpointValid, treeHeadValid } from './checkpoint-key.js';
import { appendLeaf, decodeFrontier, leafHash, rootOfFrontier } from './merkle.js';
import type { SignedHead } from './published-heads.js';
import { AuditChainHeadRecord, AuditCheckpointRecord, AuditEventRecord } from './entities/index.js';

export interface ChainStatus {
  intact: boolean;
  checkedRecords: number;
  firstBrokenSequence: number | null;
  /** The sequence of the latest head published outside the database that was compared; null if none. */
  publishedHead?: number | null;
}

/**
 * A stored JSON list as it was hashed. Anything that is not a JSON array stays its raw text, so
 * it hashes differently from any list and an edit to unparseable text is still caught.
 */
function parseList<T>(text: string | null | undefined, absent: string): T[] {
  const raw = text ?? absent;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed as T[];
  } catch {
    // fall through
  }
  return raw as unknown as T[];
}

/** A stored row back in the shape that was hashed. */
export function rowAsInput(row: AuditEventRecord): AuditRecordInput {
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actorId: row.actorId,
    roles: parseList<string>(row.roles, '[]'),
    action: row.action as AuditRecordInput['action'],
    auditId: row.auditId,
    requestId: row.requestId,
    subgraph: row.subgraph,
    patientId: row.patientId,
    entityType: row.entityType,
    entityId: row.entityId,
    purpose: row.purpose ?? '',
    fields: parseList<AuditRecordInput['fields'][number]>(row.fields, '[]'),
    entities: parseList<AuditRecordInput['entities'][number]>(row.entities, '[]'),
    outcome: row.outcome as AuditRecordInput['outcome'],
    operationName: row.operationName,
    operationHash: row.operationHash,
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    beforeState: row.beforeState,
    afterState: row.afterState,
  };
}

/**
 * Walks the log in sequence order, recomputing every hash: an edited row, a deleted one (a gap),
 * reordered rows (a previous-hash mismatch) or a truncated tail (the head or a signed checkpoint
 * beyond the last row) is reported with the first sequence where the chain breaks.
 *
 * What it checks is fixed when it starts: the head is read first and only rows up to it are
 * walked, so records committed while it runs (a later head) never look like damage. The head
 * must carry a valid signature over the last row's hash (the newest record is vouched for), and
 * checkpoint signatures are checked too, all with a key the database does not hold. Given the
 * latest head published outside the database, a log whose rows and head were rolled back
 * together is caught as well: the published head must be at or below the head and name the
 * same hash at its sequence.
 */
export async function verifyChain(
  db: DataSource,
  publicKey: KeyObject,
  checkpointEvery?: number,
  published?: SignedHead | SignedHead[],
  options: { allowUnsignedHead?: boolean } = {},
): Promise<ChainStatus> {
  // Every published head up to the log's head must be reached with the same hash; the latest
  // one beyond it means rows were removed.
  const heads = published === undefined ? [] : Array.isArray(published) ? published : [published];
  const latestPublished = heads.reduce<SignedHead | undefined>(
    (a, h) => (!a || h.sequence > a.sequence ? h : a),
    undefined,
  );
  const publishedAt = new Map(heads.map((h) => [h.sequence, h.chainHash]));
  const head = await db.getRepository(AuditChainHeadRecord).findOneBy({ id: 1 });
  if (!head) return { intact: false, checkedRecords: 0, firstBrokenSequence: 1 };
  const end = head.sequence;
  const checkpoints = await db
    .getRepository(AuditCheckpointRecord)
    .find({ where: { sequence: LessThanOrEqual(end) }, order: { sequence: 'ASC' } });
  const wanted = new Map(checkpoints.map((c) => [c.sequence, c]));
  let broken: number | null = null;
  let expected = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  let last = 0;
  let publishedMismatch: number | null = null;
  // The Merkle tree over the same rows, rebuilt as they are walked, for its signed tree head.
  let frontier: Buffer[] = [];
  /** The highest sequence a valid signature (a checkpoint) has vouched for so far. */
  let vouched = 0;
  const repo = db.getRepository(AuditEventRecord);
  while (last < end) {
    const rows = await repo.find({
      where: { sequence: Between(last + 1, end) },
      order: { sequence: 'ASC' },
      take: 2000,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      last = row.sequence;
      if (broken !== null) continue;
      checked++;
      const input = rowAsInput(row);
      const recomputed = recordHash(input, row.sequence, prev);
      if (row.sequence !== expected || row.prevHash !== prev || row.chainHash !== recomputed) {
        broken = Math.min(row.sequence, expected);
        continue;
      }
      const cp = wanted.get(row.sequence);
      if (
        cp &&
        (cp.chainHash !== row.chainHash || !checkpointValid(publicKey, cp.sequence, cp.chainHash, cp.signature))
      ) {
        broken = row.sequence;
        continue;
      }
      if (cp) vouched = row.sequence;
      frontier = appendLeaf(frontier, row.sequence - 1, leafHash(row.chainHash));
      const publishedHash = publishedAt.get(row.sequence);
      if (publishedHash !== undefined && publishedHash !== row.chainHash && publishedMismatch === null)
        publishedMismatch = row.sequence;
      prev = row.chainHash;
      expected++;
    }
  }
  if (broken === null) {
    const lastRow = expected - 1;
    // Rows missing below the head, or a checkpoint naming a record that is not there.
    if (end > lastRow || checkpoints.some((c) => c.sequence > lastRow)) broken = lastRow + 1;
    // The newest record is vouched for by the head's own signature. If the head does not vouch
    // for the last row, everything after the last signature that does is unvouched.
    else if (
      end > 0 &&
      (head.chainHash !== prev ||
        (!options.allowUnsignedHead &&
          (!head.signature || !checkpointValid(publicKey, end, head.chainHash, head.signature))))
    )
      broken = vouched + 1;
    const forged = checkpoints.find((c) => !checkpointValid(publicKey, c.sequence, c.chainHash, c.signature));
    if (forged && broken === null) broken = forged.sequence;
    // The writer signs a checkpoint each time the log crosses a multiple of checkpointEvery. If the
    // latest crossing has none, checkpoints were removed (and the chain perhaps rebuilt): nothing
    // after the last signed checkpoint can be vouched for.
    if (broken === null && checkpointEvery && lastRow >= checkpointEvery) {
      const required = Math.floor(lastRow / checkpointEvery) * checkpointEvery;
      if (!checkpoints.some((c) => c.sequence >= required && c.sequence <= lastRow)) {
        const vouched = checkpoints.filter((c) => c.sequence <= lastRow).map((c) => c.sequence);
        broken = (vouched.length ? Math.max(...vouched) : 0) + 1;
      }
    }
    // A head published outside the database that the log no longer reaches, or reaches with
    // another hash: rows (and the head) were removed or rewritten together.
    // The signed tree head kept for this size must be the tree of these rows. (A tree kept for
    // another size, left by a writer that did not keep it, is rebuilt by the next commit.)
    const kept = decodeFrontier(head.treeFrontier);
    if (broken === null && end > 0 && kept?.size === end) {
      const root = rootOfFrontier(frontier).toString('hex');
      if (
        head.treeRoot !== root ||
        rootOfFrontier(kept.nodes).toString('hex') !== root ||
        !treeHeadValid(publicKey, end, root, head.treeSignature)
      )
        broken = vouched + 1;
    }
    if (broken === null && latestPublished && latestPublished.sequence > end) broken = end + 1;
    if (broken === null && publishedMismatch !== null) broken = publishedMismatch;
    // Rows above the head are in no signed state: a commit after the head was read explains
    // them only if the head has since moved past them.
    if (broken === null) {
      const above = await repo.findOne({ where: { sequence: MoreThan(end) }, order: { sequence: 'ASC' } });
      if (above) {
        const now = await db.getRepository(AuditChainHeadRecord).findOneBy({ id: 1 });
        if (!now || now.sequence < above.sequence) broken = end + 1;
      }
    }
  }
  return {
    intact: broken === null,
    checkedRecords: checked,
    firstBrokenSequence: broken,
    publishedHead: latestPublished?.sequence ?? null,
  };
}
