import { createCipheriv, createDecipheriv, randomBytes, type CipherKey } from 'node:crypto';

/**
 * One field value sealed with AES-256-GCM: a fresh random 96-bit nonce per value (equal values
 * never give equal ciphertexts), a 128-bit tag checked on open (a changed value is an error,
 * never wrong data), and associated data binding it to its table, column, row and key version
 * (a ciphertext copied to another row or column, or relabelled with another version, fails).
 *
 * Stored as text: `enc1:` + base64url(format byte | key version u32 BE | nonce | ciphertext | tag).
 * Self-describing: the format and key version travel with the value, so old versions keep
 * opening after a rotation and a re-encryption can find what is left to do.
 */
export const SEALED_PREFIX = 'enc1:';
const FORMAT = 1;
const NONCE = 12;
const TAG = 16;
const HEADER = 1 + 4;

/** Where a value lives: what its associated data binds it to. */
export interface SealContext {
  table: string;
  column: string;
  rowId: string;
}

/** A stored value that cannot be opened: changed, moved, truncated, or under an unknown key. */
export class SealedValueError extends Error {
  override name = 'SealedValueError';
}

const aad = (ctx: SealContext, version: number) =>
  Buffer.from(`ehr-field/1\u0000${ctx.table}\u0000${ctx.column}\u0000${ctx.rowId}\u0000${version}`, 'utf8');

export function seal(key: CipherKey, version: number, plaintext: string, ctx: SealContext): string {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
  cipher.setAAD(aad(ctx, version));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const header = Buffer.alloc(HEADER);
  header.writeUInt8(FORMAT, 0);
  header.writeUInt32BE(version, 1);
  return SEALED_PREFIX + Buffer.concat([header, nonce, body, cipher.getAuthTag()]).toString('base64url');
}

export function isSealed(stored: unknown): stored is string {
  return typeof stored === 'string' && stored.startsWith(SEALED_PREFIX);
}

/** The key version a sealed value was written under; undefined for anything else. */
export function sealedVersion(stored: string): number | undefined {
  if (!isSealed(stored)) return undefined;
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
  return raw.length >= HEADER + NONCE + TAG && raw[0] === FORMAT ? raw.readUInt32BE(1) : undefined;
}

/**
 * The nonce of a sealed value, hex: it names one sealing of one value (random, never reused), so
 * whatever is bound to it stays valid only while that very ciphertext is stored.
 */
export function sealedNonce(stored: string): string | undefined {
  if (!isSealed(stored)) return undefined;
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
  return raw.length >= HEADER + NONCE + TAG && raw[0] === FORMAT
    ? raw.subarray(HEADER, HEADER + NONCE).toString('hex')
    : undefined;
}

export function open(keyOf: (version: number) => CipherKey | undefined, stored: string, ctx: SealContext): string {
  if (!isSealed(stored)) throw new SealedValueError('value is not sealed');
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
  if (raw.length < HEADER + NONCE + TAG || raw[0] !== FORMAT) throw new SealedValueError('malformed sealed value');
  const version = raw.readUInt32BE(1);
  const key = keyOf(version);
  if (!key) throw new SealedValueError(`no data key of version ${version}`);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(HEADER, HEADER + NONCE), { authTagLength: TAG });
  decipher.setAAD(aad(ctx, version));
  decipher.setAuthTag(raw.subarray(raw.length - TAG));
  try {
    return Buffer.concat([decipher.update(raw.subarray(HEADER + NONCE, raw.length - TAG)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealedValueError('sealed value failed authentication');
  }
}
