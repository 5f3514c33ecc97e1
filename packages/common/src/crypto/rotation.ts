import type { Logger } from '../server/logger.js';
import type { KeyProvider } from './key-provider.js';
import { Keyring } from './keyring.js';

/**
 * Makes a new field-key version primary: made here, wrapped by the provider, added to the
 * keyring file (replaced atomically). Running services re-read the file within seconds and seal
 * new values under it; older versions keep opening what they wrote until retired.
 */
export async function rotateFieldKey(file: string, provider: KeyProvider, logger: Logger): Promise<number> {
  const data = Keyring.read(file);
  const versions = data.keys.filter((k) => k.id.startsWith('field:')).map((k) => Number(k.id.slice(6)));
  const next = Math.max(...versions) + 1;
  data.keys.push(await Keyring.newEntry(provider, `field:${next}`));
  data.primary = next;
  Keyring.write(file, data);
  logger.info({ keyId: `field:${next}`, previous: `field:${Math.max(...versions)}` }, 'field key rotated');
  return next;
}

/** Marks a version retired (no longer loaded). The caller has checked that no value uses it. */
export function retireFieldKey(file: string, version: number, logger: Logger): void {
  const data = Keyring.read(file);
  if (version === data.primary) throw new RangeError(`field:${version} is the primary key: rotate first`);
  const entry = data.keys.find((k) => k.id === `field:${version}`);
  if (!entry) throw new RangeError(`no field key of version ${version}`);
  entry.retired = true;
  Keyring.write(file, data);
  logger.info({ keyId: entry.id }, 'field key retired');
}
