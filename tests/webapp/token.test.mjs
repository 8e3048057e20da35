// token.test.mjs: web/app/token.js against the test vectors of docs/TOKENS.md, the
// very list tests/unit/test_token.c checks core_token_verify with, so the C and the
// JavaScript readers cannot drift apart; plus Base32 and the key id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { load, sourceDir } from './appdir.mjs';

const token = await load('token.js');
const { base32Encode, base32Decode } = await load('base32.js');
const { blake2b } = await load('blake2b.js');

// The worked example's key (seed 00 01 … 1f), as docs/TOKENS.md gives it.
const PK = token.hexToBytes('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');

function vectors() {
  const md = readFileSync(join(sourceDir, 'docs', 'TOKENS.md'), 'utf8');
  const start = md.indexOf('```token-vectors\n');
  assert.ok(start >= 0, 'docs/TOKENS.md has no ```token-vectors block');
  const body = md.slice(start + '```token-vectors\n'.length, md.indexOf('\n```', start + 1));
  return body.split('\n').map((line) => {
    const m = /^(\w+) +([^#]*?) *(?:#\s*(.*))?$/.exec(line);
    assert.ok(m, `a vector line that does not parse: ${line}`);
    return { verdict: m[1].toLowerCase(), text: m[2].replace(/\\n/g, '\n').replace(/\\r/g, '\r'),
             why: m[3] || '' };
  });
}

test('every vector of docs/TOKENS.md gets its verdict', async () => {
  const list = vectors();
  assert.ok(list.length >= 15, `only ${list.length} vectors`);
  const seen = new Set();
  for (const v of list) {
    const got = await token.verifyToken(v.text, PK);
    assert.equal(got.verdict, v.verdict, `${v.why}: ${JSON.stringify(v.text)}`);
    seen.add(got.verdict);
  }
  assert.deepEqual([...seen].sort(), ['altered', 'forged', 'genuine', 'malformed']);
});

test('a genuine token gives its fields', async () => {
  const { text } = vectors()[0];
  const { verdict, token: t } = await token.verifyToken(text, PK);
  assert.equal(verdict, 'genuine');
  assert.deepEqual(t, { version: 1, shipment: 'ENV-2026-000123', package: 3, count: 5, dest: 'COM-0042' });
  const wrong = await token.verifyToken(text, token.hexToBytes('11'.repeat(32)));
  assert.notEqual(wrong.verdict, 'genuine');
});

test('the forged token shows what it claims, untrusted', async () => {
  const forged = vectors().find((v) => v.verdict === 'forged');
  const { token: t } = await token.verifyToken(forged.text, PK);
  assert.equal(t.shipment, 'ENV-2026-000123');
  assert.equal(t.package, 3);
});

test('odd input is malformed, never a throw', async () => {
  for (const bad of ['', 'AYNI', 'ayni ', null, undefined, 42, 'AYNÍAGOS', 'A'.repeat(300), 'AYNI' + '7'.repeat(248)])
    assert.equal((await token.verifyToken(bad, PK)).verdict, 'malformed', String(bad));
});

test('base32 as RFC 4648, canonical only', () => {
  const plain = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
  const coded = ['', 'MY', 'MZXQ', 'MZXW6', 'MZXW6YQ', 'MZXW6YTB', 'MZXW6YTBOI'];
  plain.forEach((p, i) => {
    assert.equal(base32Encode(new TextEncoder().encode(p)), coded[i]);
    assert.equal(new TextDecoder().decode(base32Decode(coded[i], 16)), p);
  });
  for (const bad of ['MZ', 'MZXR', 'M', 'MZX', 'MZXW6Y', 'MY======', 'M1'])
    assert.equal(base32Decode(bad, 16), null, bad);
  assert.equal(base32Decode('MZXW6YTBOI', 5), null);
  assert.equal(new TextDecoder().decode(base32Decode('mzxw6ytboi', 6)), 'foobar');
});

test('the key id is BLAKE2b-256 of the key, as the core makes it', () => {
  assert.equal(token.keyIdHex(PK), '9d24e2ee');
  // RFC 7693 appendix A, and hashlib.blake2b(…, digest_size=32) for the rest.
  assert.equal(token.bytesToHex(blake2b(new TextEncoder().encode('abc'), 64)),
    'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1' +
    '7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923');
  assert.equal(token.bytesToHex(blake2b(new Uint8Array(0), 32)),
    '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
  assert.equal(token.bytesToHex(blake2b(Uint8Array.from({ length: 300 }, (_, i) => i & 255), 32)),
    '3a486e3fe3ee414853000269ac020030aeef748cb05cd62ba85939ec298ef25c');
});
