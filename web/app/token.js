// token.js: the phone's reader of the signed QR token, a port of core/lib/token.c (layout
// and verdicts in docs/TOKENS.md; keep the three in step).  It checks a code offline
// against the core's public key, before anything is stored: only GENUINE may be queued.
// Its test vectors are the ones core_token_verify checks (tests/webapp/token.test.mjs).
import { verifyAsync } from './vendor/noble-ed25519.js';
import { base32Decode } from './base32.js';
import { blake2b } from './blake2b.js';

export const GENUINE = 'genuine';
export const ALTERED = 'altered';
export const FORGED = 'forged';
export const MALFORMED = 'malformed';

const VERSION = 1;
const PREFIX = 'AYNI';
const CODE_MAX = 40;
const COUNT_MAX = 9999;
const OFF_KEYID = 1, KEYID_LEN = 4, OFF_PACKAGE = 5, OFF_COUNT = 7, HEAD_LEN = 9;
const SIG_LEN = 64;
const PAYLOAD_MAX = HEAD_LEN + 2 * (1 + CODE_MAX) + SIG_LEN; // 155
const TEXT_MAX = 252;
const CONTEXT = new TextEncoder().encode('ayni-qr-token');

export function hexToBytes(hex) {
  if (typeof hex !== 'string' || hex.length % 2 || /[^0-9a-fA-F]/.test(hex))
    return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// The key id tokens carry for the public key pk (32 bytes): BLAKE2b-256(pk)[0..3].
export function keyId(pk) {
  return blake2b(pk, 32).subarray(0, KEYID_LEN);
}

// The key id of pk as 8 hex digits, as keys.public announces it.
export function keyIdHex(pk) {
  return bytesToHex(keyId(pk));
}

function codeOk(bytes) {
  if (bytes.length < 1 || bytes.length > CODE_MAX)
    return false;
  for (const c of bytes)
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45))
      return false;
  return true;
}

const ascii = (bytes) => String.fromCharCode(...bytes);

// The code (length byte, then characters) at p[off], or null.
function takeCode(p, off) {
  if (off >= p.length)
    return null;
  const len = p[off];
  if (len > p.length - off - 1)
    return null;
  const bytes = p.subarray(off + 1, off + 1 + len);
  return codeOk(bytes) ? { code: ascii(bytes), next: off + 1 + len } : null;
}

// True if p ends before the length its code lengths give: a read cut short, not a change.
function cutShort(p) {
  let off = HEAD_LEN;
  for (let code = 0; code < 2; code++) {
    if (off >= p.length)
      return true;
    off += 1 + p[off];
  }
  return p.length < off + SIG_LEN;
}

// The fields of the payload p, or null unless it is exactly one well-formed token.
function unpack(p) {
  if (p.length < HEAD_LEN || p[0] !== VERSION)
    return null;
  const ship = takeCode(p, HEAD_LEN);
  const dest = ship && takeCode(p, ship.next);
  if (!dest || p.length - dest.next !== SIG_LEN)
    return null;
  const t = {
    version: p[0],
    shipment: ship.code,
    package: (p[OFF_PACKAGE] << 8) | p[OFF_PACKAGE + 1],
    count: (p[OFF_COUNT] << 8) | p[OFF_COUNT + 1],
    dest: dest.code,
  };
  return t.count >= 1 && t.count <= COUNT_MAX && t.package <= t.count ? t : null;
}

const sameId = (p, id) => id.every((b, i) => p[OFF_KEYID + i] === b);

async function signatureOk(p, pk) {
  const n = p.length - SIG_LEN;
  const msg = new Uint8Array(CONTEXT.length + n);
  msg.set(CONTEXT);
  msg.set(p.subarray(0, n), CONTEXT.length);
  try {
    // Strict RFC 8032 checks, as libsodium's crypto_sign_verify_detached makes.
    return await verifyAsync(p.subarray(n), msg, pk, { zip215: false });
  } catch {
    return false; // a signature or key that is not even a curve point
  }
}

// text less one trailing CR, LF or CR LF (a keyboard-wedge scanner's Enter).
function stripEol(text) {
  if (text.endsWith('\n'))
    text = text.slice(0, -1);
  if (text.endsWith('\r'))
    text = text.slice(0, -1);
  return text;
}

// The verdict on text under the public key pk (32 bytes, with its key id id if known):
// {verdict, token}, token the fields for GENUINE, the UNTRUSTED claimed fields for
// ALTERED and FORGED (for showing, never for acting on), null for MALFORMED.
export async function verifyToken(text, pk, id = keyId(pk)) {
  const malformed = { verdict: MALFORMED, token: null };
  if (typeof text !== 'string')
    return malformed;
  text = stripEol(text);
  if (text.length > TEXT_MAX || text.length < PREFIX.length ||
      text.slice(0, PREFIX.length).toUpperCase() !== PREFIX ||
      /[^A-Za-z]/.test(text.slice(0, PREFIX.length)))
    return malformed;
  const p = base32Decode(text.slice(PREFIX.length), PAYLOAD_MAX);
  if (!p)
    return malformed;
  const token = unpack(p);
  if (!token) {
    const ours = p.length >= HEAD_LEN && p[0] === VERSION && sameId(p, id) && !cutShort(p);
    return ours ? { verdict: ALTERED, token: null } : malformed;
  }
  if (sameId(p, id))
    return { verdict: (await signatureOk(p, pk)) ? GENUINE : ALTERED, token };
  // Not our key id: another key signed it, unless our signature verifies once our key id
  // is put back (one of our tokens with its key id changed).
  p.set(id, OFF_KEYID);
  return { verdict: (await signatureOk(p, pk)) ? ALTERED : FORGED, token };
}
