import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Canary values for leak tests: each one carries a random 20-hex-digit core that exists nowhere
 * else, so finding the core (or a 12-digit piece of it, in any case, or its base64 or hex
 * encoding) anywhere means that value travelled there.
 */
export interface Canary {
  label: string;
  value: string;
  core: string;
}

/** Where a canary was found, with up to 200 characters of context in which every canary is redacted. */
export interface Finding {
  canary: string;
  where: string;
  context: string;
}

const WINDOW = 12;
const CORE_BYTES = 10;

/** The part of base64(anything + core + anything) that does not depend on the surroundings, for each alignment. */
function base64Pieces(core: string): string[] {
  const pieces: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), Buffer.from(core, 'latin1')]).toString('base64');
    // The first group mixes pad bytes in (unless pad = 0), the last one the bytes that follow.
    const middle = encoded.slice(pad === 0 ? 0 : 4, -4);
    pieces.push(middle, middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(pieces)].filter((p) => p.length >= 12);
}

export class Canaries {
  readonly all: Canary[] = [];
  /** Every 12-digit window of every core (lower case), to the canary it belongs to. */
  private readonly windows = new Map<string, Canary>();
  /** Encoded forms (case-sensitive): base64, base64url, hex of the core's bytes. */
  private readonly encoded: { text: string; canary: Canary }[] = [];

  /** A new canary: `shape` places the core in a value of the field's form. */
  make(label: string, shape: (core: string) => string = (c) => `CANARY-${c}`): string {
    const core = randomBytes(CORE_BYTES).toString('hex');
    const value = shape(core);
    if (!value.includes(core)) throw new Error(`canary ${label}: the shape must keep the core`);
    const canary = { label, value, core };
    this.all.push(canary);
    for (let i = 0; i + WINDOW <= core.length; i++) this.windows.set(core.slice(i, i + WINDOW), canary);
    for (const text of [...base64Pieces(core), Buffer.from(core, 'latin1').toString('hex')]) {
      this.encoded.push({ text, canary });
    }
    return value;
  }

  byLabel(label: string): Canary {
    const c = this.all.find((x) => x.label === label);
    if (!c) throw new Error(`no canary ${label}`);
    return c;
  }

  /** Each canary hit in `text`: [index, length, canary]. */
  private hits(text: string): [number, number, Canary][] {
    const out: [number, number, Canary][] = [];
    for (const m of text.matchAll(/[0-9a-f]{12,}/gi)) {
      const run = m[0].toLowerCase();
      for (let i = 0; i + WINDOW <= run.length; i++) {
        const canary = this.windows.get(run.slice(i, i + WINDOW));
        if (canary) {
          out.push([m.index, m[0].length, canary]);
          break;
        }
      }
    }
    for (const e of this.encoded) {
      for (let i = text.indexOf(e.text); i >= 0; i = text.indexOf(e.text, i + 1))
        out.push([i, e.text.length, e.canary]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** `text` with every canary replaced by «canary LABEL». */
  redact(text: string): string {
    let out = '';
    let at = 0;
    for (const [index, length, canary] of this.hits(text)) {
      if (index < at) continue;
      out += `${text.slice(at, index)}«canary ${canary.label}»`;
      at = index + length;
    }
    return out + text.slice(at);
  }

  /** Every canary in `text`, once per canary, with the line it is on when `text` has several. */
  find(text: string, where: string): Finding[] {
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const [index, , canary] of this.hits(text)) {
      if (seen.has(canary.label)) continue;
      seen.add(canary.label);
      const lineStart = text.lastIndexOf('\n', index) + 1;
      const lineEnd = text.indexOf('\n', index);
      const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
      const lineNo = text.slice(0, index).split('\n').length;
      const redacted = this.redact(line);
      const mark = redacted.indexOf(`«canary ${canary.label}»`);
      const from = Math.max(0, mark - 90);
      findings.push({
        canary: canary.label,
        where: text.includes('\n') ? `${where}, line ${lineNo}` : where,
        // Printable: a binary file's line (an embedded database) shows its bytes as dots.
        context: redacted.slice(from, from + 200).replace(/[^\x20-\x7e«»]/g, '.'),
      });
    }
    return findings;
  }

  /** Whether `text` holds any canary at all. */
  present(text: string): boolean {
    return this.hits(text).length > 0;
  }
}

/** One finding as an assertion message line. */
export const describeFinding = (f: Finding) => `${f.where}: canary "${f.canary}" in: ${f.context}`;

/** Every regular file under `dir` (recursively), read as latin1 so binary files keep their ASCII. */
export function readTree(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          out.push({ file: path.relative(dir, p), text: fs.readFileSync(p).toString('latin1') });
        } catch {
          // removed while walking (a spool rotated): nothing to read
        }
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * The pid of a live child of this process running `entry` with `<NAME>_PORT=port` in its
 * environment: how a test finds a service the stack started, to signal exactly that process.
 */
export function childPid(entry: string, portVar: string, port: number): number | undefined {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!cmdline.includes(entry)) continue;
      const environ = fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (environ.includes(`${portVar}=${port}`)) return Number(name);
    } catch {
      // exited while looking
    }
  }
  return undefined;
}
