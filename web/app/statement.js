// statement.js: the phone's reader of a donor report's signed statement, a port of
// core/lib/statement.c (the text form in docs/PROOF.md; keep the three in step).  It
// checks the text of a report's QR code offline against the core's public key.  Its
// test vectors are the ones core_statement_verify checks (tests/webapp/statement.test.mjs).
//
// Must not accept two spellings of one statement: as the C reader, it parses the text,
// writes it again and compares, so only the signed bytes stand for those figures.
import { verifyAsync } from './vendor/noble-ed25519.js';
import { blake2b } from './blake2b.js';
import { bytesToHex } from './token.js';

export const GENUINE = 'genuine';
export const ALTERED = 'altered';
export const FOREIGN = 'foreign';
export const MALFORMED = 'malformed';

export const VERSION = 'AYNI-R1';
const SIG_TAG = '~sig*';
const SIG_B64_LEN = 86; // 64 bytes in unpadded base64url
const ITEMS_MAX = 64;
const TEXT_MAX = 4096;
const CODE = /^[A-Z0-9._-]{1,40}$/;
const NUMBER = /^(0|[1-9][0-9]{0,14})$/; // 15 digits: exact in a JavaScript number
const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// The key's fingerprint: the first 16 bytes of BLAKE2b-256(pk), as 32 hex digits.
export function fingerprint(pk) {
  return bytesToHex(blake2b(pk, 32).subarray(0, 16));
}

// Unpadded base64url of exactly 64 bytes, whose unused bits are zero; null otherwise.
function signatureBytes(text) {
  if (text.length !== SIG_B64_LEN)
    return null;
  const out = new Uint8Array(64);
  let acc = 0, bits = 0, n = 0;
  for (const c of text) {
    const v = B64URL.indexOf(c);
    if (v < 0)
      return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return n === 64 && (acc & ((1 << bits) - 1)) === 0 ? out : null;
}

function dateOk(d) {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(d))
    return false;
  const [y, m, day] = d.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, day));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
}

// The canonical text of st (no signature), or null if a field is out of its form.
export function statementText(st) {
  const items = st.items;
  const ok = CODE.test(st.donor) && dateOk(st.from) && dateOk(st.to) && st.from <= st.to &&
    items.length <= ITEMS_MAX &&
    items.every((it, i) => CODE.test(it.code) && NUMBER.test(String(it.qty)) && it.qty >= 1 &&
      (i === 0 || items[i - 1].code < it.code)) &&
    [st.communities, st.deliveries, st.scanned, st.checkpoint.seq].every((v) => NUMBER.test(String(v))) &&
    st.scanned <= st.deliveries && HEX64.test(st.communityDigest) &&
    HEX64.test(st.checkpoint.hash) && HEX32.test(st.keyFingerprint);
  if (!ok)
    return null;
  return [VERSION, `donor*${st.donor}`, `period*${st.from}*${st.to}`,
    ...items.map((it) => `item*${it.code}*${it.qty}`),
    `communities*${st.communities}*${st.communityDigest}`,
    `deliveries*${st.deliveries}*${st.scanned}`,
    `checkpoint*${st.checkpoint.seq}*${st.checkpoint.hash}`, `key*${st.keyFingerprint}`].join('~');
}

class Malformed extends Error {}

// A field "tag*v1*v2…" with exactly n values after tag; its values.
function field(f, tag, n) {
  const parts = f.split('*');
  if (parts[0] !== tag || parts.length !== n + 1)
    throw new Malformed(`the statement's '${tag}' field is malformed`);
  return parts.slice(1);
}

// Parse a QR text into { statement, body, signature }; throws Malformed.
export function parseStatement(text) {
  if (typeof text !== 'string')
    throw new Malformed('not text');
  text = text.replace(/\r?\n$/, '');
  if (text.length > TEXT_MAX)
    throw new Malformed('too long');
  const at = text.lastIndexOf(SIG_TAG);
  if (at < 0)
    throw new Malformed("the statement carries no signature ('~sig*')");
  const body = text.slice(0, at);
  const signature = signatureBytes(text.slice(at + SIG_TAG.length));
  if (!signature)
    throw new Malformed('the signature is not 64 bytes in base64url');
  const f = body.split('~');
  if (f.length < 7 || f[0] !== VERSION || f.length - 7 > ITEMS_MAX)
    throw new Malformed(`not an Ayni report statement (it starts with '${VERSION}~donor*')`);
  const [donor] = field(f[1], 'donor', 1);
  const [from, to] = field(f[2], 'period', 2);
  const items = f.slice(3, f.length - 4).map((x) => {
    const [code, qty] = field(x, 'item', 2);
    if (!NUMBER.test(qty))
      throw new Malformed('an item quantity is not a number');
    return { code, qty: Number(qty) };
  });
  const [communities, communityDigest] = field(f[f.length - 4], 'communities', 2);
  const [deliveries, scanned] = field(f[f.length - 3], 'deliveries', 2);
  const [seq, hash] = field(f[f.length - 2], 'checkpoint', 2);
  const [keyFingerprint] = field(f[f.length - 1], 'key', 1);
  for (const n of [communities, deliveries, scanned, seq])
    if (!NUMBER.test(n))
      throw new Malformed('a count is not a number');
  const statement = {
    donor, from, to, items, communities: Number(communities), communityDigest,
    deliveries: Number(deliveries), scanned: Number(scanned),
    checkpoint: { seq: Number(seq), hash }, keyFingerprint,
  };
  if (statementText(statement) !== body)
    throw new Malformed("the statement's figures are out of their form");
  return { statement, body, signature };
}

// Check a report's QR text against the core's public key pk (32 bytes):
// { verdict, statement (untrusted unless GENUINE; null if MALFORMED), reason }.
export async function verifyStatement(text, pk) {
  let parsed;
  try {
    parsed = parseStatement(text);
  } catch (e) {
    if (!(e instanceof Malformed))
      throw e;
    return { verdict: MALFORMED, statement: null, reason: e.message };
  }
  const { statement, body, signature } = parsed;
  if (statement.keyFingerprint !== fingerprint(pk))
    return { verdict: FOREIGN, statement, reason: '' };
  let good = false;
  try {
    good = await verifyAsync(signature, new TextEncoder().encode(body), pk);
  } catch {
    good = false;
  }
  return { verdict: good ? GENUINE : ALTERED, statement, reason: '' };
}

// BLAKE2b-256 of the per-community listing (docs/PROOF.md) of report.donor's rows
// [{community, item, qty}], as 64 hex digits.
export function communityDigest(rows) {
  const sums = new Map();
  for (const r of rows) {
    const key = `${r.community} ${r.item}`;
    sums.set(key, (sums.get(key) || 0) + r.qty);
  }
  const enc = new TextEncoder();
  const keys = [...sums.keys()].sort((a, b) => {
    const x = enc.encode(a), y = enc.encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i])
        return x[i] - y[i];
    return x.length - y.length;
  });
  const listing = keys.map((k) => `${k} ${sums.get(k)}\n`).join('');
  return bytesToHex(blake2b(enc.encode(listing), 32));
}
