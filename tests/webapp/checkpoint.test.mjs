// checkpoint.test.mjs: web/app/checkpoint.js against the worked example and the test
// vectors of docs/PROOF.md, the very blocks tests/unit/test_checkpoint.c checks
// core_checkpoint_message and core_checkpoint_verify with, so the C and the JavaScript
// readers of checkpoints cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { load, sourceDir } from './appdir.mjs';

const cp = await load('checkpoint.js');
const { hexToBytes, bytesToHex } = await load('token.js');

// The worked example's key (seed 00 01 … 1f), as docs/PROOF.md gives it.
const PK = hexToBytes('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');
const HASH = 'e8305a2ad0bda485ef68463cba508f464899787ede3e45cc5dcf843df53593ff';
const AT = '2026-11-22T08:00:00Z';

const doc = readFileSync(join(sourceDir, 'docs', 'PROOF.md'), 'utf8');

// The lines of the block ```name of docs/PROOF.md.
function block(name) {
  const fence = '```' + name + '\n';
  const start = doc.indexOf(fence);
  assert.ok(start >= 0, `docs/PROOF.md has no ${fence.trim()} block`);
  const end = doc.indexOf('\n```', start + fence.length - 1);
  return doc.slice(start + fence.length, end).split('\n');
}

// As test_doc_vectors reads them: the verdict, spaces, the JSON, then "   # " and why.
function vectors() {
  return block('checkpoint-vectors').map((line) => {
    const m = /^([A-Z]+) +(.*?)   # (.*)$/.exec(line);
    assert.ok(m, `a vector line that does not parse: ${line}`);
    assert.ok(['GENUINE', 'ALTERED', 'FOREIGN', 'MALFORMED'].includes(m[1]), `no verdict: ${line}`);
    return { verdict: m[1].toLowerCase(), text: m[2], why: m[3] };
  });
}

test('the worked example is the message of docs/PROOF.md, byte for byte', () => {
  const [hex, ...rest] = block('checkpoint-message');
  assert.deepEqual(rest, [], 'the message block is one line');
  const m = cp.checkpointMessage({ seq: 27n, hash: HASH, at: AT });
  assert.equal(m.length, cp.MESSAGE_LEN);
  assert.equal(m.length, 78);
  assert.equal(bytesToHex(m), hex);
  assert.equal(new TextDecoder().decode(m.subarray(0, 18)), 'ayni-checkpoint-v1');
  // and the first vector is the worked example, signed
  const first = cp.fromJson(vectors()[0].text).checkpoint;
  assert.equal(first.seq, 27n);
  assert.equal(first.hash, HASH);
  assert.equal(first.at, AT);
  assert.equal(bytesToHex(first.keyId), '9d24e2ee');
});

test('every vector of docs/PROOF.md gets its verdict', async () => {
  const list = vectors();
  assert.ok(list.length >= 15, `only ${list.length} vectors`);
  const seen = new Set();
  for (const [n, v] of list.entries()) {
    const got = await cp.checkCheckpoint(v.text, PK);
    assert.equal(got.verdict, v.verdict, `vector ${n + 1} (${v.why}): ${v.text} ${got.error || ''}`);
    if (got.verdict === cp.MALFORMED)
      assert.ok(got.error.length > 0, `a malformed one says what is wrong: ${v.why}`);
    seen.add(got.verdict);
  }
  assert.deepEqual([...seen].sort(), ['altered', 'foreign', 'genuine', 'malformed']);
});

test('what the C message builder refuses, this one refuses', () => {
  const ok = { seq: 27n, hash: HASH, at: AT };
  assert.ok(cp.checkpointMessage(ok));
  for (const bad of [{ seq: 0n }, { seq: 27 }, { seq: 1n << 63n }, { hash: HASH.toUpperCase() },
    { hash: HASH.slice(1) }, { at: '2026-11-22T08:00:00.000Z' }, { at: '2026-02-29T08:00:00Z' },
    { at: '2026-11-22T24:00:00Z' }, { at: '0000-01-01T00:00:00Z' }, { at: '2026-11-22 08:00:00Z' }])
    assert.equal(cp.checkpointMessage({ ...ok, ...bad }), null, JSON.stringify(bad, (k, v) => String(v)));
  assert.ok(cp.checkpointMessage({ ...ok, at: '2028-02-29T23:59:59Z' }));
  const widest = cp.checkpointMessage({ ...ok, seq: (1n << 63n) - 1n });
  assert.equal(bytesToHex(widest.subarray(18, 26)), '7fffffffffffffff');
});

test('JSON that jansson refuses, or that is not an integer, is malformed', async () => {
  const good = vectors()[0].text;
  const bad = [
    good.replace('"seq":27', '"seq":27.0'), // a real, not an integer
    good.replace('"seq":27', '"seq":2.7e1'),
    good.replace('"seq":27', '"seq":027'),
    good.replace('"seq":27', '"seq":9223372036854775808'), // beyond 64 bits
    good.replace('"seq":27', '"seq":true'),
    good.replace('{', '{"seq":27,'), // a duplicate key
    good.replace('{', '{"s\\u0065q":27,'), // the same, escaped
    good + ' x',
    good.replace('"hash"', "'hash'"),
    '', '{}', 'null', '27', '"seq"', '{"seq":27,}', '['.repeat(5000),
    null, undefined, 42,
  ];
  for (const text of bad) {
    const got = await cp.checkCheckpoint(text, PK);
    assert.equal(got.verdict, cp.MALFORMED, String(text).slice(0, 80));
    assert.ok(got.error);
  }
  // White space around and inside is JSON, as jansson reads it.
  const spaced = ` \r\n${good.replace(/,/g, ' ,\t').replace(/":/g, '" :  ')}\n`;
  assert.equal((await cp.checkCheckpoint(spaced, PK)).verdict, cp.GENUINE);
});

test('no single flipped bit of the signature passes, another key is foreign', async () => {
  const { checkpoint } = cp.fromJson(vectors()[0].text);
  assert.equal(await cp.verifyCheckpoint(checkpoint, PK), cp.GENUINE);
  for (let bit = 0; bit < 512; bit += 7) {
    const signature = checkpoint.signature.slice();
    signature[bit >> 3] ^= 1 << (bit & 7);
    assert.equal(await cp.verifyCheckpoint({ ...checkpoint, signature }, PK), cp.ALTERED, `bit ${bit}`);
  }
  assert.equal(await cp.verifyCheckpoint(checkpoint, hexToBytes('11'.repeat(32))), cp.FOREIGN);
  // fields made malformed after reading never verify
  assert.equal(await cp.verifyCheckpoint({ ...checkpoint, at: '2026-11-22T08:00:00+00:00' }, PK), cp.ALTERED);
});
