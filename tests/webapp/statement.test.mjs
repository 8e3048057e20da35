// statement.test.mjs: web/app/statement.js against the communities listing, the worked
// example and the test vectors of docs/PROOF.md, the very blocks tests/unit/test_statement.c
// checks core_statement_verify with, so the C and the JavaScript readers of a donor
// report's statement cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { load, sourceDir } from './appdir.mjs';

const sm = await load('statement.js');
const { hexToBytes } = await load('token.js');

// The worked example's key (seed 00 01 … 1f), as docs/PROOF.md gives it.
const PK = hexToBytes('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');

const doc = readFileSync(join(sourceDir, 'docs', 'PROOF.md'), 'utf8');

// The lines of the block ```name of docs/PROOF.md.
function block(name) {
  const fence = '```' + name + '\n';
  const start = doc.indexOf(fence);
  assert.ok(start >= 0, `docs/PROOF.md has no ${fence.trim()} block`);
  const end = doc.indexOf('\n```', start + fence.length - 1);
  return doc.slice(start + fence.length, end).split('\n');
}

test('the key fingerprint begins with the key id', () => {
  assert.equal(sm.fingerprint(PK), '9d24e2eeaf27c2a088a564a32fc03a88');
});

test('the listing of docs/PROOF.md is the example statement\'s digest', async () => {
  const rows = block('statement-communities').map((l) => {
    const [community, item, qty] = l.split(' ');
    return { community, item, qty: Number(qty) };
  });
  // the same listing, from rows split otherwise (FOOD-KIT of COM-0042 as 3 + 5)
  rows.splice(0, 1, { community: 'COM-0042', item: 'FOOD-KIT', qty: 3 },
    { community: 'COM-0042', item: 'FOOD-KIT', qty: 5 });
  const [example] = block('statement-example');
  const { verdict, statement } = await sm.verifyStatement(example, PK);
  assert.equal(verdict, sm.GENUINE);
  assert.equal(sm.communityDigest(rows.reverse()), statement.communityDigest);
  assert.equal(statement.donor, 'UNICEF');
  assert.deepEqual(statement.items, [{ code: 'FOOD-KIT', qty: 12 }, { code: 'TABLET', qty: 1 }]);
  assert.equal(statement.deliveries, 3);
  assert.equal(statement.scanned, 2);
  assert.equal(statement.checkpoint.seq, 27);
  assert.ok(example.length < 600);
  assert.equal((await sm.verifyStatement(example + '\r\n', PK)).verdict, sm.GENUINE);
});

test('every vector of docs/PROOF.md gets its verdict', async () => {
  const lines = block('statement-vectors');
  assert.ok(lines.length >= 20, `only ${lines.length} vectors`);
  const seen = new Set();
  for (const [n, line] of lines.entries()) {
    const m = /^([A-Z]+) +(.*?)   # (.*)$/.exec(line);
    assert.ok(m, `a vector line that does not parse: ${line}`);
    const want = m[1].toLowerCase();
    const got = await sm.verifyStatement(m[2], PK);
    assert.equal(got.verdict, want, `vector ${n + 1} (${m[3]}): ${got.reason}`);
    if (want === sm.MALFORMED)
      assert.ok(got.reason.length > 0);
    seen.add(want);
  }
  assert.deepEqual([...seen].sort(), [sm.ALTERED, sm.FOREIGN, sm.GENUINE, sm.MALFORMED]);
});

test('no single character changed in the example verifies', async () => {
  const [example] = block('statement-example');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~*';
  // every position, three replacements each (the C test tries them all)
  for (let i = 0; i < example.length; i++)
    for (const c of [alphabet[i % alphabet.length], alphabet[(i * 7 + 3) % alphabet.length], '0']) {
      if (c === example[i])
        continue;
      const changed = example.slice(0, i) + c + example.slice(i + 1);
      const { verdict } = await sm.verifyStatement(changed, PK);
      assert.notEqual(verdict, sm.GENUINE, `character ${i} changed to '${c}'`);
    }
});

test('the verify screen shows the signed statement in Spanish, and marks a bad one', async () => {
  const screen = await load('screen-verify.js');
  const i18n = await load('i18n.js');
  const [example] = block('statement-example');
  i18n.setLanguage('es');
  let d = screen.describeVerification(await sm.verifyStatement(example, PK));
  assert.equal(d.verdict, sm.GENUINE);
  assert.match(d.title, /^✓ Auténtico/);
  assert.deepEqual(d.lines, [
    ['Donante', 'UNICEF'], ['Periodo', 'del 2026-11-01 al 2026-11-30'],
    ['Entregado FOOD-KIT', '12'], ['Entregado TABLET', '1'],
    ['Entregas', '3, 2 confirmadas por escaneo'], ['Comunidades', '2'],
    ['Punto de control', '27'], ['Huella de la clave', '9d24 e2ee af27 c2a0 88a5 64a3 2fc0 3a88'],
  ]);
  d = screen.describeVerification(await sm.verifyStatement(example.replace('FOOD-KIT*12', 'FOOD-KIT*13'), PK));
  assert.equal(d.verdict, sm.ALTERED);
  assert.match(d.title, /^✗ Alterado/);
  assert.deepEqual(d.lines[2], ['Entregado FOOD-KIT', '13']); // shown, as claimed only
  d = screen.describeVerification(await sm.verifyStatement('AYNI-R1~nada', PK));
  assert.equal(d.verdict, sm.MALFORMED);
  assert.deepEqual(d.lines, []);
  i18n.setLanguage('en');
  d = screen.describeVerification(await sm.verifyStatement(example, PK));
  assert.match(d.title, /^✓ Genuine/);
  assert.deepEqual(d.lines[4], ['Deliveries', '3, 2 confirmed by scan']);
  i18n.setLanguage('es');
});
