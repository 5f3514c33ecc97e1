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

/** Signs any message with the log's key (the signed tree head uses its own message, see merkle.ts). */
export function signMessage(key: KeyObject, message: string): string {
  return sign(null, Buffer.from(message), key).toString('base64');
}

export function messageValid(key: KeyObject, message: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(message), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
