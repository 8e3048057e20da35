/* base32.c: RFC 4648 Base32 without padding.  Must not allocate or read past its input. */
#include "base32.h"

#include <assert.h>
#include <stdint.h>

#include "error.h"

static const char s_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t
core_base32_encoded_len(size_t n)
{
    assert(n <= SIZE_MAX / 8);
    return (n * 8 + 4) / 5;
}

void
core_base32_encode(const unsigned char *in, size_t n, char *out)
{
    unsigned acc = 0;
    int bits = 0;

    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8 | in[i]) & 0xfff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            *out++ = s_alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0)
        *out++ = s_alphabet[(acc << (5 - bits)) & 31];
    *out = '\0';
}

/* The 5-bit value of c, or -1 if c is not a Base32 letter or digit. */
static int
s_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int
core_base32_decode(const char *in, size_t len, unsigned char *out, size_t cap,
                   size_t *outlen)
{
    /* 5 or more leftover bits would be a whole wasted character: not canonical. */
    if (len > SIZE_MAX / 5 || len * 5 % 8 >= 5 || len * 5 / 8 > cap)
        return AYNI_EINVAL;

    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int v = s_value(in[i]);
        if (v < 0)
            return AYNI_EINVAL;
        acc = (acc << 5 | (unsigned)v) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    if (acc & ((1u << bits) - 1))
        return AYNI_EINVAL;
    *outlen = n;
    return 0;
}
