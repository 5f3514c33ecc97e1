import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../db/database.js';
import { fsyncDir } from '../util/atomic-file.js';
import { serial } from '../util/serial.js';

/** One journal file: its lines, how many of them the audit subgraph has committed. */
interface Segment {
  file: string;
  /** Open for appends while this is the current segment. */
  handle?: fs.promises.FileHandle;
  lines: number;
  bytes: number;
  shipped: number;
  opened: number;
}

/** Lines waiting to be shipped, in order, with the segment that holds them on disk. */
interface Chunk {
  segment: Segment;
  lines: string[];
}

/** A journal file is closed at this size; it is removed once every line in it is committed. */
const ROTATE_BYTES = 4 * 1024 * 1024;
/** A fully shipped file is removed once this old, so an idle sender leaves little to re-send after a crash. */
const RETIRE_AFTER_MS = 10_000;
/**
 * At most this many records wait (about 150 MB held in memory): past it, appends fail and the
 * sender fails closed. An audit subgraph away for that long is an incident, not a backlog.
 */
export const JOURNAL_MAX_RECORDS = 100_000;
/** A lock not refreshed for this long belongs to a process that is gone (another host's included). */
const LOCK_STALE_MS = 15_000;

/** The journal is full (JOURNAL_MAX_RECORDS wait): nothing more is taken until some are shipped. */
export class JournalFullError extends Error {
  override name = 'JournalFullError';
}

/** Another live process writes this journal: two writers of one journal would lose records. */
export class JournalInUseError extends StartupError {
  override name = 'JournalInUseError';
}

/**
 * A sender's local, durable queue of audit records (one JSON line each), in files under `dir`:
 * `append` returns once the lines are written and fdatasync'd; the lines stay in memory too, so
 * shipping never reads the disk back. A file is removed only once all of its lines are committed
 * (`shipped`), and files are large (4 MB) or retired after 10 s, so the file system sees one
 * create and one unlink every few seconds, not one per batch (on a disk mounted with `discard`
 * every unlink is a TRIM). A crash leaves the files: the next process loads them first and sends
 * them again; record ids make that idempotent.
 */
export class AuditJournal {
  private readonly chunks: Chunk[] = [];
  private readonly segments: Segment[] = [];
  private current: Segment | undefined;
  private sequence = 0;
  private waiting = 0;
  /** File work (appends, opens, unlinks) one piece at a time. */
  private readonly withFiles = serial();

  private readonly lockFile: string;
  private readonly lockId = randomUUID();
  private locked = false;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    this.lockFile = path.join(dir, `${name}.lock`);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch {
      // A journal that cannot be made fails every append: the sender delivers directly, or the
      // request fails closed. The service still starts, and says so on every refusal.
      return;
    }
    this.lock();
    // What an earlier process left: sent first, in the order it was written.
    for (const file of this.files()) {
      const lines = readLines(file);
      const segment: Segment = { file, lines: lines.length, bytes: 0, shipped: 0, opened: 0 };
      this.segments.push(segment);
      if (lines.length > 0) this.push(segment, lines);
    }
  }

  /**
   * One writer per journal: a second process given the same DATA_DIR would take the first one's
   * open file for a crash leftover, send it and remove it while the first still appends to it.
   * The lock names its process and host and is refreshed while the journal is used (`refresh`);
   * it is taken over only from a process that is gone: a dead pid on this host, this very pid (a
   * restarted container), or a lock left unrefreshed for 15 s (another host).
   */
  private lock(): void {
    const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), pidns: PID_NAMESPACE, id: this.lockId });
    try {
      fs.writeFileSync(this.lockFile, mine, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return; // appends will fail and say so
      let holder: { pid?: unknown; host?: unknown; pidns?: unknown } = {};
      let age = Infinity;
      try {
        holder = JSON.parse(fs.readFileSync(this.lockFile, 'utf8')) as typeof holder;
        age = Date.now() - fs.statSync(this.lockFile).mtimeMs;
      } catch {
        // unreadable: treated as stale below if old enough
      }
      // A pid says something only within its pid namespace: containers sharing a hostname (host
      // networking) each run as pid 1. Elsewhere only the lock's age tells.
      const here = holder.host === os.hostname() && PID_NAMESPACE !== undefined && holder.pidns === PID_NAMESPACE;
      const gone = age > LOCK_STALE_MS || (here && (holder.pid === process.pid || !isAlive(Number(holder.pid))));
      if (!gone) {
        throw new JournalInUseError(
          `the audit journal ${this.lockFile} is in use by process ${String(holder.pid)} on ${String(holder.host)}: each replica needs its own DATA_DIR (a lock left by a process that is gone expires 15 s after its last use)`,
        );
      }
      fs.writeFileSync(this.lockFile, mine, { mode: 0o600 });
    }
    this.locked = true;
  }

  /** Keeps the lock fresh (called on every ship tick). */
  refresh(): void {
    if (!this.locked) return;
    try {
      const now = new Date();
      fs.utimesSync(this.lockFile, now, now);
    } catch {
      // the directory went away: appends will fail and say so
    }
  }

  /** Records waiting to be committed by the audit subgraph. */
  get size(): number {
    return this.waiting;
  }

  /** The journal's files, oldest first (a bare `<name>.jsonl` from an older version last). */
  private files(): string[] {
    const prefix = `${this.name}.jsonl`;
    const order = (f: string) => {
      const parts = f.slice(prefix.length + 1).split('.');
      return parts.length >= 2 ? Number(parts[0]) : Number.MAX_SAFE_INTEGER;
    };
    return fs
      .readdirSync(this.dir, { withFileTypes: true })
      .filter((e) => e.isFile() && (e.name === prefix || e.name.startsWith(`${prefix}.`)))
      .map((e) => e.name)
      .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
      .map((f) => path.join(this.dir, f));
  }

  private push(segment: Segment, lines: string[]): void {
    this.chunks.push({ segment, lines });
    this.waiting += lines.length;
  }

  /** Writes the lines and fdatasyncs them; resolves once they would survive a crash. */
  append(lines: string[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    if (this.waiting + lines.length > JOURNAL_MAX_RECORDS) {
      return Promise.reject(new JournalFullError(`the audit journal holds ${this.waiting} records`));
    }
    return this.withFiles(async () => {
      const segment = await this.open();
      const text = lines.join('\n') + '\n';
      try {
        await segment.handle!.appendFile(text);
        await segment.handle!.datasync();
      } catch (err) {
        // Some of these lines may be in the file after all: close it, and keep it until an
        // operator or the next start looks (its loader skips a torn line).
        await this.close(segment);
        throw err;
      }
      segment.lines += lines.length;
      segment.bytes += Buffer.byteLength(text);
      this.push(segment, lines);
      if (segment.bytes >= ROTATE_BYTES) await this.close(segment);
    });
  }

  private async open(): Promise<Segment> {
    if (this.current?.handle) return this.current;
    const now = Date.now();
    const file = path.join(this.dir, `${this.name}.jsonl.${now}.${process.pid}.${this.sequence++}`);
    const handle = await fs.promises.open(file, 'a', 0o600);
    try {
      // A new file's directory entry must survive a crash too.
      await fsyncDir(this.dir);
    } catch (err) {
      await handle.close().catch(() => undefined);
      fs.rmSync(file, { force: true });
      throw err;
    }
    const segment: Segment = { file, handle, lines: 0, bytes: 0, shipped: 0, opened: now };
    this.segments.push(segment);
    this.current = segment;
    return segment;
  }

  private async close(segment: Segment): Promise<void> {
    const handle = segment.handle;
    segment.handle = undefined;
    if (this.current === segment) this.current = undefined;
    await handle?.close().catch(() => undefined);
  }

  /** The oldest lines waiting, at most `max`; nothing is removed until `shipped`. */
  peek(max: number): string[] {
    const out: string[] = [];
    for (const chunk of this.chunks) {
      if (out.length >= max) break;
      out.push(...chunk.lines.slice(0, max - out.length));
    }
    return out;
  }

  /** The first `count` waiting lines are committed: forgotten, and files all of whose lines are, removed. */
  shipped(count: number): Promise<void> {
    let left = count;
    while (left > 0 && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const n = Math.min(left, chunk.lines.length);
      chunk.segment.shipped += n;
      left -= n;
      this.waiting -= n;
      if (n === chunk.lines.length) this.chunks.shift();
      else chunk.lines = chunk.lines.slice(n);
    }
    return this.retire();
  }

  /**
   * Removes files whose every line is committed: closed ones at once, the open one once it is
   * old enough (a busy sender keeps writing to it). No directory fsync: a removal a crash undoes
   * only sends those lines again.
   */
  private retire(): Promise<void> {
    return this.withFiles(async () => {
      const now = Date.now();
      for (const segment of [...this.segments]) {
        if (segment.shipped < segment.lines) continue;
        if (segment.handle && now - segment.opened < RETIRE_AFTER_MS) continue;
        await this.close(segment);
        fs.rmSync(segment.file, { force: true });
        this.segments.splice(this.segments.indexOf(segment), 1);
      }
    });
  }

  /** Closes the open file (at stop) and removes what is all committed; the rest stays for the next process. */
  async stop(): Promise<void> {
    await this.withFiles(async () => {
      if (this.current) await this.close(this.current);
    });
    await this.retire();
    // Only our own lock: a process that took it over (this one restarted in place) keeps its.
    if (this.locked && this.holdsLock()) fs.rmSync(this.lockFile, { force: true });
    this.locked = false;
  }

  private holdsLock(): boolean {
    try {
      return (JSON.parse(fs.readFileSync(this.lockFile, 'utf8')) as { id?: unknown }).id === this.lockId;
    } catch {
      return false;
    }
  }
}

/** A journal file's lines; a torn last line (a crash mid-append: its request never got a response) is skipped. */
function readLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => {
      if (!line) return false;
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
}

/** This process's pid namespace (Linux), so that a pid in a lock is compared only within it. */
const PID_NAMESPACE: string | undefined = (() => {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
})();

/** Whether a process with this pid runs on this host (EPERM: it does, as another user). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
