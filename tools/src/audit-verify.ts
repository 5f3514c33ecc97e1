import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createLogger, openDatabase, runMain } from '@ehr/common';
import {
  entities,
  headsFileOf,
  loadAuditConfig,
  loadCheckpointKey,
  migrations,
  PublishedHeads,
  redisHeadsOf,
  verifyChain,
  verifyProof,
  type ProofDocument,
} from '@ehr/subgraph-audit';

const usage = `usage: npm run audit:verify
       npm run audit:verify -- --proof FILE [--key PUBLIC_KEY_PEM] [--from-root HEX]`;

/**
 * `npm run audit:verify`: recomputes the audit log's hash chain and checks its signatures and the
 * published heads, straight from the audit database; prints the status as JSON; exits 0 when
 * intact, 3 when not. With `--proof FILE`: checks one proof (`AuditProof.document`, saved to a
 * file) offline, in O(log n) hashes, with the log's public key (`--key`, else the one of
 * AUDIT_CHECKPOINT_KEY_FILE); no database needed.
 */
runMain(
  'audit:verify',
  async () => {
    const { values } = parseArgs({
      options: { proof: { type: 'string' }, key: { type: 'string' }, 'from-root': { type: 'string' } },
      strict: true,
    });
    const config = loadAuditConfig();
    if (values.proof) {
      // Never create a key here: offline, the key must be the log's (--key, or the configured one).
      const devKey = path.join(config.database.dataDir, 'keys', 'audit-checkpoint.private.pem');
      const keyFile = values.key ?? config.auditCheckpointKeyFile ?? (fs.existsSync(devKey) ? devKey : undefined);
      if (!keyFile) throw new RangeError(`no key to check the proof with: pass --key PUBLIC_KEY_PEM\n${usage}`);
      const publicKey = createPublicKey(fs.readFileSync(keyFile));
      let doc: ProofDocument;
      try {
        doc = JSON.parse(fs.readFileSync(values.proof, 'utf8')) as ProofDocument;
      } catch {
        throw new RangeError(`${values.proof} is not a proof document (JSON)\n${usage}`);
      }
      const result = verifyProof(doc, publicKey, values['from-root']);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!result.valid) process.exitCode = 3;
      return { stop: async () => undefined };
    }
    const logger = createLogger('audit-verify', 'warn');
    const db = await openDatabase({
      subgraph: 'audit',
      config: config.database,
      entities,
      migrations,
      logger,
      autoSave: false,
    });
    try {
      const { publicKey } = loadCheckpointKey(config.auditCheckpointKeyFile, config.database.dataDir);
      const redis = redisHeadsOf(config);
      const published = [
        ...new PublishedHeads(headsFileOf(config)).all(publicKey),
        ...((await redis?.all(publicKey).finally(() => redis.close())) ?? []),
      ];
      const status = await verifyChain(db, publicKey, config.auditCheckpointEvery, published);
      process.stdout.write(`${JSON.stringify(status)}\n`);
      if (!status.intact) process.exitCode = 3;
    } finally {
      await db.destroy();
    }
    return { stop: async () => undefined };
  },
  { exitWhenDone: false },
);
