// dash.js: the dashboard's entry (dash.html, docs/WEB.md "The dashboard"): who is asking
// (a reader's browser enrolled through index.html, whose secret is in the same storage,
// or a donor's share link #share=TOKEN), the hash routes, and the live loop: on each
// event of the stream the page asks dashboard.panorama again (at most every 150 ms) and
// redraws, so that a figure changes with no reload.  What it must not do: compute a
// figure itself from the events, or show a share link anything but its donor.
import { createApi } from './api.js';
import { $, applyTexts, el } from './dom.js';
import { eventText, shipmentLink, when } from './dash-format.js';
import { createLive } from './dash-live.js';
import { showDonor, wireDonor } from './dash-donor.js';
import { showMap, wireMap } from './dash-map.js';
import { drawPanorama, fitChart } from './dash-panorama.js';
import { showShipment, wireShipment } from './dash-shipment.js';
import { language, pickLanguage, setLanguage, setTimeZone, t } from './i18n.js';
import { openStore } from './store.js';

const FEED_MAX = 60;
const DEBOUNCE_MS = 150;
const READ_ROLES = new Set(['reader', 'warehouse', 'admin']);

let api = null;
let auth = null;       // the Authorization header's value, for the PDFs
let share = null;      // share.info's result, in a share link
let pano = null;       // the last dashboard.panorama result
let live = null;
let streamState = 'offline';

function showPage(name) {
  document.body.dataset.page = name;
  for (const [id, page] of [['nav-panorama', 'panorama'], ['nav-map', 'map'], ['nav-donor', 'donor']])
    $(id).toggleAttribute('aria-current', page === name);
}

function message(text) {
  $('page-message').textContent = text || '';
  $('page-message').hidden = !text;
}

function failure(r) {
  if (r.network)
    return t('dash.error', { message: t('error.network') });
  return r.error.code === 'not_found' ? t('dash.not_found', { message: r.error.message })
                                      : t('dash.error', { message: r.error.message });
}

// ---- live ----

function showLive() {
  const caught = !pano || !live || live.last() >= pano.seq;
  const s = streamState === 'live' && !caught ? 'catching-up' : streamState;
  const box = $('live');
  box.dataset.state = s;
  box.textContent = s === 'live' ? t('dash.live')
                  : s === 'catching-up' ? t('dash.catching_up')
                  : t('dash.offline', { when: pano ? when(pano.at) : '—' });
}

function applied() {
  if (pano && live)
    document.body.dataset.seq = String(Math.min(live.last(), pano.seq));
  showLive();
}

let refreshing = false;
let again = false;
let timer = null;

async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  const r = await api.call('dashboard.panorama');
  if (r.ok) {
    pano = r.result;
    drawPanorama(pano);
  }
  const page = document.body.dataset.page;
  if (page === 'map' || page === 'shipment')
    await route(false); // their figures move with the same events
  refreshing = false;
  applied();
  if (again) {
    again = false;
    refresh();
  }
}

function schedule() {
  if (!timer)
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, DEBOUNCE_MS);
}

function feed(e) {
  const list = $('events');
  const item = el('li', { 'data-seq': e.seq, 'data-type': e.type },
                  el('span', { class: 'when' }, when(e.at)), ' ', eventText(e));
  if (typeof e.shipment === 'string')
    item.append(' ', shipmentLink(e.shipment));
  list.prepend(item);
  while (list.children.length > FEED_MAX)
    list.lastElementChild.remove();
}

function onEvent(e) {
  feed(e);
  if (!pano || e.seq > pano.seq)
    schedule();
  else
    applied();
}

// ---- routes ----

function parseHash(hash) {
  const h = String(hash || '').replace(/^#/, '');
  const [path, query = ''] = h.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query, anchor: !h.startsWith('/') && /^[a-z-]+$/.test(h) ? h : null };
}

async function route(top = true) {
  if (share) {
    showPage('donor');
    const r = await showDonor(api, share.donor.code, '', null, share);
    message(r ? failure(r) : '');
    return;
  }
  const { parts, query, anchor } = parseHash(location.hash);
  let r = null;
  if (parts[0] === 'mapa') {
    showPage('map');
    r = await showMap(api, query, pano?.today);
  } else if (parts[0] === 'envio' && parts[1]) {
    showPage('shipment');
    r = await showShipment(api, parts[1]);
  } else if (parts[0] === 'donante') {
    showPage('donor');
    r = await showDonor(api, parts[1] || '', query, pano?.today, null);
  } else {
    showPage('panorama');
    fitChart();
    if (anchor)
      document.getElementById(anchor)?.scrollIntoView();
  }
  message(r ? failure(r) : '');
  if (top && !anchor)
    window.scrollTo?.(0, 0);
}

// ---- who is asking ----

async function startShare(token) {
  auth = `Share ${token}`;
  api = createApi({ credentials: () => ({ share: token }) });
  document.body.dataset.share = '1';
  $('dnav').hidden = true;
  $('live').hidden = true;
  const info = await api.call('share.info');
  if (!info.ok) {
    showPage('denied');
    $('denied-text').textContent = t('dash.denied_share', { message: info.network ? t('error.network') : info.error.message });
    return;
  }
  share = info.result;
  const server = await api.call('server.info');
  if (server.ok)
    setTimeZone(server.result.time_zone);
  $('share-note').textContent = t('dash.share_note', { donor: share.donor.name, from: share.from, to: share.to,
                                                     when: when(share.expires_at) });
  $('share-note').hidden = false;
  await route();
}

async function startReader() {
  let settings = {};
  try {
    settings = await (await openStore()).getSettings();
  } catch { /* no storage: not enrolled here */ }
  if (!settings.device || !settings.secret) {
    showPage('enrol');
    return;
  }
  auth = `Bearer ${settings.device}:${settings.secret}`;
  api = createApi({ credentials: () => ({ device: settings.device, secret: settings.secret }) });
  const info = await api.call('server.info');
  const role = info.ok ? info.result.device?.role : null;
  if ((info.ok && !READ_ROLES.has(role)) || (!info.ok && info.error?.code === 'forbidden')) {
    showPage('denied');
    $('denied-text').textContent = info.ok ? t('dash.denied_text', { role })
                                           : info.error.message;
    return;
  }
  if (info.ok)
    setTimeZone(info.result.time_zone);
  const first = await api.call('dashboard.panorama');
  if (first.ok) {
    pano = first.result;
    drawPanorama(pano);
  } else {
    message(failure(first));
  }
  // The stream starts a little before the figures, to fill the feed with what just
  // happened; those events are already in the figures and ask nothing.
  live = createLive({
    api, since: Math.max(0, (pano?.seq ?? 0) - 20), onEvent,
    onState(s) {
      const wasOffline = streamState !== 'live';
      streamState = s;
      if (s === 'live' && wasOffline)
        schedule(); // back: what changed meanwhile comes as events, and the figures again
      showLive();
    },
  });
  live.open();
  window.addEventListener('hashchange', () => route());
  await route();
  applied();
}

async function main() {
  setLanguage(pickLanguage(navigator.languages || [navigator.language]));
  document.documentElement.lang = language();
  applyTexts();
  document.title = t('dash.title');
  wireMap();
  wireShipment(() => auth);
  wireDonor(() => auth);
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('share');
  if (token)
    await startShare(token);
  else
    await startReader();
  document.body.dataset.ready = '1';
}

main();
