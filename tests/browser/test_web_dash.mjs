// test_web_dash.mjs: the live dashboard in a real browser (issue 17): headless Chromium
// (/usr/bin/chromium) driven by puppeteer-core, a real aynid (--insecure, loopback) with
// the demo's data set, and a real ayni-web serving the built app (web/app).
//
//   1. A coordinator's browser enrols as a reader from its link (index.html#enrol=…,
//      device.enrol_code role reader) and is sent to dash.html: the panorama at 1280 x 800.
//   2. Stock received with ayni-warehouse, and a package confirmed by a scanner phone
//      through the gateway's API (the phone app's own calls): the figures on the page
//      ([data-figure]) change to the right numbers with no reload.
//   3. The page put offline (DevTools network emulation): stock received and a package
//      confirmed meanwhile are not on it; back online, it catches up from the last seq it
//      had: the feed holds exactly the missed events (data-seq), none twice, and the
//      figures are right.
//   4. ayni-web stopped, stock received, ayni-web started again: the page's ticket is of
//      the old run, so it gets a new one and resumes from its last seq, again exactly.
//   5. A donor's share link (when this aynid has them): that donor's view only; an
//      altered link refused.
//   6. Every page (panorama, map, shipment, donor, and dash.html with no secret) shot at
//      1280 x 800 and 360 x 740 into $AYNI_ARTEFACTS; what each shows checked.
// Exit 0 passed, 1 failed, 77 skipped (no Chromium, or no puppeteer-core in node_modules).
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import { CHROMIUM, WAIT_MS, browserMissing, check, gatewayCert, run, sleep } from './phone.mjs';
import { daemon, deadline, finish, freePort, need, stop } from './procs.mjs';

const SKIP = 77;
const TEAM = 'Equipo Web';
const started = Date.now();

const missing = await browserMissing();
if (missing) {
  console.log(`test_web_dash: SKIP: ${missing}`);
  process.exit(SKIP);
}
const puppeteer = (await import('puppeteer-core')).default;

function step(what) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
}

// One op straight to aynid (phone_helper: node has no ZeroMQ here).
function core(t, op, args = {}) {
  return JSON.parse(run([need('AYNI_PHONE_HELPER'), 'call', t.api, op, JSON.stringify(args)]));
}

// POST /api/v1/OP to the gateway as the phone app does, trusting its certificate.
function gateway(t, op, args, bearer) {
  const body = JSON.stringify({ args });
  return new Promise((resolve, reject) => {
    const u = new URL(`${t.url}/api/v1/${op}`);
    const req = https.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', ca: t.cert,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body),
                 ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, ...JSON.parse(text) });
        } catch (e) {
          reject(new Error(`${op}: ${res.statusCode} ${text.slice(0, 300)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function gatewayOk(t, op, args, bearer) {
  const r = await gateway(t, op, args, bearer);
  check(r.ok, `${op} through the gateway failed: ${r.status} ${JSON.stringify(r.error)}`);
  return r.result;
}

// ---- the ledger ----

async function setUp(t) {
  t.api = `ipc://${t.dir}/api`;
  t.events = `ipc://${t.dir}/events`;
  t.aynid = await daemon('aynid', [need('AYNID'), '--insecure', '--db', `${t.dir}/ayni.db`,
                                   '--keys', `${t.dir}/keys`, '--api', t.api, '--events', t.events],
                         t.dir);
  const src = need('AYNI_SOURCE_DIR');
  t.wh = (...args) => run([need('AYNI_WAREHOUSE'), '--api', t.api, '--events', t.events, ...args],
                          { env: { ...process.env, AYNI_LANG: 'en' } }).toString();
  for (const what of ['items', 'locations', 'donors', 'receipts'])
    t.wh('import', what, `${src}/data/${what}.csv`);
  const code = t.wh('shipment', 'new', '--from', 'ALM-LIMA-SJL', '--to', 'COM-HCO-SANTA-ROSA',
                    '--team', TEAM).trim().split('\n').pop();
  check(/^ENV-\d{4}-\d{6}$/.test(code), `shipment new printed no code: ${code}`);
  t.wh('shipment', 'add', code, '--item', 'HYGIENE-KIT', '--qty', '40', '--packages', '4');
  t.wh('shipment', 'dispatch', code);
  t.shipment = code;
  t.tokens = JSON.parse(t.wh('--json', 'shipment', 'show', code)).packages.map((p) => p.token);

  const port = await freePort();
  const app = need('AYNI_WEB_APP');
  check(fs.existsSync(`${app}/dash.html`), `no dash.html in ${app}: build the target ayni_web_app`);
  t.url = `https://127.0.0.1:${port}`;
  t.webArgv = [need('AYNI_WEB'), '--listen', t.url, '--state', `${t.dir}/web`, '--api', t.api,
               '--app', app];
  t.web = await daemon('ayni-web', t.webArgv, t.dir);
  const cert = gatewayCert(`${t.dir}/web/web.crt`);
  t.cert = fs.readFileSync(`${t.dir}/web/web.crt`);
  t.fp = cert.fp;
  t.spki = cert.spki;

  // A scanner phone of the team, enrolled through the gateway as the app does.
  const phone = core(t, 'device.enrol_code', { name: 'phone-1', role: 'scanner', team: TEAM });
  const enrolled = await gatewayOk(t, 'device.enrol', { code: phone.code });
  t.phone = `${enrolled.name}:${enrolled.secret}`;
}

// Package n of the shipment confirmed by the phone through the gateway: "Llegó todo".
async function confirm(t, n) {
  await gatewayOk(t, 'delivery.confirm', {
    token: t.tokens[n - 1], scan_id: `dash-test-${n}-${Date.now()}`,
    device_time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  }, t.phone);
}

const head = (t) => core(t, 'server.info').events.head;

// ---- the page ----

async function launch(t) {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true, userDataDir: path.join(t.dir, 'profile'),
    args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${t.spki}`, '--lang=es-PE',
           '--accept-lang=es-PE,es', '--window-size=1280,800'],
    defaultViewport: { width: 1280, height: 800, deviceScaleFactor: 1 },
  });
  t.browser = browser;
  return browser;
}

function watch(t, page) {
  page.on('console', (m) => {
    t.console.push(`${m.type()}: ${m.text()}`);
    if (/Content.Security.Policy|Refused to/i.test(m.text()))
      t.problems.push(`the page broke the CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => t.problems.push(`the page threw: ${e.message}`));
}

async function figures(page) {
  return page.$$eval('[data-figure]', (es) => Object.fromEntries(es.map((e) => [e.dataset.figure, e.textContent])));
}

async function figureIs(page, name, value, what) {
  try {
    await page.waitForFunction((n, v) => document.querySelector(`[data-figure="${n}"]`)?.textContent === String(v),
                               { timeout: WAIT_MS }, name, value);
  } catch {
    const now = await figures(page);
    throw new Error(`${what}: ${name} shows ${now[name]}, not ${value}`);
  }
}

// A figure's number as the page writes it (es-PE groups thousands: none here).
const n = (text) => Number(String(text).replace(/[^\d-]/g, ''));

async function feedSeqs(page) {
  return page.$$eval('#events li[data-seq]', (lis) => lis.map((li) => Number(li.dataset.seq)));
}

async function shot(t, page, name) {
  for (const [w, h] of [[1280, 800], [360, 740]]) {
    await page.setViewport({ width: w, height: h, deviceScaleFactor: 1 });
    await sleep(250); // the chart follows the width
    const file = path.join(t.artefacts, `${name}-${w}x${h}.png`);
    await page.screenshot({ path: file });
    t.shots.push(file);
  }
  await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
}

async function go(page, hash, pageName) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((p) => document.body.dataset.page === p, { timeout: WAIT_MS }, pageName);
}

async function enrolReader(t, page) {
  const { code } = core(t, 'device.enrol_code', { name: 'laptop-1', role: 'reader' });
  await page.goto(`${t.url}/#enrol=${code}&fp=${t.fp}`, { waitUntil: 'load' });
  await page.waitForFunction(() => location.pathname.endsWith('/dash.html') &&
                             document.body.dataset.ready === '1', { timeout: WAIT_MS });
  check(await page.$eval('body', (b) => b.dataset.page) === 'panorama',
        `the reader was sent to ${await page.$eval('body', (b) => b.dataset.page)}, not the panorama`);
  await page.waitForSelector('#live[data-state="live"]', { timeout: WAIT_MS });
  await page.waitForFunction((h) => Number(document.body.dataset.seq) === h, { timeout: WAIT_MS }, head(t));
  step(`a reader enrolled from its link and sent to the panorama, live at seq ${head(t)}`);
}

async function liveFigures(t, page) {
  await page.evaluate(() => { window.__sameDocument = true; }); // gone if the page reloads
  const before = await figures(page);
  t.wh('receive', '--at', 'ALM-LIMA-SJL', '--donor', 'CARE-PE', '--item', 'HYGIENE-KIT',
       '--qty', '25', '--lot', 'DASH-TEST-1');
  await figureIs(page, 'stock-total', n(before['stock-total']) + 25, 'after receiving 25 kits');
  await confirm(t, 1);
  await figureIs(page, 'deliveries-today-packages', n(before['deliveries-today-packages']) + 1,
                 'after a package was confirmed');
  // the shipment was dispatched already: still on the road, one package of four delivered
  await figureIs(page, 'on-road', n(before['on-road']), 'after the first package');
  await figureIs(page, 'stock-total', n(before['stock-total']) + 25, 'after the first package');
  check(await page.evaluate(() => window.__sameDocument === true), 'the page reloaded');
  const p = core(t, 'dashboard.panorama');
  const now = await figures(page);
  check(n(now['deliveries-month-packages']) === p.deliveries.month.packages &&
        n(now['discrepancies-open']) === p.discrepancies.open &&
        n(now['on-road']) === p.on_road.length,
        `the page shows ${JSON.stringify(now)}, the core ${JSON.stringify(p.deliveries.month)}`);
  step(`figures changed with no reload: stock ${before['stock-total']} -> ${now['stock-total']}, ` +
       `today ${before['deliveries-today-packages']} -> ${now['deliveries-today-packages']} packages`);
  t.figures = now;
}

async function offlineAndBack(t, page) {
  await page.waitForFunction((h) => Number(document.body.dataset.seq) === h, { timeout: WAIT_MS }, head(t));
  const seen = new Set(await feedSeqs(page));
  const from = head(t);
  await page.setOfflineMode(true);
  await page.waitForSelector('#live[data-state="offline"]', { timeout: WAIT_MS });
  t.wh('receive', '--at', 'ALM-LIMA-SJL', '--donor', 'CARE-PE', '--item', 'HYGIENE-KIT',
       '--qty', '10', '--lot', 'DASH-TEST-2');
  await confirm(t, 2);
  await sleep(1500); // time for an event to arrive, if anything still carried them
  const to = head(t);
  check(to > from, 'nothing happened while offline');
  const stale = await figures(page);
  check(stale['stock-total'] === t.figures['stock-total'] &&
        Number(await page.$eval('body', (b) => b.dataset.seq)) === from,
        `offline, the page moved on: ${JSON.stringify(stale)}`);
  await shot(t, page, 'panorama-offline');
  step(`offline: seq ${from + 1}-${to} happened without the page`);

  await page.setOfflineMode(false);
  await page.waitForFunction((h) => Number(document.body.dataset.seq) === h, { timeout: WAIT_MS }, to);
  await page.waitForSelector('#live[data-state="live"]', { timeout: WAIT_MS });
  const seqs = await feedSeqs(page);
  check(new Set(seqs).size === seqs.length, `the feed shows an event twice: ${seqs}`);
  const missed = seqs.filter((s) => !seen.has(s)).sort((a, b) => a - b);
  const want = Array.from({ length: to - from }, (_, i) => from + 1 + i);
  check(JSON.stringify(missed) === JSON.stringify(want),
        `after coming back the feed added seqs ${missed}, not ${want}`);
  check(JSON.stringify(seqs) === JSON.stringify([...seqs].sort((a, b) => b - a)),
        `the feed is not newest first: ${seqs}`);
  await figureIs(page, 'stock-total', n(t.figures['stock-total']) + 10, 'after catching up');
  await figureIs(page, 'deliveries-today-packages', n(t.figures['deliveries-today-packages']) + 1,
                 'after catching up');
  step(`back online: caught up seq ${want[0]}-${to} exactly once each, figures right`);
}

// The gateway stopped and started again (a new run: the page's ticket no longer opens
// anything): the page gets a new ticket and resumes from the last seq it had.
async function gatewayRestart(t, page) {
  const from = head(t);
  const seen = new Set(await feedSeqs(page));
  const before = n((await figures(page))['stock-total']);
  await stop(t.web);
  await page.waitForSelector('#live[data-state="offline"]', { timeout: WAIT_MS });
  t.wh('receive', '--at', 'ALM-LIMA-SJL', '--donor', 'CARE-PE', '--item', 'HYGIENE-KIT',
       '--qty', '5', '--lot', 'DASH-TEST-3');
  t.wh('receive', '--at', 'ALM-LIMA-COMAS', '--donor', 'CARE-PE', '--item', 'HYGIENE-KIT',
       '--qty', '7', '--lot', 'DASH-TEST-4');
  const to = head(t);
  t.web = await daemon('ayni-web', t.webArgv, t.dir);
  await page.waitForFunction((h) => Number(document.body.dataset.seq) === h, { timeout: WAIT_MS }, to);
  await page.waitForSelector('#live[data-state="live"]', { timeout: WAIT_MS });
  const seqs = await feedSeqs(page);
  check(new Set(seqs).size === seqs.length, `after the restart the feed shows an event twice: ${seqs}`);
  const missed = seqs.filter((s) => !seen.has(s)).sort((a, b) => a - b);
  const want = Array.from({ length: to - from }, (_, i) => from + 1 + i);
  check(JSON.stringify(missed) === JSON.stringify(want),
        `after the gateway's restart the feed added seqs ${missed}, not ${want}`);
  await figureIs(page, 'stock-total', before + 12, 'after the gateway restarted');
  step(`ayni-web restarted: the page resumed with a new ticket, seq ${want[0]}-${to} once each`);
}

async function pages(t, page) {
  await shot(t, page, 'panorama');
  await go(page, '#/mapa', 'map');
  await page.waitForSelector('#region-table tr[data-region="Huánuco"]', { timeout: WAIT_MS });
  await page.waitForSelector('#map-svg g.region[data-region="Huánuco"]:not(.q0):not(.none)', { timeout: WAIT_MS });
  const hu = await page.$eval('#map-svg g.region[data-region="Huánuco"] text.count', (e) => e.textContent);
  const regions = core(t, 'dashboard.regions');
  const want = regions.regions.find((r) => r.region === 'Huánuco');
  check(Number(hu) === want.packages, `the map shows ${hu} packages in Huánuco, the core ${want.packages}`);
  // behind the district's figures, the shipment, and behind it its packages' scans
  await page.click(`#region-table a[href="#/envio/${t.shipment}"]`);
  await page.waitForFunction(() => document.body.dataset.page === 'shipment', { timeout: WAIT_MS });
  await go(page, '#/mapa', 'map');
  await shot(t, page, 'map');

  await go(page, `#/envio/${t.shipment}`, 'shipment');
  await page.waitForSelector('#ship-packages tr[data-package="2"][data-delivered="1"]', { timeout: WAIT_MS });
  const pkg = await page.$eval('#ship-packages tr[data-package="1"]', (tr) => tr.textContent);
  check(pkg.includes('phone-1') && pkg.includes(TEAM), `package 1's row says ${pkg}`);
  check(await page.$('#ship-packages tr[data-package="3"][data-delivered="0"]'), 'package 3 shows delivered');
  // "Descargar guía (PDF)": the page fetches the slip with its own header
  const slip = page.waitForResponse((r) => r.url().includes('/api/v1/shipment.slip.pdf'), { timeout: WAIT_MS });
  await page.click('#ship-pdf');
  const reply = await slip;
  check(reply.status() === 200 && reply.headers()['content-type'] === 'application/pdf',
        `the slip's download answered ${reply.status()} ${reply.headers()['content-type']}`);
  check((await page.$eval('#ship-pdf-message', (e) => e.textContent)) === '', 'the page says the download failed');
  await shot(t, page, 'shipment');

  // The shipment's lot is Softys's (first expiry first out): its view has the deliveries.
  const lot = core(t, 'shipment.get', { shipment: t.shipment }).lines[0].lots[0];
  t.donor = lot.donor;
  await go(page, `#/donante/${lot.donor}`, 'donor');
  await page.waitForFunction(() => document.querySelectorAll('#donor-table tbody tr').length > 0 &&
                             !document.querySelector('#donor-table td.fine'), { timeout: WAIT_MS });
  const report = page.waitForResponse((r) => r.url().includes('/api/v1/report.donor.pdf'), { timeout: WAIT_MS });
  await page.click('#donor-pdf');
  check((await report).status() === 200, `the donor report's download answered ${(await report).status()}`);
  const row = await page.$eval('#donor-table tbody tr', (tr) => [...tr.cells].map((c) => c.textContent));
  check(row[1] === 'Comunidad Santa Rosa' && row[3] === '20' && row[4] === t.shipment,
        `the donor's view shows ${JSON.stringify(row)}`);
  await shot(t, page, 'donor');

  // A browser with no secret is told how to enrol.
  const context = await t.browser.createBrowserContext();
  const fresh = await context.newPage();
  watch(t, fresh);
  await fresh.goto(`${t.url}/dash.html`, { waitUntil: 'load' });
  await fresh.waitForFunction(() => document.body.dataset.ready === '1' && document.body.dataset.page === 'enrol',
                              { timeout: WAIT_MS });
  await shot(t, fresh, 'enrol');
  // and in English, when the browser prefers it
  await fresh.evaluateOnNewDocument(() => Object.defineProperty(navigator, 'languages', { get: () => ['en-GB', 'en'] }));
  await fresh.reload({ waitUntil: 'load' });
  await fresh.waitForFunction(() => document.body.dataset.ready === '1', { timeout: WAIT_MS });
  const title = await fresh.$eval('#enrol-title', (e) => e.textContent);
  check(title === 'This browser is not enrolled' && await fresh.$eval('html', (e) => e.lang) === 'en',
        `in English the enrol page says '${title}'`);
  await shot(t, fresh, 'enrol-en');
  await context.close();
  step('every page drawn and shot at 1280 x 800 and 360 x 740');
}

// A donor's share link (contract D3): that donor's view only, for its period; an altered
// link refused.  Run when this aynid has share links (share.create); said when not.
async function shareLink(t, donor) {
  let made;
  try {
    const today = core(t, 'dashboard.panorama').today;
    made = core(t, 'share.create', { donor, from: `${today.slice(0, 8)}01`, to: today });
  } catch (e) {
    if (!/unknown_op/.test(String(e.message)))
      throw e;
    step('share links: this aynid has no share.create: the share page is not tested');
    return;
  }
  const context = await t.browser.createBrowserContext();
  try {
    const page = await context.newPage();
    watch(t, page);
    await page.goto(`${t.url}/dash.html#share=${made.token}`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.ready === '1', { timeout: WAIT_MS });
    const shown = await page.evaluate(() => ({
      page: document.body.dataset.page, title: document.querySelector('#donor-title').textContent,
      nav: document.querySelector('#dnav').hidden, form: document.querySelector('#donor-form').hidden,
      rows: document.querySelectorAll('#donor-table tbody tr:not(:has(td.fine))').length }));
    check(shown.page === 'donor' && shown.nav && shown.form && shown.rows > 0,
          `the share link shows ${JSON.stringify(shown)}`);
    const report = page.waitForResponse((r) => r.url().includes('/api/v1/report.donor.pdf'), { timeout: WAIT_MS });
    await page.click('#donor-pdf');
    check((await report).status() === 200, `a share link's report download answered ${(await report).status()}`);
    await shot(t, page, 'share');
    const altered = made.token.slice(0, -3) + (made.token.endsWith('AAA') ? 'BBB' : 'AAA');
    await page.goto(`${t.url}/dash.html#share=${altered}`, { waitUntil: 'load' });
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.ready === '1' &&
                               document.body.dataset.page === 'denied', { timeout: WAIT_MS });
    step('a share link shows its donor only; an altered one is refused');
  } finally {
    await context.close();
  }
}

async function main() {
  const t = { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'ayni-web-dash-')), shots: [], console: [], problems: [] };
  t.artefacts = process.env.AYNI_ARTEFACTS || path.join(t.dir, 'artefacts');
  fs.mkdirSync(t.artefacts, { recursive: true });
  for (const f of fs.readdirSync(t.artefacts).filter((x) => x.endsWith('.png')))
    fs.rmSync(path.join(t.artefacts, f));
  let ok = false;
  try {
    step(`working in ${t.dir}`);
    await setUp(t);
    step(`shipment ${t.shipment} dispatched; ayni-web at ${t.url}`);
    const browser = await launch(t);
    const page = (await browser.pages())[0] || await browser.newPage();
    watch(t, page);
    await enrolReader(t, page);
    await liveFigures(t, page);
    await offlineAndBack(t, page);
    await gatewayRestart(t, page);
    await pages(t, page);
    await shareLink(t, t.donor);
    check(t.problems.length === 0, t.problems.join('\n'));
    ok = true;
  } catch (e) {
    console.error(`test_web_dash: FAILED: ${e.stack || e}`);
    if (t.problems.length)
      console.error(t.problems.join('\n'));
    console.error(`the page said:\n  ${t.console.slice(-30).join('\n  ')}`);
    for (const d of [t.aynid, t.web])
      if (d)
        console.error(`${d.log}:\n${fs.readFileSync(d.log, 'utf8').slice(-3000)}`);
  } finally {
    await t.browser?.close().catch(() => {});
    await stop(t.web);
    await stop(t.aynid);
  }
  finish('test_web_dash', t, ok, started);
}

deadline('test_web_dash', 150000);
await main();
