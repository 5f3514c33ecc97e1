import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KeyProviderError, type KeyProvider } from './key-provider.js';

/**
 * The master key as a file (development and tests): 32 random bytes, created once with mode
 * 0600. Production refuses this provider unless told explicitly (the master key would sit on
 * the same disk as the wrapped keys). Wrapping is AES-256-GCM with the data key's id as
 * associated data.
 */
export class FileKeyProvider implements KeyProvider {
  readonly kind = 'file';
  readonly masterKeyId: string;

  private constructor(private readonly key: Buffer) {
    this.masterKeyId = `file:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
  }

  /**
   * `create`: make the key when there is none (only while there is no keyring either: a new
   * master key could not open the keys an existing keyring wraps).
   */
  static open(file: string, create = true): FileKeyProvider {
    let key: Buffer;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      if (create) {
        try {
          fs.writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      key = fs.readFileSync(file);
    } catch (err) {
      throw new KeyProviderError(
        `master key file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (key.length !== 32) throw new KeyProviderError(`master key file ${file} does not hold 32 bytes`);
    return new FileKeyProvider(key);
  }

  async wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    return Buffer.concat([iv, c.update(dataKey), c.final(), c.getAuthTag()]);
  }

  async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
    if (wrapped.length < 12 + 16 + 1) throw new KeyProviderError('wrapped key is malformed');
    const d = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, 12));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(wrapped.subarray(wrapped.length - 16));
    try {
      return Buffer.concat([d.update(wrapped.subarray(12, wrapped.length - 16)), d.final()]);
    } catch {
      throw new KeyProviderError(`wrapped key ${context} does not open under master key ${this.masterKeyId}`);
    }
  }

  async close(): Promise<void> {}
}
