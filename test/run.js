#!/usr/bin/env node
/**
 * `npm test`: runs jest against MySQL/MariaDB when MYSQL_URL is set or mysql://root@127.0.0.1:3306
 * answers, otherwise against the embedded SQLite database, and says which. REQUIRE_MYSQL=1
 * turns a missing MySQL into a failure (CI).
 */
const { spawnSync } = require('node:child_process');
const net = require('node:net');

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1500 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function main() {
  let url = process.env.MYSQL_URL;
  if (!url && (await answers('127.0.0.1', 3306))) url = 'mysql://root@127.0.0.1:3306';
  if (url) {
    const u = new URL(url);
    if (!(await answers(u.hostname, Number(u.port || 3306)))) {
      console.error(`npm test: MYSQL_URL is set but ${u.hostname}:${u.port || 3306} does not answer`);
      process.exit(1);
    }
  }
  if (!url && process.env.REQUIRE_MYSQL === '1') {
    console.error(
      'npm test: REQUIRE_MYSQL=1 but no MySQL/MariaDB answers (set MYSQL_URL or start one on 127.0.0.1:3306)',
    );
    process.exit(1);
  }
  const env = { ...process.env, TEST_MYSQL_URL: url ?? '' };
  delete env.MYSQL_URL;
  console.log(
    url
      ? `npm test: database = MySQL at ${new URL(url).host}`
      : 'npm test: database = embedded SQLite (no MySQL answered)',
  );
  const jest = require.resolve('jest/bin/jest');
  const r = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}

void main();
