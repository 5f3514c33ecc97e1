import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootSubgraph } from '@ehr/common';
import { patientSubgraph } from '@ehr/subgraph-patient';
import { testDatabase, type TestDatabase } from '../helpers/database';

/**
 * A field nobody classified with @phi would be served to every role as if it held no PHI: the
 * subgraph refuses to start, naming the field (issue 11), instead of skipping it at run time.
 */
describe('a subgraph with an unclassified field', () => {
  let db: TestDatabase;
  beforeAll(() => {
    db = testDatabase();
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  /** Boots the patient subgraph on its schema with a field added to Patient. */
  async function bootWith(field: string) {
    const sdl = fs.readFileSync(patientSubgraph.schemaFile, 'utf8');
    const changed = sdl.replace(/type Patient @key\(fields: "id"\) \{/, (m) => `${m}\n  ${field}`);
    expect(changed).not.toBe(sdl);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-phi-')), 'schema.graphql');
    fs.writeFileSync(file, changed);
    const config = patientSubgraph.loadConfig({ ...db.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    return bootSubgraph({ ...patientSubgraph, schemaFile: file }, { ...config, database: db.config });
  }

  it('refuses to start and names the field', async () => {
    // A field added to Patient without a classification (as a hurried change would).
    await expect(bootWith('nickname: String')).rejects.toThrow(/Patient\.nickname has no @phi classification/);
  });

  it('refuses a quasi-identifier the analyst would see outside the k-anonymous release', async () => {
    // Tagged and kept for analysts, but nothing generalises it with the others: it would single people out.
    await expect(bootWith('ethnicity: String @phi(category: "QUASI_IDENTIFIER", deid: "KEEP")')).rejects.toThrow(
      /Patient\.ethnicity is a quasi-identifier the analyst schema shows outside the k-anonymous release/,
    );
    // Removed for analysts, it is fine.
    const server = await bootWith('ethnicity: String @phi(category: "QUASI_IDENTIFIER", deid: "REMOVE")');
    await server.stop();
  });

  it('refuses a rename that does not transform, or takes a field that exists', async () => {
    await expect(bootWith('nickname: String @phi(category: "NOT_PHI", deid: "KEEP", as: "alias")')).rejects.toThrow(
      /Patient\.nickname: "as" needs deid YEAR, BIRTH_YEAR or ZIP3/,
    );
    await expect(
      bootWith('deathDate: String @phi(category: "QUASI_IDENTIFIER", deid: "YEAR", as: "gender")'),
    ).rejects.toThrow(/Patient\.deathDate: "as" names a bad or taken field/);
  });
});
