import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { INTERNAL_ALG, runMain } from '@ehr/common';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/**
 * `npm run keys -- --out DIR`: a fresh ES256 pair for internal tokens, as PEM files
 * (internal.private.pem for the gateway, internal.public.pem for the subgraphs). Refuses to
 * overwrite: rotating keys is a deliberate act (replace both files, restart everything).
 */
runMain(
  'keys',
  async () => {
    const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
    if (!values.out) throw new RangeError('usage: npm run keys -- --out DIR');
    const { privateKey, publicKey } = await generateKeyPair(INTERNAL_ALG, { extractable: true });
    fs.mkdirSync(values.out, { recursive: true, mode: 0o700 });
    const privateFile = path.join(values.out, 'internal.private.pem');
    const publicFile = path.join(values.out, 'internal.public.pem');
    for (const f of [privateFile, publicFile]) {
      if (fs.existsSync(f)) throw new RangeError(`${f} exists; remove it first to rotate the key`);
    }
    fs.writeFileSync(privateFile, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(publicFile, await exportSPKI(publicKey), { mode: 0o644, flag: 'wx' });
    process.stdout.write(`wrote ${privateFile} (gateway) and ${publicFile} (subgraphs)\n`);
    return { stop: async () => undefined };
  },
  { exitWhenDone: true },
);
