// queue.js: the sync, exactly once.  A confirmation is stored (store.addScan) before
// anything is sent, and leaves the "queued" state only on the core's answer: "sent" on
// its acknowledgement (a repeat included), "refused" on a definitive no.  A closed tab,
// a dead battery or a dropped network mid-sync loses nothing, as the entry is still
// queued, and doubles nothing, as it is sent again with the same scan id and the core
// answers "repeat" (docs/PROTOCOL.md 6.17).  Entries go in the order they were scanned
// (a slip scan must not overtake a package scan made before it) and a pass stops at
// the first one that gets no answer.  Storage, API and lock are injected (the tests use
// memory and a fake fetch).
import { retryable } from './api.js';
import { hexToBytes, keyIdHex } from './token.js';

// The core's judgements on one delivery: kept as refused, never sent again.
export const REFUSALS = new Set(['already_delivered', 'bad_token', 'invalid_state', 'not_found',
                                 'conflict', 'invalid_argument', 'bad_request']);

const MANIFEST_STATES = ['dispatched', 'partial'];

// Standard base64 of bytes (a Uint8Array), in slices so no call gets too many arguments.
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// One sync at a time in this tab; with navigator.locks, across the phone's tabs too (a
// second tab finds the lock taken and leaves the sync to the first).
export function browserLock(locks = globalThis.navigator?.locks) {
  return (fn) => (locks ? locks.request('ayni-sync', { ifAvailable: true },
                                        (lock) => (lock ? fn() : null))
                        : fn());
}

function failure(r, code = 'sync.error') {
  if (r.network)
    return { state: 'offline' };
  if (r.error?.code === 'forbidden')
    return { state: 'error', reason: 'forbidden', message: r.error.message };
  if (retryable(r))
    return { state: 'error', reason: 'server_busy', message: r.error?.message ?? '' };
  return { state: 'error', reason: code, message: r.error?.message ?? '' };
}

export function createSync({ store, api, lock = (fn) => fn(), now = () => new Date() }) {
  let running = null;

  async function refreshKey() {
    const r = await api.call('keys.public');
    if (!r.ok)
      return failure(r);
    const pk = hexToBytes(r.result?.public_key);
    if (!pk || pk.length !== 32 || keyIdHex(pk) !== r.result?.key_id)
      return { state: 'error', reason: 'key_mismatch', message: '' };
    await store.setSettings({ public_key: r.result.public_key, key_id: r.result.key_id });
    return null;
  }

  // The manifests of this phone's team's shipments on the road (the core gives a phone
  // only its own team's), replacing the ones held.
  async function refreshManifests() {
    const all = [];
    for (const state of MANIFEST_STATES) {
      const r = await api.call('shipment.list', { state, detail: 'manifest' });
      if (!r.ok)
        return failure(r);
      for (const s of Array.isArray(r.result) ? r.result : []) {
        delete s.token; // a scanner holds the paper, never the tokens
        for (const p of s.packages || [])
          delete p.token;
        all.push(s);
      }
    }
    await store.putManifests(all);
    return null;
  }

  // The photo of entry e, stored by the core first: its confirmation names it by hash.
  async function sendPhoto(e) {
    const bytes = await store.getPhoto(e.photo);
    let r;
    if (bytes)
      r = await api.call('photo.put', { data: toBase64(bytes), sha256: e.photo },
                         { timeout: 120000 });
    if (bytes && r.ok) {
      e.photo_stored = true;
      await store.putEntry(e);
      return null;
    }
    if (bytes && retryable(r))
      return failure(r);
    // Refused for good (too big, not an image) or lost from storage: the delivery
    // itself matters more than its evidence, so it goes without, saying why.
    e.photo_error = bytes ? (r.error?.message || r.error?.code) : 'missing';
    e.photo_refused = e.photo;
    e.photo = null;
    await store.putEntry(e);
    return null;
  }

  function confirmArgs(e) {
    const args = { token: e.token, scan_id: e.scan_id, device_time: e.device_time };
    if (e.lines?.length)
      args.lines = e.lines;
    if (e.photo)
      args.photo = e.photo;
    if (e.position)
      args.position = e.position;
    return args;
  }

  // Send one queued entry: null when it is settled (sent or refused), else why to stop.
  async function sendOne(e) {
    if (e.photo && !e.photo_stored) {
      const stop = await sendPhoto(e);
      if (stop)
        return stop;
    }
    const r = await api.call('delivery.confirm', confirmArgs(e), { idem: e.scan_id });
    if (r.ok) {
      const res = r.result || {};
      e.state = 'sent';
      e.sent_at = now().toISOString();
      e.result = { delivered_at: res.delivered_at ?? null, device: res.device ?? null,
                   team: res.team ?? null, packages: res.packages ?? e.packages,
                   shipment_state: res.shipment_state ?? null, repeat: !!res.repeat,
                   clock_suspect: !!res.clock_suspect };
      if (Array.isArray(res.packages))
        e.packages = res.packages;
    } else if (!r.network && r.error.code === 'not_found' && r.error.details?.field === 'photo' &&
               e.photo) {
      // The core does not have the photo it was given (its store was restored from a
      // backup, say): put it again at the next pass, rather than refuse the delivery.
      e.photo_stored = false;
      await store.putEntry(e);
      return { state: 'error', reason: 'sync.error', message: r.error.message };
    } else if (!r.network && REFUSALS.has(r.error.code)) {
      e.state = 'refused';
      e.refused_at = now().toISOString();
      e.error = r.error;
    } else {
      return failure(r);
    }
    await store.putEntry(e);
    if (e.photo && e.state === 'sent')
      await store.deletePhoto(e.photo); // the core has it; the phone's storage is small
    return null;
  }

  async function sendQueue() {
    const queue = (await store.listQueue()).filter((e) => e.state === 'queued');
    queue.sort((a, b) => a.seq - b.seq);
    for (const e of queue) {
      const stop = await sendOne(e);
      if (stop)
        return stop;
    }
    return null;
  }

  async function counts() {
    const c = { queued: 0, sent: 0, refused: 0 };
    for (const e of await store.listQueue())
      c[e.state] = (c[e.state] || 0) + 1;
    return c;
  }

  async function pass(onState) {
    const settings = await store.getSettings();
    if (!settings.device || !settings.secret)
      return { state: 'idle', reason: 'not_enrolled' };
    onState({ state: 'syncing' });
    const info = await api.call('server.info');
    if (!info.ok)
      return failure(info);
    await store.setSettings({ team: info.result?.device?.team ?? settings.team ?? null,
                              time_zone: info.result?.time_zone ?? null });
    const stop = (await refreshKey()) || (await refreshManifests()) || (await sendQueue());
    if (stop)
      return stop;
    const at = now().toISOString();
    await store.setSettings({ last_sync: at });
    return { state: 'ok', at };
  }

  // One sync pass; resolves to {state: 'ok'|'offline'|'error'|'idle'|'busy', reason?,
  // message?, queued, sent, refused}.  A call while one runs gets that one's result.
  function sync(onState = () => {}) {
    if (running)
      return running;
    running = (async () => {
      try {
        const out = (await lock(() => pass(onState))) ?? { state: 'busy' };
        return { ...out, ...(await counts()) };
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return { sync };
}
