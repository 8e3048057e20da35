// when.test.mjs: times on the phone read in the organisation's zone (server.info
// time_zone), as the warehouse tool and the slips show them, whatever the phone's own zone;
// "today" is the organisation's day too.
import assert from 'node:assert/strict';
import test from 'node:test';
import { load } from './appdir.mjs';

const { formatWhen, setLanguage, setTimeZone } = await load('i18n.js');
const noon = new Date('2026-11-22T17:00:00Z'); // 12:00 in Lima

test('a time in Lima, today or another day there', () => {
  setLanguage('es');
  setTimeZone('America/Lima');
  assert.equal(formatWhen('2026-11-22T06:58:00Z', noon), 'hoy a las 01:58');
  // 03:00 UTC on the 22nd is still the 21st in Lima
  assert.equal(formatWhen('2026-11-22T03:00:00Z', noon), 'el 21/11/2026 a las 22:00');
  setLanguage('en');
  assert.equal(formatWhen('2026-11-22T06:58:00Z', noon), 'today at 01:58');
  setLanguage('es');
});

test('an unknown zone leaves the phone its own, without failing', () => {
  setTimeZone('Nowhere/Atlantis');
  assert.match(formatWhen('2026-11-22T06:58:00Z', noon), /a las \d\d:\d\d$/);
  setTimeZone(null);
  assert.match(formatWhen('not a time'), /not a time/);
});
