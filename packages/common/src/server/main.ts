import { PolicyError } from '@ehr/policy';
import { ConfigError } from '../config/index.js';
import { StartupError } from '../db/database.js';
import { KeyProviderError } from '../crypto/key-provider.js';

export interface Stoppable {
  stop(): Promise<void>;
}

export interface RunOptions {
  /** A command that finishes (seed, token) rather than a server: exit 0 once main() resolves. */
  exitWhenDone?: boolean;
}

/** Failures an operator can act on from their message alone: printed as one line. */
function isOperatorError(err: unknown): err is Error {
  return (
    err instanceof StartupError ||
    err instanceof ConfigError ||
    err instanceof PolicyError ||
    err instanceof KeyProviderError ||
    err instanceof RangeError ||
    (typeof (err as { code?: unknown })?.code === 'string' &&
      (err as { code: string }).code.startsWith('ERR_PARSE_ARGS'))
  );
}

/**
 * Runs a service's or command's main(): a startup failure prints one line naming what is wrong
 * and exits non-zero (no stack dump); SIGINT/SIGTERM stop a server gracefully.
 */
export function runMain(service: string, main: () => Promise<Stoppable>, options: RunOptions = {}): void {
  let running: Stoppable | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // A stop that hangs (a stuck connection) must not keep the process alive forever.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await running?.stop();
      process.exit(0);
    } catch {
      process.exit(1);
    }
  };
  // Kept for the whole stop: a second signal while draining must not kill the process (default action).
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Started by the launcher with a stdin pipe: when the launcher dies, even by SIGKILL, the pipe
  // closes and this process stops too, so no orphan keeps a port.
  if (process.env.EHR_EXIT_WITH_PARENT === '1') {
    process.stdin.on('end', () => void stop());
    process.stdin.on('error', () => void stop());
    process.stdin.resume();
  }
  main().then(
    (s) => {
      running = s;
      if (options.exitWhenDone) void s.stop().then(() => process.exit(0));
    },
    (err: unknown) => {
      const message = isOperatorError(err) ? err.message : `unexpected failure (${(err as Error)?.name ?? 'unknown'})`;
      process.stderr.write(`${service}: ${message}\n`);
      // Unknown failures keep their stack for developers; production logs stay one line.
      if (!isOperatorError(err) && process.env.NODE_ENV !== 'production') {
        process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
      }
      process.exit(1);
    },
  );
}
