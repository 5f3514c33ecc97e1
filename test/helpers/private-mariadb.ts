import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from './ports.js';

const execFileAsync = promisify(execFile);

const NOT_INSTALLED =
  'MariaDB server binaries are missing (mariadbd and mariadb-install-db): this test starts its own private ' +
  'MariaDB instance. .ci/run installs them (apt-get install mariadb-server); on this machine: ' +
  'apt-get install mariadb-server';

/** A binary by name: PATH first, then the sbin directories Debian puts mariadbd in. */
function binary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface MariaDbBinaries {
  mariadbd: string;
  installDb: string;
}

/** mariadbd and mariadb-install-db, or an error that says how to install them. */
export function mariaDbBinaries(): MariaDbBinaries {
  const mariadbd = binary('mariadbd');
  const installDb = binary('mariadb-install-db');
  if (!mariadbd || !installDb) throw new Error(NOT_INSTALLED);
  return { mariadbd, installDb };
}

export interface PrivateMariaDbOptions {
  /** A label for the temp dir (mariadb-<label>-XXXXXX). */
  label: string;
  /** More my.cnf text, appended after the instance's own [mariadbd] section (e.g. `!include ...`). */
  extraConfig?: string;
}

export interface PrivateMariaDb {
  /** The instance's own directory: my.cnf, datadir, tmpdir, error log, socket. Everything it writes. */
  dir: string;
  datadir: string;
  port: number;
  pid: number;
  /** my.cnf of this instance. */
  defaultsFile: string;
  /** The error log (inside `dir`, outside the datadir). */
  errorLog: string;
  /** A root connection over TCP (no password: the instance listens on 127.0.0.1 only). */
  connect(database?: string): Promise<mysql.Connection>;
  /**
   * Slow shutdown (innodb_fast_shutdown=0: every page, the change buffer and purge written to the
   * data files), then waits for the process to exit.
   */
  stop(): Promise<void>;
  /** SIGKILL by pid if still running, then removes `dir`. Safe to call twice. */
  destroy(): void;
}

const START_TIMEOUT_MS = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no error log)';
  }
}

/** `--user=root` when running as root (mariadbd refuses root otherwise); nothing for anyone else. */
function userArgs(): string[] {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : [];
}

/**
 * A MariaDB server of its own: a temp dir holding its datadir, tmpdir, socket, pid file and error
 * log, initialised by mariadb-install-db (root with no password, TCP on 127.0.0.1 and a free
 * port), started as a child process. Never touches the shared instance or its files. Throws (the
 * test fails, never skips) when MariaDB is not installed.
 */
export async function startPrivateMariaDb(options: PrivateMariaDbOptions): Promise<PrivateMariaDb> {
  const { mariadbd, installDb } = mariaDbBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mariadb-${options.label}-`));
  const datadir = path.join(dir, 'data');
  const tmpdir = path.join(dir, 'tmp');
  fs.mkdirSync(tmpdir);
  const defaultsFile = path.join(dir, 'my.cnf');
  const errorLog = path.join(dir, 'error.log');
  let child: ChildProcess | undefined;
  let destroyed = false;

  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const writeConfig = (port: number) =>
    fs.writeFileSync(
      defaultsFile,
      [
        '[mariadbd]',
        `datadir = ${datadir}`,
        `tmpdir = ${tmpdir}`,
        `socket = ${path.join(dir, 'mariadb.sock')}`,
        `pid-file = ${path.join(dir, 'mariadb.pid')}`,
        `log_error = ${errorLog}`,
        `port = ${port}`,
        'bind-address = 127.0.0.1',
        'skip-name-resolve',
        // Small, so two instances start quickly beside everything else on a 2-core machine.
        'innodb_buffer_pool_size = 32M',
        'innodb_log_file_size = 16M',
        'performance_schema = OFF',
        '',
        options.extraConfig ?? '',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );

  try {
    let port = await freePort();
    writeConfig(port);
    try {
      await execFileAsync(
        installDb,
        [
          `--defaults-file=${defaultsFile}`,
          ...userArgs(),
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
        ],
        { timeout: START_TIMEOUT_MS },
      );
    } catch (err) {
      const e = err as { code?: string; stderr?: string; stdout?: string };
      if (e.code === 'ENOENT') throw new Error(NOT_INSTALLED);
      throw new Error(
        `mariadb-install-db failed:\n${e.stderr ?? ''}${e.stdout ?? ''}\nerror log:\n${tail(errorLog)}`.trim(),
      );
    }

    // A port free a moment ago may be taken by the time mariadbd binds it: then try another.
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        port = await freePort();
        writeConfig(port);
      }
      const current = port;
      const started = spawn(mariadbd, [`--defaults-file=${defaultsFile}`, ...userArgs()], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = started;
      let stderr = '';
      started.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = exited(started);
      const deadline = Date.now() + START_TIMEOUT_MS;
      let up = false;
      while (Date.now() < deadline) {
        const code = await Promise.race([exit, sleep(150).then(() => 'running' as const)]);
        if (code !== 'running') break;
        try {
          const conn = await mysql.createConnection({ host: '127.0.0.1', port: current, user: 'root' });
          await conn.end();
          up = true;
          break;
        } catch {
          // not yet
        }
      }
      if (up) {
        return {
          dir,
          datadir,
          port: current,
          pid: started.pid!,
          defaultsFile,
          errorLog,
          connect: (database?: string) =>
            mysql.createConnection({
              host: '127.0.0.1',
              port: current,
              user: 'root',
              database,
              multipleStatements: true,
            }),
          async stop() {
            if (started.exitCode !== null || started.signalCode !== null) return;
            const conn = await mysql.createConnection({ host: '127.0.0.1', port: current, user: 'root' });
            try {
              await conn.query('SET GLOBAL innodb_fast_shutdown = 0');
              await conn.query('SHUTDOWN');
            } finally {
              conn.destroy();
            }
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<'timeout'>((resolve) => {
              timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS);
            });
            const code = await Promise.race([exit, timeout]);
            clearTimeout(timer);
            if (code === 'timeout') throw new Error(`mariadbd (pid ${started.pid}) did not stop within 30 s`);
          },
          destroy,
        };
      }
      if (started.exitCode === null && started.signalCode === null) {
        started.kill('SIGKILL');
        await exit;
      }
      const log = tail(errorLog);
      if (attempt < 3 && /Address already in use|Can't start server: Bind/i.test(log)) continue;
      throw new Error(`mariadbd did not start on 127.0.0.1:${current}:\n${stderr.trim()}\nerror log:\n${log}`);
    }
  } catch (err) {
    destroy();
    throw err;
  }
}

/**
 * Every regular file under `dir`, and where in it `needle` occurs (raw bytes). Files that
 * disappear while being read are skipped.
 */
export function scanFiles(dir: string, needle: Buffer): { files: Map<string, number>; hits: string[] } {
  const files = new Map<string, number>();
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(full);
        } catch {
          continue;
        }
        const rel = path.relative(dir, full);
        files.set(rel, bytes.length);
        if (bytes.indexOf(needle) >= 0) hits.push(rel);
      }
    }
  };
  walk(dir);
  return { files, hits: hits.sort() };
}
