import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, importPKCS8, importSPKI, type JWK, type KeyLike } from 'jose';
import { createExclusive } from '../util/atomic-file.js';
import { StartupError } from '../db/database.js';

/** The only algorithm the gateway signs internal tokens with, and the one subgraphs accept. */
export const INTERNAL_ALG = 'ES256';

/**
 * A development key pair under DATA_DIR/keys, created by whichever process needs it first.
 * Files are written exclusively (`wx`) so two processes starting together agree on one pair.
 */
export async function devKeyPair(dataDir: string, name: string): Promise<{ privateFile: string; publicFile: string }> {
  const dir = path.join(dataDir, 'keys');
  const privateFile = path.join(dir, `${name}.private.jwk`);
  const publicFile = path.join(dir, `${name}.public.jwk`);
  if (fs.existsSync(privateFile) && fs.existsSync(publicFile)) return { privateFile, publicFile };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(INTERNAL_ALG, { extractable: true });
  const kid = `${name}-${Date.now().toString(36)}`;
  const priv = { ...(await exportJWK(privateKey)), alg: INTERNAL_ALG, kid, use: 'sig' };
  const pub = { ...(await exportJWK(publicKey)), alg: INTERNAL_ALG, kid, use: 'sig' };
  // The public half is published first and the private half last: a process that finds the
  // private file knows the pair is complete. Whoever links first wins; the loser uses theirs.
  if (createExclusive(publicFile, JSON.stringify(pub), 0o644)) {
    createExclusive(privateFile, JSON.stringify(priv), 0o600);
  }
  for (let i = 0; i < 100 && !fs.existsSync(privateFile); i++) await new Promise((r) => setTimeout(r, 20));
  return { privateFile, publicFile };
}

async function readKey(file: string, kind: 'private' | 'public', alg: string): Promise<KeyLike> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new StartupError(`cannot read the ${kind} key file ${file}`);
  }
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as JWK;
      if (kind === 'public' && jwk.d) throw new StartupError(`${file} holds a private key where a public one belongs`);
      return (await importJWK(jwk, jwk.alg ?? alg)) as KeyLike;
    }
    return kind === 'private' ? await importPKCS8(text, alg) : await importSPKI(text, alg);
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw new StartupError(`${file} is not a ${alg} ${kind} key (PEM or JWK)`);
  }
}

export function readPrivateKey(file: string, alg = INTERNAL_ALG): Promise<KeyLike> {
  return readKey(file, 'private', alg);
}

export function readPublicKey(file: string, alg = INTERNAL_ALG): Promise<KeyLike> {
  return readKey(file, 'public', alg);
}

/** Issuer of the development tokens `npm run token` prints; refused in production. */
export const DEV_ISSUER = 'ehr-dev-issuer';
