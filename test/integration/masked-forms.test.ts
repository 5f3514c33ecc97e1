import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createLogger, DEV_KEYS, persistEmbedded } from '@ehr/common';
import type { SeedData } from '../../tools/src/seed/generate';
import { withSealedDatabase } from '../../tools/src/keys/sealed-stores';
import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';

/** A sealed value damaged in place: one byte of its ciphertext body flipped (its nonce kept). */
function damaged(sealed: string): string {
  const raw = Buffer.from(sealed.slice('enc1:'.length), 'base64url');
  const at = 1 + 4 + 12; // format byte, key version, nonce: the first byte after them
  raw.writeUInt8(raw.readUInt8(at) ^ 0x01, at);
  return `enc1:${raw.toString('base64url')}`;
}

const CLI = path.resolve(__dirname, '../../tools/dist/keys.js');
const CHART = 'query ($id: ID!) { patient(id: $id) { ssn phone email address { line city state postalCode } } }';

/**
 * A masked read decrypts only the masked form: a nurse's view of an SSN needs its last four
 * digits, nothing more. Shown from outside: the full values of one patient are made unreadable
 * in the database (damaged in place, or swapped with another patient's ciphertext), and the
 * nurse still gets every masked value right while the patient's own clear read fails.
 */
describe(`masked reads open only the masked form (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let db: TestDatabase;
  let data: SeedData;
  let sg: RunningSubgraph;
  let target: SeedData['patients'][number];

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 12);
    const own = demo(data, 'patient-1').patient_id!;
    target = data.patients.find((p) => p.id === own)!;
    const other = data.patients.find((p) => p.id !== own)!;
    const full = ['ssn', 'phone', 'email', 'address_lines', 'postal_code'];
    const unreadable = ['ssn', 'phone', 'email'];
    await withSealedDatabase(
      'patient',
      db.config,
      DEV_KEYS,
      createLogger('test', 'silent'),
      { sealRows: false },
      async (conn) => {
        const q = (n: string) => conn.driver.escape(n);
        const [a] = (await conn.query(`SELECT ${full.map(q).join(', ')} FROM patient WHERE id = ?`, [
          other.id,
        ])) as Record<string, string>[];
        // The street and ZIP: the other patient's sealed values, bound to their row, never open here.
        // SSN, phone, e-mail: damaged in place (one ciphertext byte flipped), so they never open either.
        const [mine] = (await conn.query(`SELECT ${unreadable.map(q).join(', ')} FROM patient WHERE id = ?`, [
          target.id,
        ])) as Record<string, string>[];
        const moved = full.filter((c) => !unreadable.includes(c));
        await conn.query(
          `UPDATE patient SET ${[...moved, ...unreadable].map((c) => `${q(c)} = ?`).join(', ')} WHERE id = ?`,
          [...moved.map((c) => a![c]), ...unreadable.map((c) => damaged(mine![c]!)), target.id],
        );
        await persistEmbedded(conn);
      },
    );
    sg = await runSubgraph('patient', db);
  });
  afterAll(async () => {
    await sg?.stop();
    await db?.cleanup();
  });

  it('gives a nurse every masked value without opening the full ones, which do not open', async () => {
    const onTeam = new Set(data.careTeam.filter((m) => m.patientId === target.id).map((m) => m.practitionerId));
    const nurse = data.identities.find((i) => i.role === 'nurse' && onTeam.has(i.practitioner_id!));
    expect(nurse).toBeDefined();
    const { body } = await sg.query<{ patient: Record<string, unknown> }>(CHART, { id: target.id }, identityOf(nurse!));
    expect(body.errors).toBeUndefined();
    expect(body.data!.patient).toEqual({
      ssn: `***-**-${target.ssn.slice(-4)}`,
      phone: `***-***-${target.phone!.replace(/\D/g, '').slice(-4)}`,
      email: `${target.email!.slice(0, 1)}***@${target.email!.split('@')[1]}`,
      // City and state are what a masked address keeps: the street and the ZIP are never read.
      address: { line: [], city: target.city, state: target.state, postalCode: null },
    });
  });

  it('counts a value that does not open as its own (withheld) cell, and the other counts still answer', async () => {
    const analyst = identityOf(demo(data, 'analyst-1'), { deidentified: true });
    const { body } = await sg.query<{
      cohortCounts: { cells: { key: string; count: number }[]; suppressedCells: number };
      deidentificationReport: { records: number; suppressedRecords: number };
    }>(
      '{ cohortCounts(dimension: "ZIP3") { cells { key count } suppressedCells } deidentificationReport { records suppressedRecords } }',
      undefined,
      analyst,
    );
    expect(body.errors).toBeUndefined();
    // A handful of unreadable values is a small cell: counted, withheld, never listed.
    expect(body.data!.cohortCounts.cells.map((c) => c.key)).not.toContain('unreadable');
    expect(body.data!.deidentificationReport.records).toBe(data.patients.length);
    // ... and never released as a row.
    expect(body.data!.deidentificationReport.suppressedRecords).toBeGreaterThan(0);
  });

  it('fails the clear read of the same values (they were made unreadable)', async () => {
    const { body } = await sg.query<{ patient: Record<string, unknown> | null }>(
      'query ($id: ID!) { patient(id: $id) { ssn } }',
      { id: target.id },
      identityOf(demo(data, 'patient-1')),
    );
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain(target.ssn);
  });
});

/**
 * Rows written before masked forms were kept (the columns empty): masked reads still work (the
 * whole value is masked in the service), and `npm run keys -- reencrypt` makes the missing forms,
 * after which those rows too are read masked without their full values.
 */
describe(`masked forms for rows written before them (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let db: TestDatabase;
  let data: SeedData;
  const FORMS = ['mrn_masked', 'birth_date_masked', 'ssn_masked', 'phone_masked', 'email_masked'];
  const logger = createLogger('test', 'silent');

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 12);
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  const stored = (sql: string, params: unknown[] = []) =>
    withSealedDatabase('patient', db.config, DEV_KEYS, logger, { sealRows: false }, async (conn) => {
      const rows = (await conn.query(sql, params)) as Record<string, string | null>[];
      await persistEmbedded(conn);
      return rows;
    });

  it('makes the missing forms with reencrypt, sealed, and masked reads stop needing the full values', async () => {
    await stored(`UPDATE patient SET ${FORMS.map((c) => `${c} = NULL`).join(', ')}`);
    const target = data.patients.find((p) => p.id === demo(data, 'patient-1').patient_id)!;
    const onTeam = new Set(data.careTeam.filter((m) => m.patientId === target.id).map((m) => m.practitionerId));
    const nurse = identityOf(data.identities.find((i) => i.role === 'nurse' && onTeam.has(i.practitioner_id!))!);

    // Before: no forms, and the masked read still answers (from the whole value).
    let sg = await runSubgraph('patient', db);
    const before = await sg.query<{ patient: { ssn: string } }>(CHART, { id: target.id }, nurse);
    await sg.stop();
    expect(before.body.data!.patient.ssn).toBe(`***-**-${target.ssn.slice(-4)}`);

    const run = spawnSync(process.execPath, [CLI, 'reencrypt'], {
      env: { PATH: process.env.PATH, ...db.env, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${data.patients.length * 5} masked forms made`));
    const forms = await stored(`SELECT ${FORMS.join(', ')} FROM patient`);
    expect(forms.flatMap((r) => FORMS.map((c) => r[c])).every((v) => v === null || v?.startsWith('enc1:'))).toBe(true);
    expect(JSON.stringify(forms)).not.toContain(target.ssn.slice(-4) + '"');

    // After: the full SSN damaged, the masked read still answers, from its form alone.
    const [a] = await stored('SELECT ssn FROM patient WHERE id = ?', [target.id]);
    await stored('UPDATE patient SET ssn = ? WHERE id = ?', [damaged(a!.ssn!), target.id]);
    sg = await runSubgraph('patient', db);
    try {
      const after = await sg.query<{ patient: { ssn: string } }>(CHART, { id: target.id }, nurse);
      expect(after.body.errors).toBeUndefined();
      expect(after.body.data!.patient.ssn).toBe(`***-**-${target.ssn.slice(-4)}`);
    } finally {
      await sg.stop();
    }
  });

  it('never shows a form its value no longer matches: erased, edited in the clear, then re-sealed', async () => {
    const nurseIdentity = data.identities.find((i) => i.role === 'nurse')!;
    const team = new Set(
      data.careTeam.filter((m) => m.practitionerId === nurseIdentity.practitioner_id).map((m) => m.patientId),
    );
    const [erased, edited] = data.patients.filter((p) => team.has(p.id));
    expect(edited).toBeDefined();
    const nurse = identityOf(nurseIdentity);
    const read = async (id: string) => {
      const sg = await runSubgraph('patient', db);
      try {
        return (await sg.query<{ patient: { ssn: string | null; phone: string | null } | null }>(CHART, { id }, nurse))
          .body;
      } finally {
        await sg.stop();
      }
    };
    // A DBA erases one SSN and writes another in the clear; the old forms stay in their columns.
    await stored('UPDATE patient SET ssn = NULL, ssn_index = NULL WHERE id = ?', [erased!.id]);
    await stored('UPDATE patient SET ssn = ? WHERE id = ?', ['900-11-2222', edited!.id]);
    const gone = await read(erased!.id);
    expect(gone.errors).toBeUndefined();
    expect(gone.data!.patient!.ssn).toBeNull();
    // The clear value is not genuine: refused, and its old form is not shown in its place.
    const changed = await read(edited!.id);
    expect(changed.data?.patient?.ssn ?? null).toBeNull();
    expect(JSON.stringify(changed)).not.toContain(edited!.ssn.slice(-4));
    expect(changed.errors?.length).toBeGreaterThan(0);

    // Sealed as genuine by the operator: one pass seals it and makes its form, and drops the erased one's.
    const run = spawnSync(process.execPath, [CLI, 'reencrypt', '--seal-unsealed'], {
      env: { PATH: process.env.PATH, ...db.env, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const after = await read(edited!.id);
    expect(after.errors).toBeUndefined();
    expect(after.data!.patient!.ssn).toBe('***-**-2222');
    const [row] = await stored('SELECT ssn_masked FROM patient WHERE id = ?', [erased!.id]);
    expect(row!.ssn_masked).toBeNull();
  });
});
