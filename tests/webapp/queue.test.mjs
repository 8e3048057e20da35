// queue.test.mjs: the sync of web/app/queue.js with an in-memory store and a fake core:
// exactly once (sent only on the core's acknowledgement, the same scan id again after a
// lost reply, never a second delivery), refusals kept with who and when, the photo
// stored before the confirmation that names it, manifests and the key refreshed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import test from 'node:test';
import { load } from './appdir.mjs';
import { fakeCore, PK_HEX } from './fakecore.mjs';
import { memStore } from './memstore.mjs';

const { createApi } = await load('api.js');
const { createSync } = await load('queue.js');
const { refusalText } = await load('screen-queue.js');

let seq = 0;
function entry(over = {}) {
  seq++;
  return { scan_id: `scan-${seq}`, seq, state: 'queued', token: `ENV-1/${seq}`, shipment: 'ENV-1',
           package: seq, count: 9, packages: [seq], lines: [], scanned_at: '2026-11-22T06:58:00.000Z',
           device_time: '2026-11-22T01:58:00-05:00', photo: null, position: null, ...over };
}

async function setup({ enrolled = true, manifests } = {}) {
  const store = memStore();
  if (enrolled)
    await store.setSettings({ device: 'phone-7', secret: 'S3CRET' });
  const core = fakeCore({ manifests });
  const api = createApi({ fetch: core.fetch, credentials: async () => {
    const s = await store.getSettings();
    return s.device ? { device: s.device, secret: s.secret } : null;
  } });
  return { store, core, sync: createSync({ store, api, now: () => new Date('2026-11-22T12:00:00Z') }) };
}

const states = async (store) => Object.fromEntries((await store.listQueue()).map((e) => [e.scan_id, e.state]));
const confirms = (core) => core.log.filter((c) => c.op === 'delivery.confirm');

test('an acknowledged confirmation is sent, with the scan time and the phone\'s secret', async () => {
  const { store, core, sync } = await setup();
  const e = entry({ lines: [{ line: 1, received: 3, reason: 'damaged' }], position: { lat: -12, lon: -77 } });
  await store.addScan(e);
  const r = await sync.sync();
  assert.equal(r.state, 'ok');
  assert.deepEqual([r.sent, r.queued, r.refused], [1, 0, 0]);
  const [sent] = await store.listQueue();
  assert.equal(sent.state, 'sent');
  assert.equal(sent.result.delivered_at, '2026-11-22T06:58:00Z'); // the scan time, not the sync's
  const [c] = confirms(core);
  assert.equal(c.args.scan_id, e.scan_id);
  assert.equal(c.args.device_time, '2026-11-22T01:58:00-05:00');
  assert.deepEqual(c.args.lines, e.lines);
  assert.deepEqual(c.args.position, { lat: -12, lon: -77 });
  assert.equal(c.auth, 'Bearer phone-7:S3CRET');
  assert.equal((await store.getSettings()).public_key, PK_HEX);
});

test('a network drop mid-sync keeps the rest queued; the next sync sends it once', async () => {
  const { store, core, sync } = await setup();
  const a = entry(), b = entry(), c = entry();
  for (const e of [a, b, c])
    await store.addScan(e);
  core.failBefore = (op, args) => op === 'delivery.confirm' && args.scan_id === b.scan_id;
  let r = await sync.sync();
  assert.equal(r.state, 'offline');
  assert.deepEqual(await states(store), { [a.scan_id]: 'sent', [b.scan_id]: 'queued', [c.scan_id]: 'queued' });
  // c was not tried: a pass stops at the first entry with no answer, keeping scan order.
  assert.deepEqual(confirms(core).map((x) => x.args.scan_id), [a.scan_id, b.scan_id]);

  core.failBefore = null;
  r = await sync.sync();
  assert.equal(r.state, 'ok');
  assert.deepEqual(Object.values(await states(store)), ['sent', 'sent', 'sent']);
  assert.equal(core.confirmed.size, 3);
  assert.deepEqual(confirms(core).slice(2).map((x) => x.args.scan_id), [b.scan_id, c.scan_id]);
});

test('a reply lost after the core committed: the same scan id again, a repeat, no double', async () => {
  const { store, core, sync } = await setup();
  const e = entry();
  await store.addScan(e);
  core.loseReply = (op) => op === 'delivery.confirm';
  assert.equal((await sync.sync()).state, 'offline');
  assert.equal((await store.listQueue())[0].state, 'queued');
  assert.equal(core.confirmed.size, 1); // the core has it ...

  core.loseReply = null;
  await sync.sync();
  const [again] = await store.listQueue();
  assert.equal(again.state, 'sent');
  assert.equal(again.result.repeat, true);
  assert.equal(core.confirmed.size, 1); // ... once
  assert.deepEqual(confirms(core).map((x) => x.args.scan_id), [e.scan_id, e.scan_id]);
  await sync.sync();
  assert.equal(confirms(core).length, 2); // a sent entry is never sent again
});

test('already delivered is refused, with when and by whom', async () => {
  const { store, core, sync } = await setup();
  core.byPackage.set('ENV-1/7', { scan_id: 'other', delivered_at: '2026-11-21T15:30:00Z',
                                  team: 'Equipo 5', device: 'phone-2' });
  seq = 6;
  const e = entry();
  await store.addScan(e);
  const r = await sync.sync();
  assert.equal(r.state, 'ok');
  assert.equal(r.refused, 1);
  const [refused] = await store.listQueue();
  assert.equal(refused.state, 'refused');
  assert.equal(refused.error.code, 'already_delivered');
  assert.equal(refused.error.details.team, 'Equipo 5');
  const text = refusalText(refused.error);
  assert.match(text, /Equipo 5/);
  assert.match(text, /phone-2/);
  assert.match(text, /2026/);
  await sync.sync();
  assert.equal(confirms(core).length, 1); // refused for good: not sent again
});

test('the photo is stored before the confirmation that names it', async () => {
  const { store, core, sync } = await setup();
  const bytes = new Uint8Array(70000).map((_, i) => (i * 7) & 255);
  const sha = createHash('sha256').update(bytes).digest('hex');
  await store.addScan(entry({ photo: sha }), bytes);
  await sync.sync();
  const ops = core.log.map((c) => c.op).filter((op) => op === 'photo.put' || op === 'delivery.confirm');
  assert.deepEqual(ops, ['photo.put', 'delivery.confirm']);
  const put = core.log.find((c) => c.op === 'photo.put');
  assert.equal(put.args.sha256, sha);
  assert.deepEqual(new Uint8Array(Buffer.from(put.args.data, 'base64')), bytes);
  assert.equal(confirms(core)[0].args.photo, sha);
  assert.equal((await store.listQueue())[0].state, 'sent');
  assert.equal(await store.getPhoto(sha), null); // the core has it: the phone lets it go
});

test('a photo the core refuses for good: the delivery goes without it, saying why', async () => {
  const { store, core, sync } = await setup();
  const bytes = new Uint8Array([1, 2, 3]);
  await store.addScan(entry({ photo: 'ab'.repeat(32) }), bytes); // a hash that does not match
  await sync.sync();
  const [e] = await store.listQueue();
  assert.equal(e.state, 'sent');
  assert.equal(e.photo, null);
  assert.match(e.photo_error, /sha256/);
  assert.equal(confirms(core)[0].args.photo, undefined);
});

test('a photo upload with no answer keeps the entry queued, the confirmation unsent', async () => {
  const { store, core, sync } = await setup();
  const bytes = new Uint8Array([9, 9, 9]);
  const sha = createHash('sha256').update(bytes).digest('hex');
  await store.addScan(entry({ photo: sha }), bytes);
  core.failBefore = (op) => op === 'photo.put';
  assert.equal((await sync.sync()).state, 'offline');
  assert.equal(confirms(core).length, 0);
  assert.equal((await store.listQueue())[0].state, 'queued');
  core.failBefore = null;
  await sync.sync();
  assert.equal(confirms(core)[0].args.photo, sha);
});

test('a core that lost a photo it acknowledged gets it again, the delivery is not refused', async () => {
  const { store, core, sync } = await setup();
  const bytes = new Uint8Array([4, 5, 6]);
  const sha = createHash('sha256').update(bytes).digest('hex');
  await store.addScan(entry({ photo: sha }), bytes);
  core.loseReply = (op) => op === 'delivery.confirm'; // photo stored, confirmation unanswered
  await sync.sync();
  core.loseReply = null;
  core.photos.clear(); // the core's store restored from a backup
  core.confirmed.clear();
  core.byPackage.clear();
  assert.equal((await sync.sync()).state, 'error');
  assert.equal((await store.listQueue())[0].state, 'queued');
  await sync.sync();
  assert.equal((await store.listQueue())[0].state, 'sent');
  assert.deepEqual(core.log.map((c) => c.op).filter((op) => op === 'photo.put').length, 2);
});

test('a busy core keeps everything queued, to try later', async () => {
  const { store, core, sync } = await setup();
  await store.addScan(entry());
  core.override = (op) => (op === 'delivery.confirm'
    ? { status: 503, body: { ok: false, error: { code: 'busy', message: 'busy', details: {} } } } : null);
  const r = await sync.sync();
  assert.equal(r.state, 'error');
  assert.equal(r.reason, 'server_busy');
  assert.equal((await store.listQueue())[0].state, 'queued');
});

test('a phone the core no longer accepts: an error, nothing refused', async () => {
  const { store, core, sync } = await setup();
  await store.addScan(entry());
  core.override = () => ({ status: 403, body: { ok: false, error: { code: 'forbidden', message: 'device disabled', details: {} } } });
  const r = await sync.sync();
  assert.equal(r.state, 'error');
  assert.equal(r.reason, 'forbidden');
  assert.equal((await store.listQueue())[0].state, 'queued');
});

test('two syncs at once make one pass', async () => {
  const { store, core, sync } = await setup();
  await store.addScan(entry());
  const [r1, r2] = await Promise.all([sync.sync(), sync.sync()]);
  assert.equal(r1, r2);
  assert.equal(core.log.filter((c) => c.op === 'server.info').length, 1);
  assert.equal(confirms(core).length, 1);
});

test('a lock held by another tab: no pass here', async () => {
  const store = memStore();
  await store.setSettings({ device: 'phone-7', secret: 'S' });
  const core = fakeCore();
  const sync = createSync({ store, api: createApi({ fetch: core.fetch }), lock: async () => null });
  assert.equal((await sync.sync()).state, 'busy');
  assert.equal(core.log.length, 0);
});

test('manifests of both states are kept, without tokens; a wrong key id keeps no key', async () => {
  const manifests = [
    { code: 'ENV-1', state: 'dispatched', token: 'AYNI…', packages: [{ number: 1, line: 1, qty: 2, token: 'AYNI…' }] },
    { code: 'ENV-2', state: 'partial', packages: [] },
    { code: 'ENV-3', state: 'delivered', packages: [] },
  ];
  const { store, core, sync } = await setup({ manifests });
  await sync.sync();
  const held = await store.listManifests();
  assert.deepEqual(held.map((m) => m.code), ['ENV-1', 'ENV-2']);
  assert.equal(held[0].token, undefined);
  assert.equal(held[0].packages[0].token, undefined);
  assert.deepEqual(core.log.filter((c) => c.op === 'shipment.list').map((c) => c.args),
                   [{ state: 'dispatched', detail: 'manifest' }, { state: 'partial', detail: 'manifest' }]);

  const fresh = await setup();
  fresh.core.keyId = '00000000';
  const r = await fresh.sync.sync();
  assert.equal(r.reason, 'key_mismatch');
  assert.equal((await fresh.store.getSettings()).public_key, undefined);
});

test('a phone not enrolled does not sync', async () => {
  const { core, sync } = await setup({ enrolled: false });
  assert.equal((await sync.sync()).state, 'idle');
  assert.equal(core.log.length, 0);
});
