import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { SUBGRAPHS, type Identity } from '@ehr/common';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, TEST_MYSQL_URL, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';

/** Every identifying value the seed wrote, as a database administrator would search for it. */
function seededValues(data: SeedData): string[] {
  const values = data.patients.flatMap((p) => [
    p.mrn,
    p.ssn,
    p.phone,
    p.email,
    p.family,
    ...p.givenNames,
    ...p.addressLines,
    p.birthDate,
  ]);
  values.push(...data.notes.map((n) => n.text.slice(0, 40)));
  values.push(...data.medications.map((m) => m.dosageText.slice(0, 30)));
  // Short words (a two-letter given name) would match ciphertext by chance: long enough to mean something.
  return [...new Set(values)].filter((v) => v.length >= 6);
}

/** Everything every table of every database holds, as text (MySQL), or the raw files (SQLite). */
async function everythingStored(db: TestDatabase): Promise<string> {
  if (!usingMysql) {
    return fs
      .readdirSync(db.config.dataDir)
      .filter((f) => f.endsWith('.sqlite'))
      .map((f) => fs.readFileSync(path.join(db.config.dataDir, f)).toString('latin1'))
      .join('\n');
  }
  const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL! });
  try {
    const parts: string[] = [];
    for (const s of SUBGRAPHS) {
      const schema = `${db.config.databasePrefix}${s}`;
      const [tables] = await conn.query(
        'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?',
        [schema],
      );
      for (const { t } of tables as { t: string }[]) {
        const [rows] = await conn.query(`SELECT * FROM \`${schema}\`.\`${t}\``);
        parts.push(JSON.stringify(rows));
      }
    }
    return parts.join('\n');
  } finally {
    await conn.end();
  }
}

describe(`PHI at rest on ${usingMysql ? 'MySQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let data: SeedData;
  let sg: RunningSubgraph;
  let patient1: Identity;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 40);
    sg = await runSubgraph('patient', db);
    patient1 = identityOf(demo(data, 'patient-1'));
  });
  afterAll(async () => {
    await sg?.stop();
    await db?.cleanup();
  });

  it('holds no seeded name, SSN, MRN, phone, e-mail, street line, birth date, dosage or note text in the clear', async () => {
    const values = seededValues(data);
    expect(values.length).toBeGreaterThan(300);
    const stored = await everythingStored(db);
    expect(stored.length).toBeGreaterThan(10_000);
    expect(values.filter((v) => stored.includes(v))).toEqual([]);
    // The same scan does find what is meant to stay clear (it would see a leak).
    expect(stored).toContain(data.patients[0]!.id);
  });

  it('finds a patient by blind index with no plaintext in the query', async () => {
    const p = data.patients[3]!;
    const q = `query ($mrn: String!) { patientByMrn(mrn: $mrn) { id mrn } }`;
    const admin = identityOf(demo(data, 'billing-1'));
    const { body } = await sg.query<{ patientByMrn: { id: string } | null }>(
      q,
      { mrn: ` ${p.mrn.toLowerCase()} ` },
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.patientByMrn?.id).toBe(p.id);
  });

  it('refuses a sealed value moved to another row: an error, never the other patient’s value', async () => {
    const b = data.patients.find((p) => p.id === patient1.patientId)!;
    const a = data.patients.find((p) => p.id !== b.id)!;
    const conn = usingMysql ? await mysql.createConnection({ uri: TEST_MYSQL_URL! }) : undefined;
    if (!conn) return; // SQLite files are the service's own memory image: the MySQL run covers this
    try {
      const schema = `${db.config.databasePrefix}patient`;
      await conn.query(
        `UPDATE \`${schema}\`.patient dst JOIN \`${schema}\`.patient src ON src.id = ? SET dst.ssn = src.ssn WHERE dst.id = ?`,
        [a.id, b.id],
      );
    } finally {
      await conn.end();
    }
    const { body } = await sg.query<{ patient: { ssn: string | null } | null }>(
      'query ($id: ID!) { patient(id: $id) { id ssn } }',
      { id: b.id },
      patient1,
    );
    expect(JSON.stringify(body)).not.toContain(a.ssn);
    expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
