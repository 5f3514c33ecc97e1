import mysql from 'mysql2/promise';
import { testDatabase, TEST_MYSQL_URL, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';

/**
 * When the log no longer verifies (its newest row was edited behind its back), the writer refuses
 * to extend it. Auditors must still be told so: verifyAuditChain answers intact:false, and other
 * reads say the log refuses writes (AUDIT_UNAVAILABLE), not a masked internal error.
 */
describe('a damaged audit log, seen by its auditor', () => {
  let db: TestDatabase;
  let audit: RunningSubgraph;
  let auditor: ReturnType<typeof identityOf>;

  beforeAll(async () => {
    db = testDatabase();
    auditor = identityOf(demo(await seed(db, 3), 'auditor-1'));
    audit = await runSubgraph('audit', db);
  });
  afterAll(async () => {
    await audit?.stop();
    await db?.cleanup();
  });

  // The edit is made by another client of the database, as an intruder would: MySQL only.
  (usingMysql ? it : it.skip)('answers verifyAuditChain with the damage and refuses other reads plainly', async () => {
    const verify = '{ verifyAuditChain { intact firstBrokenSequence } }';
    const before = await audit.query<{ verifyAuditChain: { intact: boolean } }>(verify, undefined, auditor);
    expect(before.body.data!.verifyAuditChain.intact).toBe(true);
    const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL!, database: `${db.config.databasePrefix}audit` });
    try {
      await conn.query("UPDATE hipaa_audit_log SET user_id = 'mallory' ORDER BY sequence DESC LIMIT 1");
    } finally {
      await conn.end();
    }
    const after = await audit.query<{ verifyAuditChain: { intact: boolean; firstBrokenSequence: number } }>(
      verify,
      undefined,
      auditor,
    );
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.verifyAuditChain).toMatchObject({ intact: false });
    const events = await audit.query('{ auditEvents(first: 1) { totalCount } }', undefined, auditor);
    expect(events.body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
    expect(events.body.errors?.[0]?.message).toMatch(/does not verify/);
  });
});
