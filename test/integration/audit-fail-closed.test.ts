import fs from 'node:fs';
import path from 'node:path';
import type { SeedData } from '../../tools/src/seed/generate';
import { testDatabase, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/ports';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';

/** No response with PHI leaves without its record: with no audit subgraph and no journal, nothing leaves. */
describe('audit durability: fail closed', () => {
  let db: TestDatabase;
  let data: SeedData;
  let sg: RunningSubgraph;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 5);
    // The journal cannot be written (its directory's place is taken by a file) ...
    fs.writeFileSync(path.join(db.config.dataDir, 'audit-spool'), '');
    // ... and the audit subgraph does not answer.
    sg = await runSubgraph('patient', db, { AUDIT_URL: `http://127.0.0.1:${await freePort()}/graphql` });
  });
  afterAll(async () => {
    await sg?.stop();
    await db?.cleanup();
  });

  it('withholds the data and says why', async () => {
    const billing = identityOf(demo(data, 'billing-1'));
    const p = data.patients[0]!;
    const { body } = await sg.query(`{ patient(id: "${p.id}") { id name { family } } }`, undefined, billing);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'The access could not be recorded, so no data was released; try again',
        extensions: { code: 'AUDIT_UNAVAILABLE' },
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(p.family);
  });
});
