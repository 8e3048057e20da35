// dash.test.mjs: the dashboard's modules that need no page: the live stream's order and
// resumption (a fake EventSource and API), the map's periods and region names, the donor
// view's rows, the words of an event and of an age.
import assert from 'node:assert/strict';
import test from 'node:test';
import { load } from './appdir.mjs';

const { createLive, EVENT_TYPES } = await load('dash-live.js');
const { mondayOf, periodOf, regionKey } = await load('dash-map.js');
const { byCommunityItem } = await load('dash-donor.js');
const { age, eventText } = await load('dash-format.js');
const { setLanguage } = await load('i18n.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// An EventSource that the test drives: every one made is in FakeES.made.
class FakeES {
  static made = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = {};
    this.closed = false;
    FakeES.made.push(this);
  }
  addEventListener(type, fn) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type, seq) {
    for (const fn of this.listeners[type] ?? [])
      fn({ data: JSON.stringify({ seq, type }), lastEventId: String(seq) });
  }
  fail(closed) {
    this.readyState = closed ? 2 : 0;
    for (const fn of this.listeners.error ?? [])
      fn({});
  }
}

function fakeApi() {
  let n = 0;
  return { calls: [], async call(op) { this.calls.push(op); return { ok: true, result: { ticket: `T${++n}` } }; } };
}

test('the stream starts after since, drops what it has seen, resumes from its last seq', async () => {
  FakeES.made = [];
  const seen = [], states = [];
  const api = fakeApi();
  const live = createLive({ api, since: 5, reopenMs: 5, EventSourceImpl: FakeES,
                            onEvent: (e) => seen.push(e.seq), onState: (s) => states.push(s) });
  await live.open();
  const first = FakeES.made[0];
  assert.equal(first.url, '/api/v1/events?ticket=T1&since=5');
  for (const type of ['delivery.confirmed', 'stock.received', 'shipment.delivered'])
    assert.ok(first.listeners[type], `no listener for ${type}`);
  assert.equal(EVENT_TYPES.length, new Set(EVENT_TYPES).size);
  first.onopen();
  first.emit('stock.received', 6);
  first.emit('delivery.confirmed', 7);
  first.emit('delivery.confirmed', 7); // a replay overlapping the live events
  first.emit('stock.received', 4);
  assert.deepEqual(seen, [6, 7]);
  first.fail(false); // CONNECTING: EventSource's own retry, with Last-Event-ID
  assert.equal(FakeES.made.length, 1);
  assert.equal(states.at(-1), 'offline');
  first.fail(true); // CLOSED: the ticket no longer opens it
  await sleep(40);
  assert.equal(FakeES.made.length, 2);
  assert.ok(first.closed);
  assert.equal(FakeES.made[1].url, '/api/v1/events?ticket=T2&since=7');
  FakeES.made[1].emit('delivery.confirmed', 7);
  FakeES.made[1].emit('shipment.delivered', 8);
  assert.deepEqual(seen, [6, 7, 8]);
  assert.equal(live.last(), 8);
  live.stop();
  assert.deepEqual(api.calls, ['events.ticket', 'events.ticket']);
});

test('the map: periods, Mondays, region names', () => {
  assert.equal(mondayOf('2026-11-22'), '2026-11-16'); // a Sunday
  assert.equal(mondayOf('2026-11-16'), '2026-11-16');
  assert.equal(mondayOf('2026-12-01'), '2026-11-30');
  assert.deepEqual(periodOf('period=today', '2026-11-22'), { from: '2026-11-22', to: '2026-11-22' });
  assert.deepEqual(periodOf('period=week', '2026-11-22'), { from: '2026-11-16', to: '2026-11-22' });
  assert.deepEqual(periodOf('from=2026-10-01&to=2026-10-31', '2026-11-22'), { from: '2026-10-01', to: '2026-10-31' });
  assert.deepEqual(periodOf('', '2026-11-22'), {});
  assert.equal(regionKey('Huánuco'), regionKey('HUANUCO '));
  assert.equal(regionKey('Áncash'), 'ancash');
});

test('the donor view sums by community and item', () => {
  const rows = byCommunityItem([
    { community: 'C1', community_name: 'Uno', item: 'FOOD-KIT', item_name: 'Kit', qty: 3, shipment: 'S1' },
    { community: 'C1', community_name: 'Uno', item: 'FOOD-KIT', item_name: 'Kit', qty: 4, shipment: 'S2' },
    { community: 'C1', community_name: 'Uno', item: 'HYGIENE-KIT', item_name: 'Hig', qty: 1, shipment: 'S2' },
  ]);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].qty, 7);
  assert.deepEqual([...rows[0].shipments], ['S1', 'S2']);
});

test('events and ages in words', () => {
  setLanguage('es');
  assert.equal(eventText({ type: 'stock.received', item: 'FOOD-KIT', qty: 25, location: 'ALM-LIMA-SJL' }),
               'Stock recibido: 25 FOOD-KIT · ALM-LIMA-SJL');
  assert.equal(eventText({ type: 'something.new' }), 'Evento something.new');
  assert.equal(age(3 * 86400 + 4 * 3600), '3 d 4 h');
  assert.equal(age(7260), '2 h 1 min');
  setLanguage('en');
  assert.equal(eventText({ type: 'delivery.discrepancy', item: 'FOOD-KIT', short: 2, reason: 'damaged' }),
               'Discrepancy in a delivery: FOOD-KIT · −2 damaged');
  setLanguage('es');
});
