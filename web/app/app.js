// app.js: the phone app's entry: opens storage, registers the service worker (so the
// app opens with no signal), picks the language, and wires the screens to the sync.
// What it must not do: send a code the phone has not verified, or lose a queued scan.
import { createApi } from './api.js';
import { $, applyTexts, setStatus, showResult } from './dom.js';
import { formatWhen, language, pickLanguage, setLanguage, setTimeZone, t } from './i18n.js';
import { browserLock, createSync } from './queue.js';
import { createArrived } from './screen-arrived.js';
import { createEnrol, enrolFragment, groupFingerprint } from './screen-enrol.js';
import { createQueueScreen } from './screen-queue.js';
import { createScan } from './screen-scan.js';
import { createVerify } from './screen-verify.js';
import { openStore } from './store.js';

let settings = {};

function statusText(r) {
  const message = r.message || '';
  switch (r.state) {
  case 'syncing': case 'busy':
    return ['syncing', t('sync.syncing')];
  case 'ok':
    return ['ok', t('sync.ok_counts', { when: formatWhen(r.at), sent: r.sent ?? 0, queued: r.queued ?? 0 })];
  case 'offline':
    return ['offline', r.queued ? t('sync.offline_queued', { queued: r.queued }) : t('sync.offline')];
  case 'error': {
    const why = r.reason === 'key_mismatch' ? t('sync.key_mismatch')
              : r.reason === 'forbidden' ? t('sync.forbidden', { message })
              : r.reason === 'server_busy' ? t('sync.server_busy', { message }) : message;
    return ['error', t('sync.error', { message: why })];
  }
  default:
    return ['idle', r.reason === 'not_enrolled' ? t('sync.not_enrolled') : t('sync.idle')];
  }
}

async function registerWorker() {
  if (!('serviceWorker' in navigator))
    return;
  try {
    await navigator.serviceWorker.register('sw.js', { scope: '/' });
  } catch (e) {
    console.warn('ayni: the service worker could not be registered:', e);
  }
}

async function main() {
  setLanguage(pickLanguage(navigator.languages || [navigator.language]));
  document.documentElement.lang = language();
  applyTexts();

  let store;
  try {
    store = await openStore();
  } catch (e) {
    setStatus('error', t('sync.error', { message: e?.message || e }));
    document.body.dataset.ready = '1';
    return;
  }
  await registerWorker();
  navigator.storage?.persist?.().catch(() => {});
  settings = await store.getSettings();
  setTimeZone(settings.time_zone);

  const api = createApi({ credentials: () => (settings.device && settings.secret
    ? { device: settings.device, secret: settings.secret } : null) });
  const sync = createSync({ store, api, lock: browserLock() });

  const app = {
    store, api,
    settings: () => settings,
    async reloadSettings() {
      settings = await store.getSettings();
      setTimeZone(settings.time_zone);
    },
    async runSync() {
      const r = await sync.sync((s) => setStatus(...statusText(s)));
      await app.reloadSettings();
      setStatus(...statusText(r));
      await queueScreen.render();
      return r;
    },
    showScan() {
      scanScreen.show();
    },
    // Enrolled: fetch the core's key and the manifests first, so the scan screen, once
    // shown, can check codes at once.
    async enrolled({ name, team, fp, role }) {
      // A coordinator's browser reads the dashboard; it scans nothing.
      if (role === 'reader') {
        location.replace('dash.html');
        return;
      }
      const notice = $('enrol-notice');
      notice.replaceChildren();
      notice.append(team ? t('enrol.done', { device: name, team }) : t('enrol.done_no_team', { device: name }));
      if (fp)
        notice.append(' ', t('enrol.fp', { fp: groupFingerprint(fp) }), ' ', t('enrol.fp_hint'));
      notice.hidden = false;
      await app.runSync();
      scanScreen.show();
    },
    async scanned() {
      scanScreen.clearManual();
      scanScreen.show();
      await queueScreen.render();
      if (navigator.onLine !== false)
        return app.runSync();
      const queued = (await store.listQueue()).filter((e) => e.state === 'queued').length;
      setStatus(...statusText({ state: 'offline', queued }));
    },
  };
  const scanScreen = createScan(app);
  const queueScreen = createQueueScreen(app);
  app.scanScreen = scanScreen;
  app.arrived = createArrived(app);
  const enrolScreen = createEnrol(app);
  const verifyScreen = createVerify(app);

  $('nav-scan').addEventListener('click', () => { showResult(null); verifyScreen.hide(); scanScreen.show(); });
  $('nav-queue').addEventListener('click', () => { verifyScreen.hide(); queueScreen.show(); });
  window.addEventListener('online', () => app.runSync());

  // The enrolment sheet's link, on opening or in a tab already open (a hash change).
  async function enrolFromFragment() {
    const frag = enrolFragment(location.hash);
    if (!frag)
      return false;
    // The code is single-use, and the URL is shown and kept in history: drop it.
    history.replaceState(null, '', location.pathname + location.search);
    enrolScreen.show();
    document.body.dataset.ready = '1';
    if (!(await enrolScreen.enrol(frag.code, frag.fp)))
      $('enrol-code').value = frag.code;
    return true;
  }
  window.addEventListener('hashchange', enrolFromFragment);

  await queueScreen.render();
  if (await enrolFromFragment())
    return;
  if (settings.role === 'reader') {
    location.replace('dash.html');
    return;
  }
  if (settings.device)
    scanScreen.show();
  else
    enrolScreen.show();
  setStatus(...statusText({ state: 'idle', reason: settings.device ? null : 'not_enrolled' }));
  document.body.dataset.ready = '1';
  if (settings.device)
    app.runSync();
}

main();
