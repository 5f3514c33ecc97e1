import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeDurably } from '../util/atomic-file.js';
import type { AuditRecordInput } from './record.js';

/** A batch the intake refused for good, kept intact until an operator re-submits it. */
export interface QuarantinedBatch {
  id: string;
  subgraph: string;
  quarantinedAt: string;
  /** The intake's HTTP status (400 malformed, 401 signature, ...). */
  status: number;
  /** The intake's reason: field paths and codes, never values. */
  reason: string;
  records: AuditRecordInput[];
}

export type QuarantineSummary = Omit<QuarantinedBatch, 'records'> & { recordCount: number };

/** `<sender>.<uuid>`: the sender is in the name, so a sender finds its own batches without reading any. */
const ID = /^[a-z][a-z0-9-]{0,31}\.[0-9a-f-]{36}$/;

/**
 * The set-aside shelf under DATA_DIR/audit-quarantine: one durable file per refused batch (fsync'd
 * file and directory), never deleted except by a successful re-submission. Records on the shelf
 * are out of the log until then; the shipper alerts, /readyz and /metrics count them.
 */
export class AuditQuarantine {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'audit-quarantine');
  }

  private file(id: string): string {
    if (!ID.test(id)) throw new RangeError('not a quarantine id (see `npm run audit:quarantine -- list`)');
    return path.join(this.dir, `${id}.json`);
  }

  async put(subgraph: string, records: AuditRecordInput[], status: number, reason: string): Promise<string> {
    if (!fs.existsSync(this.dir)) {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // The new directory's own entry must survive a crash too.
      await fsyncDir(path.dirname(this.dir));
    }
    const batch: QuarantinedBatch = {
      id: `${subgraph}.${randomUUID()}`,
      subgraph,
      quarantinedAt: new Date().toISOString(),
      status,
      reason,
      records,
    };
    await writeDurably(this.file(batch.id), JSON.stringify(batch));
    return batch.id;
  }

  /** The ids of the batches one sender set aside. */
  idsOf(subgraph: string): string[] {
    return this.ids().filter((id) => id.startsWith(`${subgraph}.`));
  }

  ids(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && ID.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5));
  }

  /** How many batches wait on the shelf (read from the directory: an operator may have emptied it). */
  size(): number {
    return this.ids().length;
  }

  read(id: string): QuarantinedBatch {
    return JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as QuarantinedBatch;
  }

  list(): QuarantineSummary[] {
    return this.ids()
      .map((id) => {
        const { records, ...rest } = this.read(id);
        return { ...rest, recordCount: records.length };
      })
      .sort((a, b) => a.quarantinedAt.localeCompare(b.quarantinedAt));
  }

  /**
   * After a re-submission committed part of a batch: the entry keeps only the records refused
   * again, under the same id (what the operator was told) with the new refusal. Atomic (a
   * temporary file renamed over it): a crash leaves the old entry or the new one, and re-sending
   * the old one stores nothing twice (the intake dedupes by record id). An entry removed
   * meanwhile (its sender delivered it) is not brought back: `read` throws.
   */
  async replace(id: string, records: AuditRecordInput[], status: number, reason: string): Promise<void> {
    const batch = this.read(id);
    await writeDurably(this.file(id), JSON.stringify({ ...batch, status, reason, records }));
  }

  /** Only after the records are committed to the log (a re-submission answered 200). */
  remove(id: string): void {
    fs.rmSync(this.file(id));
  }
}
