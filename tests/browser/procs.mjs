// procs.mjs: the servers a browser test starts (aynid, ayni-web) and the ports it takes,
// shared by test_web_phone.mjs and test_web_dash.mjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { WAIT_MS, sleep } from './phone.mjs';

// An environment variable ctest sets for the test.
export function need(name) {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set: run this test through ctest (tests/CMakeLists.txt sets it)`);
  return v;
}

// Start program name (argv) with its output in dir/NAME.out and NAME.log, and wait until
// its standard error says "NAME ready": {child, log, text, exited()}.
export async function daemon(name, argv, dir) {
  const log = path.join(dir, `${name}.log`);
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', fs.openSync(path.join(dir, `${name}.out`), 'w'), fs.openSync(log, 'w')] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal || code; });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const text = fs.readFileSync(log, 'utf8');
    if (text.includes(`${name} ready`))
      return { child, log, text, exited: () => exited };
    if (exited !== null || Date.now() > deadline)
      throw new Error(`${name} did not get ready (${exited ?? 'timed out'}): ${text}`);
    await sleep(20);
  }
}

// SIGTERM, then SIGKILL after 5 s: a daemon of daemon() stopped (or never started).
export async function stop(d) {
  if (!d || d.exited() !== null)
    return;
  const done = new Promise((r) => d.child.on('exit', r));
  d.child.kill('SIGTERM');
  await Promise.race([done, sleep(5000)]);
  if (d.exited() === null)
    d.child.kill('SIGKILL');
}

// A loopback TCP port free at this moment.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The end of a browser test called name, begun at started: the screenshots of t.shots
// listed, t.dir removed if it passed (kept to look at if not), and the exit code.
export function finish(name, t, ok, started) {
  for (const f of t.shots)
    console.log(`screenshot: ${f}`);
  if (ok) {
    fs.rmSync(t.dir, { recursive: true, force: true, maxRetries: 3 });
    console.log(`${name}: 1 passed, 0 failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.log(`${name}: kept ${t.dir}\n0 passed, 1 failed`);
  }
  process.exit(ok ? 0 : 1);
}

// Fail test name if it runs over ms (a hung browser must not hold ctest to its time-out).
export function deadline(name, ms) {
  setTimeout(() => {
    console.error(`${name}: FAILED: over ${ms / 1000} s`);
    process.exit(1);
  }, ms).unref();
}
