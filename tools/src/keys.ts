import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import {
  createLogger,
  INTERNAL_ALG,
  keyringFileOf,
  Keyring,
  loadSubgraphConfig,
  openKeyProvider,
  retireFieldKey,
  rotateFieldKey,
  runMain,
} from '@ehr/common';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { reencrypt, versionsInUse } from './keys/reencrypt.js';

const usage = `usage: npm run keys -- --out DIR                 the internal-token ES256 pair
       npm run keys -- status                    field-key versions, and how many values each seals
       npm run keys -- rotate                    a new field-key version becomes primary
       npm run keys -- reencrypt [--batch 500] [--pause-ms 0] [--seal-unsealed]
                                                 re-seal every value under the primary (resumable);
                                                 values found in the clear only with --seal-unsealed
       npm run keys -- retire --version N        stop loading a version no value uses any more`;

/**
 * `npm run keys`: key material. `--out DIR` writes a fresh internal-token pair (refusing to
 * overwrite: rotating those is a deliberate act). The rest manage the field-encryption keyring
 * (KEY_PROVIDER, KEYRING_FILE, DATA_DIR as the data subgraphs read them): running services follow
 * a rotation within seconds; re-encryption runs beside them on MySQL (on the embedded SQLite
 * database, stop the services first: each holds its file in memory).
 */
runMain(
  'keys',
  async () => {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        batch: { type: 'string', default: '500' },
        'pause-ms': { type: 'string', default: '0' },
        'seal-unsealed': { type: 'boolean', default: false },
        version: { type: 'string' },
      },
      strict: true,
    });
    const [command] = positionals;
    if (positionals.length > 1) throw new RangeError(usage);
    if (values.out && !command) {
      await internalPair(values.out);
      return { stop: async () => undefined };
    }
    const config = loadSubgraphConfig('patient');
    const logger = createLogger('keys', process.env.LOG_LEVEL ?? 'warn');
    const file = keyringFileOf(config.keys, config.database.dataDir);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (command === 'rotate') {
      const provider = await openKeyProvider(config.keys, config.database.dataDir, logger);
      try {
        // A missing keyring is restored, never replaced: new keys would not open what is stored.
        if (!fs.existsSync(file))
          throw new RangeError(`no keyring at ${file}: restore it (or start a service once on an empty database)`);
        out(`field:${await rotateFieldKey(file, provider, logger)} is primary (${file})`);
      } finally {
        await provider.close();
      }
    } else if (command === 'status') {
      if (!fs.existsSync(file)) throw new RangeError(`no keyring at ${file}`);
      const data = Keyring.read(file);
      const uses = await versionsInUse(config.database, config.keys, logger);
      for (const k of data.keys.filter((e) => e.id.startsWith('field:'))) {
        const v = Number(k.id.slice(6));
        out(`${k.id}${v === data.primary ? ' primary' : ''}${k.retired ? ' retired' : ''}: ${uses.get(v) ?? 0} values`);
      }
      if (uses.get('clear')) out(`not yet sealed: ${uses.get('clear')} values (npm run keys -- reencrypt)`);
      if (uses.get('malformed')) out(`malformed (never open): ${uses.get('malformed')} values`);
    } else if (command === 'reencrypt') {
      const batch = Number(values.batch);
      const pauseMs = Number(values['pause-ms']);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new RangeError('--batch must be 1-10000');
      if (!Number.isInteger(pauseMs) || pauseMs < 0) throw new RangeError('--pause-ms must be 0 or more');
      const result = await reencrypt({
        config: config.database,
        keys: config.keys,
        logger,
        batch,
        pauseMs,
        sealUnsealed: values['seal-unsealed'],
        onProgress: progressReporter(out),
      });
      const list = (ids: string[]) => `${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', ...' : ''}`;
      if (result.unsealed.length > 0) {
        // Ids only. A database from before field encryption: --seal-unsealed; otherwise look.
        throw new RangeError(
          `${result.unsealed.length} values are stored in the clear and were left as they are (a DBA's edit, or data from before field encryption: then run with --seal-unsealed): ${list(result.unsealed)}`,
        );
      }
      if (result.unreadable.length > 0) {
        // Ids only: the rows to look at (npm run audit:verify, a backup), never their values.
        throw new RangeError(
          `${result.unreadable.length} values do not open and were left as they are: ${result.unreadable.slice(0, 20).join(', ')}${result.unreadable.length > 20 ? ', ...' : ''}`,
        );
      }
      out(
        `every value is sealed under field:${result.primary} (${result.rewritten} re-sealed, ${result.masked} masked forms made, ${result.skipped} changed meanwhile by a service)`,
      );
    } else if (command === 'retire') {
      const version = Number(values.version);
      if (!Number.isInteger(version) || version < 1) throw new RangeError('retire needs --version N');
      const inUse = (await versionsInUse(config.database, config.keys, logger)).get(version) ?? 0;
      if (inUse > 0) {
        throw new RangeError(`field:${version} still seals ${inUse} values: run npm run keys -- reencrypt first`);
      }
      retireFieldKey(file, version, logger);
      out(`field:${version} retired`);
    } else {
      throw new RangeError(usage);
    }
    return { stop: async () => undefined };
  },
  { exitWhenDone: true },
);

/** A progress bar on a terminal; elsewhere a line per table every 10 seconds and when it ends. */
function progressReporter(out: (line: string) => void): (table: string, done: number, total: number) => void {
  if (process.stderr.isTTY) {
    const bars = new cliProgress.MultiBar(
      { format: '{table} [{bar}] {value}/{total} rows', stream: process.stderr, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const byTable = new Map<string, cliProgress.SingleBar>();
    return (table, done, total) => {
      let bar = byTable.get(table);
      if (!bar) byTable.set(table, (bar = bars.create(total, done, { table })));
      bar.update(done);
      if (done >= total) bar.stop();
    };
  }
  const said = new Map<string, number>();
  return (table, done, total) => {
    const now = Date.now();
    if (done < total && now - (said.get(table) ?? 0) < 10_000) return;
    said.set(table, now);
    out(`${table}: ${done}/${total} rows`);
  };
}

async function internalPair(dir: string): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair(INTERNAL_ALG, { extractable: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateFile = path.join(dir, 'internal.private.pem');
  const publicFile = path.join(dir, 'internal.public.pem');
  for (const f of [privateFile, publicFile]) {
    if (fs.existsSync(f)) throw new RangeError(`${f} exists; remove it first to rotate the key`);
  }
  fs.writeFileSync(privateFile, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(publicFile, await exportSPKI(publicKey), { mode: 0o644, flag: 'wx' });
  process.stdout.write(`wrote ${privateFile} (gateway) and ${publicFile} (subgraphs)\n`);
}
