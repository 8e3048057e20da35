// deliveries.test.mjs: what a genuine scan means from the manifests and the phone's own
// queue (a package's line, a slip's outstanding packages, scanned already, confirmed by
// someone else, not in this phone's list), the lines sent for a shortfall, the scan time.
import assert from 'node:assert/strict';
import test from 'node:test';
import { load } from './appdir.mjs';

const { lookup, shortLines, isoWithOffset, newScanId } = await load('deliveries.js');

const manifest = {
  code: 'ENV-1', state: 'partial', to: { name: "Comunidad Q'ero" },
  lines: [{ line: 1, item: 'FOOD-KIT', item_name_es: 'Kit de alimentos', item_name_en: 'Food kit', unit: 'kit' },
          { line: 2, item: 'TABLET', item_name_es: 'Tableta', item_name_en: 'Tablet', unit: 'unit' }],
  packages: [
    { number: 1, line: 1, qty: 5, delivered: true, delivered_at: '2026-11-22T06:58:00Z', team: 'Equipo 3', device: 'phone-7' },
    { number: 2, line: 1, qty: 5, delivered: false },
    { number: 3, line: 1, qty: 4, delivered: false },
    { number: 4, line: 2, qty: 1, delivered: false },
  ],
};
const tok = (pkg) => ({ shipment: 'ENV-1', package: pkg, count: 4, dest: 'COM-1' });

test('a package label asks about that package\'s line', () => {
  const r = lookup(tok(3), [manifest], []);
  assert.equal(r.kind, 'arrive');
  assert.deepEqual(r.packages, [3]);
  assert.deepEqual(r.lines.map((l) => [l.line, l.qty, l.name_es]), [[1, 4, 'Kit de alimentos']]);
});

test('the slip asks about every package still outstanding', () => {
  const queue = [{ shipment: 'ENV-1', package: 2, packages: [2], state: 'queued' }];
  const r = lookup(tok(0), [manifest], queue);
  assert.equal(r.kind, 'arrive');
  assert.deepEqual(r.packages, [3, 4]); // 1 delivered, 2 queued on this phone
  assert.deepEqual(r.lines.map((l) => [l.line, l.qty]), [[1, 4], [2, 1]]);
});

test('scanned already here, confirmed by someone, not in the list', () => {
  const queued = { shipment: 'ENV-1', package: 3, packages: [3], state: 'queued', scanned_at: 'x' };
  assert.equal(lookup(tok(3), [manifest], [queued]).kind, 'queued');
  assert.equal(lookup(tok(3), [manifest], [{ ...queued, state: 'sent' }]).kind, 'sent');
  assert.equal(lookup(tok(3), [manifest], [{ ...queued, state: 'refused' }]).kind, 'arrive');
  const slip = { shipment: 'ENV-1', package: 0, packages: [2, 3, 4], state: 'queued' };
  assert.equal(lookup(tok(4), [manifest], [slip]).kind, 'queued');
  assert.equal(lookup(tok(0), [manifest], [slip]).kind, 'queued');
  const c = lookup(tok(1), [manifest], []);
  assert.deepEqual([c.kind, c.team, c.device, c.when], ['confirmed', 'Equipo 3', 'phone-7', '2026-11-22T06:58:00Z']);
  assert.equal(lookup({ ...tok(2), shipment: 'ENV-9' }, [manifest], []).kind, 'unknown');
  const done = { ...manifest, packages: manifest.packages.map((p) => ({ ...p, delivered: true })) };
  assert.equal(lookup(tok(0), [done], []).kind, 'all_done');
});

test('only lines short of what was sent go, each with its reason', () => {
  const rows = [{ line: 1, qty: 9 }, { line: 2, qty: 1 }];
  assert.deepEqual(shortLines(rows, new Map()), []);
  assert.deepEqual(shortLines(rows, new Map([[1, { received: 6, reason: 'damaged' }], [2, { received: 1 }]])),
                   [{ line: 1, received: 6, reason: 'damaged' }]);
  assert.throws(() => shortLines(rows, new Map([[1, { received: 6, reason: '' }]])), (e) => e.problem === 'reason' && e.line === 1);
  assert.throws(() => shortLines(rows, new Map([[2, { received: 2 }]])), (e) => e.problem === 'qty');
  assert.throws(() => shortLines(rows, new Map([[2, { received: -1 }]])), (e) => e.problem === 'qty');
  assert.throws(() => shortLines(rows, new Map([[1, { received: 1.5, reason: 'missing' }]])), (e) => e.problem === 'qty');
});

test('the scan time in the phone\'s zone, with its offset', () => {
  process.env.TZ = 'America/Lima';
  assert.equal(isoWithOffset(new Date('2026-11-22T06:58:07Z')), '2026-11-22T01:58:07-05:00');
  process.env.TZ = 'Asia/Kolkata';
  assert.equal(isoWithOffset(new Date('2026-11-22T06:58:07Z')), '2026-11-22T12:28:07+05:30');
  process.env.TZ = 'UTC';
  assert.equal(isoWithOffset(new Date('2026-11-22T06:58:07Z')), '2026-11-22T06:58:07+00:00');
  const ids = new Set(Array.from({ length: 100 }, () => newScanId()));
  assert.equal(ids.size, 100);
  assert.match([...ids][0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
