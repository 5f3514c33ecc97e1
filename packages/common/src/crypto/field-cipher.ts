import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { open, seal, type SealContext } from './envelope.js';
import type { BlindIndexName, Keyring } from './keyring.js';

/**
 * What the data layer uses: seals values under the primary field key, opens any version the
 * keyring still holds, and computes blind indexes (HMAC-SHA256 under the index's own key,
 * truncated to 128 bits) so that equality search needs no plaintext in the database.
 */
export class FieldCipher {
  constructor(private readonly keyring: () => Keyring) {}

  /**
   * The keyring's field keys as KeyObjects, made once per keyring (a reload makes a new one):
   * a cipher built from a KeyObject skips importing raw key bytes on every value.
   */
  private readonly keyObjects = new WeakMap<Keyring, Map<number, KeyObject>>();

  private keyOf(ring: Keyring, version: number): KeyObject | undefined {
    let keys = this.keyObjects.get(ring);
    if (!keys) this.keyObjects.set(ring, (keys = new Map()));
    let key = keys.get(version);
    if (!key) {
      const raw = ring.fieldKey(version);
      if (!raw) return undefined;
      keys.set(version, (key = createSecretKey(raw)));
    }
    return key;
  }

  seal(value: string, ctx: SealContext): string {
    const ring = this.keyring();
    return seal(this.keyOf(ring, ring.primary)!, ring.primary, value, ctx);
  }

  open(stored: string, ctx: SealContext): string {
    const ring = this.keyring();
    return open((v) => this.keyOf(ring, v), stored, ctx);
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
