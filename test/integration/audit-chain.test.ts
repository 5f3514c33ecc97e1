import { randomUUID } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createLogger, openDatabase, type AuditRecordInput } from '@ehr/common';
import {
  AuditEventRecord,
  AuditWriter,
  entities,
  loadCheckpointKey,
  migrations,
  consistencyProofOf,
  inclusionProof,
  everySink,
  PublishedHeads,
  RedisHeads,
  verifyChain,
  verifyProof,
} from '@ehr/subgraph-audit';
import { encodeFrontier, leafHash, rootOf } from '../../subgraphs/audit/src/merkle';
import { inclusionProofs } from '../../subgraphs/audit/src/proofs';
import { canonicalRecord, chainHash } from '../../subgraphs/audit/src/chain';
import { rowAsInput } from '../../subgraphs/audit/src/verify-chain';
import type { DataSource } from 'typeorm';
import { testDatabase, usingMysql, type TestDatabase } from '../helpers/database';
import { auditRecord } from '../helpers/audit-records';

const logger = createLogger('test', 'silent');

function record(i: number): AuditRecordInput {
  return auditRecord({
    occurredAt: new Date(Date.UTC(2026, 10, 24, 10, 0, i)).toISOString(),
    actorId: `physician-${i % 3}`,
    roles: ['physician'],
    auditId: `audit-${i}`,
    patientId: randomUUID(),
    purpose: 'TREATMENT',
    fields: [{ path: 'Patient.name', outcome: 'CLEAR' }],
    operationName: 'Chart',
    operationHash: 'a'.repeat(64),
    ipAddress: '10.0.0.1',
    userAgent: 'test',
  });
}

/**
 * Tamper evidence, on the real database: the log is written through the writer, then rows are
 * edited, deleted, reordered and truncated directly with SQL, and verification must name the
 * first sequence where the chain breaks.
 */
describe(`audit hash chain on ${usingMysql ? 'MySQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let writer: AuditWriter;
  let key: ReturnType<typeof loadCheckpointKey>;
  const verify = () => verifyChain(ds, key.publicKey, 5);

  beforeEach(async () => {
    db = testDatabase();
    ds = await openDatabase({ subgraph: 'audit', config: db.config, entities, migrations, logger });
    key = loadCheckpointKey(undefined, db.config.dataDir);
    writer = new AuditWriter(ds, key.privateKey, 5, logger);
    await writer.append(Array.from({ length: 12 }, (_, i) => record(i)));
    await writer.append(Array.from({ length: 8 }, (_, i) => record(100 + i)));
  });
  /**
   * What someone who can write the tables does to hide records 13 and later: delete them and their
   * checkpoints, and copy the signed checkpoint at 12 into the head (a tree head would not verify,
   * so it goes too). Inside the database everything is then consistent and signed.
   */
  async function rollBackTo12(): Promise<void> {
    await ds.query('DELETE FROM hipaa_audit_log WHERE sequence > 12');
    await ds.query('DELETE FROM audit_checkpoint WHERE sequence > 12');
    const [cp] = (await ds.query(
      'SELECT chain_hash AS h, signature AS s FROM audit_checkpoint WHERE sequence = 12',
    )) as {
      h: string;
      s: string;
    }[];
    await ds.query(
      `UPDATE audit_chain_head SET sequence = 12, chain_hash = '${cp!.h}', signature = '${cp!.s}', tree_frontier = NULL, tree_root = NULL, tree_signature = NULL`,
    );
  }

  afterEach(async () => {
    await ds?.destroy();
    await db?.cleanup();
  });

  it('verifies an untouched log, with signed checkpoints along it', async () => {
    expect(await verify()).toEqual({
      intact: true,
      checkedRecords: 20,
      firstBrokenSequence: null,
      publishedHead: null,
    });
    const checkpoints = await ds.query('SELECT sequence FROM audit_checkpoint ORDER BY sequence');
    expect(checkpoints.map((c: { sequence: number | string }) => Number(c.sequence))).toEqual([12, 20]);
  });

  it('stores a record delivered twice once (idempotent ids)', async () => {
    const again = record(500);
    expect(await writer.append([again, again])).toEqual({ stored: 1, duplicates: 1 });
    expect(await writer.append([again])).toEqual({ stored: 0, duplicates: 1 });
    expect((await verify()).checkedRecords).toBe(21);
  });

  it('catches an edited row', async () => {
    await ds.query(`UPDATE hipaa_audit_log SET user_id = 'someone-else' WHERE sequence = 7`);
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 7 });
  });

  it('catches an edited row whose hash was recomputed too (the next row no longer chains)', async () => {
    await ds.query(`UPDATE hipaa_audit_log SET fields = '[]', chain_hash = '${'f'.repeat(64)}' WHERE sequence = 9`);
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 9 });
  });

  it('catches a deleted row', async () => {
    await ds.query('DELETE FROM hipaa_audit_log WHERE sequence = 4');
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 4 });
  });

  it('catches reordered rows', async () => {
    await ds.query('UPDATE hipaa_audit_log SET sequence = 1000 WHERE sequence = 10');
    await ds.query('UPDATE hipaa_audit_log SET sequence = 10 WHERE sequence = 11');
    await ds.query('UPDATE hipaa_audit_log SET sequence = 11 WHERE sequence = 1000');
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 10 });
  });

  it('catches a truncated tail, even with the head rewound', async () => {
    await ds.query('DELETE FROM hipaa_audit_log WHERE sequence > 15');
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 16 });
    await ds.query('UPDATE audit_chain_head SET sequence = 15');
    // The rewound head's signature vouches for nothing: what follows the last signed checkpoint (12) is unvouched.
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 13 });
  });

  it('catches a chain rebuilt after its checkpoints were removed', async () => {
    // Someone with write access deletes the checkpoints and rewrites a row with a fresh, consistent
    // hash chain after it: every hash checks out, but nothing vouches for the rows any more.
    await ds.query('DELETE FROM audit_checkpoint');
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 1 });
  });

  it('catches a forged checkpoint', async () => {
    await ds.query(
      `UPDATE audit_checkpoint SET signature = '${Buffer.alloc(64).toString('base64')}' WHERE sequence = 12`,
    );
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: 12 });
  });

  it('catches an edit of the newest record, hashes recomputed and the head moved to match', async () => {
    // The tail after the last checkpoint used to be vouched for by nothing: rewrite record 20
    // consistently (its hash, the head's hash) and only the head's signature can tell.
    writer = new AuditWriter(ds, key.privateKey, 100, logger);
    await writer.append([record(900)]);
    const [last] = (await ds.query('SELECT MAX(sequence) AS s FROM hipaa_audit_log')) as { s: number | string }[];
    const seq = Number(last!.s);
    expect(await verifyChain(ds, key.publicKey, 100)).toMatchObject({ intact: true });
    const rows = (await ds.query(`SELECT * FROM hipaa_audit_log WHERE sequence = ${seq}`)) as Record<string, unknown>[];
    const row = rows[0]!;
    const forged = { ...rowAsInput(await ds.getRepository(AuditEventRecord).findOneByOrFail({ sequence: seq })) };
    forged.actorId = 'someone-else';
    const hash = chainHash(
      String(row.prev_hash),
      canonicalRecord({ ...forged, sequence: seq, prevHash: String(row.prev_hash) }),
    );
    await ds.query(
      `UPDATE hipaa_audit_log SET user_id = 'someone-else', chain_hash = '${hash}' WHERE sequence = ${seq}`,
    );
    await ds.query(`UPDATE audit_chain_head SET chain_hash = '${hash}'`);
    expect(await verifyChain(ds, key.publicKey, 100)).toMatchObject({ intact: false, firstBrokenSequence: 21 });
    // The writer will not extend (and so re-sign) a head that does not vouch for the newest record.
    await expect(writer.append([record(901)])).rejects.toThrow(/does not vouch/);
    await expect(new AuditWriter(ds, key.privateKey, 100, logger).append([record(902)])).rejects.toThrow(
      /does not vouch/,
    );
    expect(await verifyChain(ds, key.publicKey, 100)).toMatchObject({ intact: false, firstBrokenSequence: 21 });
  });

  it('catches a row added above the head, chained correctly', async () => {
    const [head] = (await ds.query('SELECT sequence AS s, chain_hash AS h FROM audit_chain_head')) as {
      s: number | string;
      h: string;
    }[];
    const seq = Number(head!.s) + 1;
    const forged = { ...record(950), sequence: seq, prevHash: head!.h };
    const hash = chainHash(head!.h, canonicalRecord(forged));
    await ds
      .createQueryBuilder()
      .insert()
      .into(AuditEventRecord)
      .values({
        ...forged,
        roles: JSON.stringify(forged.roles),
        fields: JSON.stringify(forged.fields),
        entities: JSON.stringify(forged.entities),
        chainHash: hash,
      })
      .execute();
    expect(await verify()).toMatchObject({ intact: false, firstBrokenSequence: seq });
  });

  it('catches rows and head rolled back together, given the heads published outside the database', async () => {
    const published = PublishedHeads.in(db.config.dataDir);
    writer = new AuditWriter(ds, key.privateKey, 5, logger, published);
    await writer.append([record(901), record(902)]);
    const latest = published.latest(key.publicKey)!;
    expect(latest.sequence).toBe(22);
    expect(await verifyChain(ds, key.publicKey, 5, latest)).toMatchObject({ intact: true, checkedRecords: 22 });
    // Whoever can write the tables deletes 13..22 and copies the signed checkpoint at 12 into the
    // head: inside the database everything is consistent and signed.
    await rollBackTo12();
    expect(await verifyChain(ds, key.publicKey, 5)).toMatchObject({ intact: true }); // the limit without publication
    expect(await verifyChain(ds, key.publicKey, 5, published.latest(key.publicKey))).toMatchObject({
      intact: false,
      firstBrokenSequence: 13,
    });
    // A forged line in the published file is ignored, not believed.
    fs.appendFileSync(
      published.file,
      `${JSON.stringify({ sequence: 99, chainHash: 'f'.repeat(64), signature: 'AAAA' })}\n`,
    );
    expect(published.latest(key.publicKey)!.sequence).toBe(22);
  });

  // Two processes on one database: the embedded one is a file only its own process writes.
  (usingMysql ? it : it.skip)(
    "verifies intact under another process's steady writes, and still catches an edit",
    async () => {
      const child = spawn(process.execPath, [path.resolve(__dirname, '../helpers/audit-write-load.js')], {
        env: { ...process.env, ...db.env, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout!.once('data', () => resolve());
          child.once('exit', (code) => reject(new Error(`load writer exited with ${code}`)));
        });
        const seen: boolean[] = [];
        let checked = 0;
        for (let i = 0; i < 8; i++) {
          const status = await verifyChain(ds, key.publicKey, 5);
          seen.push(status.intact);
          expect(status.checkedRecords).toBeGreaterThanOrEqual(checked);
          checked = status.checkedRecords;
        }
        expect(seen).toEqual(Array(8).fill(true));
        expect(checked).toBeGreaterThan(20); // the other process really was writing meanwhile
        await ds.query(`UPDATE hipaa_audit_log SET user_id = 'someone-else' WHERE sequence = 3`);
        expect(await verifyChain(ds, key.publicKey, 5)).toMatchObject({ intact: false, firstBrokenSequence: 3 });
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  );

  // Two replicas are two connections pools taking the head's row lock in turn: MySQL's locking.
  (usingMysql ? it : it.skip)('keeps one intact log when two writers (replicas) append at once', async () => {
    const other = await openDatabase({ subgraph: 'audit', config: db.config, entities, migrations, logger });
    try {
      const replicas = [writer, new AuditWriter(other, key.privateKey, 5, logger)];
      const sent: string[] = [];
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const batch = [record(1000 + i * 3), record(1001 + i * 3), record(1002 + i * 3)];
          sent.push(...batch.map((r) => r.id));
          return replicas[i % 2]!.append(batch);
        }),
      );
      const status = await verifyChain(ds, key.publicKey, 5);
      expect(status).toEqual({
        intact: true,
        checkedRecords: 20 + 120,
        firstBrokenSequence: null,
        publishedHead: null,
      });
      const rows = (await ds.query('SELECT log_id AS id FROM hipaa_audit_log')) as { id: string }[];
      const stored = new Set(rows.map((r) => r.id));
      expect(sent.every((id) => stored.has(id))).toBe(true);
      expect(rows).toHaveLength(140);
    } finally {
      await other.destroy();
    }
  });

  it('gives proofs for one record and for a later log, checked offline by npm run audit:verify -- --proof', async () => {
    const cli = path.resolve(__dirname, '../../tools/dist/audit-verify.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-proof-'));
    const check = (doc: unknown, extra: string[] = []) => {
      const file = path.join(dir, `${randomUUID()}.json`);
      fs.writeFileSync(file, JSON.stringify(doc));
      const r = spawnSync(process.execPath, [cli, '--proof', file, ...extra], {
        env: { PATH: process.env.PATH, ...db.env },
        encoding: 'utf8',
      });
      return { status: r.status, result: JSON.parse(r.stdout || '{}') as { valid: boolean; reason: string } };
    };
    const [row] = (await ds.query('SELECT log_id AS id FROM hipaa_audit_log WHERE sequence = 7')) as { id: string }[];
    const proof = (await inclusionProof(ds, row!.id))!;
    expect(proof.treeHead.size).toBe(20);
    expect(proof.path!.length).toBeLessThanOrEqual(5); // O(log n)
    expect(check(proof)).toMatchObject({ status: 0, result: { valid: true } });
    // A changed record, a changed path or an unsigned root is refused.
    const edited = structuredClone(proof);
    edited.record!.content.actorId = 'someone-else';
    expect(check(edited)).toMatchObject({ status: 3, result: { valid: false } });
    const rerouted = structuredClone(proof);
    rerouted.path![0] = 'a'.repeat(64);
    expect(check(rerouted)).toMatchObject({ status: 3, result: { valid: false } });
    const resigned = structuredClone(proof);
    resigned.treeHead.root = 'b'.repeat(64);
    expect(check(resigned).result.reason).toMatch(/not signed/);

    // The log of 20 extends the log of 12: checked against the root an auditor kept from then.
    const earlier = (await consistencyProofOf(ds, 12, 20)).fromRoot!;
    const consistency = await consistencyProofOf(ds, 12, 20);
    expect(check(consistency, ['--from-root', earlier])).toMatchObject({ status: 0, result: { valid: true } });
    expect(check(consistency, ['--from-root', 'c'.repeat(64)])).toMatchObject({ status: 3 });
    // Without the root kept from before, the server's word for it anchors nothing.
    expect(check(consistency)).toMatchObject({ status: 3, result: { valid: false } });

    // Once a row is changed, the log no longer matches its signed tree head: no proof is given.
    await ds.query(`UPDATE hipaa_audit_log SET user_id = 'someone-else' WHERE sequence = 3`);
    await ds.query(`UPDATE hipaa_audit_log SET chain_hash = '${'d'.repeat(64)}' WHERE sequence = 3`);
    await expect(inclusionProof(ds, row!.id)).rejects.toThrow(/does not match its signed tree head/);
  });

  it('keeps the first of two records sent with one id and different content, and says so', async () => {
    const lines: string[] = [];
    const noisy = new AuditWriter(
      ds,
      key.privateKey,
      5,
      pino({ level: 'error' }, { write: (l: string) => lines.push(l) }),
    );
    const first = record(990);
    expect(await noisy.append([first])).toEqual({ stored: 1, duplicates: 0 });
    // The same record again (a replay): a duplicate, nothing said.
    expect(await noisy.append([first])).toEqual({ stored: 0, duplicates: 1 });
    expect(lines).toEqual([]);
    // The same id with another actor: not stored, logged with the id only.
    expect(await noisy.append([{ ...first, actorId: 'someone-else' }])).toEqual({ stored: 0, duplicates: 1 });
    expect(lines.join('\n')).toMatch(/audit record ids reused with other content/);
    expect(lines.join('\n')).toContain(first.id);
    expect(lines.join('\n')).not.toContain('someone-else');
    const [row] = (await ds.query('SELECT user_id AS a FROM hipaa_audit_log WHERE log_id = ?', [first.id])) as {
      a: string;
    }[];
    expect(row!.a).toBe(first.actorId);
    expect(await verify()).toMatchObject({ intact: true });
  });

  it('proves records of a log larger than a chunk from stored chunk roots, and never over a changed one', async () => {
    for (let b = 0; b < 6; b++) await writer.append(Array.from({ length: 450 }, (_, i) => record(1000 + b * 450 + i)));
    const size = 20 + 6 * 450;
    const idAt = async (seq: number) =>
      ((await ds.query(`SELECT log_id AS id FROM hipaa_audit_log WHERE sequence = ${seq}`)) as { id: string }[])[0]!.id;
    const ids = [await idAt(5), await idAt(1500), await idAt(size)];
    const proofs = await inclusionProofs(ds, [...ids, randomUUID()]);
    expect(proofs[3]).toBeNull();
    for (const p of proofs.slice(0, 3)) {
      expect(p!.treeHead.size).toBe(size);
      expect(p!.path!.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
      expect(verifyProof(p!, key.publicKey)).toMatchObject({ valid: true });
    }
    // The first proofs stored the roots of the two complete chunks.
    const chunks = () =>
      ds.query('SELECT chunk_index AS c, root AS r FROM audit_tree_chunk ORDER BY chunk_index') as Promise<
        { c: number; r: string }[]
      >;
    const stored = await chunks();
    expect(stored.map((c) => Number(c.c))).toEqual([0, 1]);

    // The earlier tree's root, computed here from every row, anchors a consistency proof.
    const hashes = (await ds.query(
      `SELECT chain_hash AS h FROM hipaa_audit_log WHERE sequence <= 1100 ORDER BY sequence`,
    )) as { h: string }[];
    const kept = rootOf(hashes.map((r) => leafHash(r.h))).toString('hex');
    const consistency = await consistencyProofOf(ds, 1100, size);
    expect(consistency.fromRoot).toBe(kept);
    expect(verifyProof(consistency, key.publicKey, kept)).toMatchObject({ valid: true });

    // A changed stored root is found (the rebuilt root no longer matches the signed one), dropped and recomputed.
    await ds.query(`UPDATE audit_tree_chunk SET root = '${'7'.repeat(64)}' WHERE chunk_index = 0`);
    expect(verifyProof((await inclusionProofs(ds, [ids[1]!]))[0]!, key.publicKey)).toMatchObject({ valid: true });
    // So is one that only disagrees with the leaves a proof reads (its chunk's records).
    await ds.query(`UPDATE audit_tree_chunk SET root = '${'8'.repeat(64)}' WHERE chunk_index = 1`);
    expect(verifyProof((await inclusionProofs(ds, [ids[1]!]))[0]!, key.publicKey)).toMatchObject({ valid: true });
    expect(await chunks()).toEqual(stored);

    // A record changed in the log: no proof is given for any record of its chunk (their leaves
    // no longer rebuild the signed root). A record elsewhere still is in the log as it was
    // signed, and its proof says exactly that (verifyAuditChain reports the change).
    await ds.query(`UPDATE hipaa_audit_log SET chain_hash = '${'d'.repeat(64)}' WHERE sequence = 1500`);
    await expect(inclusionProofs(ds, [await idAt(1499)])).rejects.toThrow(/does not match its signed tree head/);
    expect(verifyProof((await inclusionProofs(ds, [ids[0]!]))[0]!, key.publicKey)).toMatchObject({ valid: true });
    await ds.query(`DELETE FROM hipaa_audit_log WHERE sequence = 2050`);
    await expect(inclusionProofs(ds, [await idAt(2051)])).rejects.toThrow(/missing/);
  });

  it('refuses to extend a Merkle tree edge that was changed, and rebuilds a missing one only over a verified log', async () => {
    // A forged right edge (as if leaf 5 were another record): the next commit would sign its root.
    const fake = Array.from({ length: 2 }, (_, i) => leafHash(String(i).repeat(64)));
    await ds.query(`UPDATE audit_chain_head SET tree_frontier = '${encodeFrontier(20, fake)}'`);
    await expect(writer.append([record(960)])).rejects.toThrow(/does not vouch/);
    expect(await verify()).toMatchObject({ intact: false });

    // A head without a tree (a writer that did not keep one): rebuilt from the rows, proofs work.
    await ds.query('UPDATE audit_chain_head SET tree_frontier = NULL, tree_root = NULL, tree_signature = NULL');
    expect(await verify()).toMatchObject({ intact: true });
    await writer.append([record(961)]);
    expect(await verify()).toMatchObject({ intact: true, checkedRecords: 21 });
    const [row] = (await ds.query('SELECT log_id AS id FROM hipaa_audit_log WHERE sequence = 4')) as { id: string }[];
    const { publicKey } = key;
    expect(verifyProof((await inclusionProof(ds, row!.id))!, publicKey)).toMatchObject({ valid: true });

    // The same, over rows whose hashes were changed: no rebuild, no signature over them.
    await ds.query('UPDATE audit_chain_head SET tree_frontier = NULL, tree_root = NULL, tree_signature = NULL');
    await ds.query(`UPDATE hipaa_audit_log SET chain_hash = '${'9'.repeat(64)}' WHERE sequence = 2`);
    await expect(writer.append([record(962)])).rejects.toThrow(/does not vouch/);
  });

  it('catches rows and head rolled back together from the heads kept in Redis alone', async () => {
    const redis = new RedisHeads(
      process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      `${db.config.databasePrefix}audit:heads`,
    );
    try {
      writer = new AuditWriter(ds, key.privateKey, 5, logger, everySink(PublishedHeads.in(db.config.dataDir), redis));
      await writer.append([record(970), record(971)]);
      expect((await redis.all(key.publicKey)).map((h) => h.sequence)).toEqual([22]);
      // Rows, checkpoints, head and the local heads file all rolled back or removed together.
      await rollBackTo12();
      fs.rmSync(PublishedHeads.in(db.config.dataDir).file, { force: true });
      expect(await verifyChain(ds, key.publicKey, 5, await redis.all(key.publicKey))).toMatchObject({
        intact: false,
        firstBrokenSequence: 13,
        publishedHead: 22,
      });
    } finally {
      await (redis as unknown as { redis: { del(k: string): Promise<number> } }).redis.del(redis.key);
      redis.close();
    }
  });

  it('npm run audit:verify reports the same from the database', async () => {
    await ds.query(`UPDATE hipaa_audit_log SET subgraph = 'notes' WHERE sequence = 3`);
    // sql.js keeps the database in memory: save it so another process sees the edit.
    if (!usingMysql) await ds.sqljsManager.saveDatabase();
    const cli = path.resolve(__dirname, '../../tools/dist/audit-verify.js');
    const r = spawnSync(process.execPath, [cli], {
      env: { PATH: process.env.PATH, ...db.env, AUDIT_CHECKPOINT_EVERY: '5' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({
      intact: false,
      checkedRecords: 3,
      firstBrokenSequence: 3,
      publishedHead: null,
    });
  });
});
