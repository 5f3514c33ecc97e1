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

/** How much of the file's end is read for the latest head: heads only grow, the last lines win. */
const TAIL_BYTES = 64 * 1024;

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

  /** The highest head in the file whose signature verifies; unsigned or forged lines are ignored. */
  latest(publicKey: KeyObject): SignedHead | undefined {
    if (!fs.existsSync(this.file)) return undefined;
    const fd = fs.openSync(this.file, 'r');
    let text: string;
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      text = buf.toString('utf8');
      if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    } finally {
      fs.closeSync(fd);
    }
    let best: SignedHead | undefined;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const h = JSON.parse(line) as SignedHead;
        if (typeof h.sequence !== 'number' || typeof h.chainHash !== 'string' || typeof h.signature !== 'string')
          continue;
        if (!checkpointValid(publicKey, h.sequence, h.chainHash, h.signature)) continue;
        if (!best || h.sequence > best.sequence) best = h;
      } catch {
        // A torn last line from a crash mid-append.
      }
    }
    return best;
  }
}
