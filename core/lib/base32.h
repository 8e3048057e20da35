/* base32.h: RFC 4648 Base32 (alphabet A-Z2-7, no padding) for the QR tokens.
 *
 * Upper-case Base32 keeps a QR code in alphanumeric mode and survives keyboard-wedge
 * scanners.  Pure functions: no allocation, no state, no locale.
 */
#ifndef AYNI_BASE32_H
#define AYNI_BASE32_H

#include <stddef.h>

/* Characters (without the NUL) that core_base32_encode writes for n bytes. */
size_t core_base32_encoded_len(size_t n);

/* Write the Base32 text of in[0..n-1] and a NUL to out, which must hold
 * core_base32_encoded_len(n) + 1 characters.  Cannot fail. */
void core_base32_encode(const unsigned char *in, size_t n, char *out);

/* Decode in[0..len-1] (no NUL needed; lower-case letters accepted) into out, which
 * holds cap bytes; *outlen gets the number of bytes.  Returns 0, or AYNI_EINVAL if a
 * character is not in the alphabet (padding '=' included), the length is impossible,
 * the unused trailing bits are not zero (non-canonical text), or the result would not
 * fit in cap; on failure out holds garbage and *outlen is untouched.  Reads no byte
 * outside in[0..len-1]. */
int core_base32_decode(const char *in, size_t len, unsigned char *out, size_t cap,
                       size_t *outlen);

#endif
