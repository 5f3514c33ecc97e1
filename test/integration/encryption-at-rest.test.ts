import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { SUBGRAPHS, type Identity } from '@ehr/common';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, TEST_MYSQL_URL, usingMysql, type TestDatabase } from '../helpers/database';
import { bootSubgraph } from '@ehr/common';
import { patientSubgraph } from '@ehr/subgraph-patient';
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

  it('finds patients by phone or e-mail through blind indexes, within scope, and by a field only who may read it', async () => {
    const q =
      'query ($ssn: String, $phone: String, $email: String) { findPatients(ssn: $ssn, phone: $phone, email: $email) { id } }';
    const billing = identityOf(demo(data, 'billing-1'));
    const physician = identityOf(demo(data, 'physician-1'));
    const ids = async (vars: Record<string, string>, who: Identity) => {
      const { body } = await sg.query<{ findPatients: { id: string }[] }>(q, vars, who);
      return body.errors ? body.errors.map((e) => e.extensions?.code) : body.data!.findPatients.map((p) => p.id);
    };
    const p = data.patients[7]!;
    // Written another way, the same phone and e-mail.
    expect(await ids({ phone: `(${p.phone.replace(/-/g, ') ')}` }, billing)).toContain(p.id);
    expect(await ids({ email: ` ${p.email.toUpperCase()} ` }, billing)).toEqual([p.id]);
    // Billing sees SSNs masked: it may not confirm one by searching.
    expect(await ids({ ssn: p.ssn }, billing)).toEqual(['FORBIDDEN']);
    expect(await ids({ phone: p.phone, email: p.email }, billing)).toEqual(['BAD_USER_INPUT']);
    // A physician finds patients of their care team, and nothing (no error) outside it.
    const onTeam = new Set(
      data.careTeam.filter((m) => m.practitionerId === physician.practitionerId).map((m) => m.patientId),
    );
    const inside = data.patients.find((x) => onTeam.has(x.id))!;
    const outside = data.patients.find((x) => !onTeam.has(x.id))!;
    expect(await ids({ email: inside.email }, physician)).toEqual([inside.id]);
    expect(await ids({ email: outside.email }, physician)).toEqual([]);
    expect(await ids({ email: 'nobody@example.invalid' }, physician)).toEqual([]);
  });

  it('seals text that already looks sealed, and reads it back', async () => {
    const notes = await runSubgraph('notes', db, { PATIENT_URL: `${sg.url}/graphql` });
    try {
      const physician = identityOf(demo(data, 'physician-1'));
      const patient = data.careTeam.find((m) => m.practitionerId === physician.practitionerId)!.patientId;
      const text = `enc1:AQAAAAF looks sealed ${data.patients[5]!.ssn}`;
      const made = await notes.query<{ createClinicalNote: { id: string } }>(
        'mutation ($p: ID!, $t: String!) { createClinicalNote(patientId: $p, type: "progress", text: $t) { id } }',
        { p: patient, t: text },
        physician,
      );
      expect(made.body.errors).toBeUndefined();
      const read = await notes.query<{ note: { text: string } }>(
        'query ($id: ID!) { note(id: $id) { text } }',
        { id: made.body.data!.createClinicalNote.id },
        physician,
      );
      expect(read.body.data?.note.text).toBe(text);
      expect(await everythingStored(db)).not.toContain('looks sealed');
    } finally {
      await notes.stop();
    }
  });

  it('answers an MRN no patient has like one outside the scope: the answer says nothing about which exist', async () => {
    const physician = identityOf(demo(data, 'physician-1'));
    const onTeam = new Set(
      data.careTeam.filter((m) => m.practitionerId === physician.practitionerId).map((m) => m.patientId),
    );
    const outside = data.patients.find((p) => !onTeam.has(p.id))!;
    const q = 'query ($mrn: String!) { patientByMrn(mrn: $mrn) { id } }';
    const codeOf = async (mrn: string) =>
      (await sg.query(q, { mrn }, physician)).body.errors?.map((e) => e.extensions?.code) ?? ['none'];
    expect(await codeOf(outside.mrn)).toEqual(['BREAK_GLASS_REQUIRED']);
    expect(await codeOf('MRN00000000')).toEqual(['BREAK_GLASS_REQUIRED']);
  });

  (usingMysql ? it : it.skip)(
    'refuses a value a DBA wrote in the clear, instead of serving it as genuine',
    async () => {
      const b = data.patients.find((p) => p.id === patient1.patientId)!;
      const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL! });
      try {
        await conn.query(
          `UPDATE \`${db.config.databasePrefix}patient\`.patient SET family = 'MALLORY-INJECTED' WHERE id = ?`,
          [b.id],
        );
      } finally {
        await conn.end();
      }
      const { body } = await sg.query(
        'query ($id: ID!) { patient(id: $id) { name { family } } }',
        { id: b.id },
        patient1,
      );
      expect(JSON.stringify(body)).not.toContain('MALLORY');
      expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    },
  );

  it('refuses to start with a new keyring over a database sealed under another', async () => {
    const keyring = path.join(db.config.dataDir, 'keys', 'keyring.json');
    const kept = fs.readFileSync(keyring);
    fs.rmSync(keyring);
    try {
      const config = patientSubgraph.loadConfig({ ...db.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
      await expect(bootSubgraph(patientSubgraph, { ...config, database: db.config })).rejects.toThrow(
        /no keyring was found .* holds sealed values/,
      );
      // Nothing it made is left behind: restoring the keyring is all it takes.
      expect(fs.existsSync(keyring)).toBe(false);
    } finally {
      fs.writeFileSync(keyring, kept, { mode: 0o600 });
    }
  });
});
