// i18n.test.mjs: both catalogs have every key, with the same {placeholders}; every key
// the app's HTML and modules name is in them; the language follows the browser's.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { appDir, load } from './appdir.mjs';

const { catalogs, pickLanguage, setLanguage, t } = await load('i18n.js');

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every key in both languages, with the same placeholders', () => {
  const es = Object.keys(catalogs.es).sort(), en = Object.keys(catalogs.en).sort();
  assert.deepEqual(es, en);
  assert.ok(es.length > 50);
  for (const k of es) {
    assert.ok(catalogs.es[k].trim() && catalogs.en[k].trim(), `${k} is empty`);
    assert.deepEqual(placeholders(catalogs.es[k]), placeholders(catalogs.en[k]), k);
  }
});

test('every key the app uses is in the catalogs', () => {
  const used = new Set();
  for (const f of readdirSync(appDir).filter((f) => /\.(html|js)$/.test(f))) {
    const text = readFileSync(join(appDir, f), 'utf8');
    if (f.endsWith('.html'))
      for (const m of text.matchAll(/data-i18n="([^"]+)"/g))
        used.add(m[1]);
    if (f.endsWith('.js'))
      for (const m of text.matchAll(/\bt\('([a-z_.]+)'/g))
        used.add(m[1]);
  }
  // Keys made from a value: the reasons, the queue's states, the refusals.
  for (const r of ['damaged', 'missing', 'expired', 'refused'])
    used.add(`reason.${r}`);
  for (const s of ['queued', 'sent', 'refused'])
    used.add(`queue.state.${s}`);
  for (const c of ['bad_token', 'not_found', 'conflict', 'invalid_argument', 'bad_request'])
    used.add(`refusal.${c}`);
  assert.ok(used.size > 40, `only ${used.size} keys found in the app`);
  for (const k of used)
    assert.ok(k in catalogs.es, `the app uses '${k}', which no catalog has`);
});

test('Spanish first, English when the browser prefers it', () => {
  assert.equal(pickLanguage(['en-US', 'es']), 'en');
  assert.equal(pickLanguage(['es-PE', 'en']), 'es');
  assert.equal(pickLanguage(['fr-FR', 'en-GB']), 'en');
  assert.equal(pickLanguage(['qu', 'fr']), 'es');
  assert.equal(pickLanguage([]), 'es');
  assert.equal(pickLanguage(undefined), 'es');
  setLanguage('en');
  assert.equal(t('arrived.all'), 'Everything arrived');
  setLanguage('es');
  assert.equal(t('arrived.all'), 'Llegó todo');
  assert.equal(t('what.package', { package: 3, count: 5 }), 'paquete 3 de 5');
});
