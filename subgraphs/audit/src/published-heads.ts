import fs from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { checkpointValid } from './checkpoint-key.js';

/** A signed head as published outside the database. */
export interface SignedHead {
  sequence: number;
  chainHash: string;
  signature: string;
}

/**
 * The append-only file of signed heads under DATA_DIR (one JSON line per committed group),
 * outside the database: whoever deletes rows and rolls the head back together still leaves the
 * later heads here, and the verifier compares. Appends are fsync'd after each commit.
 */
export class PublishedHeads {
  constructor(readonly file: string) {}

  static in(dataDir: string): PublishedHeads {
    return new PublishedHeads(path.join(dataDir, 'audit-heads.jsonl'));
  }

  async append(head: SignedHead): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const handle = await fs.promises.open(this.file, 'a', 0o600);
    try {
      await handle.appendFile(`${JSON.stringify({ ...head, at: new Date().toISOString() })}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Every head in the file whose signature verifies, in file order; unsigned, forged or torn
   * lines are skipped (they can neither vouch for nor accuse the log).
   */
  all(publicKey: KeyObject): SignedHead[] {
    if (!fs.existsSync(this.file)) return [];
    const out: SignedHead[] = [];
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const h = JSON.parse(line) as SignedHead;
        if (typeof h.sequence !== 'number' || typeof h.chainHash !== 'string' || typeof h.signature !== 'string')
          continue;
        if (checkpointValid(publicKey, h.sequence, h.chainHash, h.signature))
          out.push({ sequence: h.sequence, chainHash: h.chainHash, signature: h.signature });
      } catch {
        // A torn last line from a crash mid-append, or junk.
      }
    }
    return out;
  }

  /** The highest head in the file whose signature verifies. */
  latest(publicKey: KeyObject): SignedHead | undefined {
    return this.all(publicKey).reduce<SignedHead | undefined>(
      (best, h) => (!best || h.sequence > best.sequence ? h : best),
      undefined,
    );
  }
}
