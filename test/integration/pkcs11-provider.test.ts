import { randomBytes } from 'node:crypto';
import os from 'node:os';
import * as pkcs11js from 'pkcs11js';
import { KeyProviderError } from '../../packages/common/src/crypto/key-provider.js';
import { Pkcs11KeyProvider, type Pkcs11Options } from '../../packages/common/src/crypto/pkcs11-provider.js';
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm.js';

// The PKCS#11 master-key provider against a real SoftHSM2 token, made for this file in a temp dir.

let token: SoftHsmToken;
beforeAll(() => {
  token = createSoftHsmToken();
});
afterAll(() => token?.cleanup());

const KEY_LABEL = 'ehr-master';
const options = (extra: Partial<Pkcs11Options> = {}): Pkcs11Options => ({
  modulePath: token.modulePath,
  tokenLabel: token.tokenLabel,
  pin: token.pin,
  keyLabel: KEY_LABEL,
  ...extra,
});

async function withProvider<T>(fn: (p: Pkcs11KeyProvider) => Promise<T>, extra?: Partial<Pkcs11Options>): Promise<T> {
  const provider = await Pkcs11KeyProvider.open(options(extra));
  try {
    return await fn(provider);
  } finally {
    await provider.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<KeyProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyProviderError);
  return err as KeyProviderError;
}

/** A CK_ULONG attribute: the C value's bytes in the machine's order (8 bytes on 64-bit Linux). */
function ulongOf(b: Buffer): number {
  const le = os.endianness() === 'LE';
  if (b.length === 8) return Number(le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0));
  return le ? b.readUInt32LE(0) : b.readUInt32BE(0);
}

const flip = (b: Buffer, i: number) => {
  const c = Buffer.from(b);
  c[i]! ^= 0x01;
  return c;
};

test('generates the master key in the token on first open, finds it on the next, logs neither PIN nor key', async () => {
  const lines: unknown[][] = [];
  const logger = { info: (...a: unknown[]) => lines.push(a), warn: (...a: unknown[]) => lines.push(a) };
  await withProvider(
    async (p) => {
      expect(p.kind).toBe('pkcs11');
      expect(p.masterKeyId).toBe(`pkcs11:${token.tokenLabel}/gen-check`);
    },
    { keyLabel: 'gen-check', logger },
  );
  await withProvider(async () => undefined, { keyLabel: 'gen-check', logger });
  expect(lines.map((l) => l[1])).toEqual(['master key generated in the token', 'master key loaded']);
  expect(JSON.stringify(lines)).not.toContain(token.pin);
});

test('wraps and unwraps random 32-byte data keys in the token', async () => {
  await withProvider(async (p) => {
    for (let i = 0; i < 8; i++) {
      const dataKey = randomBytes(32);
      const context = i % 2 ? `field:${i}` : `index:k${i}`;
      const wrapped = await p.wrap(dataKey, context);
      expect(wrapped).toHaveLength(12 + 32 + 16); // IV || ciphertext || tag
      expect(wrapped.includes(dataKey)).toBe(false);
      expect((await p.unwrap(wrapped, context)).equals(dataKey)).toBe(true);
    }
  });
});

test('the same key wrapped twice gives different bytes, and both open', async () => {
  await withProvider(async (p) => {
    const dataKey = randomBytes(32);
    const [a, b] = [await p.wrap(dataKey, 'field:1'), await p.wrap(dataKey, 'field:1')];
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
    expect((await p.unwrap(a, 'field:1')).equals(dataKey)).toBe(true);
    expect((await p.unwrap(b, 'field:1')).equals(dataKey)).toBe(true);
  });
});

test('a flipped bit anywhere, a truncated or extended blob, or another context is refused', async () => {
  await withProvider(async (p) => {
    const dataKey = randomBytes(32);
    const wrapped = await p.wrap(dataKey, 'field:1');
    const altered = [
      flip(wrapped, 0), // IV
      flip(wrapped, 12), // ciphertext
      flip(wrapped, 12 + 31),
      flip(wrapped, wrapped.length - 1), // tag
      wrapped.subarray(0, wrapped.length - 1),
      wrapped.subarray(0, wrapped.length - 16), // no tag at all
      wrapped.subarray(0, 20),
      Buffer.alloc(0),
      Buffer.concat([wrapped, Buffer.from([0])]),
    ];
    for (const blob of altered) {
      const err = await refusal(p.unwrap(blob, 'field:1'));
      expect(err.message).not.toContain(token.pin);
    }
    for (const context of ['field:2', 'index:mrn', 'field:1 ', '']) {
      expect((await refusal(p.unwrap(wrapped, context))).message).toMatch(/does not open/);
    }
    // The failures left no operation hanging on the session.
    expect((await p.unwrap(wrapped, 'field:1')).equals(dataKey)).toBe(true);
  });
});

test('the master key in the token is sensitive, non-extractable, generated there, and its value unreadable', async () => {
  await withProvider(async () => undefined); // make sure it exists; every provider is closed after
  const p = pkcs11js;
  const lib = new p.PKCS11();
  lib.load(token.modulePath);
  lib.C_Initialize(); // throws if a provider leaked an initialized library
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trimEnd() === token.tokenLabel)!;
    const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION);
    const find = () => {
      lib.C_FindObjectsInit(session, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_LABEL, value: KEY_LABEL },
      ]);
      const found = lib.C_FindObjects(session, 10);
      lib.C_FindObjectsFinal(session);
      return found;
    };
    expect(find()).toHaveLength(0); // CKA_PRIVATE: invisible before login
    lib.C_Login(session, p.CKU_USER, token.pin);
    const found = find();
    expect(found).toHaveLength(1);
    const key = found[0]!;
    const attrs = lib.C_GetAttributeValue(session, key, [
      { type: p.CKA_TOKEN },
      { type: p.CKA_PRIVATE },
      { type: p.CKA_SENSITIVE },
      { type: p.CKA_EXTRACTABLE },
      { type: p.CKA_ALWAYS_SENSITIVE },
      { type: p.CKA_NEVER_EXTRACTABLE },
      { type: p.CKA_KEY_TYPE },
      { type: p.CKA_VALUE_LEN },
    ]);
    const [tokenObj, priv, sensitive, extractable, alwaysSensitive, neverExtractable, keyType, len] = attrs.map(
      (a) => a.value,
    );
    expect([tokenObj, priv, sensitive, extractable].map((b) => b![0])).toEqual([1, 1, 1, 0]);
    // Only a key generated in the token can have been sensitive and non-extractable all its life.
    expect([alwaysSensitive, neverExtractable].map((b) => b![0])).toEqual([1, 1]);
    expect(ulongOf(keyType!)).toBe(p.CKK_AES);
    expect(ulongOf(len!)).toBe(32);
    expect(() => lib.C_GetAttributeValue(session, key, [{ type: p.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    lib.C_Logout(session);
    lib.C_CloseSession(session);
  } finally {
    lib.C_Finalize();
    lib.close();
  }
});

test('the key persists in the token: a provider opened later unwraps what an earlier one wrapped', async () => {
  const dataKey = randomBytes(32);
  const wrapped = await withProvider((p) => p.wrap(dataKey, 'field:7'));
  // The library was finalized in between: the next open initializes it again and reads the token from disk.
  const unwrapped = await withProvider((p) => p.unwrap(wrapped, 'field:7'));
  expect(unwrapped.equals(dataKey)).toBe(true);
});

test('two providers open at once in one process share the library and the login', async () => {
  // Cryptoki allows one C_Initialize per process and one login per token: the providers count
  // their users, so closing one leaves the other logged in and working.
  const a = await Pkcs11KeyProvider.open(options());
  const b = await Pkcs11KeyProvider.open(options());
  try {
    const dataKey = randomBytes(32);
    const wrapped = await a.wrap(dataKey, 'field:3');
    expect((await b.unwrap(wrapped, 'field:3')).equals(dataKey)).toBe(true);
    // The token is logged in already, but a wrong PIN is still refused.
    const err = await refusal(Pkcs11KeyProvider.open(options({ pin: 'canary-wrong-pin-0412' })));
    expect(err.message).not.toContain('canary-wrong-pin-0412');
    await a.close();
    await a.close(); // twice is harmless
    await refusal(a.wrap(dataKey, 'field:3'));
    expect((await b.unwrap(await b.wrap(dataKey, 'field:3'), 'field:3')).equals(dataKey)).toBe(true);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a wrong PIN fails with KeyProviderError and without the PIN in it', async () => {
  const wrongPin = 'canary-wrong-pin-7731';
  const err = await refusal(Pkcs11KeyProvider.open(options({ pin: wrongPin })));
  expect(err.message).toMatch(new RegExp(`token "${token.tokenLabel}" refused the PIN \\(CKR_PIN_INCORRECT\\)`));
  for (const text of [err.message, String(err.stack), JSON.stringify(err), String(err.cause ?? '')]) {
    expect(text).not.toContain(wrongPin);
    expect(text).not.toContain(token.pin);
  }
  // The failed open gave everything back: a good open still works.
  await withProvider(async (p) => expect(p.masterKeyId).toBe(`pkcs11:${token.tokenLabel}/${KEY_LABEL}`));
});

test('a missing token label or module fails clearly', async () => {
  const err = await refusal(Pkcs11KeyProvider.open(options({ tokenLabel: 'no-such-token' })));
  expect(err.message).toContain('no PKCS#11 token labelled "no-such-token"');
  expect(err.message).toContain(token.tokenLabel); // the tokens that are there
  const missing = await refusal(Pkcs11KeyProvider.open(options({ modulePath: '/nonexistent/libpkcs11.so' })));
  expect(missing.message).toContain('/nonexistent/libpkcs11.so');
});
