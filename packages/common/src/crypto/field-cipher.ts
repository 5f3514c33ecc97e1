import { createHmac } from 'node:crypto';
import { open, seal, type SealContext } from './envelope.js';
import type { BlindIndexName, Keyring } from './keyring.js';

/**
 * What the data layer uses: seals values under the primary field key, opens any version the
 * keyring still holds, and computes blind indexes (HMAC-SHA256 under the index's own key,
 * truncated to 128 bits) so that equality search needs no plaintext in the database.
 */
export class FieldCipher {
  constructor(private readonly keyring: () => Keyring) {}

  seal(value: string, ctx: SealContext): string {
    const ring = this.keyring();
    return seal(ring.primaryKey, ring.primary, value, ctx);
  }

  open(stored: string, ctx: SealContext): string {
    const ring = this.keyring();
    return open((v) => ring.fieldKey(v), stored, ctx);
  }

  get primaryVersion(): number {
    return this.keyring().primary;
  }

  /** Undefined when the value normalises to nothing (it cannot be searched for). */
  blindIndex(name: BlindIndexName, value: string): string | undefined {
    const normal = normalise(name, value);
    if (!normal) return undefined;
    return createHmac('sha256', this.keyring().indexKey(name)).update(normal, 'utf8').digest('hex').slice(0, 32);
  }
}

/** The form a value is indexed and searched in: what a person would call the same value. */
export function normalise(name: BlindIndexName, value: string): string {
  const v = value.normalize('NFKC').trim();
  switch (name) {
    case 'ssn':
    case 'phone':
      return v.replace(/\D/g, '');
    case 'email':
      return v.toLowerCase();
    case 'mrn':
      return v.toUpperCase();
  }
}
