import { createLogger, DEV_KEYS, persistEmbedded } from '@ehr/common';
import type { SeedData } from '../../tools/src/seed/generate';
import { withSealedDatabase } from '../../tools/src/keys/sealed-stores';
import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { runSubgraph, seed, type RunningSubgraph } from '../helpers/subgraphs';
import { demo, identityOf } from '../helpers/tokens';

const REVIEWS = '{ breakGlassReviews(first: 10) { nodes { id reason status } } }';

/**
 * A break-glass reason that does not open (its ciphertext moved to another grant, as a DBA
 * could) shows as unreadable on its own grant: the auditors' review queue still lists every
 * grant, the other reasons in full, and the grant can still be reviewed.
 */
describe(`break-glass reviews with an unreadable reason (${usingMysql ? 'MySQL' : 'SQLite'})`, () => {
  let db: TestDatabase;
  let data: SeedData;
  let audit: RunningSubgraph;

  beforeAll(async () => {
    db = testDatabase();
    data = await seed(db, 4);
    audit = await runSubgraph('audit', db);
  });
  afterAll(async () => {
    await audit?.stop();
    await db?.cleanup();
  });

  it('lists every grant, marks the one that does not open, and keeps it reviewable', async () => {
    const physician = identityOf(demo(data, 'physician-1'));
    const ids: string[] = [];
    for (const [i, p] of data.patients.slice(0, 2).entries()) {
      const { body } = await audit.query<{ breakGlass: { id: string } }>(
        'mutation ($p: ID!, $r: String!) { breakGlass(patientId: $p, reason: $r) { id } }',
        { p: p.id, r: `Unconscious patient in the emergency room, case ${i}` },
        physician,
      );
      expect(body.errors).toBeUndefined();
      ids.push(body.data!.breakGlass.id);
    }
    await audit.stop();
    // The first grant's sealed reason copied onto the second: bound to the first row, it cannot open there.
    await withSealedDatabase(
      'audit',
      db.config,
      DEV_KEYS,
      createLogger('t', 'silent'),
      { sealRows: false },
      async (c) => {
        const [first] = (await c.query('SELECT reason FROM break_glass_grant WHERE id = ?', [ids[0]])) as {
          reason: string;
        }[];
        await c.query('UPDATE break_glass_grant SET reason = ? WHERE id = ?', [first!.reason, ids[1]]);
        await persistEmbedded(c);
      },
    );
    audit = await runSubgraph('audit', db);

    const auditor = identityOf(demo(data, 'auditor-1'));
    const { body } = await audit.query<{ breakGlassReviews: { nodes: { id: string; reason: string }[] } }>(
      REVIEWS,
      undefined,
      auditor,
    );
    expect(body.errors).toBeUndefined();
    const byId = new Map(body.data!.breakGlassReviews.nodes.map((n) => [n.id, n.reason]));
    expect(byId.get(ids[0]!)).toBe('Unconscious patient in the emergency room, case 0');
    expect(byId.get(ids[1]!)).toBe('[sealed value could not be opened; see the audit service log]');

    const review = await audit.query<{ reviewBreakGlass: { status: string } }>(
      'mutation ($id: ID!) { reviewBreakGlass(id: $id, outcome: "JUSTIFIED", comment: "Reviewed with the ward") { status } }',
      { id: ids[1] },
      auditor,
    );
    expect(review.body.errors).toBeUndefined();
    expect(review.body.data!.reviewBreakGlass.status).toBe('REVIEWED');
  });
});
