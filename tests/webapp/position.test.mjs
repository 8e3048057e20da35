// position.test.mjs: the phone's position is rounded to 0.1° (district level) before it
// is stored: never finer, halves away from zero, nonsense refused.
import assert from 'node:assert/strict';
import test from 'node:test';
import { load } from './appdir.mjs';

const { roundCoarse, coarsePosition, currentPosition } = await load('position.js');

test('rounded to 0.1°', () => {
  const cases = [[-12.0464, -12], [-77.0428, -77], [13.5319, 13.5], [-71.9675, -72], [-12.05, -12.1],
                 [12.05, 12.1], [0.04, 0], [-0.04, 0], [89.99, 90], [-179.96, -180], [7, 7]];
  for (const [x, want] of cases)
    assert.ok(Object.is(roundCoarse(x), want), `${x} -> ${roundCoarse(x)}, not ${want}`);
});

test('never finer than 0.1°, never more than 0.05° off', () => {
  for (let i = 0; i < 10000; i++) {
    const x = (Math.random() - 0.5) * 360;
    const r = roundCoarse(x);
    assert.ok(Math.abs(r * 10 - Math.round(r * 10)) < 1e-9, `${x} -> ${r}`);
    assert.ok(Math.abs(r - x) <= 0.05 + 1e-9, `${x} -> ${r}`);
    assert.ok(String(r).replace(/^-?\d+\.?/, '').length <= 1, `${x} -> ${r} prints finer`);
  }
});

test('a position off the Earth is none', () => {
  assert.deepEqual(coarsePosition(-12.0464, -77.0428), { lat: -12, lon: -77 });
  for (const [lat, lon] of [[91, 0], [0, 181], [NaN, 0], [0, Infinity], ['12', 3]])
    assert.equal(coarsePosition(lat, lon), null);
});

test('the geolocation answer is rounded before anyone sees it', async () => {
  const geo = { getCurrentPosition: (ok) => ok({ coords: { latitude: -13.53195, longitude: -71.96746, accuracy: 5 } }) };
  assert.deepEqual(await currentPosition(geo), { lat: -13.5, lon: -72 });
  const denied = { getCurrentPosition: (ok, fail) => fail({ message: 'denied' }) };
  await assert.rejects(currentPosition(denied), /denied/);
});
