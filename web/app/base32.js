// base32.js: RFC 4648 Base32 without padding, as core/lib/base32.c: upper case out,
// lower case accepted in, and only the canonical spelling (no '=', unused bits zero).
// Pure functions; no DOM, so the node tests load it as it is.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes) {
  let acc = 0, bits = 0, out = '';
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
  }
  if (bits > 0)
    out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

// The 5-bit value of the character code c, or -1.
function value(c) {
  if (c >= 65 && c <= 90) return c - 65;   // A-Z
  if (c >= 97 && c <= 122) return c - 97;  // a-z
  if (c >= 50 && c <= 55) return c - 50 + 26; // 2-7
  return -1;
}

// The bytes of text (at most cap of them), or null if text is not canonical Base32:
// a character outside the alphabet (padding included), an impossible length, unused
// trailing bits not zero, or more than cap bytes.
export function base32Decode(text, cap) {
  const len = text.length;
  // 5 or more leftover bits would be a whole wasted character: not canonical.
  if ((len * 5) % 8 >= 5 || Math.floor((len * 5) / 8) > cap)
    return null;
  const out = new Uint8Array(Math.floor((len * 5) / 8));
  let acc = 0, bits = 0, n = 0;
  for (let i = 0; i < len; i++) {
    const v = value(text.charCodeAt(i));
    if (v < 0)
      return null;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  if (acc & ((1 << bits) - 1))
    return null;
  return out;
}
