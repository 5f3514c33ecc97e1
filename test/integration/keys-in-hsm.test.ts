import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DEV_KEYS, Keyring, openFieldCipher, openKeyProvider, type KeySettings } from '@ehr/common';
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm';

/**
 * The field-encryption keys through the configured PKCS#11 provider on a real SoftHSM2 token:
 * the keyring's data keys are wrapped in the token, the keyring file holds only wrapped keys, and
 * nothing opens it without the token.
 */
describe('field encryption with the master key in an HSM (SoftHSM2)', () => {
  let token: SoftHsmToken;
  let dir: string;
  let keys: KeySettings;
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });

  beforeAll(() => {
    token = createSoftHsmToken();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehr-hsm-'));
    fs.writeFileSync(path.join(dir, 'pin'), `${token.pin}\n`, { mode: 0o600 });
    keys = {
      ...DEV_KEYS,
      provider: 'pkcs11',
      pkcs11: {
        module: token.modulePath,
        tokenLabel: token.tokenLabel,
        pinFile: path.join(dir, 'pin'),
        keyLabel: 'ehr-master',
      },
    };
  });
  afterAll(() => token?.cleanup());

  it('seals and opens through data keys wrapped in the token, and logs key ids only', async () => {
    const { cipher, close } = await openFieldCipher(keys, dir, logger);
    const sealed = cipher.seal('972-80-1460', { table: 'patient', column: 'ssn', rowId: 'r1' });
    await close();
    // Reopened (a restart): the same keyring opens through the token again.
    const again = await openFieldCipher(keys, dir, logger);
    expect(again.cipher.open(sealed, { table: 'patient', column: 'ssn', rowId: 'r1' })).toBe('972-80-1460');
    await again.close();
    const file = Keyring.read(path.join(dir, 'keys', 'keyring.json'));
    expect(file.masterKeyId).toBe(`pkcs11:${token.tokenLabel}/ehr-master`);
    expect(logs.join('\n')).toMatch(/data key unwrapped/);
    expect(logs.join('\n')).not.toContain(token.pin);
    // The file provider never makes a master key beside a keyring it did not make (a new key
    // could not open it): it refuses.
    await expect(openKeyProvider(DEV_KEYS, dir, logger)).rejects.toThrow(/master key file .* cannot be read/);
  });
});
