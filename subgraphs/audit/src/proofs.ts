import type { KeyObject } from 'node:crypto';
import type { AuditRecordInput } from '@ehr/common';
import { In, type DataSource } from 'typeorm';
import { recordHash } from './chain.js';
import { treeHeadValid } from './checkpoint-key.js';
import { AuditEventRecord, type AuditChainHeadRecord } from './entities/index.js';
import { consistencyProof, inclusionPath, leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { ProofUnavailableError, signedTree, type SignedTree } from './signed-tree.js';
import { rowAsInput } from './verify-chain.js';

/** A proof as an auditor keeps it: self-contained, checked offline with the log's public key. */
export interface ProofDocument {
  version: 1;
  kind: 'inclusion' | 'consistency';
  /** The signed tree head the proof ends at (signed when those records were committed). */
  treeHead: { size: number; root: string; signature: string };
  /** Inclusion: the record as hashed, its place, and the path to the root. */
  record?: { sequence: number; prevHash: string; chainHash: string; content: AuditRecordInput };
  leafIndex?: number;
  path?: string[];
  /** Consistency: the earlier tree's size and root, and the proof that the later one extends it. */
  fromSize?: number;
  fromRoot?: string;
  proof?: string[];
}

const treeHeadOf = (head: AuditChainHeadRecord) => ({
  size: head.sequence,
  root: head.treeRoot!,
  signature: head.treeSignature!,
});

export { ProofUnavailableError };

function inclusionOf(tree: SignedTree, row: AuditEventRecord): ProofDocument {
  if (row.sequence > tree.head.sequence) throw new ProofUnavailableError('the record is above the signed tree head');
  const index = row.sequence - 1;
  return {
    version: 1,
    kind: 'inclusion',
    treeHead: treeHeadOf(tree.head),
    record: { sequence: row.sequence, prevHash: row.prevHash, chainHash: row.chainHash, content: rowAsInput(row) },
    leafIndex: index,
    path: inclusionPath(index, tree.view).map((b) => b.toString('hex')),
  };
}

/** That one record is in the log under the latest signed tree head. Null if there is no such record. */
export async function inclusionProof(db: DataSource, recordId: string): Promise<ProofDocument | null> {
  return (await inclusionProofs(db, [recordId]))[0] ?? null;
}

/**
 * Proofs for several records under one signed tree head, read once (a page of a patient's access
 * history): the chunk roots plus the chunks of leaves those records sit in. Null for an unknown id.
 */
export async function inclusionProofs(db: DataSource, recordIds: readonly string[]): Promise<(ProofDocument | null)[]> {
  const rows = recordIds.length
    ? await db.getRepository(AuditEventRecord).findBy({ id: In([...new Set(recordIds)]) })
    : [];
  if (rows.length === 0) return recordIds.map(() => null);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const tree = await signedTree(
    db,
    rows.map((r) => r.sequence - 1),
  );
  return recordIds.map((id) => {
    const row = byId.get(id);
    return row ? inclusionOf(tree, row) : null;
  });
}

/** That the log of `toSize` records (the latest signed tree head) extends the one of `fromSize`. */
export async function consistencyProofOf(db: DataSource, fromSize: number, toSize: number): Promise<ProofDocument> {
  if (!Number.isInteger(fromSize) || fromSize < 1 || fromSize > toSize) {
    throw new ProofUnavailableError('fromSize must be between 1 and toSize');
  }
  const { head, view } = await signedTree(db, [fromSize - 1, fromSize]);
  if (toSize !== head.sequence) {
    throw new ProofUnavailableError(`toSize must be the latest signed tree head's size (${head.sequence})`);
  }
  return {
    version: 1,
    kind: 'consistency',
    treeHead: treeHeadOf(head),
    fromSize,
    fromRoot: view.root(0, fromSize).toString('hex'),
    proof: consistencyProof(fromSize, view).map((b) => b.toString('hex')),
  };
}

const hex = (s: unknown): Buffer | undefined =>
  typeof s === 'string' && /^[0-9a-f]{64}$/.test(s) ? Buffer.from(s, 'hex') : undefined;

/**
 * Checks a proof offline, in O(log n) hashes, with the log's public key: the tree head's
 * signature; for inclusion, the record's content hashes to its chain hash and that leaf is at its
 * place under the root; for consistency, the earlier root is a prefix of the signed one (compare
 * `fromRoot` with the root you kept from before: `expectedFromRoot`).
 */
export function verifyProof(
  doc: ProofDocument,
  publicKey: KeyObject,
  expectedFromRoot?: string,
): { valid: boolean; reason: string } {
  const th = doc?.treeHead;
  const root = hex(th?.root);
  if (doc?.version !== 1 || !th || !root || !Number.isInteger(th.size) || th.size < 1)
    return { valid: false, reason: 'not a proof document' };
  if (typeof th.signature !== 'string' || !treeHeadValid(publicKey, th.size, th.root, th.signature))
    return { valid: false, reason: 'the tree head is not signed by this key' };
  if (doc.kind === 'inclusion') {
    const r = doc.record;
    if (!r || typeof r.prevHash !== 'string' || !Number.isInteger(r.sequence))
      return { valid: false, reason: 'no record in the proof' };
    const recomputed = recordHash(r.content, r.sequence, r.prevHash);
    if (recomputed !== r.chainHash)
      return { valid: false, reason: "the record's content does not hash to its chain hash" };
    const path = (doc.path ?? []).map(hex);
    if (path.some((p) => !p) || doc.leafIndex !== r.sequence - 1) return { valid: false, reason: 'malformed path' };
    return verifyInclusion(doc.leafIndex, th.size, leafHash(r.chainHash), path as Buffer[], root)
      ? { valid: true, reason: `record ${r.content.id} is entry ${r.sequence} of the signed log of ${th.size}` }
      : { valid: false, reason: 'the path does not lead to the signed root' };
  }
  if (doc.kind === 'consistency') {
    const from = hex(doc.fromRoot);
    const proof = (doc.proof ?? []).map(hex);
    if (!from || proof.some((p) => !p) || !Number.isInteger(doc.fromSize))
      return { valid: false, reason: 'malformed proof' };
    // The server states the earlier root; only the root the auditor kept from then anchors it.
    if (expectedFromRoot === undefined)
      return { valid: false, reason: 'a consistency proof needs the earlier root you kept (--from-root)' };
    if (expectedFromRoot !== doc.fromRoot) return { valid: false, reason: 'the earlier root is not the one you kept' };
    return verifyConsistency(doc.fromSize!, th.size, from, root, proof as Buffer[])
      ? { valid: true, reason: `the signed log of ${th.size} extends the log of ${doc.fromSize}` }
      : { valid: false, reason: 'the proof does not connect the two roots' };
  }
  return { valid: false, reason: 'unknown proof kind' };
}
