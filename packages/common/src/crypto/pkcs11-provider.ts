import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type * as Pkcs11js from 'pkcs11js';
import type { Logger } from '../server/logger.js';
import { KeyProviderError, type KeyProvider } from './key-provider.js';

export interface Pkcs11Options {
  /** The PKCS#11 library (`/usr/lib/softhsm/libsofthsm2.so` for SoftHSM2). */
  modulePath: string;
  tokenLabel: string;
  /** The user PIN: used for C_Login and never logged nor put in an error. */
  pin: string;
  /** The master key's CKA_LABEL; generated in the token when the token has none. */
  keyLabel: string;
  logger?: Pick<Logger, 'info'>;
}

type Binding = typeof Pkcs11js;
type Handle = Pkcs11js.Handle;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Cryptoki's state belongs to the process, not to a PKCS11 object: a second C_Initialize of the
 * same library answers CKR_CRYPTOKI_ALREADY_INITIALIZED, one C_Finalize ends every session, and a
 * login (or logout) on one session holds for all sessions on that token. So providers in one
 * process share the loaded library and each token's login, counted, and the last one out logs out
 * and finalizes. The PIN is kept only as an HMAC under a per-process random key, so that a second
 * provider with a wrong PIN is refused although the token is already logged in.
 */
interface Library {
  binding: Binding;
  pkcs11: Pkcs11js.PKCS11;
  users: number;
  /** False when something else in the process had initialized it: then it is not ours to finalize. */
  initialized: boolean;
  logins: Map<string, { users: number; pinCheck: Buffer; ours: boolean }>;
}
const libraries = new Map<string, Library>();
const pinKey = randomBytes(32);
const pinCheckOf = (pin: string) => createHmac('sha256', pinKey).update(pin, 'utf8').digest();

/**
 * The master key in a PKCS#11 token (an HSM; SoftHSM2 in tests): an AES-256 secret key generated
 * inside the token as sensitive and non-extractable. Data keys are wrapped by C_Encrypt with
 * CKM_AES_GCM in the token (96-bit IV, the context as AAD, 128-bit tag); the output is
 * IV || ciphertext || tag, the same layout as the file provider's.
 */
export class Pkcs11KeyProvider implements KeyProvider {
  readonly kind = 'pkcs11';
  readonly masterKeyId: string;
  private closed = false;

  private constructor(
    private readonly lib: Library,
    private readonly libKey: string,
    private readonly slotKey: string,
    private readonly session: Handle,
    private readonly key: Handle,
    options: Pkcs11Options,
  ) {
    this.masterKeyId = `pkcs11:${options.tokenLabel}/${options.keyLabel}`;
  }

  static async open(options: Pkcs11Options): Promise<Pkcs11KeyProvider> {
    const { libKey, lib } = acquireLibrary(options.modulePath);
    const { binding: p, pkcs11 } = lib;
    let session: Handle | undefined;
    let slotKey: string | undefined;
    let loggedIn = false;
    try {
      const slot = call('C_GetSlotList', () => pkcs11.C_GetSlotList(true)).find(
        (s) => call('C_GetTokenInfo', () => pkcs11.C_GetTokenInfo(s)).label.trimEnd() === options.tokenLabel,
      );
      if (!slot) {
        const labels = pkcs11.C_GetSlotList(true).map((s) => pkcs11.C_GetTokenInfo(s).label.trimEnd());
        throw new KeyProviderError(
          `no PKCS#11 token labelled "${options.tokenLabel}" in ${options.modulePath} (tokens: ${labels.join(', ') || 'none'})`,
        );
      }
      session = call('C_OpenSession', () => pkcs11.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION));
      slotKey = slot.toString('hex');
      login(lib, slotKey, session, options);
      loggedIn = true;
      const { key, generated } = findOrGenerateKey(p, pkcs11, session, options);
      const provider = new Pkcs11KeyProvider(lib, libKey, slotKey, session, key, options);
      options.logger?.info(
        { provider: 'pkcs11', masterKeyId: provider.masterKeyId },
        generated ? 'master key generated in the token' : 'master key loaded',
      );
      return provider;
    } catch (err) {
      // Give back what was taken, in reverse; the first error is the one worth reporting.
      if (loggedIn) releaseLogin(lib, slotKey!, session!);
      if (session) attempt(() => pkcs11.C_CloseSession(session!));
      releaseLibrary(libKey, lib);
      if (err instanceof KeyProviderError) throw err;
      throw new KeyProviderError(`PKCS#11 open failed: ${describe(err)}`, { cause: err });
    }
  }

  async wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    // Synchronous calls on purpose: a session runs one operation at a time, and Init + Encrypt in
    // one tick cannot interleave with another wrap's.
    const ciphertext = this.run('wrap', () => {
      this.lib.pkcs11.C_EncryptInit(this.session, this.gcm(iv, context), this.key);
      return this.lib.pkcs11.C_Encrypt(this.session, dataKey, Buffer.alloc(dataKey.length + TAG_BYTES));
    });
    return Buffer.concat([iv, ciphertext]);
  }

  async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
    if (wrapped.length < IV_BYTES + TAG_BYTES + 1) throw new KeyProviderError('wrapped key is malformed');
    const iv = wrapped.subarray(0, IV_BYTES);
    try {
      this.ensureOpen();
      this.lib.pkcs11.C_DecryptInit(this.session, this.gcm(iv, context), this.key);
      // SoftHSM2 asks for an output buffer as long as the input (tag included) before it checks the tag.
      return this.lib.pkcs11.C_Decrypt(this.session, wrapped.subarray(IV_BYTES), Buffer.alloc(wrapped.length));
    } catch (err) {
      if (err instanceof KeyProviderError) throw err;
      // A wrong tag is CKR_ENCRYPTED_DATA_INVALID by the standard, CKR_GENERAL_ERROR from SoftHSM2.
      throw new KeyProviderError(
        `wrapped key ${context} does not open under master key ${this.masterKeyId} (${describe(err)})`,
        { cause: err },
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Every step runs whatever the one before did; the first failure is reported after.
    const failure = [
      releaseLogin(this.lib, this.slotKey, this.session),
      attempt(() => this.lib.pkcs11.C_CloseSession(this.session)),
      releaseLibrary(this.libKey, this.lib),
    ].find((e) => e !== undefined);
    if (failure !== undefined) {
      throw new KeyProviderError(`PKCS#11 close of ${this.masterKeyId} failed: ${describe(failure)}`, {
        cause: failure,
      });
    }
  }

  /** The v2.40 CK_GCM_PARAMS (with ulIvBits), the layout SoftHSM2 and PKCS#11 3.x read. */
  private gcm(iv: Buffer, context: string): Pkcs11js.Mechanism {
    const p = this.lib.binding;
    const parameter: Pkcs11js.AesGCM = {
      type: p.CK_PARAMS_AES_GCM_v240,
      iv,
      ivBits: IV_BYTES * 8,
      aad: Buffer.from(context, 'utf8'),
      tagBits: TAG_BYTES * 8,
    };
    return { mechanism: p.CKM_AES_GCM, parameter };
  }

  private ensureOpen(): void {
    if (this.closed) throw new KeyProviderError(`PKCS#11 provider for ${this.masterKeyId} is closed`);
  }

  private run<T>(what: string, fn: () => T): T {
    this.ensureOpen();
    return call(`${what} with ${this.masterKeyId}`, fn);
  }
}

function acquireLibrary(modulePath: string): { libKey: string; lib: Library } {
  let libKey: string;
  try {
    // One entry per file, however it is named (Debian links the library from two directories).
    libKey = fs.realpathSync(modulePath);
  } catch {
    throw new KeyProviderError(`PKCS#11 module ${modulePath} not found`);
  }
  const known = libraries.get(libKey);
  if (known) {
    known.users++;
    return { libKey, lib: known };
  }
  let binding: Binding;
  try {
    // Loaded here, not at import: the crypto barrel exports this class, and a service on the file
    // provider must not need the native addon.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = require('pkcs11js') as Binding;
  } catch (err) {
    throw new KeyProviderError(`the pkcs11js binding does not load (was its native build approved?): ${describe(err)}`);
  }
  const pkcs11 = new binding.PKCS11();
  try {
    pkcs11.load(libKey);
  } catch (err) {
    throw new KeyProviderError(`PKCS#11 module ${modulePath} does not load: ${describe(err)}`);
  }
  let initialized = true;
  try {
    // SoftHSM2 reads SOFTHSM2_CONF here, once per initialization.
    pkcs11.C_Initialize();
  } catch (err) {
    if (codeOf(err) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      attempt(() => pkcs11.close());
      throw new KeyProviderError(`PKCS#11 module ${modulePath} does not initialize: ${describe(err)}`);
    }
    initialized = false;
  }
  const lib: Library = { binding, pkcs11, users: 1, initialized, logins: new Map() };
  libraries.set(libKey, lib);
  return { libKey, lib };
}

function releaseLibrary(libKey: string, lib: Library): unknown {
  if (--lib.users > 0) return undefined;
  libraries.delete(libKey);
  const finalized = lib.initialized ? attempt(() => lib.pkcs11.C_Finalize()) : undefined;
  const unloaded = attempt(() => lib.pkcs11.close());
  return finalized ?? unloaded;
}

function login(lib: Library, slotKey: string, session: Handle, options: Pkcs11Options): void {
  const pinCheck = pinCheckOf(options.pin);
  const known = lib.logins.get(slotKey);
  if (known) {
    if (!timingSafeEqual(known.pinCheck, pinCheck)) throw pinRefused(options, 'CKR_PIN_INCORRECT');
    known.users++;
    return;
  }
  let ours = true;
  try {
    lib.pkcs11.C_Login(session, lib.binding.CKU_USER, options.pin);
  } catch (err) {
    const code = codeOf(err);
    // Logged in by another copy of this module in the process (a test runner's module registry):
    // usable, but that login is not ours to end.
    if (code === 'CKR_USER_ALREADY_LOGGED_IN') ours = false;
    else if (code?.startsWith('CKR_PIN_')) throw pinRefused(options, code);
    else throw new KeyProviderError(`PKCS#11 login to token "${options.tokenLabel}" failed: ${describe(err)}`);
  }
  lib.logins.set(slotKey, { users: 1, pinCheck, ours });
}

function releaseLogin(lib: Library, slotKey: string, session: Handle): unknown {
  const entry = lib.logins.get(slotKey);
  if (!entry || --entry.users > 0) return undefined;
  lib.logins.delete(slotKey);
  return entry.ours ? attempt(() => lib.pkcs11.C_Logout(session)) : undefined;
}

const pinRefused = (options: Pkcs11Options, code: string) =>
  new KeyProviderError(`PKCS#11 token "${options.tokenLabel}" refused the PIN (${code})`);

function findOrGenerateKey(
  p: Binding,
  pkcs11: Pkcs11js.PKCS11,
  session: Handle,
  options: Pkcs11Options,
): { key: Handle; generated: boolean } {
  const template: Pkcs11js.Template = [
    { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
    { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
    { type: p.CKA_LABEL, value: options.keyLabel },
  ];
  const found = call('C_FindObjects', () => {
    pkcs11.C_FindObjectsInit(session, template);
    try {
      return pkcs11.C_FindObjects(session, 2);
    } finally {
      pkcs11.C_FindObjectsFinal(session);
    }
  });
  // Two keys under one label (two first starts racing on an empty token) would wrap under
  // different keys: refuse rather than pick one.
  if (found.length > 1) {
    throw new KeyProviderError(`token "${options.tokenLabel}" holds several AES keys labelled "${options.keyLabel}"`);
  }
  if (found[0]) {
    checkKey(p, pkcs11, session, found[0], options);
    return { key: found[0], generated: false };
  }
  const key = call('C_GenerateKey', () =>
    pkcs11.C_GenerateKey(session, { mechanism: p.CKM_AES_KEY_GEN }, [
      ...template,
      { type: p.CKA_VALUE_LEN, value: 32 },
      { type: p.CKA_TOKEN, value: true }, // kept in the token, across sessions and restarts
      { type: p.CKA_PRIVATE, value: true }, // invisible before login
      { type: p.CKA_SENSITIVE, value: true }, // CKA_VALUE never readable
      { type: p.CKA_EXTRACTABLE, value: false }, // never wrapped out of the token either
      { type: p.CKA_ENCRYPT, value: true },
      { type: p.CKA_DECRYPT, value: true },
      { type: p.CKA_WRAP, value: false },
      { type: p.CKA_UNWRAP, value: false },
      { type: p.CKA_SIGN, value: false },
      { type: p.CKA_VERIFY, value: false },
    ]),
  );
  return { key, generated: true };
}

/** A key found by label is used only if it is what this provider would have generated. */
function checkKey(p: Binding, pkcs11: Pkcs11js.PKCS11, session: Handle, key: Handle, options: Pkcs11Options): void {
  const attrs = call('C_GetAttributeValue', () =>
    pkcs11.C_GetAttributeValue(session, key, [
      { type: p.CKA_VALUE_LEN },
      { type: p.CKA_SENSITIVE },
      { type: p.CKA_EXTRACTABLE },
      { type: p.CKA_ENCRYPT },
      { type: p.CKA_DECRYPT },
    ]),
  );
  const [len, sensitive, extractable, encrypt, decrypt] = attrs.map((a) => a.value);
  const ok =
    (len && ulongOf(len)) === 32 &&
    sensitive?.[0] === 1 &&
    extractable?.[0] === 0 &&
    encrypt?.[0] === 1 &&
    decrypt?.[0] === 1;
  if (!ok) {
    throw new KeyProviderError(
      `key "${options.keyLabel}" in token "${options.tokenLabel}" is not a sensitive, non-extractable AES-256 encrypt/decrypt key`,
    );
  }
}

/** A CK_ULONG attribute as pkcs11js returns it: the C value's bytes, in the machine's order. */
function ulongOf(b: Buffer): number {
  const le = os.endianness() === 'LE';
  if (b.length === 8) return Number(le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0));
  return le ? b.readUInt32LE(0) : b.readUInt32BE(0);
}

/** pkcs11js's Pkcs11Error carries the CKR_ name as its message; nothing of the call's arguments. */
function codeOf(err: unknown): string | undefined {
  const message = (err as Error | undefined)?.message;
  return typeof message === 'string' && /^CKR_\w+$/.test(message) ? message : undefined;
}

const describe = (err: unknown) => codeOf(err) ?? (err instanceof Error ? err.message : String(err));

function call<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KeyProviderError) throw err;
    throw new KeyProviderError(`PKCS#11 ${what} failed: ${describe(err)}`, { cause: err });
  }
}

/** A cleanup step: runs, and hands back its error instead of throwing, so the next step still runs. */
function attempt(fn: () => void): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}
