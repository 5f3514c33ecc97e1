import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { configPart } from '../config/load.js';
import { loadSecretKey } from '../util/atomic-file.js';

/**
 * Before and after states of mutations, kept in the audit trail, are sealed with AES-256-GCM
 * (a fresh 96-bit nonce each time, the tag authenticates): `v1.<nonce>.<tag>.<ciphertext>`, base64.
 * The key is AUDIT_STATE_KEY_FILE (an interim key until field encryption brings key rotation),
 * or a development key under DATA_DIR/keys.
 */
export function loadStateKey(file: string | undefined, dataDir: string): Buffer {
  return loadSecretKey(file, dataDir, 'audit-state.key');
}

export function sealState(key: Buffer, state: unknown): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const ct = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
  return ['v1', nonce.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join('.');
}

export function openState(key: Buffer, sealed: string): unknown {
  const [v, nonce, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !nonce || !tag || ct === undefined) throw new Error('not a sealed state');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8'));
}

/** AUDIT_STATE_KEY_FILE: read by the subgraphs that seal states and by the one that opens them. */
export const stateKeyPart = configPart(z.object({ AUDIT_STATE_KEY_FILE: z.string().min(1).optional() }), (e) => ({
  auditStateKeyFile: e.AUDIT_STATE_KEY_FILE,
}));
