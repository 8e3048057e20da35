// test_web_phone.mjs: the phone app in a real browser (issue 16): headless Chromium
// (/usr/bin/chromium) driven by puppeteer-core, a fake camera fed printed labels, a real
// aynid (--insecure, loopback) and a real ayni-web serving the built app (web/app).
//
// A shipment of 5 packages for "Equipo Web" is dispatched with ayni-warehouse and its
// labels PDF rendered with pdftoppm; each label's QR becomes a .y4m the fake camera shows.
// A phone enrols from the QR of its enrolment sheet (device add --phone), and:
//   1. online: scans label 1, reports a shortfall on the per-line inputs, and aynid has it;
//   2. offline (DevTools network emulation, on the page and on its service worker): scans
//      labels 2, 3 and 4 and one forged code (refused on the spot, never queued), the app
//      reopening from its service worker each time, no file of it from the network;
//   3. the page reloaded offline: the app opens, the queue is intact;
//   4. online, at least 2 s later: sync; shipment.get shows each package confirmed once,
//      dated by its scan time, not the sync's.
// Chromium reads one fake-camera file per launch, so the browser is relaunched with the
// same profile for each code: that also proves that a closed app loses nothing.
//
// Screenshots at 360 x 740 go to $AYNI_ARTEFACTS (else the temporary folder).  Exit 0
// passed, 1 failed, 77 skipped (no Chromium, or no puppeteer-core in node_modules).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SKIP = 77;
const CHROMIUM = process.env.AYNI_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 15000;   // the longest any one wait may take
const SYNC_GAP_MS = 2500; // the sync comes at least this long after the last scan
const TEAM = 'Equipo Web';
const started = Date.now();

function skip(why) {
  console.log(`test_web_phone: SKIP: ${why}`);
  process.exit(SKIP);
}

if (!fs.existsSync(CHROMIUM))
  skip(`no Chromium at ${CHROMIUM}: install Debian's chromium (scripts/setup does)`);
let puppeteer, jsQR;
try {
  puppeteer = (await import('puppeteer-core')).default;
  jsQR = (await import('jsqr')).default;
} catch (e) {
  skip(`node_modules lacks puppeteer-core or jsqr (${e.code || e.message}): run scripts/setup ` +
       '(npm ci), or link node_modules into the work tree');
}

function need(name) {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set: run this test through ctest (tests/CMakeLists.txt sets it)`);
  return v;
}

function step(what) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
}

function check(ok, what) {
  if (!ok)
    throw new Error(what);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- processes ----

// Run a program to its end: its standard output; a failure throws with what it said.
function run(argv, { input, env } = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { input, env: env || process.env, maxBuffer: 64 << 20,
                                               timeout: WAIT_MS });
  if (r.error || r.status !== 0)
    throw new Error(`'${argv.join(' ')}' failed (${r.error?.message || `exit ${r.status}`}): ` +
                    `${r.stderr}${r.stdout}`.slice(0, 2000));
  return r.stdout;
}

// Start a program whose standard error says readyText once it is ready.
async function daemon(name, argv, dir) {
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

async function stop(d) {
  if (!d || d.exited() !== null)
    return;
  const done = new Promise((r) => d.child.on('exit', r));
  d.child.kill('SIGTERM');
  await Promise.race([done, sleep(5000)]);
  if (d.exited() === null)
    d.child.kill('SIGKILL');
}

// A loopback TCP port free at this moment.
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- images: PGM in, the fake camera's .y4m out ----

function readPgm(file) {
  const b = fs.readFileSync(file);
  const fields = [];
  let pos = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(b[pos])))
      pos++;
    if (b[pos] === 0x23) { // a comment
      while (b[pos] !== 0x0a)
        pos++;
      continue;
    }
    const start = pos;
    while (!/\s/.test(String.fromCharCode(b[pos])))
      pos++;
    fields.push(b.subarray(start, pos).toString());
  }
  check(fields[0] === 'P5' && fields[3] === '255', `${file} is not an 8-bit binary PGM`);
  const width = Number(fields[1]), height = Number(fields[2]);
  return { width, height, gray: b.subarray(pos + 1, pos + 1 + width * height) };
}

function rgba(img) {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    out.set([img.gray[i], img.gray[i], img.gray[i]], 4 * i);
    out[4 * i + 3] = 255;
  }
  return out;
}

// The QR code in img: {text, box: {x, y, size}} (a square round it, with its quiet zone).
function findQr(img) {
  const qr = jsQR(rgba(img), img.width, img.height);
  if (!qr)
    return null;
  const l = qr.location;
  const xs = [l.topLeftCorner.x, l.topRightCorner.x, l.bottomLeftCorner.x, l.bottomRightCorner.x];
  const ys = [l.topLeftCorner.y, l.topRightCorner.y, l.bottomLeftCorner.y, l.bottomRightCorner.y];
  const side = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const size = side * 1.25;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  return { text: qr.data, box: { x: cx - size / 2, y: cy - size / 2, size } };
}

const FRAME_W = 640, FRAME_H = 480;

// A camera frame (Y plane) of the square box of img filling 440 of the 480 rows, as a
// phone held over a label shows it; white paper round it.
function frameOf(img, box) {
  const y = new Uint8Array(FRAME_W * FRAME_H).fill(255);
  const side = 440, ox = (FRAME_W - side) / 2, oy = (FRAME_H - side) / 2;
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const sx = Math.floor(box.x + (i + 0.5) * box.size / side);
      const sy = Math.floor(box.y + (j + 0.5) * box.size / side);
      if (sx >= 0 && sy >= 0 && sx < img.width && sy < img.height)
        y[(oy + j) * FRAME_W + ox + i] = img.gray[sy * img.width + sx];
    }
  }
  return y;
}

// The .y4m file Chromium's fake camera loops: 4:2:0, 5 frames a second, 2 s of the one
// frame, the chroma planes grey (128).
function writeY4m(file, yPlane) {
  const chroma = Buffer.alloc((FRAME_W / 2) * (FRAME_H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(yPlane), chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${FRAME_W} H${FRAME_H} F5:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array(10).fill(frame)]));
}

// A .y4m of the QR code in the PGM file, checked to read back as text.
function cameraFile(pgmFile, y4mFile, text) {
  const img = readPgm(pgmFile);
  const qr = findQr(img);
  check(qr && qr.text === text, `no QR code reading '${text}' in ${pgmFile}`);
  const y = frameOf(img, qr.box);
  const back = jsQR(rgba({ width: FRAME_W, height: FRAME_H, gray: y }), FRAME_W, FRAME_H);
  check(back?.data === text, `the camera frame made of ${pgmFile} does not read back`);
  writeY4m(y4mFile, y);
}

// ---- tokens: a forged one ----

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text) {
  const out = [];
  let acc = 0, bits = 0;
  for (const c of text) {
    acc = (acc << 5) | B32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

function base32Encode(bytes) {
  let acc = 0, bits = 0, out = '';
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
  }
  return bits ? out + B32[(acc << (5 - bits)) & 31] : out;
}

// A token that claims what genuine claims (docs/TOKENS.md: version, key id, package,
// count, shipment, destination), signed by a key that is not the core's, under a key id
// that is not the core's either: "forged", not "altered".
function forge(genuine) {
  const p = base32Decode(genuine.slice(4));
  const n = p.length - 64;
  for (let i = 1; i <= 4; i++)
    p[i] ^= 0x5a;
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const sig = crypto.sign(null, Buffer.concat([Buffer.from('ayni-qr-token'), p.subarray(0, n)]),
                          privateKey);
  sig.copy(p, n);
  return `AYNI${base32Encode(p)}`;
}

// ---- the browser ----

// Chromium with the phone's profile, its fake camera showing y4m, trusting the
// gateway's self-signed certificate by its key (as a phone trusts it after enrolment);
// offline from the start when asked (setOffline).
async function launch(t, y4m, offline = false) {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: t.profile,
    args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${t.spki}`,
           '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
           `--use-file-for-fake-video-capture=${y4m}`, '--lang=es-PE', '--accept-lang=es-PE,es',
           '--window-size=360,740'],
    defaultViewport: { width: 360, height: 740, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  });
  const page = (await browser.pages())[0] || await browser.newPage();
  page.on('console', (m) => {
    t.console.push(`${m.type()}: ${m.text()}`);
    if (/Content.Security.Policy|Refused to/i.test(m.text()))
      t.problems.push(`the page broke the CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => t.problems.push(`the page threw: ${e.message}`));
  const b = { browser, page, offline, workers: [] };
  // While offline, every file of the app must come from the service worker's cache.
  page.on('response', (r) => {
    if (b.offline && r.url().startsWith(t.url) && !r.fromServiceWorker())
      t.problems.push(`offline, ${r.url()} came from the network`);
  });
  browser.on('targetcreated', (target) => emulateWorker(b, target).catch(() => {}));
  for (const target of browser.targets())
    await emulateWorker(b, target);
  await page.setOfflineMode(offline);
  return b;
}

const conditions = (offline) => ({ offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

// DevTools' offline mode on a page does not reach its service worker's own fetches (a
// worker is a target of its own): the worker gets the same conditions through its own
// session, from the moment it starts.
async function emulateWorker(b, target) {
  if (target.type() !== 'service_worker')
    return;
  const session = await target.createCDPSession();
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', conditions(b.offline));
  b.workers.push(session);
}

async function setOffline(b, offline) {
  b.offline = offline;
  await b.page.setOfflineMode(offline);
  for (const s of b.workers)
    await s.send('Network.emulateNetworkConditions', conditions(offline));
}

async function screen(page, name) {
  await page.waitForFunction((n) => document.body.dataset.screen === n, { timeout: WAIT_MS }, name);
}

async function ready(page) {
  await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT_MS });
}

async function shot(t, page, name) {
  const file = path.join(t.artefacts, `${name}.png`);
  await page.screenshot({ path: file });
  t.shots.push(file);
}

// The queue as the page lists it: [{scanId, state, shipment, package}].
async function queueList(page) {
  return page.$$eval('#queue-list li', (lis) => lis.map((li) => ({
    scanId: li.dataset.scanId, state: li.dataset.state, shipment: li.dataset.shipment,
    package: Number(li.dataset.package) })));
}

// Whether a request to the API can leave the page (it must not while offline).
async function apiReachable(page) {
  return page.evaluate(() => fetch('/api/v1/server.info', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    .then(() => true, () => false));
}

// ---- the test ----

async function setUp(t) {
  t.api = `ipc://${t.dir}/api`;
  t.events = `ipc://${t.dir}/events`;
  t.aynid = await daemon('aynid', [need('AYNID'), '--insecure', '--db', `${t.dir}/ayni.db`,
                                   '--keys', `${t.dir}/keys`, '--api', t.api, '--events', t.events],
                         t.dir);
  const src = need('AYNI_SOURCE_DIR');
  const wh = (...args) => run([need('AYNI_WAREHOUSE'), '--api', t.api, '--events', t.events, ...args],
                              { env: { ...process.env, AYNI_LANG: 'en' } }).toString();
  t.wh = wh;
  for (const what of ['items', 'locations', 'donors', 'receipts'])
    wh('import', what, `${src}/data/${what}.csv`);
  const code = wh('shipment', 'new', '--from', 'ALM-LIMA-SJL', '--to', 'COM-HCO-SANTA-ROSA',
                  '--team', TEAM).trim().split('\n').pop();
  check(/^ENV-\d{4}-\d{6}$/.test(code), `shipment new printed no code: ${code}`);
  wh('shipment', 'add', code, '--item', 'HYGIENE-KIT', '--qty', '40', '--packages', '4');
  wh('shipment', 'add', code, '--item', 'MEDICAL-KIT', '--qty', '8');
  wh('shipment', 'dispatch', code);
  wh('slip', code, '-o', `${t.dir}/slip.pdf`);
  t.shipment = code;
  t.tokens = JSON.parse(wh('--json', 'shipment', 'show', code)).packages.map((p) => p.token);
  check(t.tokens.length === 5, `the shipment has ${t.tokens.length} packages, not 5`);

  // The labels as a phone's camera sees them: pdftoppm's grey pages, a QR each.
  run(['pdftoppm', '-r', '150', '-gray', `${t.dir}/slip.pdf`, `${t.dir}/page`]);
  const pages = fs.readdirSync(t.dir).filter((f) => /^page-\d+\.pgm$/.test(f));
  t.camera = {};
  for (const f of pages) {
    const qr = findQr(readPgm(`${t.dir}/${f}`));
    const pkg = qr ? t.tokens.indexOf(qr.text) + 1 : 0;
    if (pkg > 0) {
      t.camera[pkg] = `${t.dir}/label-${pkg}.y4m`;
      cameraFile(`${t.dir}/${f}`, t.camera[pkg], qr.text);
    }
  }
  check([1, 2, 3, 4].every((p) => t.camera[p]), `no label found for packages 1-4 in ${pages}`);
  t.forged = forge(t.tokens[4]); // it claims package 5, which nobody scans
  fs.writeFileSync(`${t.dir}/forged.pgm`, run([need('AYNI_PHONE_HELPER'), 'qr', t.forged]));
  t.camera.forged = `${t.dir}/forged.y4m`;
  cameraFile(`${t.dir}/forged.pgm`, t.camera.forged, t.forged);

  const port = await freePort();
  const app = need('AYNI_WEB_APP');
  check(fs.existsSync(`${app}/index.html`),
        `no app in ${app}: build it (cmake --build build --target ayni_web_app)`);
  t.url = `https://127.0.0.1:${port}`;
  t.web = await daemon('ayni-web', [need('AYNI_WEB'), '--listen', t.url, '--state', `${t.dir}/web`,
                                    '--api', t.api, '--app', app], t.dir);
  const cert = new crypto.X509Certificate(fs.readFileSync(`${t.dir}/web/web.crt`));
  t.fp = cert.fingerprint256.replaceAll(':', '');
  check(t.web.text.includes(`sha256=${cert.fingerprint256}`), 'ayni-web printed another fingerprint');
  t.spki = crypto.createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

// The enrolment URL of a new phone of the team (contract C1), as its camera reads it off
// the enrolment sheet that ayni-warehouse prints.
function enrolUrl(t, name) {
  t.wh('device', 'add', name, '--role', 'scanner', '--phone', '--team', TEAM, '--gateway', t.url,
       '-o', `${t.dir}/enrol.pdf`);
  run(['pdftoppm', '-png', '-r', '150', '-f', '1', '-l', '1', `${t.dir}/enrol.pdf`, `${t.dir}/enrol`]);
  const png = fs.readdirSync(t.dir).find((f) => /^enrol-\d+\.png$/.test(f));
  check(png, 'pdftoppm made no page of the enrolment sheet');
  return run(['zbarimg', '-q', '--raw', `${t.dir}/${png}`]).toString().trim();
}

// Let the camera (showing one code) read: the verdict shown, the arrived screen open when
// the code is genuine.
async function scan(page) {
  await screen(page, 'scan');
  await page.waitForFunction(() => {
    const v = document.querySelector('#scan-result')?.dataset.verdict;
    return document.body.dataset.screen === 'arrived' || (v && v !== 'queued' && v !== 'confirmed');
  }, { timeout: WAIT_MS });
  return page.$eval('#scan-result', (e) => e.dataset.verdict);
}

// Package 1, online: the per-line inputs, a shortfall with its reason, confirmed at once.
async function scanOnline(t) {
  const { browser, page } = await launch(t, t.camera[1]);
  try {
    const url = enrolUrl(t, 'phone-1');
    check(/^#enrol=[A-Z2-7]{26}&fp=[0-9A-F]{64}$/.test(url.slice(t.url.length + 1)) &&
          url.startsWith(`${t.url}/#`) && url.endsWith(`&fp=${t.fp}`), `enrolment URL ${url}`);
    step(`enrolling from the sheet's QR: ${url.replace(/enrol=\w+/, 'enrol=…')}`);
    const before = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    await ready(page);
    // The service worker installed (the app's files cached) and in control, so that the
    // next launch opens with no network.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: WAIT_MS });
    const verdict = await scan(page);
    check(verdict === 'genuine', `label 1 read as '${verdict}', not genuine` +
          (verdict === 'unknown' ? ': the phone did not get its team\'s manifests (shipment.list ' +
                                   'with team and detail, contract C2)' : ''));
    await screen(page, 'arrived');
    const after = Date.now();
    const row = '[data-line="1"]';
    await page.waitForSelector(`${row} input.received`, { timeout: WAIT_MS });
    const reason = await page.$eval(`${row} select.reason`, (s) =>
      [...s.options].map((o) => o.value).find((v) => v === 'damaged') ||
      [...s.options].map((o) => o.value).find((v) => v));
    check(reason, 'the line has no reason to choose');
    await page.$eval(`${row} input.received`, (i) => {
      i.value = '8';
      i.dispatchEvent(new Event('input', { bubbles: true }));
      i.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.select(`${row} select.reason`, reason);
    await page.$eval(row, (e) => e.scrollIntoView({ block: 'center' }));
    await shot(t, page, 'arrived-shortfall');
    await page.click('#confirm-lines');
    await page.waitForFunction(() => document.body.dataset.screen !== 'arrived', { timeout: WAIT_MS });
    await page.click('#nav-queue');
    await screen(page, 'queue');
    await page.waitForSelector('#queue-list li[data-package="1"][data-state="sent"]', { timeout: WAIT_MS });
    const [entry] = await queueList(page);
    t.scans[1] = { before, after, scanId: entry.scanId, received: 8, reason };
    step(`package 1 confirmed online (received 8, ${reason})`);
  } finally {
    await browser.close();
  }
}

// Packages 2-4 and the forged code, offline: the app opens from its service worker.
async function scanOffline(t, what) {
  const b = await launch(t, t.camera[what], true);
  const { browser, page } = b;
  try {
    const before = Date.now();
    await page.goto(`${t.url}/`, { waitUntil: 'load' });
    await ready(page);
    check(!(await apiReachable(page)), 'the API answered a page that is offline');
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.sync === 'offline',
                               { timeout: WAIT_MS });
    const verdict = await scan(page);
    if (what === 'forged') {
      check(verdict === 'forged', `the forged code was '${verdict}', not forged`);
      await page.waitForFunction(() => document.querySelector('#camera').currentTime > 0.5,
                                 { timeout: WAIT_MS });
      await shot(t, page, 'scan-forged');
      step('the forged code refused on the spot');
      return b;
    }
    check(verdict === 'genuine', `label ${what} read as '${verdict}'`);
    await screen(page, 'arrived');
    const after = Date.now();
    await page.click('#confirm-all');
    await page.waitForFunction(() => document.body.dataset.screen !== 'arrived', { timeout: WAIT_MS });
    await page.click('#nav-queue');
    await screen(page, 'queue');
    const li = `#queue-list li[data-package="${what}"][data-state="queued"]`;
    await page.waitForSelector(li, { timeout: WAIT_MS });
    t.scans[what] = { before, after, scanId: await page.$eval(li, (e) => e.dataset.scanId) };
    step(`package ${what} queued offline`);
  } catch (e) {
    await browser.close();
    throw e;
  }
  await browser.close();
  return null;
}

async function syncAndCheck(t, b) {
  const { page } = b;
  // Reloaded offline: the app opens from its service worker, the queue is intact.
  await page.reload({ waitUntil: 'load' });
  await ready(page);
  await page.click('#nav-queue');
  await screen(page, 'queue');
  let queue = await queueList(page);
  const queued = queue.filter((e) => e.state === 'queued').map((e) => e.package).sort();
  check(JSON.stringify(queued) === '[2,3,4]', `after an offline reload the queue holds ${JSON.stringify(queue)}`);
  check(!queue.some((e) => e.package === 5), 'the forged code was queued');
  await shot(t, page, 'queue-offline');
  step('reloaded offline: the app opened, packages 2-4 still queued');

  const wait = Math.max(...[2, 3, 4].map((p) => t.scans[p].after)) + SYNC_GAP_MS - Date.now();
  if (wait > 0)
    await sleep(wait);
  await setOffline(b, false);
  const syncAt = Date.now();
  await page.click('#sync-now');
  await page.waitForFunction(() => {
    const lis = [...document.querySelectorAll('#queue-list li')];
    return lis.length >= 4 && lis.every((li) => li.dataset.state === 'sent');
  }, { timeout: WAIT_MS });
  await page.click('#sync-now'); // again: nothing is sent twice
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.sync === 'ok',
                             { timeout: WAIT_MS });
  await shot(t, page, 'queue-synced');
  queue = await queueList(page);
  step(`synced ${((syncAt - t.scans[4].after) / 1000).toFixed(1)} s after the last scan`);

  const s = JSON.parse(run([need('AYNI_PHONE_HELPER'), 'call', t.api, 'shipment.get',
                            JSON.stringify({ shipment: t.shipment })]));
  const events = JSON.parse(run([need('AYNI_PHONE_HELPER'), 'call', t.api, 'events.since',
                                 JSON.stringify({ since: 0, limit: 10000 })])).events;
  for (const n of [1, 2, 3, 4]) {
    const p = s.packages.find((x) => x.number === n), scanned = Date.parse(p.scanned_at);
    const { before, after, scanId } = t.scans[n];
    const times = `scanned_at ${p.scanned_at}, scan between ${new Date(before).toISOString()} ` +
                  `and ${new Date(after).toISOString()}, received_at ${p.received_at}`;
    check(p.delivered, `package ${n} is not delivered`);
    check(p.scan_id === scanId, `package ${n}'s scan_id ${p.scan_id} is not the queue's ${scanId}`);
    check(p.device === 'phone-1' && p.team === TEAM, `package ${n} confirmed by ${p.device}, ${p.team}`);
    check(scanned >= Math.floor(before / 1000) * 1000 && scanned <= after + 1000, `package ${n}: ${times}`);
    check(p.delivered_at === p.scanned_at && !p.clock_suspect, `package ${n} is dated ${p.delivered_at}`);
    if (n > 1) // sent at the sync, which came SYNC_GAP_MS after every offline scan
      check(Date.parse(p.received_at) >= Math.floor(syncAt / 1000) * 1000 &&
            Date.parse(p.received_at) - scanned >= 2000, `package ${n} dated by its sync: ${times}`);
    const confirmations = events.filter((e) => e.type === 'delivery.confirmed' &&
                                        e.shipment === t.shipment && e.packages.includes(n));
    check(confirmations.length === 1, `package ${n} confirmed ${confirmations.length} times`);
  }
  const p1 = s.packages.find((x) => x.number === 1);
  check(p1.qty_received === 8, `package 1 received ${p1.qty_received}, not 8`);
  check(!s.packages.find((x) => x.number === 5).delivered, 'package 5 (the forged claim) is delivered');
  check(queue.length === 4 && queue.every((e) => e.state === 'sent'), `the queue ends ${JSON.stringify(queue)}`);
  step('shipment.get: packages 1-4 confirmed once each, dated by their scans; package 5 not');
}

async function main() {
  const t = {
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'ayni-web-phone-')),
    scans: {}, shots: [], console: [], problems: [],
  };
  t.profile = path.join(t.dir, 'profile');
  t.artefacts = process.env.AYNI_ARTEFACTS || path.join(t.dir, 'artefacts');
  fs.mkdirSync(t.artefacts, { recursive: true });
  for (const f of fs.readdirSync(t.artefacts).filter((n) => n.endsWith('.png')))
    fs.rmSync(path.join(t.artefacts, f)); // no screenshot of an earlier run left to mislead
  let ok = false, last = null;
  try {
    step(`working in ${t.dir}`);
    await setUp(t);
    step(`shipment ${t.shipment} dispatched, its labels made camera files; ayni-web at ${t.url}`);
    await scanOnline(t);
    for (const p of [2, 3, 4])
      await scanOffline(t, p);
    last = await scanOffline(t, 'forged');
    await syncAndCheck(t, last);
    check(t.problems.length === 0, t.problems.join('\n'));
    ok = true;
  } catch (e) {
    console.error(`test_web_phone: FAILED: ${e.stack || e}`);
    if (t.problems.length)
      console.error(t.problems.join('\n'));
    console.error(`the page said:\n  ${t.console.slice(-30).join('\n  ')}`);
    for (const d of [t.aynid, t.web])
      if (d)
        console.error(`${d.log}:\n${fs.readFileSync(d.log, 'utf8').slice(-3000)}`);
  } finally {
    await last?.browser.close().catch(() => {});
    await stop(t.web);
    await stop(t.aynid);
  }
  for (const f of t.shots)
    console.log(`screenshot: ${f}`);
  if (ok) {
    fs.rmSync(t.dir, { recursive: true, force: true, maxRetries: 3 });
    console.log(`test_web_phone: 1 passed, 0 failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.log(`test_web_phone: kept ${t.dir}\n0 passed, 1 failed`);
  }
  process.exit(ok ? 0 : 1);
}

const guard = setTimeout(() => {
  console.error('test_web_phone: FAILED: over 150 s');
  process.exit(1);
}, 150000);
guard.unref();
await main();
