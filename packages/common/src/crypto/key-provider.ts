/**
 * Where the master key lives. Data keys (the ones that encrypt fields and key blind indexes) are
 * wrapped by the master key and stored wrapped; the master key itself never leaves its provider:
 * a file under DATA_DIR for development and tests, a PKCS#11 token (an HSM; SoftHSM2 in tests)
 * in production. Every provider wraps with authenticated encryption bound to a context string
 * (the data key's id), so a wrapped key cannot be swapped for another.
 */
export interface KeyProvider {
  /** `file` or `pkcs11`: shown in logs and /readyz, never key material. */
  readonly kind: string;
  /** Which master key: a label or fingerprint safe to log. */
  readonly masterKeyId: string;
  /** Encrypts a data key under the master key, inside the provider. */
  wrap(dataKey: Buffer, context: string): Promise<Buffer>;
  /** Decrypts a wrapped data key inside the provider; throws if it was changed or the context differs. */
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
  /** Releases sessions and handles. */
  close(): Promise<void>;
}

/** The provider could not be reached or refused: no data key can be unwrapped. */
export class KeyProviderError extends Error {
  override name = 'KeyProviderError';
}
