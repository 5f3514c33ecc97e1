import { Between, LessThan, type DataSource } from 'typeorm';
import { AuditChainHeadRecord, AuditEventRecord, AuditTreeChunkRecord } from './entities/index.js';
import { leafHash, nodeHash, rangeRoot, rootOf, type TreeView } from './merkle.js';

/** Records per stored subtree root: a proof reads n/CHUNK roots and at most a few chunks of leaves. */
export const CHUNK = 1024;

/** The log no longer matches the tree head signed when it was written (or has none yet). */
export class ProofUnavailableError extends Error {
  override name = 'ProofUnavailableError';
}

export interface SignedTree {
  head: AuditChainHeadRecord;
  view: TreeView;
}

const chunkOf = (leafIndex: number) => Math.floor(leafIndex / CHUNK);

/** Leaves (0-based) from..to-1, read from the rows; undefined when a row is missing. */
async function readLeaves(db: DataSource, from: number, to: number): Promise<Buffer[] | undefined> {
  const rows = await db.getRepository(AuditEventRecord).find({
    select: { sequence: true, chainHash: true },
    where: { sequence: Between(from + 1, to) },
    order: { sequence: 'ASC' },
  });
  if (rows.length !== to - from) return undefined;
  return rows.map((r) => leafHash(r.chainHash));
}

/**
 * The roots of every complete chunk below `full`: the stored ones (unless told to ignore them),
 * the others computed from the rows, five chunks per range read. Returns which were computed, to
 * be stored once they are known to rebuild the signed root.
 */
async function chunkRoots(
  db: DataSource,
  full: number,
  useStored: boolean,
): Promise<{ roots: Buffer[]; computed: AuditTreeChunkRecord[]; usedStored: boolean }> {
  const roots: (Buffer | undefined)[] = new Array<Buffer | undefined>(full);
  if (useStored && full > 0) {
    const stored = await db.getRepository(AuditTreeChunkRecord).find({ where: { chunkIndex: LessThan(full) } });
    for (const s of stored) if (/^[0-9a-f]{64}$/.test(s.root)) roots[s.chunkIndex] = Buffer.from(s.root, 'hex');
  }
  const missing = [...Array(full).keys()].filter((i) => !roots[i]);
  const computed: AuditTreeChunkRecord[] = [];
  for (let i = 0; i < missing.length;) {
    // A run of consecutive missing chunks, at most five, is one range read.
    let j = i + 1;
    while (j < missing.length && j - i < 5 && missing[j] === missing[j - 1]! + 1) j++;
    const first = missing[i]!;
    const leaves = await readLeaves(db, first * CHUNK, (missing[j - 1]! + 1) * CHUNK);
    if (!leaves) throw new ProofUnavailableError('records are missing from the log; run npm run audit:verify');
    for (const c of missing.slice(i, j)) {
      roots[c] = rootOf(leaves.slice((c - first) * CHUNK, (c - first + 1) * CHUNK));
      computed.push({ chunkIndex: c, root: roots[c]!.toString('hex') });
    }
    i = j;
  }
  return { roots: roots as Buffer[], computed, usedStored: missing.length < full };
}

/**
 * The latest signed tree head and a view of its tree able to give proofs for the leaves named
 * (0-based), reading the stored chunk roots plus the leaves of those leaves' chunks and of the
 * incomplete last chunk. The view is only returned when it rebuilds the signed root and agrees
 * with every chunk of leaves it read: proofs are only ever given over the log as it was signed.
 * Stored roots that do not rebuild the signed root are replaced from the rows, but only by roots
 * that do; chunk roots are stored only once they are known to.
 */
export async function signedTree(db: DataSource, leafIndexes: readonly number[] = []): Promise<SignedTree> {
  const head = await db.getRepository(AuditChainHeadRecord).findOneBy({ id: 1 });
  if (!head || head.sequence === 0 || !head.treeRoot || !head.treeSignature) {
    throw new ProofUnavailableError('the log has no signed tree head yet');
  }
  const size = head.sequence;
  const full = chunkOf(size);
  const wanted = new Set(leafIndexes.filter((i) => i >= 0 && i < size).map(chunkOf));
  if (size % CHUNK !== 0) wanted.add(full);
  const leaves = new Map<number, Buffer>();
  const chunks = new Map<number, Buffer[]>();
  for (const c of wanted) {
    const from = c * CHUNK;
    const chunk = await readLeaves(db, from, Math.min(size, from + CHUNK));
    if (!chunk) throw new ProofUnavailableError('records are missing from the log; run npm run audit:verify');
    chunk.forEach((l, i) => leaves.set(from + i, l));
    chunks.set(c, chunk);
  }
  const mismatch = new ProofUnavailableError('the log does not match its signed tree head; run npm run audit:verify');
  for (const useStored of [true, false]) {
    const { roots, computed, usedStored } = await chunkRoots(db, full, useStored);
    const view = chunkedView(size, roots, leaves);
    if (view.root(0, size).toString('hex') !== head.treeRoot) {
      if (usedStored) continue; // a stored root was changed: rebuild them all from the rows
      throw mismatch;
    }
    // The roots are the signed ones; leaves read that disagree with theirs were changed since.
    for (const [c, chunk] of chunks) if (c < full && !rootOf(chunk).equals(roots[c]!)) throw mismatch;
    const repo = db.getRepository(AuditTreeChunkRecord);
    if (!useStored) await repo.delete({ chunkIndex: LessThan(full) });
    // Two proofs may store the same chunk at once: the roots are equal, the second insert is ignored.
    for (let i = 0; i < computed.length; i += 500) {
      await repo
        .createQueryBuilder()
        .insert()
        .into(AuditTreeChunkRecord)
        .values(computed.slice(i, i + 500))
        .orIgnore()
        .execute();
    }
    return { head, view };
  }
  throw mismatch;
}

/** Perfect subtrees of a chunk or more come from the chunk roots (memoised); smaller ones from leaves. */
export function chunkedView(
  size: number,
  roots: readonly Buffer[],
  leaves: ReadonlyMap<number, Buffer>,
  chunk = CHUNK,
): TreeView {
  const memo = new Map<string, Buffer>();
  const perfect = (lo: number, n: number): Buffer | undefined => {
    if (n < chunk || lo + n > roots.length * chunk) return undefined;
    if (n === chunk) return roots[lo / chunk];
    const key = `${lo}:${n}`;
    let r = memo.get(key);
    if (!r) {
      r = nodeHash(perfect(lo, n / 2)!, perfect(lo + n / 2, n / 2)!);
      memo.set(key, r);
    }
    return r;
  };
  const leaf = (i: number) => {
    const l = leaves.get(i);
    // Only reachable through a proof of a leaf whose chunk was not loaded: a bug, never wrong data.
    if (!l) throw new Error(`leaf ${i} was not loaded for this proof`);
    return l;
  };
  return { size, root: (lo, hi) => rangeRoot(lo, hi, leaf, perfect) };
}
