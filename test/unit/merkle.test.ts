import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  appendLeaf,
  consistencyProof,
  inclusionPath,
  leafHash,
  rootOf,
  rootOfFrontier,
  verifyConsistency,
  verifyInclusion,
} from '../../subgraphs/audit/src/merkle';
import { chunkedView } from '../../subgraphs/audit/src/signed-tree';

const leaves = (n: number) =>
  Array.from({ length: n }, (_, i) => leafHash(createHash('sha256').update(String(i)).digest('hex')));

describe('the audit log Merkle tree (RFC 6962)', () => {
  it('extends its right edge one leaf at a time to the same root as the whole tree', () => {
    let frontier: Buffer[] = [];
    const all = leaves(70);
    all.forEach((leaf, i) => {
      frontier = appendLeaf(frontier, i, leaf);
      expect(rootOfFrontier(frontier).equals(rootOf(all.slice(0, i + 1)))).toBe(true);
    });
  });

  it('proves every leaf of every tree in O(log n) hashes, and refuses a forged one (generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), (n, a, b) => {
        const d = leaves(n);
        const m = a % n;
        const path = inclusionPath(m, d);
        const root = rootOf(d);
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 1);
        expect(verifyInclusion(m, n, d[m]!, path, root)).toBe(true);
        // Another leaf, another index, or a changed path does not verify.
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, d[m]!, path, root)).toBe(false);
        expect(verifyInclusion(m, n, leafHash('f'.repeat(64)), path, root)).toBe(false);
        if (path.length > 0) {
          const bad = [...path];
          bad[b % bad.length] = leafHash('0'.repeat(64));
          expect(verifyInclusion(m, n, d[m]!, bad, root)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('proves an earlier tree is a prefix of a later one, and refuses a rewritten history (generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, a) => {
        const d = leaves(n);
        const m = 1 + (a % n);
        const proof = consistencyProof(m, d);
        expect(verifyConsistency(m, n, rootOf(d.slice(0, m)), rootOf(d), proof)).toBe(true);
        // An old root that is not the prefix's: some record before m was changed.
        const rewritten = [...d];
        rewritten[a % m] = leafHash('e'.repeat(64));
        expect(verifyConsistency(m, n, rootOf(rewritten.slice(0, m)), rootOf(d), proof)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same proofs from stored chunk roots and two chunks of leaves as from every leaf (generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.constantFrom(2, 4, 8, 32), fc.nat(), (n, chunk, a) => {
        const d = leaves(n);
        const full = Math.floor(n / chunk);
        const roots = Array.from({ length: full }, (_, c) => rootOf(d.slice(c * chunk, (c + 1) * chunk)));
        // Only the leaves of the chunks a proof for m (and m - 1) needs, and of the incomplete tail.
        const m = a % n;
        const loaded = new Map<number, Buffer>();
        for (const c of new Set([Math.floor(m / chunk), Math.floor(Math.max(0, m - 1) / chunk), full])) {
          for (let i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) loaded.set(i, d[i]!);
        }
        const view = chunkedView(n, roots, loaded, chunk);
        expect(view.root(0, n).equals(rootOf(d))).toBe(true);
        expect(inclusionPath(m, view)).toEqual(inclusionPath(m, d));
        if (m > 0) {
          expect(view.root(0, m).equals(rootOf(d.slice(0, m)))).toBe(true);
          expect(consistencyProof(m, view)).toEqual(consistencyProof(m, d));
        }
      }),
      { numRuns: 300 },
    );
  });
});
