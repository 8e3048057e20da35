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
// same profile for each code: that also proves that a closed app loses nothing.  The
// browser, the camera files and the DOM contract are phone.mjs's, which the demo's phone
// (scripts/demo-phone.mjs) uses too.
//
// Screenshots at 360 x 740 go to $AYNI_ARTEFACTS (else the temporary folder).  Exit 0
// passed, 1 failed, 77 skipped (no Chromium, or no puppeteer-core in node_modules).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  WAIT_MS, apiReachable, browserMissing, cameraFile, check, confirmAll, confirmLines, enrol,
  enterShortfall, findQr, gatewayCert, launch, open, openQueue, queueList, readImage, ready, run,
  scan, screen, setOffline, sheetUrl, shot, sleep, verdictHint, waitSync,
} from './phone.mjs';
import { daemon, deadline, finish, freePort, need, stop } from './procs.mjs';

const SKIP = 77;
const SYNC_GAP_MS = 2500; // the sync comes at least this long after the last scan
const TEAM = 'Equipo Web';
const started = Date.now();

function skip(why) {
  console.log(`test_web_phone: SKIP: ${why}`);
  process.exit(SKIP);
}

const missing = await browserMissing();
if (missing)
  skip(missing);

function step(what) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
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
    const qr = findQr(readImage(`${t.dir}/${f}`));
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
  const cert = gatewayCert(`${t.dir}/web/web.crt`);
  check(t.web.text.includes(`sha256=${cert.colons}`), 'ayni-web printed another fingerprint');
  t.fp = cert.fp;
  t.spki = cert.spki;
}

// The enrolment URL of a new phone of the team (contract C1), as its camera reads it off
// the enrolment sheet that ayni-warehouse prints.
function enrolUrl(t, name) {
  t.wh('device', 'add', name, '--role', 'scanner', '--phone', '--team', TEAM, '--gateway', t.url,
       '-o', `${t.dir}/enrol.pdf`);
  return sheetUrl(`${t.dir}/enrol.pdf`, t.dir);
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
    await enrol(page, url);
    const verdict = await scan(page);
    check(verdict === 'genuine', `label 1 read as '${verdict}', not genuine${verdictHint(verdict)}`);
    await screen(page, 'arrived');
    const after = Date.now();
    const reason = await enterShortfall(page, 1, 8, 'damaged');
    await shot(t, page, 'arrived-shortfall');
    await confirmLines(page);
    await openQueue(page);
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
    await open(t, page);
    check(!(await apiReachable(page)), 'the API answered a page that is offline');
    await waitSync(page, 'offline');
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
    await confirmAll(page);
    await openQueue(page);
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
  await openQueue(page);
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
  await waitSync(page, 'ok');
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
  finish('test_web_phone', t, ok, started);
}

deadline('test_web_phone', 150000);
await main();
