// words.test.mjs: the phone's plurals (web/app/words.js) against the cases the C's own
// test checks (tests/unit/test_words.c, read here), so the two cannot drift apart.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { load, sourceDir } from './appdir.mjs';

const { pluralEs, pluralEn, quantity } = await load('words.js');
const cTest = fs.readFileSync(path.join(sourceDir, 'tests/unit/test_words.c'), 'utf8');
const cases = (fn) => [...cTest.matchAll(new RegExp(`\\b${fn}\\("([^"]*)", "([^"]*)"\\);`, 'g'))]
  .map((m) => [m[1], m[2]]);

test('Spanish plurals are the C ones', () => {
  const es = cases('s_plural');
  assert.ok(es.length >= 10, `only ${es.length} cases read from test_words.c`);
  for (const [one, many] of es) assert.equal(pluralEs(one), many, one);
});

test('English plurals are the C ones', () => {
  const en = cases('s_plural_en');
  assert.ok(en.length >= 10, `only ${en.length} cases read from test_words.c`);
  for (const [one, many] of en) assert.equal(pluralEn(one), many, one);
});

test('quantities', () => {
  assert.equal(quantity(1, 'kit', 'es'), '1 kit');
  assert.equal(quantity(10, 'kit', 'es'), '10 kits');
  assert.equal(quantity(4, 'bidón', 'es'), '4 bidones');
  assert.equal(quantity(0, 'unidad', 'es'), '0 unidades');
  assert.equal(quantity(-1, 'unidad', 'es'), '-1 unidad');
  assert.equal(quantity(3, 'box', 'en'), '3 boxes');
  assert.equal(quantity(7, null, 'es'), '7');
});
