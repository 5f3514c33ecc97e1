import fs from 'node:fs';

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
