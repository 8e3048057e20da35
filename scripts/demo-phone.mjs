// scripts/demo-phone.mjs: the demo's phone.  A delivery team's phone, the real app (web/app)
// in headless Chromium (tests/browser/phone.mjs), enrols from the QR of its enrolment
// sheet and confirms packages by holding its camera over their printed labels: for each
// label, the app judges the code, shows what arrived, the team taps «Llegó todo», and the
// app sends the delivery through ayni-web at once.  One line per package on standard
// output, in Spanish, as the app's queue screen words it.
//
//   node scripts/demo-phone.mjs --gateway URL --cert WEB.crt (--sheet ENROL.pdf | --enrol URL)
//        --work DIR --shots DIR [--tz ZONE] LABEL.png...
//   node scripts/demo-phone.mjs --check     whether Chromium and node_modules are there
//
// --cert is ayni-web's certificate (the phone trusts its key, as it does once the sheet's
// fingerprint is checked); --work holds the browser profile and the camera files; --shots
// gets a screenshot of each package's arrived screen and of the queue at the end; --tz is
// the zone of the phone's clock (a phone in Peru: America/Lima), else this process's.
// Chromium reads one fake-camera file per launch, so the phone is relaunched, with the
// same profile, for each label.  Exit 0 all confirmed, 1 something failed (said on
// standard error), 2 no Chromium or no node_modules.
import fs from 'node:fs';
import path from 'node:path';

import {
  browserMissing, cameraFile, check, confirmAll, enrol, gatewayCert, launch, open, openQueue,
  queueList, scan, sheetUrl, shot, verdictHint, waitSync, WAIT_MS,
} from '../tests/browser/phone.mjs';

const USAGE = 'uso: node scripts/demo-phone.mjs --gateway URL --cert WEB.crt ' +
              '(--sheet ENROL.pdf | --enrol URL) --work DIR --shots DIR [--tz ZONE] LABEL.png...';

function fail(why, code = 1) {
  console.error(`demo-phone: ${why}`);
  process.exit(code);
}

function parse(argv) {
  const o = { labels: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const key = { '--gateway': 'gateway', '--cert': 'cert', '--sheet': 'sheet', '--enrol': 'enrol',
                  '--work': 'work', '--shots': 'shots', '--tz': 'tz' }[a];
    if (key) {
      if (i + 1 >= argv.length)
        fail(`${a} necesita un valor\n${USAGE}`, 1);
      o[key] = argv[++i];
    } else if (a === '--check') {
      o.check = true;
    } else if (a.startsWith('--')) {
      fail(`opción desconocida ${a}\n${USAGE}`);
    } else {
      o.labels.push(a);
    }
  }
  if (o.check)
    return o;
  for (const k of ['gateway', 'cert', 'work', 'shots'])
    if (!o[k])
      fail(`falta --${k}\n${USAGE}`);
  if (!o.sheet === !o.enrol)
    fail(`da --sheet o --enrol, uno de los dos\n${USAGE}`);
  if (!o.labels.length)
    fail(`no hay fotos de etiquetas que escanear\n${USAGE}`);
  return o;
}

const o = parse(process.argv.slice(2));
const missing = await browserMissing();
if (missing)
  fail(`no se puede usar el teléfono / cannot run the phone: ${missing}`, 2);
if (o.check)
  process.exit(0);

const ph = {
  url: o.gateway.replace(/\/+$/, ''), profile: path.join(o.work, 'perfil'), artefacts: o.shots,
  timeZone: o.tz || null,
  shots: [], console: [], problems: [],
};
let current = null; // the browser open now, closed on any way out

async function closeBrowser() {
  const b = current;
  current = null;
  if (!b)
    return;
  const proc = b.browser.process();
  await Promise.race([b.browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  if (proc && proc.exitCode === null && proc.signalCode === null)
    proc.kill('SIGKILL');
}

// Stopped by the demo (its cleanup) or Ctrl-C: no Chromium left behind.
for (const sig of ['SIGTERM', 'SIGINT'])
  process.on(sig, () => closeBrowser().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143)));
const guard = setTimeout(() => {
  console.error('demo-phone: más de 90 s / over 90 s');
  closeBrowser().finally(() => process.exit(1));
}, 90000);
guard.unref();

// Open the app with the camera over one label; wait for its verdict; «Llegó todo»; the
// delivery sent.  The queue entry it made, as the app lists it.
async function deliver(y4m, label, enrolUrl) {
  current = await launch(ph, y4m);
  const { page } = current;
  if (enrolUrl)
    await enrol(page, enrolUrl);
  else
    await open(ph, page);
  const before = new Set((await queueList(page)).map((e) => e.scanId));
  const verdict = await scan(page);
  check(verdict === 'genuine', `${label}: el teléfono la leyó como '${verdict}', no auténtica` +
        verdictHint(verdict));
  const n = ph.shots.length + 1, arrived = await shot(ph, page, `${n}-llego`);
  await confirmAll(page);
  await openQueue(page);
  await page.waitForFunction((seen) => [...document.querySelectorAll('#queue-list li')]
    .some((li) => !seen.includes(li.dataset.scanId) && li.dataset.state !== 'queued'),
  { timeout: WAIT_MS }, [...before]);
  const entry = (await queueList(page)).find((e) => !before.has(e.scanId));
  check(entry.state === 'sent', `${label}: el núcleo no la aceptó: ${entry.text}`);
  // The screenshot named by what it shows, now that the app has said it.
  const named = path.join(ph.artefacts, `${n}-llego-${entry.shipment}-paquete-${entry.package}.png`);
  fs.renameSync(arrived, named);
  ph.shots[ph.shots.indexOf(arrived)] = named;
  return entry;
}

async function main() {
  fs.mkdirSync(o.work, { recursive: true });
  fs.mkdirSync(o.shots, { recursive: true });
  const cert = gatewayCert(o.cert);
  ph.spki = cert.spki;
  const enrolUrl = o.enrol || sheetUrl(o.sheet, o.work);
  check(enrolUrl.startsWith(`${ph.url}/#enrol=`) && enrolUrl.endsWith(`&fp=${cert.fp}`),
        `el QR de la hoja no lleva la dirección ${ph.url} y la huella ${cert.fp}: ${enrolUrl}`);
  const cams = o.labels.map((label, i) => {
    const y4m = path.join(o.work, `etiqueta-${i + 1}.y4m`);
    return { label, y4m, text: cameraFile(label, y4m) };
  });
  check(new Set(cams.map((c) => c.text)).size === cams.length, 'dos fotos muestran la misma etiqueta');

  let last = null;
  for (const [i, c] of cams.entries()) {
    const entry = await deliver(c.y4m, c.label, i === 0 ? enrolUrl : null);
    console.log(`✓ ${entry.text.replace(/^\S+ /, '')}`);
    last = entry;
    if (i < cams.length - 1)
      await closeBrowser();
  }
  const { page } = current;
  await waitSync(page, 'ok');
  const queue = await queueList(page);
  check(queue.length === cams.length && queue.every((e) => e.state === 'sent'),
        `la cola del teléfono termina así: ${JSON.stringify(queue)}`);
  await shot(ph, page, `${ph.shots.length + 1}-cola`);
  check(last && ph.problems.length === 0, ph.problems.join('\n'));
}

try {
  await main();
  await closeBrowser();
  process.exit(0);
} catch (e) {
  await closeBrowser();
  console.error(`demo-phone: falló / failed: ${e.message || e}`);
  if (ph.problems.length)
    console.error(ph.problems.join('\n'));
  console.error(`la página dijo / the page said:\n  ${ph.console.slice(-20).join('\n  ')}`);
  process.exit(1);
}
