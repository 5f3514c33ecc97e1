import { createHash } from 'node:crypto';

/*
 * A Merkle tree over the audit log, as RFC 6962 (Certificate Transparency) defines it: leaf i is
 * SHA-256(0x00 || record i's chain hash), an interior node SHA-256(0x01 || left || right), and the
 * tree of n leaves splits at the largest power of two below n. A signed tree head (size, root)
 * then vouches for every record under it, and two proofs of O(log n) hashes let anyone check
 * offline that one record is in the log, or that a later log extends an earlier one.
 */

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** The leaf of a record: its chain hash (which commits to its content and its predecessor). */
export function leafHash(chainHashHex: string): Buffer {
  return sha256(LEAF, Buffer.from(chainHashHex, 'utf8'));
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(NODE, left, right);
}

/** The largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A tree as proofs see it: its size and the root of any range of its leaves. Proofs only ever ask
 * for ranges RFC 6962's recursion produces, and a perfect one of 2^k leaves always starts at a
 * multiple of 2^k, so a view may answer those from stored subtree roots instead of leaves.
 */
export interface TreeView {
  size: number;
  root(lo: number, hi: number): Buffer;
}

/** The view over leaves held in memory. */
export function leavesView(leaves: readonly Buffer[]): TreeView {
  return { size: leaves.length, root: (lo, hi) => rootOf(leaves.slice(lo, hi)) };
}

/** MTH(D[n]): the root of the leaves given. The empty tree's root is SHA-256 of nothing. */
export function rootOf(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** MTH over a range, by the same split, with `perfect` answering the aligned power-of-two ranges it can. */
export function rangeRoot(
  lo: number,
  hi: number,
  leaf: (i: number) => Buffer,
  perfect: (lo: number, size: number) => Buffer | undefined,
): Buffer {
  const n = hi - lo;
  if (n <= 0) return sha256();
  if (n === 1) return leaf(lo);
  if ((n & (n - 1)) === 0) {
    const known = perfect(lo, n);
    if (known) return known;
  }
  const k = split(n);
  return nodeHash(rangeRoot(lo, lo + k, leaf, perfect), rangeRoot(lo + k, hi, leaf, perfect));
}

/**
 * The right edge of the tree: the roots of its perfect subtrees, largest first (one per set bit
 * of the size). Kept with the log's head so each commit extends the tree in O(log n).
 */
export function appendLeaf(frontier: Buffer[], size: number, leaf: Buffer): Buffer[] {
  const next = [...frontier, leaf];
  // Merge equal-sized subtrees: as many times as the new size has trailing zero bits.
  for (let n = size + 1; n % 2 === 0; n /= 2) {
    const right = next.pop()!;
    const left = next.pop()!;
    next.push(nodeHash(left, right));
  }
  return next;
}

/** The root from the right edge: the perfect subtrees folded from the smallest. */
export function rootOfFrontier(frontier: readonly Buffer[]): Buffer {
  if (frontier.length === 0) return sha256();
  let acc = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i--) acc = nodeHash(frontier[i]!, acc);
  return acc;
}

/** PATH(m, D[n]): the hashes that take leaf m to the root (RFC 6962, 2.1.1). */
export function inclusionPath(m: number, tree: readonly Buffer[] | TreeView): Buffer[] {
  const view = Array.isArray(tree) ? leavesView(tree) : (tree as TreeView);
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    const n = hi - lo;
    if (n <= 1) return [];
    const k = split(n);
    return m < k
      ? [...path(m, lo, lo + k), view.root(lo + k, hi)]
      : [...path(m - k, lo + k, hi), view.root(lo, lo + k)];
  };
  return path(m, 0, view.size);
}

/** PROOF(m, D[n]): the hashes that show the tree of the first m leaves is a prefix (RFC 6962, 2.1.2). */
export function consistencyProof(m: number, tree: readonly Buffer[] | TreeView): Buffer[] {
  const view = Array.isArray(tree) ? leavesView(tree) : (tree as TreeView);
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Buffer[] => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [view.root(lo, hi)];
    const k = split(n);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), view.root(lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), view.root(lo, lo + k)];
  };
  if (m <= 0 || m >= view.size) return [];
  return subproof(m, 0, view.size, true);
}

/** Checks an inclusion proof (RFC 9162, 2.1.3.2): leaf `index` of a tree of `size` leaves has `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** Checks a consistency proof (RFC 9162, 2.1.4.2): the tree of `m` leaves with `oldRoot` is a prefix of the one of `n` with `newRoot`. */
export function verifyConsistency(
  m: number,
  n: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (m <= 0 || m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  let path = [...proof];
  // A power-of-two m: its root is the first node of the proof.
  if ((m & (m - 1)) === 0) path = [oldRoot, ...path];
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/** The right edge as the head row keeps it: the tree's size with its subtree roots. */
export interface StoredFrontier {
  size: number;
  nodes: Buffer[];
}

export function encodeFrontier(size: number, nodes: readonly Buffer[]): string {
  return JSON.stringify({ size, nodes: nodes.map((b) => b.toString('hex')) });
}

/** The stored right edge, if it is well formed for its size (one node per set bit); else undefined. */
export function decodeFrontier(text: string | null | undefined): StoredFrontier | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { size?: unknown; nodes?: unknown };
    if (!Number.isInteger(v.size) || !Array.isArray(v.nodes)) return undefined;
    const size = v.size as number;
    const nodes = (v.nodes as unknown[]).map((h) =>
      typeof h === 'string' && /^[0-9a-f]{64}$/.test(h) ? Buffer.from(h, 'hex') : undefined,
    );
    if (nodes.some((n) => !n) || nodes.length !== popcount(size)) return undefined;
    return { size, nodes: nodes as Buffer[] };
  } catch {
    return undefined;
  }
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
}
