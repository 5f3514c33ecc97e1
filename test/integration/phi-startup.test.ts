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

  it('refuses to start and names the field', async () => {
    const sdl = fs.readFileSync(patientSubgraph.schemaFile, 'utf8');
    // A field added to Patient without a classification (as a hurried change would).
    const changed = sdl.replace(/type Patient @key\(fields: "id"\) \{/, (m) => `${m}\n  nickname: String`);
    expect(changed).not.toBe(sdl);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-phi-')), 'schema.graphql');
    fs.writeFileSync(file, changed);
    const config = patientSubgraph.loadConfig({ ...db.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    await expect(
      bootSubgraph({ ...patientSubgraph, schemaFile: file }, { ...config, database: db.config }),
    ).rejects.toThrow(/Patient\.nickname has no @phi classification/);
  });
});
