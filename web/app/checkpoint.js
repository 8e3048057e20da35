// checkpoint.js: a reader of the signed checkpoints of the event chain, a port of
// core/lib/checkpoint.c (message and JSON form in docs/PROOF.md; keep the three in step).
// It checks one checkpoint, as one line of an export, against the core's public key.  Its
// test vectors are the ones core_checkpoint_verify checks (tests/webapp/checkpoint.test.mjs).
//
// Must not accept two spellings of one checkpoint, nor any JSON the C reader (jansson with
// JSON_REJECT_DUPLICATES) refuses: hence its own strict JSON parser below, which keeps an
// integer apart from a real (27 from 27.0) and reads seq as a BigInt (up to 2^63 - 1).
import { verifyAsync } from './vendor/noble-ed25519.js';
import { keyId } from './token.js';

export const GENUINE = 'genuine';
export const ALTERED = 'altered';
export const FOREIGN = 'foreign';
export const MALFORMED = 'malformed';

// The first bytes of every signed message: no token ("ayni-qr-token") can pass for a
// checkpoint, nor a checkpoint for a token.
export const CONTEXT = new TextEncoder().encode('ayni-checkpoint-v1');
// context, seq (8 bytes, big-endian), hash (32 bytes), at (20 ASCII characters)
export const MESSAGE_LEN = CONTEXT.length + 8 + 32 + 20;

const FIELDS = ['seq', 'hash', 'at', 'key_id', 'signature'];
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const DEPTH_MAX = 2048; // jansson's JSON_PARSER_MAX_DEPTH

// A JSON integer as read: apart from a real, whatever its value.
class JsonInteger {
  constructor(value) {
    this.value = value;
  }
}

class JsonError extends Error {}

// The value of the JSON text, as jansson reads it: integers as JsonInteger (refused
// beyond 64 bits), reals as numbers, objects as Maps (a duplicate key refused), nothing
// but white space after the value.  Throws JsonError.
function parseJson(text) {
  let i = 0;
  const fail = (what) => {
    throw new JsonError(`${what} at character ${i + 1}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]))
      i++;
  };
  const string = () => {
    let out = '';
    i++; // the opening quote
    for (;;) {
      if (i >= text.length)
        fail('unterminated string');
      const c = text[i++];
      if (c === '"')
        return out;
      if (c < ' ')
        fail('control character in a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) {
        out += simple[e];
        continue;
      }
      if (e !== 'u')
        fail('invalid escape');
      const hex4 = () => {
        const h = text.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(h))
          fail('invalid \\u escape');
        i += 4;
        return parseInt(h, 16);
      };
      let u = hex4();
      if (u >= 0xd800 && u <= 0xdbff) {
        if (text.slice(i, i + 2) !== '\\u')
          fail('lone surrogate');
        i += 2;
        const low = hex4();
        if (low < 0xdc00 || low > 0xdfff)
          fail('lone surrogate');
        u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
      } else if ((u >= 0xdc00 && u <= 0xdfff) || u === 0) {
        fail(u ? 'lone surrogate' : '\\u0000 in a string');
      }
      out += String.fromCodePoint(u);
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m)
      fail('invalid number');
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const v = BigInt(m[0]);
      if (v > INT64_MAX || v < INT64_MIN)
        fail('too big an integer');
      return new JsonInteger(v);
    }
    const r = Number(m[0]);
    if (!Number.isFinite(r))
      fail('real number overflow');
    return r;
  };
  const value = (depth) => {
    if (depth > DEPTH_MAX)
      fail('too deeply nested');
    space();
    const c = text[i];
    if (c === '{') {
      const o = new Map();
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        space();
        if (text[i] !== '"')
          fail('a key must be a string');
        const key = string();
        if (o.has(key))
          fail(`duplicate key '${key}'`);
        space();
        if (text[i++] !== ':')
          fail("':' expected");
        o.set(key, value(depth + 1));
        space();
        const sep = text[i++];
        if (sep === '}')
          return o;
        if (sep !== ',')
          fail("',' or '}' expected");
      }
    }
    if (c === '[') {
      const a = [];
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        space();
        const sep = text[i++];
        if (sep === ']')
          return a;
        if (sep !== ',')
          fail("',' or ']' expected");
      }
    }
    if (c === '"')
      return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]])
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    return number();
  };
  const v = value(1);
  space();
  if (i < text.length)
    fail('end of input expected');
  return v;
}

// n lower-case hex digits exactly, as n / 2 bytes; null otherwise.
function hexBytes(text, n) {
  if (typeof text !== 'string' || text.length !== n || /[^0-9a-f]/.test(text))
    return null;
  const out = new Uint8Array(n / 2);
  for (let k = 0; k < out.length; k++)
    out[k] = parseInt(text.substr(2 * k, 2), 16);
  return out;
}

function leap(y) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

// A UTC time in exactly the form YYYY-MM-DDTHH:MM:SSZ, of a day that exists (as the C's
// ayni_isotime_utc, whose UTC spelling must give the text back).
function timeOk(at) {
  const m = typeof at === 'string' && /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(at);
  if (!m)
    return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const mdays = [31, mo === 2 && leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && h <= 23 && mi <= 59 &&
    s <= 59;
}

// The 78 bytes c's signature covers (c as fromJson gives it: seq a BigInt), or null if
// seq is below 1, hash is not 64 lower-case hex digits or at is not of its one form.
export function checkpointMessage(c) {
  const hash = hexBytes(c.hash, 64);
  if (typeof c.seq !== 'bigint' || c.seq < 1n || c.seq > INT64_MAX || !hash || !timeOk(c.at))
    return null;
  const out = new Uint8Array(MESSAGE_LEN);
  out.set(CONTEXT);
  let p = CONTEXT.length;
  for (let k = 7; k >= 0; k--)
    out[p++] = Number((c.seq >> BigInt(8 * k)) & 0xffn);
  out.set(hash, p);
  out.set(new TextEncoder().encode(c.at), p + 32);
  return out;
}

// The checkpoint of the JSON text (one line of an export, no line end):
// {checkpoint: {seq, hash, at, keyId, signature}} or {error} saying what is wrong when it
// is not JSON, or not an object with exactly the five fields, each of its form.  The
// signature is not checked here.
export function fromJson(text) {
  let o;
  try {
    if (typeof text !== 'string')
      return { error: 'a checkpoint is a JSON text' };
    o = parseJson(text);
  } catch (e) {
    if (e instanceof JsonError || e instanceof RangeError)
      return { error: `not JSON: ${e.message}` };
    throw e;
  }
  if (!(o instanceof Map))
    return { error: 'a checkpoint is a JSON object' };
  for (const key of o.keys())
    if (!FIELDS.includes(key))
      return { error: `unknown field '${key}' (a checkpoint has seq, hash, at, key_id and signature)` };
  const seq = o.get('seq');
  const str = (name) => (typeof o.get(name) === 'string' ? o.get(name) : null);
  const [hash, at] = [str('hash'), str('at')];
  if (!(seq instanceof JsonInteger) || seq.value < 1n)
    return { error: "'seq' must be a whole number, 1 or more" };
  if (!hexBytes(hash, 64))
    return { error: "'hash' must be 64 lower-case hex digits" };
  if (!at || !timeOk(at))
    return { error: "'at' must be a UTC time as YYYY-MM-DDTHH:MM:SSZ" };
  const id = hexBytes(str('key_id'), 8);
  if (!id)
    return { error: "'key_id' must be 8 lower-case hex digits" };
  const signature = hexBytes(str('signature'), 128);
  if (!signature)
    return { error: "'signature' must be 128 lower-case hex digits" };
  return { checkpoint: { seq: seq.value, hash, at, keyId: id, signature } };
}

// The verdict on the checkpoint c (as fromJson gives it) under the public key pk (32
// bytes): FOREIGN if it carries another key's id, ALTERED if its signature fails (or its
// fields became malformed), else GENUINE.
export async function verifyCheckpoint(c, pk) {
  const id = keyId(pk);
  if (!(c.keyId instanceof Uint8Array) || c.keyId.length !== id.length ||
      !id.every((b, k) => c.keyId[k] === b))
    return FOREIGN;
  const m = checkpointMessage(c);
  if (!m || !(c.signature instanceof Uint8Array) || c.signature.length !== 64)
    return ALTERED;
  try {
    // Strict RFC 8032 checks, as libsodium's crypto_sign_verify_detached makes.
    return (await verifyAsync(c.signature, m, pk, { zip215: false })) ? GENUINE : ALTERED;
  } catch {
    return ALTERED; // a signature or key that is not even a curve point
  }
}

// The verdict on the JSON text of one checkpoint under pk: {verdict, checkpoint, error},
// checkpoint the fields unless MALFORMED (trusted only for GENUINE), error for MALFORMED.
export async function checkCheckpoint(text, pk) {
  const { checkpoint, error } = fromJson(text);
  if (!checkpoint)
    return { verdict: MALFORMED, checkpoint: null, error };
  return { verdict: await verifyCheckpoint(checkpoint, pk), checkpoint, error: null };
}
