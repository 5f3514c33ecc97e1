import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

export interface SoftHsmToken {
  modulePath: string;
  tokenLabel: string;
  pin: string;
  /** The softhsm2.conf written for this token, also set as SOFTHSM2_CONF in process.env. */
  conf: string;
  /** Removes the token's directory and restores SOFTHSM2_CONF. */
  cleanup: () => void;
}

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const NOT_INSTALLED =
  'SoftHSM2 is not installed (no libsofthsm2.so, or no softhsm2-util): the PKCS#11 tests need a real token. ' +
  '.ci/run installs it; on this machine: apt-get install softhsm2';

/**
 * The environment the C library's getenv() reads. Jest hands each test file a copy of process
 * (and of process.env), and writes to that copy never reach the library. Code run in Node's own
 * context sees the real process, whose env writes through to setenv(). (Jest's createRequire
 * returns its copy too.)
 */
const realEnv = (vm.runInThisContext('process') as NodeJS.Process).env;

/** The SoftHSM2 PKCS#11 library: Debian's path, else wherever dpkg says its packages put it. */
export function softHsmModule(): string | undefined {
  if (fs.existsSync(MODULE)) return MODULE;
  for (const pkg of ['softhsm2', 'libsofthsm2']) {
    try {
      const files = execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const found = files.split('\n').find((f) => f.endsWith('/libsofthsm2.so') && fs.existsSync(f));
      if (found) return found;
    } catch {
      // not installed, or no dpkg: try the next
    }
  }
  return undefined;
}

/**
 * A private SoftHSM2 token in a temp dir, initialised with random PINs. SoftHSM2 reads
 * SOFTHSM2_CONF when C_Initialize runs, so it is set in this process's real environment (the
 * one whose library loads the module) and kept until cleanup. Throws (the test fails, never skips) when
 * SoftHSM2 is missing.
 */
export function createSoftHsmToken(label = `ehr-test-${randomBytes(4).toString('hex')}`): SoftHsmToken {
  const modulePath = softHsmModule();
  if (!modulePath) throw new Error(NOT_INSTALLED);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softhsm-'));
  const conf = path.join(dir, 'softhsm2.conf');
  fs.mkdirSync(path.join(dir, 'tokens'), { mode: 0o700 });
  fs.writeFileSync(
    conf,
    `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  const pin = randomBytes(6).toString('hex');
  const soPin = randomBytes(6).toString('hex');
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  try {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(NOT_INSTALLED);
    throw new Error(`softhsm2-util --init-token failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
  }
  const envs = realEnv === process.env ? [process.env] : [realEnv, process.env];
  const previous = envs.map((e) => e.SOFTHSM2_CONF);
  for (const e of envs) e.SOFTHSM2_CONF = conf;
  return {
    modulePath,
    tokenLabel: label,
    pin,
    conf,
    cleanup: () => {
      envs.forEach((e, i) => {
        if (previous[i] === undefined) delete e.SOFTHSM2_CONF;
        else e.SOFTHSM2_CONF = previous[i];
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
