import fs from 'node:fs';
import path from 'node:path';
import {
  isSealed,
  formBinding,
  maskValue,
  SealedValueError,
  persistEmbedded,
  sealedVersion,
  type DatabaseConfig,
  type KeySettings,
  type Logger,
  type Sealing,
} from '@ehr/common';
import type { DataSource } from 'typeorm';
import { SEALED_SUBGRAPHS, withSealedDatabase, type SealedSubgraph } from './sealed-stores.js';

/** Where a re-encryption has got to: per table, the last row id done (rows go in id order). */
interface Progress {
  primary: number;
  done: Record<string, string | true>;
}

export interface ReencryptOptions {
  config: DatabaseConfig;
  keys: KeySettings;
  logger: Logger;
  /** Rows per transaction. */
  batch: number;
  /** A pause between batches, to spare a busy database. */
  pauseMs: number;
  /** Seal values found in the clear (a database from before field encryption). */
  sealUnsealed: boolean;
  /** Told how far each table is: rows done of rows in it. */
  onProgress: (table: string, done: number, total: number) => void;
}

export interface ReencryptResult {
  primary: number;
  /** Values rewritten (sealed under an older version, or written before sealing). */
  rewritten: number;
  /** Values a service changed while the job ran (it sealed them under the primary itself). */
  skipped: number;
  /** Masked forms made or re-made (missing, re-sealed, under an older key, or no longer matching their value). */
  masked: number;
  /** Values that do not open (damaged, moved, or under a retired key): table.column:row id. */
  unreadable: string[];
  /** Values in the clear, left as they are (without --seal-unsealed): table.column:row id. */
  unsealed: string[];
}

const stateFile = (config: DatabaseConfig) => path.join(config.dataDir, 'keys', 'reencrypt-progress.json');

/**
 * Re-seals every value not under the primary field key, in batches, while the services keep
 * serving: each batch is one transaction, and each row is updated only if its values are still
 * the ones read (a service that changed a row meanwhile sealed it under the primary already).
 * Rows go in id order and the last id done is kept in DATA_DIR/keys/reencrypt-progress.json, so an
 * interrupted run resumes where it stopped; the file goes when every table is done.
 */
export async function reencrypt(opts: ReencryptOptions): Promise<ReencryptResult> {
  const file = stateFile(opts.config);
  const result: ReencryptResult = { primary: 0, rewritten: 0, skipped: 0, masked: 0, unreadable: [], unsealed: [] };
  for (const name of Object.keys(SEALED_SUBGRAPHS) as SealedSubgraph[]) {
    await withSealedDatabase(name, opts.config, opts.keys, opts.logger, { sealRows: false }, async (db, sealing) => {
      result.primary = sealing.cipher.primaryVersion;
      let progress = readProgress(file);
      // A run under another primary starts over: its rows were done for an older version.
      if (!progress || progress.primary !== result.primary) progress = { primary: result.primary, done: {} };
      for (const table of sealing.sealed.filter((t) => t.fields.length > 0)) {
        const key = `${name}.${table.table}`;
        if (progress.done[key] === true) continue;
        const counts = await reencryptTable(
          db,
          sealing,
          table,
          progress.done[key] as string | undefined,
          opts,
          async (id) => {
            // The embedded database is written out before its progress is: a resumed run never
            // skips rows whose new values were lost with the process.
            await persistEmbedded(db);
            progress!.done[key] = id;
            writeProgress(file, progress!);
          },
        );
        result.rewritten += counts.rewritten;
        result.skipped += counts.skipped;
        result.masked += counts.masked;
        result.unreadable.push(...counts.unreadable);
        result.unsealed.push(...counts.unsealed);
        await persistEmbedded(db);
        progress.done[key] = true;
        writeProgress(file, progress);
      }
      await persistEmbedded(db);
    });
  }
  fs.rmSync(file, { force: true });
  return result;
}

type SealedTable = Sealing['sealed'][number];
type Row = Record<string, string | null>;

/** A sealed table's columns as the database names them: its key, its sealed columns, their indexes. */
function columnsOf(db: DataSource, table: SealedTable) {
  const meta = db.getMetadata(table.entity);
  const column = (property: string) => meta.findColumnWithPropertyName(property)!.databaseName;
  return {
    id: meta.primaryColumns[0]!.databaseName,
    sealed: table.fields.map((f) => f.column),
    indexOf: (f: SealedTable['fields'][number]) => (f.index ? column(f.index.property) : undefined),
  };
}

/** A table's rows in key order, `batch` at a time, after the key `after`: its key and sealed columns. */
async function* pagesOf(db: DataSource, table: SealedTable, batch: number, after?: string): AsyncGenerator<Row[]> {
  const q = (n: string) => db.driver.escape(n);
  const { id, sealed } = columnsOf(db, table);
  for (let last = after; ;) {
    const rows = (await db.query(
      `SELECT ${[id, ...sealed].map(q).join(', ')} FROM ${q(table.table)}${last === undefined ? '' : ` WHERE ${q(id)} > ?`} ORDER BY ${q(id)} LIMIT ${batch}`,
      last === undefined ? [] : [last],
    )) as Row[];
    if (rows.length === 0) return;
    yield rows;
    last = String(rows.at(-1)![id]);
  }
}

async function reencryptTable(
  db: DataSource,
  sealing: Sealing,
  table: SealedTable,
  after: string | undefined,
  opts: ReencryptOptions,
  checkpoint: (lastId: string) => Promise<void>,
): Promise<{ rewritten: number; skipped: number; masked: number; unreadable: string[]; unsealed: string[] }> {
  const q = (n: string) => db.driver.escape(n);
  const { id, indexOf } = columnsOf(db, table);
  const count = async (where: string, params: unknown[]) =>
    Number(
      ((await db.query(`SELECT COUNT(*) AS n FROM ${q(table.table)}${where}`, params)) as { n: unknown }[])[0]?.n ?? 0,
    );
  const total = await count('', []);
  let done = after ? await count(` WHERE ${q(id)} <= ?`, [after]) : 0;
  const counts = { rewritten: 0, skipped: 0, masked: 0, unreadable: [] as string[], unsealed: [] as string[] };
  const forms = new Set(table.masked.map((m) => m.form));
  const primary = sealing.cipher.primaryVersion;
  opts.onProgress(table.table, done, total);
  for await (const rows of pagesOf(db, table, opts.batch, after)) {
    await db.transaction(async (tx) => {
      for (const row of rows) {
        const rowId = String(row[id]);
        const set: [string, string | null][] = [];
        const was: [string, string][] = [];
        const guard: [string, string | null][] = [];
        /** Values re-sealed in this row: their plaintext and new ciphertext (their forms follow them). */
        const resealed = new Map<string, { plain: string; sealed: string }>();
        for (const f of table.fields) {
          // Masked forms are bound to their value's ciphertext: handled after the values, below.
          if (forms.has(f)) continue;
          const stored = row[f.column];
          if (stored === null || stored === undefined) continue;
          if (isSealed(stored) && sealedVersion(stored) === primary) continue;
          const ctx = { table: table.table, column: f.column, rowId };
          // A value in the clear is sealed only when asked (--seal-unsealed: a database written
          // before field encryption); otherwise it may be a DBA's edit, and sealing it would make
          // it look genuine. It is left as it is (an error when read) and named by row id.
          if (!isSealed(stored) && !opts.sealUnsealed) {
            counts.unsealed.push(`${table.table}.${f.column}:${rowId}`);
            continue;
          }
          let plain: string;
          try {
            plain = isSealed(stored) ? sealing.cipher.open(stored, ctx) : stored;
          } catch (err) {
            if (!(err instanceof SealedValueError)) throw err;
            // A damaged or moved value stays as it is (it never opens), counted and named by row
            // id: one bad value must not stop the rotation of every other.
            counts.unreadable.push(`${table.table}.${f.column}:${rowId}`);
            continue;
          }
          const sealed = sealing.cipher.seal(plain, ctx);
          set.push([f.column, sealed]);
          resealed.set(f.column, { plain, sealed });
          const index = indexOf(f);
          if (index) set.push([index, sealing.cipher.blindIndex(f.index!.name, plain) ?? null]);
          was.push([f.column, stored]);
        }
        // Masked forms: made where missing (rows written before they were kept), re-made where
        // their value was re-sealed or they are under an older key, dropped where their value is
        // gone, and re-made where they no longer open under their value (changed outside the
        // services): each is the mask of the value as it now is, bound to its new ciphertext.
        let made = 0;
        for (const { form, source, style } of table.masked) {
          const stored = row[source.column];
          const old = row[form.column] ?? null;
          const re = resealed.get(source.column);
          if (stored === null || stored === undefined || (!isSealed(stored) && !re)) {
            if (old !== null && (stored === null || stored === undefined)) {
              set.push([form.column, null]);
              guard.push([source.column, null]);
            }
            continue;
          }
          const formCtx = (value: string) => ({
            table: table.table,
            column: form.column,
            rowId: formBinding(rowId, value),
          });
          if (!re && old !== null && isSealed(old) && sealedVersion(old) === primary) {
            try {
              sealing.cipher.open(old, formCtx(stored));
              continue; // current, and bound to the value as it is
            } catch (err) {
              if (!(err instanceof SealedValueError)) throw err;
            }
          }
          let plain = re?.plain;
          if (plain === undefined) {
            try {
              plain = sealing.cipher.open(stored, { table: table.table, column: source.column, rowId });
            } catch (err) {
              if (!(err instanceof SealedValueError)) throw err;
              continue; // no form from a value that does not open (named above if it was due)
            }
          }
          set.push([form.column, sealing.cipher.seal(String(maskValue(style, plain)), formCtx(re?.sealed ?? stored))]);
          // Only if the value it was made from is still the one read.
          if (!re) guard.push([source.column, stored]);
          made++;
        }
        if (set.length === 0) continue;
        const conditions = [...was, ...guard];
        const changed = (await tx.query(
          `UPDATE ${q(table.table)} SET ${set.map(([c]) => `${q(c)} = ?`).join(', ')} WHERE ${q(id)} = ?${conditions
            .map(([c, v]) => ` AND ${q(c)} ${v === null ? 'IS NULL' : '= ?'}`)
            .join('')}`,
          [...set.map(([, v]) => v), row[id], ...conditions.flatMap(([, v]) => (v === null ? [] : [v]))],
        )) as unknown;
        if (affected(changed) === 0) counts.skipped += was.length;
        else {
          counts.rewritten += was.length;
          counts.masked += made;
        }
      }
    });
    done += rows.length;
    await checkpoint(String(rows.at(-1)![id]));
    opts.onProgress(table.table, done, total);
    if (opts.pauseMs > 0) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return counts;
}

/** Rows an UPDATE changed: mysql2 answers a result header, sql.js (through TypeORM) nothing countable. */
function affected(result: unknown): number | undefined {
  const r = result as { affectedRows?: number } | [unknown, number] | undefined;
  if (Array.isArray(r) && typeof r[1] === 'number') return r[1];
  return (r as { affectedRows?: number } | undefined)?.affectedRows;
}

function readProgress(file: string): Progress | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Progress;
  } catch {
    return undefined;
  }
}

function writeProgress(file: string, progress: Progress): void {
  const tmp = `${file}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(tmp, JSON.stringify(progress), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** How many values each field-key version holds, over every sealed column (for status and retire). */
export async function versionsInUse(
  config: DatabaseConfig,
  keys: KeySettings,
  logger: Logger,
): Promise<Map<number | 'clear' | 'malformed', number>> {
  const uses = new Map<number | 'clear' | 'malformed', number>();
  for (const name of Object.keys(SEALED_SUBGRAPHS) as SealedSubgraph[]) {
    await withSealedDatabase(name, config, keys, logger, { sealRows: false }, async (db, sealing) => {
      for (const t of sealing.sealed.filter((x) => x.fields.length > 0)) {
        for await (const rows of pagesOf(db, t, 5000)) {
          for (const r of rows) {
            for (const f of t.fields) {
              const v = r[f.column];
              if (v === null || v === undefined) continue;
              const version = isSealed(v) ? (sealedVersion(v) ?? 'malformed') : 'clear';
              uses.set(version, (uses.get(version) ?? 0) + 1);
            }
          }
        }
      }
    });
  }
  return uses;
}
