import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createExclusive } from '@ehr/common';

/**
 * The Ed25519 key that signs chain checkpoints: AUDIT_CHECKPOINT_KEY_FILE (PKCS#8 PEM), or a
 * development key under DATA_DIR/keys. It lives outside the database, so whoever can edit the
 * log's tables cannot forge a checkpoint over their edit.
 */
export function loadCheckpointKey(
  file: string | undefined,
  dataDir: string,
): { privateKey: KeyObject; publicKey: KeyObject } {
  const target = file ?? path.join(dataDir, 'keys', 'audit-checkpoint.private.pem');
  if (!file && !fs.existsSync(target)) {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    const pair = generateKeyPairSync('ed25519');
    createExclusive(target, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  }
  const privateKey = createPrivateKey(fs.readFileSync(target));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export const checkpointMessage = (sequence: number, chainHash: string) => Buffer.from(`${sequence}:${chainHash}`);

export function signCheckpoint(key: KeyObject, sequence: number, chainHash: string): string {
  return sign(null, checkpointMessage(sequence, chainHash), key).toString('base64');
}

export function checkpointValid(key: KeyObject, sequence: number, chainHash: string, signature: string): boolean {
  try {
    return verify(null, checkpointMessage(sequence, chainHash), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** What a signed tree head signs: domain-separated from checkpoints (which start with a digit). */
const treeHeadMessage = (size: number, rootHex: string) => Buffer.from(`sth:${size}:${rootHex}`);

/** Signs a Merkle tree head (size, root) with the log's key. */
export function signTreeHead(key: KeyObject, size: number, rootHex: string): string {
  return sign(null, treeHeadMessage(size, rootHex), key).toString('base64');
}

export function treeHeadValid(key: KeyObject, size: number, rootHex: string, signature: string | null): boolean {
  if (!signature) return false;
  try {
    return verify(null, treeHeadMessage(size, rootHex), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
