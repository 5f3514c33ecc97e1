import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { AuditJournal } from '@ehr/common';

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
    expect(fs.readdirSync(dir)).toHaveLength(1);
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
    expect(fs.readdirSync(dir)).toEqual(['medication.jsonl.1500.1.0']);
  });
});
