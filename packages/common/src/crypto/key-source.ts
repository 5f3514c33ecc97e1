import fs from 'node:fs';
import path from 'node:path';
import type { KeySettings } from '../config/subgraph.js';
import type { Logger } from '../server/logger.js';
import { FieldCipher } from './field-cipher.js';
import { FileKeyProvider } from './file-provider.js';
import { KeyProviderError, type KeyProvider } from './key-provider.js';
import { Keyring } from './keyring.js';
// Its native binding loads inside open(): services on the file provider never load it.
import { Pkcs11KeyProvider } from './pkcs11-provider.js';

export const keyringFileOf = (keys: KeySettings, dataDir: string) =>
  keys.keyringFile ?? path.join(dataDir, 'keys', 'keyring.json');

/** The configured master-key provider. */
export async function openKeyProvider(k: KeySettings, dataDir: string, logger: Logger): Promise<KeyProvider> {
  if (k.provider === 'file') {
    const provider = FileKeyProvider.open(
      k.masterKeyFile ?? path.join(dataDir, 'keys', 'master.key'),
      !fs.existsSync(keyringFileOf(k, dataDir)),
    );
    logger.info({ provider: 'file', masterKeyId: provider.masterKeyId }, 'master key loaded');
    return provider;
  }
  if (!k.pkcs11.module || !k.pkcs11.tokenLabel || !k.pkcs11.pinFile) {
    throw new KeyProviderError('KEY_PROVIDER=pkcs11 needs PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN_FILE');
  }
  return Pkcs11KeyProvider.open({
    modulePath: k.pkcs11.module,
    tokenLabel: k.pkcs11.tokenLabel,
    pin: fs.readFileSync(k.pkcs11.pinFile, 'utf8').trim(),
    keyLabel: k.pkcs11.keyLabel,
    logger,
  });
}

/**
 * The field cipher of a service: the keyring opened through the provider once at start, and
 * reopened when the keyring file changes (a rotation made another version primary), checked
 * every few seconds, so that running services follow `npm run keys -- rotate` without a restart.
 */
export async function openFieldCipher(
  keys: KeySettings,
  dataDir: string,
  logger: Logger,
): Promise<{ cipher: FieldCipher; createdKeyring: boolean; keyringFile: string; close: () => Promise<void> }> {
  const provider = await openKeyProvider(keys, dataDir, logger);
  const file = keyringFileOf(keys, dataDir);
  let ring = await Keyring.open(file, provider, logger);
  let seen = fs.statSync(file).mtimeMs;
  const timer = setInterval(() => {
    const now = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (now === undefined || now === seen) return;
    seen = now;
    Keyring.open(file, provider, logger).then(
      (r) => (ring = r),
      (err: unknown) =>
        logger.error({ errorName: (err as Error).name }, 'keyring reload failed; keeping the loaded one'),
    );
  }, 3000);
  timer.unref();
  return {
    cipher: new FieldCipher(() => ring),
    createdKeyring: ring.created,
    keyringFile: file,
    close: async () => {
      clearInterval(timer);
      await provider.close();
    },
  };
}
