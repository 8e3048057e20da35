// phone.mjs: a phone running the Ayni app (web/app) in headless Chromium, as the browser
// test (test_web_phone.mjs) and the demo (scripts/demo-phone.mjs) drive it: Debian's
// /usr/bin/chromium under puppeteer-core, a fake camera showing a printed label, the
// gateway's self-signed certificate trusted by its key, and the DOM contract C5 read to
// know what the app shows.
//
// A phone is a plain object the caller makes and keeps:
//   { url, spki, profile, artefacts, timeZone, shots: [], console: [], problems: [] }
// url the gateway (https://HOST:PORT), spki its key's SHA-256 (gatewayCert), profile the
// browser profile kept across launches (so the app, its storage and its queue survive a
// relaunch), artefacts where screenshots go, timeZone the zone of the phone's clock
// (optional: else this process's, TZ); shots, console and problems collect the
// screenshots taken, what the page logged, and what the page did wrong (a CSP violation,
// an uncaught error, offline a file from the network): a caller fails on any problem.
//
// Chromium reads one fake-camera file per launch: to show another code, close the
// browser and launch again with the same profile.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const CHROMIUM = process.env.AYNI_CHROMIUM || '/usr/bin/chromium';
export const WAIT_MS = 15000; // the longest any one wait may take

let puppeteer = null;
let jsQR = null;

// Load puppeteer-core and jsqr from node_modules: null when all is there, else what is
// missing and how to get it, in a sentence.
export async function browserMissing() {
  if (!fs.existsSync(CHROMIUM))
    return `no Chromium at ${CHROMIUM}: install Debian's chromium (scripts/setup does)`;
  try {
    puppeteer = (await import('puppeteer-core')).default;
    jsQR = (await import('jsqr')).default;
  } catch (e) {
    return `node_modules lacks puppeteer-core or jsqr (${e.code || e.message}): run scripts/setup ` +
           '(npm ci), or link node_modules into the work tree';
  }
  return null;
}

export function check(ok, what) {
  if (!ok)
    throw new Error(what);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Run a program to its end: its standard output; a failure throws with what it said.
export function run(argv, { input, env } = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { input, env: env || process.env, maxBuffer: 64 << 20,
                                               timeout: WAIT_MS });
  if (r.error || r.status !== 0)
    throw new Error(`'${argv.join(' ')}' failed (${r.error?.message || `exit ${r.status}`}): ` +
                    `${r.stderr}${r.stdout}`.slice(0, 2000));
  return r.stdout;
}

// ---- images: PGM or PNG in, the fake camera's .y4m out ----

function readPgm(file, b) {
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

// The byte before x in the row (a, left), above it (b) and above left (c): PNG's Paeth.
function paeth(a, b, c) {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// A PNG as pdftoppm writes it (8 bits a sample; grey, RGB or RGBA; not interlaced) in grey.
function readPng(file, b) {
  check(b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])), `${file} is not a PNG`);
  let pos = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const data = [];
  while (pos + 8 <= b.length) {
    const len = b.readUInt32BE(pos), kind = b.toString('latin1', pos + 4, pos + 8);
    const body = b.subarray(pos + 8, pos + 8 + len);
    if (kind === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      [depth, type] = [body[8], body[9]];
      interlace = body[12];
    } else if (kind === 'IDAT') {
      data.push(body);
    } else if (kind === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  check(depth === 8 && channels && !interlace,
        `${file}: only 8-bit grey, RGB or RGBA PNGs without interlacing are read here`);
  const raw = zlib.inflateSync(Buffer.concat(data));
  const stride = width * channels;
  check(raw.length === height * (stride + 1), `${file}: its image data is cut short`);
  const gray = new Uint8Array(width * height);
  let prev = new Uint8Array(stride), row = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels] : 0, up = prev[i], c = i >= channels ? prev[i - channels] : 0;
      const pred = [0, a, up, (a + up) >> 1, paeth(a, up, c)][filter];
      check(pred !== undefined, `${file}: row ${y} has an unknown filter ${filter}`);
      row[i] = (line[i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const p = row.subarray(x * channels, x * channels + channels);
      gray[y * width + x] = channels >= 3 ? Math.round(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) : p[0];
    }
    [prev, row] = [row, prev];
  }
  return { width, height, gray };
}

// A picture file (binary PGM, or PNG as pdftoppm makes them) as {width, height, gray}.
export function readImage(file) {
  const b = fs.readFileSync(file);
  return b[0] === 0x50 ? readPgm(file, b) : readPng(file, b);
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
export function findQr(img) {
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

// A .y4m of the QR code in the picture file (PGM or PNG), checked to read back: the
// code's text, which must be text when that is given.
export function cameraFile(imageFile, y4mFile, text = null) {
  const img = readImage(imageFile);
  const qr = findQr(img);
  check(qr && (text === null || qr.text === text),
        text === null ? `no QR code in ${imageFile}` : `no QR code reading '${text}' in ${imageFile}`);
  const y = frameOf(img, qr.box);
  const back = jsQR(rgba({ width: FRAME_W, height: FRAME_H, gray: y }), FRAME_W, FRAME_H);
  check(back?.data === qr.text, `the camera frame made of ${imageFile} does not read back`);
  writeY4m(y4mFile, y);
  return qr.text;
}

// ---- the gateway ----

// The gateway's certificate (PEM file): fp its SHA-256 as the enrolment sheet prints it
// (64 upper-case hex digits), colons as ayni-web's ready line gives it, spki the SHA-256
// of its public key in base64 (what Chromium is told to trust).
export function gatewayCert(pemFile) {
  const cert = new crypto.X509Certificate(fs.readFileSync(pemFile));
  return {
    fp: cert.fingerprint256.replaceAll(':', ''),
    colons: cert.fingerprint256,
    spki: crypto.createHash('sha256')
      .update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'),
  };
}

// The URL in the QR code of an enrolment sheet (contract C1), as a phone's camera reads
// it off the paper: page 1 rendered with pdftoppm, read with zbarimg; work is a folder
// for the picture.
export function sheetUrl(pdf, work) {
  const base = path.join(work, `${path.basename(pdf, '.pdf')}-qr`);
  run(['pdftoppm', '-png', '-r', '150', '-f', '1', '-l', '1', pdf, base]);
  const png = fs.readdirSync(work).find((f) => f.startsWith(path.basename(base)) && f.endsWith('.png'));
  check(png, `pdftoppm made no page of ${pdf}`);
  return run(['zbarimg', '-q', '--raw', path.join(work, png)]).toString().trim();
}

// ---- the browser ----

// Chromium with the phone's profile, its fake camera showing y4m, trusting the
// gateway's self-signed certificate by its key (as a phone trusts it after enrolment);
// offline from the start when asked (setOffline).  {browser, page, offline, workers}.
export async function launch(ph, y4m, offline = false) {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: ph.timeZone ? { ...process.env, TZ: ph.timeZone } : process.env,
    userDataDir: ph.profile,
    args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${ph.spki}`,
           '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
           `--use-file-for-fake-video-capture=${y4m}`, '--lang=es-PE', '--accept-lang=es-PE,es',
           '--window-size=360,740'],
    defaultViewport: { width: 360, height: 740, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  });
  const page = (await browser.pages())[0] || await browser.newPage();
  page.on('console', (m) => {
    ph.console.push(`${m.type()}: ${m.text()}`);
    if (/Content.Security.Policy|Refused to/i.test(m.text()))
      ph.problems.push(`the page broke the CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => ph.problems.push(`the page threw: ${e.message}`));
  const b = { browser, page, offline, workers: [] };
  // While offline, every file of the app must come from the service worker's cache.
  page.on('response', (r) => {
    if (b.offline && r.url().startsWith(ph.url) && !r.fromServiceWorker())
      ph.problems.push(`offline, ${r.url()} came from the network`);
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

export async function setOffline(b, offline) {
  b.offline = offline;
  await b.page.setOfflineMode(offline);
  for (const s of b.workers)
    await s.send('Network.emulateNetworkConditions', conditions(offline));
}

export async function screen(page, name) {
  await page.waitForFunction((n) => document.body.dataset.screen === n, { timeout: WAIT_MS }, name);
}

export async function ready(page) {
  await page.waitForSelector('body[data-ready="1"]', { timeout: WAIT_MS });
}

export async function waitSync(page, state) {
  await page.waitForFunction((s) => document.querySelector('#status')?.dataset.sync === s,
                             { timeout: WAIT_MS }, state);
}

export async function shot(ph, page, name) {
  const file = path.join(ph.artefacts, `${name}.png`);
  await page.screenshot({ path: file });
  ph.shots.push(file);
  return file;
}

// Open the enrolment URL (the sheet's QR): the app enrols by itself, syncs and shows the
// scan screen, its service worker installed (the app's files cached) and in control, so
// that the next launch opens with no network.
export async function enrol(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: WAIT_MS });
}

// Open the app of a phone enrolled already.
export async function open(ph, page) {
  await page.goto(`${ph.url}/`, { waitUntil: 'load' });
  await ready(page);
}

// Let the camera (showing one code) read: the verdict shown, the arrived screen open when
// the code is genuine.
export async function scan(page) {
  await screen(page, 'scan');
  await page.waitForFunction(() => {
    const v = document.querySelector('#scan-result')?.dataset.verdict;
    return document.body.dataset.screen === 'arrived' || (v && v !== 'queued' && v !== 'confirmed');
  }, { timeout: WAIT_MS });
  return page.$eval('#scan-result', (e) => e.dataset.verdict);
}

// What a genuine verdict that is not genuine means, for an error message.
export function verdictHint(verdict) {
  return verdict === 'unknown' ? ': the phone did not get its team\'s manifests (shipment.list ' +
                                 'with team and detail, contract C2)' : '';
}

// On the arrived screen: "Llegó todo"; back on the scan screen once it is stored.
export async function confirmAll(page) {
  await screen(page, 'arrived');
  await page.click('#confirm-all');
  await page.waitForFunction(() => document.body.dataset.screen !== 'arrived', { timeout: WAIT_MS });
}

// On the arrived screen: line `line` received `received`, for a reason (a value of its
// select; the first that there is when null).  The reason chosen.  Call confirmLines next
// (a screenshot may come between).
export async function enterShortfall(page, line, received, reason = null) {
  await screen(page, 'arrived');
  const row = `[data-line="${line}"]`;
  await page.waitForSelector(`${row} input.received`, { timeout: WAIT_MS });
  const chosen = await page.$eval(`${row} select.reason`, (s, want) =>
    [...s.options].map((o) => o.value).find((v) => v === want) ||
    [...s.options].map((o) => o.value).find((v) => v), reason);
  check(chosen, `line ${line} has no reason to choose`);
  await page.$eval(`${row} input.received`, (i, n) => {
    i.value = String(n);
    i.dispatchEvent(new Event('input', { bubbles: true }));
    i.dispatchEvent(new Event('change', { bubbles: true }));
  }, received);
  await page.select(`${row} select.reason`, chosen);
  await page.$eval(row, (e) => e.scrollIntoView({ block: 'center' }));
  return chosen;
}

export async function confirmLines(page) {
  await page.click('#confirm-lines');
  await page.waitForFunction(() => document.body.dataset.screen !== 'arrived', { timeout: WAIT_MS });
}

export async function openQueue(page) {
  await page.click('#nav-queue');
  await screen(page, 'queue');
}

// The queue as the page lists it: [{scanId, state, shipment, package, text}], text what
// the entry says, its paragraphs joined by " · ".
export async function queueList(page) {
  return page.$$eval('#queue-list li', (lis) => lis.map((li) => ({
    scanId: li.dataset.scanId, state: li.dataset.state, shipment: li.dataset.shipment,
    package: Number(li.dataset.package),
    text: [...li.querySelectorAll('p')].map((p) => p.textContent.trim()).join(' · ') })));
}

// Sync now (the queue screen's button), and wait until every entry is sent or refused.
export async function syncNow(page) {
  await page.click('#sync-now');
  await page.waitForFunction(() => {
    const lis = [...document.querySelectorAll('#queue-list li')];
    return lis.every((li) => li.dataset.state !== 'queued') &&
           document.querySelector('#status')?.dataset.sync !== 'syncing';
  }, { timeout: WAIT_MS });
}

// Whether a request to the API can leave the page (it must not while offline).
export async function apiReachable(page) {
  return page.evaluate(() => fetch('/api/v1/server.info', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    .then(() => true, () => false));
}
