import { createDecipheriv } from 'node:crypto';
import { z } from 'zod';
import { configPart } from '../config/load.js';
import { open, seal, type SealContext } from '../crypto/envelope.js';
import { loadSecretKey } from '../util/atomic-file.js';

/**
 * Before and after states of mutations, kept in the audit trail, are sealed the way fields are
 * (crypto/envelope.ts: AES-256-GCM, a fresh nonce, the `enc1:` format) and bound to the audit
 * record that carries them, so a state copied to another record does not open. The key is
 * AUDIT_STATE_KEY_FILE, shared by the subgraphs that seal states and the audit subgraph that
 * opens them (the data keyring stays with the data subgraphs), or a development key under
 * DATA_DIR/keys. States sealed before (`v1.<nonce>.<tag>.<ciphertext>`, unbound) still open.
 */
export function loadStateKey(file: string | undefined, dataDir: string): Buffer {
  return loadSecretKey(file, dataDir, 'audit-state.key');
}

const STATE_KEY_VERSION = 1;
const where = (recordId: string, column: 'before_state' | 'after_state'): SealContext => ({
  table: 'hipaa_audit_log',
  column,
  rowId: recordId,
});

export function sealState(
  key: Buffer,
  state: unknown,
  recordId: string,
  column: 'before_state' | 'after_state',
): string {
  return seal(key, STATE_KEY_VERSION, JSON.stringify(state), where(recordId, column));
}

export function openState(
  key: Buffer,
  sealed: string,
  recordId: string,
  column: 'before_state' | 'after_state',
): unknown {
  if (sealed.startsWith('enc1:')) {
    return JSON.parse(open((v) => (v === STATE_KEY_VERSION ? key : undefined), sealed, where(recordId, column)));
  }
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
