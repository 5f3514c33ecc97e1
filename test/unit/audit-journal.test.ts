import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { AuditJournal, JOURNAL_MAX_RECORDS, JournalFullError, JournalInUseError } from '@ehr/common';

const line = (n: number) => JSON.stringify({ id: `r${n}` });

/**
 * The sender's journal, on a real directory: what it promises an auditor is that a record it
 * took is delivered at least once, in order, across crashes, and leaves only once committed.
 */
describe('audit journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers every record at least once and in order, whatever the appends, ships and crashes (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('append' as const), n: fc.integer({ min: 1, max: 5 }) }),
            fc.record({ op: fc.constant('ship' as const), n: fc.integer({ min: 1, max: 8 }) }),
            fc.record({ op: fc.constant('crash' as const) }),
          ),
          { maxLength: 30 },
        ),
        async (steps) => {
          const here = fs.mkdtempSync(path.join(dir, 'run-'));
          let journal = new AuditJournal(here, 'patient');
          const crashed: AuditJournal[] = [];
          let next = 0;
          const delivered: string[] = [];
          for (const step of steps) {
            if (step.op === 'append') {
              await journal.append(Array.from({ length: step.n }, () => line(next++)));
            } else if (step.op === 'ship') {
              const lines = journal.peek(step.n);
              delivered.push(...lines);
              await journal.shipped(lines.length);
            } else {
              // A crash: the process is gone without stop(); a new one opens the same directory.
              crashed.push(journal);
              journal = new AuditJournal(here, 'patient');
            }
          }
          delivered.push(...journal.peek(Number.MAX_SAFE_INTEGER));
          await journal.stop();
          // Every record taken was delivered; a re-send after a crash repeats a run already sent,
          // never reorders: the first delivery of each record is in the order they were taken.
          const firsts = [...new Set(delivered)];
          expect(firsts).toEqual(Array.from({ length: next }, (_, i) => line(i)));
          // (Only their file handles: a crashed process's descriptors close with it.)
          for (const j of crashed) await j.stop();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps one file while shipping many small batches (no create and unlink per batch)', async () => {
    const journal = new AuditJournal(dir, 'patient');
    for (let i = 0; i < 200; i++) {
      await journal.append([line(i)]);
      await journal.shipped(journal.peek(10).length);
    }
    expect(journal.size).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual([expect.stringMatching(/^patient\.jsonl\./), 'patient.lock']);
    // Stopped with everything committed, nothing is left to send again.
    await journal.stop();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(new AuditJournal(dir, 'patient').size).toBe(0);
  });

  it('skips a torn last line from a crash mid-append and sends the rest, oldest file first', async () => {
    fs.writeFileSync(path.join(dir, 'patient.jsonl.1000.1.0'), `${line(0)}\n${line(1)}\n`);
    fs.writeFileSync(path.join(dir, 'patient.jsonl.2000.1.0'), `${line(2)}\n{"id":"r3`);
    // An older version's file, and another sender's, are read (the first) or left alone (the second).
    fs.writeFileSync(path.join(dir, 'patient.jsonl'), `${line(4)}\n`);
    fs.writeFileSync(path.join(dir, 'medication.jsonl.1500.1.0'), `${line(99)}\n`);
    const journal = new AuditJournal(dir, 'patient');
    expect(journal.peek(10)).toEqual([line(0), line(1), line(2), line(4)]);
    await journal.shipped(4);
    expect(fs.readdirSync(dir).sort()).toEqual(['medication.jsonl.1500.1.0', 'patient.lock']);
  });

  it('refuses a second live writer of the same journal, and takes over from one that is gone', async () => {
    // Another process (the built code) holds the journal and has appended a record.
    const common = path.resolve(__dirname, '../../packages/common/dist/index.js');
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { AuditJournal } = require(${JSON.stringify(common)});
         const j = new AuditJournal(${JSON.stringify(dir)}, 'patient');
         j.append([${JSON.stringify(line(0))}]).then(() => process.stdout.write('ready\\n'));
         setInterval(() => j.refresh(), 200);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    expect(() => new AuditJournal(dir, 'patient')).toThrow(JournalInUseError);
    // Another sender's journal in the same directory is its own.
    await new AuditJournal(dir, 'notes').stop();
    // The writer dies (SIGKILL: no stop, the lock stays): its pid is gone, so the lock is stale.
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const next = new AuditJournal(dir, 'patient');
    expect(next.peek(10)).toEqual([line(0)]);
    await next.shipped(1);
    await next.stop();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('stops taking records when full, so an audit outage cannot exhaust memory (the sender fails closed)', async () => {
    const journal = new AuditJournal(dir, 'patient');
    const batch = Array.from({ length: 10_000 }, (_, i) => line(i));
    for (let n = 0; n < JOURNAL_MAX_RECORDS; n += batch.length) await journal.append(batch);
    await expect(journal.append([line(-1)])).rejects.toThrow(JournalFullError);
    expect(journal.size).toBe(JOURNAL_MAX_RECORDS);
    await journal.shipped(batch.length);
    await journal.append([line(-1)]);
    expect(journal.size).toBe(JOURNAL_MAX_RECORDS - batch.length + 1);
    await journal.stop();
  });
});
