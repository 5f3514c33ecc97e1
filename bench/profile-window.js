/**
 * Benchmark-only preload (`node -r ./bench/profile-window.js ...`): SIGUSR2 starts a V8 CPU
 * profile and the next SIGUSR2 writes it to BENCH_PROFILE_DIR as
 * `<BENCH_PROFILE_NAME>.<BENCH_AUDIT>.<window>.cpuprofile`, so a profile covers only the load a
 * benchmark applied (no start-up, no seeding), and profiles of runs with and without a feature
 * compare per request. bench/audit-overhead.js sends the signals when BENCH_PROFILE names a process.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

let session;
let window = 0;
process.on('SIGUSR2', () => {
  if (!session) {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  const current = session;
  session = undefined;
  current.post('Profiler.stop', (err, result) => {
    if (!err) {
      const name = `${process.env.BENCH_PROFILE_NAME}.${process.env.BENCH_AUDIT}.${window++}.cpuprofile`;
      fs.mkdirSync(process.env.BENCH_PROFILE_DIR, { recursive: true });
      fs.writeFileSync(path.join(process.env.BENCH_PROFILE_DIR, name), JSON.stringify(result.profile));
    }
    current.disconnect();
  });
});
