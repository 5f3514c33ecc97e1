import type { KeyObject } from 'node:crypto';
import type { AuditRecordInput } from '@ehr/common';
import { Between, type DataSource } from 'typeorm';
import { recordHash } from './chain.js';
import { treeHeadValid } from './checkpoint-key.js';
import { AuditChainHeadRecord, AuditEventRecord } from './entities/index.js';
import { consistencyProof, inclusionPath, leafHash, rootOf, verifyConsistency, verifyInclusion } from './merkle.js';
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

/** The log no longer matches the tree head signed when it was written. */
export class ProofUnavailableError extends Error {
  override name = 'ProofUnavailableError';
}

async function signedTree(db: DataSource): Promise<{ head: AuditChainHeadRecord; leaves: Buffer[] }> {
  const head = await db.getRepository(AuditChainHeadRecord).findOneBy({ id: 1 });
  if (!head || head.sequence === 0 || !head.treeRoot || !head.treeSignature) {
    throw new ProofUnavailableError('the log has no signed tree head yet');
  }
  const leaves: Buffer[] = [];
  for (let from = 1; from <= head.sequence; from += 5000) {
    const rows = await db.getRepository(AuditEventRecord).find({
      select: { sequence: true, chainHash: true },
      where: { sequence: Between(from, Math.min(head.sequence, from + 4999)) },
      order: { sequence: 'ASC' },
    });
    for (const r of rows) leaves.push(leafHash(r.chainHash));
  }
  // Proofs are only given over the log as it was signed: a changed row changes the root.
  if (leaves.length !== head.sequence || rootOf(leaves).toString('hex') !== head.treeRoot) {
    throw new ProofUnavailableError('the log does not match its signed tree head; run npm run audit:verify');
  }
  return { head, leaves };
}

const treeHeadOf = (head: AuditChainHeadRecord) => ({
  size: head.sequence,
  root: head.treeRoot!,
  signature: head.treeSignature!,
});

/** That one record is in the log under the latest signed tree head. Null if there is no such record. */
export async function inclusionProof(db: DataSource, recordId: string): Promise<ProofDocument | null> {
  const row = await db.getRepository(AuditEventRecord).findOneBy({ id: recordId });
  if (!row) return null;
  const { head, leaves } = await signedTree(db);
  if (row.sequence > head.sequence) throw new ProofUnavailableError('the record is above the signed tree head');
  const index = row.sequence - 1;
  return {
    version: 1,
    kind: 'inclusion',
    treeHead: treeHeadOf(head),
    record: { sequence: row.sequence, prevHash: row.prevHash, chainHash: row.chainHash, content: rowAsInput(row) },
    leafIndex: index,
    path: inclusionPath(index, leaves).map((b) => b.toString('hex')),
  };
}

/** That the log of `toSize` records (the latest signed tree head) extends the one of `fromSize`. */
export async function consistencyProofOf(db: DataSource, fromSize: number, toSize: number): Promise<ProofDocument> {
  const { head, leaves } = await signedTree(db);
  if (toSize !== head.sequence) {
    throw new ProofUnavailableError(`toSize must be the latest signed tree head's size (${head.sequence})`);
  }
  if (!Number.isInteger(fromSize) || fromSize < 1 || fromSize > toSize) {
    throw new ProofUnavailableError('fromSize must be between 1 and toSize');
  }
  return {
    version: 1,
    kind: 'consistency',
    treeHead: treeHeadOf(head),
    fromSize,
    fromRoot: rootOf(leaves.slice(0, fromSize)).toString('hex'),
    proof: consistencyProof(fromSize, leaves).map((b) => b.toString('hex')),
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
