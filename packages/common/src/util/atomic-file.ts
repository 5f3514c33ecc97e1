import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates `file` with `content` only if it does not exist, atomically: the content is written to
 * a private temporary file and hard-linked into place, so a process that starts at the same
 * moment sees either no file or the whole file, never a partial one. Returns false if another
 * process created it first.
 */
export function createExclusive(file: string, content: string, mode: number): boolean {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, content, { mode, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * A 32-byte symmetric key: the configured file (base64), or in development a key created once
 * under DATA_DIR/keys/<name> (atomically, so processes starting together agree on it).
 */
export function loadSecretKey(file: string | undefined, dataDir: string, name: string): Buffer {
  const target = file ?? path.join(dataDir, 'keys', name);
  if (!file && !fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    createExclusive(target, randomBytes(32).toString('base64'), 0o600);
  }
  const key = Buffer.from(fs.readFileSync(target, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new RangeError(`${target} must hold a 32-byte key, base64-encoded`);
  return key;
}

/** fsync a directory, so a file created or renamed in it survives a crash (not just its data). */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `file` durably and atomically: a private temporary file, fsync'd, renamed, directory fsync'd. */
export async function writeDurably(file: string, content: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.promises.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}
