import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';

export interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts a Node service whose output lines are prefixed with its name. */
export function startChild(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  onLine: (line: string) => void = (line) => process.stdout.write(`${`[${name}]`.padEnd(13)}${line}\n`),
): Child {
  // stdin is a pipe on purpose: the child exits when it closes (EHR_EXIT_WITH_PARENT).
  const proc = spawn(process.execPath, [entry, ...args], {
    env: { ...env, EHR_EXIT_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  for (const stream of [proc.stdout, proc.stderr]) {
    readline.createInterface({ input: stream }).on('line', onLine);
  }
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  return { name, proc, exited };
}

/**
 * Polls a readiness URL until it answers 200, the child exits, or the deadline passes. `fetchImpl`
 * is the client to poll with (one that trusts the stack's CA when it serves HTTPS).
 */
export async function waitReady(
  child: Child,
  url: string,
  timeoutMs = 60_000,
  fetchImpl: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before it was ready`);
    try {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} was not ready within ${timeoutMs / 1000} s`);
}

/** SIGTERM to every child, SIGKILL to any still running after the grace period. */
export async function stopAll(children: Child[], graceMs = 8_000): Promise<void> {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  }, graceMs);
  await Promise.all(children.map((c) => c.exited));
  clearTimeout(timer);
}
