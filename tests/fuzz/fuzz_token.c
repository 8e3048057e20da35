/* fuzz_token.c: libFuzzer target for the QR token decoder and verifier (core/lib/token.c)
 * and the Base32 codec under it (core/lib/base32.c).
 *
 * The input is a scanned text.  Checks, besides no crash or sanitizer report (libFuzzer
 * hands over exactly size bytes, so ASan catches any read past the text):
 *   - a GENUINE token has valid fields, issuing those fields again gives the same text
 *     (upper-cased, without its line ending), and another key does not find it GENUINE;
 *   - a MALFORMED verdict leaves the fields all zero;
 *   - Base32 text that decodes encodes back to itself (upper-cased): decoding is
 *     canonical; and any bytes encode and decode back to themselves.
 * The key pair comes from a fixed seed so the seed corpus holds genuine tokens.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base32.h"
#include "fuzz_seed.h"
#include "token.h"

#define S_B32_MAX 1024 /* bytes of input tried as Base32 */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char s_pk[32], s_sk[64], s_other_pk[32];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    unsigned char other_sk[64], seed[32];
    if (sodium_init() < 0)
        abort();
    crypto_sign_seed_keypair(s_pk, s_sk, (const unsigned char *)FUZZ_SIGNING_SEED);
    memset(seed, 0x5a, sizeof seed);
    crypto_sign_seed_keypair(s_other_pk, other_sk, seed);
    return 0;
}

static void
s_fail(const char *what)
{
    fprintf(stderr, "fuzz_token: %s\n", what);
    abort();
}

/* text[0..len-1] without one trailing CR, LF or CR LF, as the verifier reads it. */
static size_t
s_strip_eol(const char *text, size_t len)
{
    if (len > 0 && text[len - 1] == '\n')
        len--;
    if (len > 0 && text[len - 1] == '\r')
        len--;
    return len;
}

static void
s_check_genuine(const char *text, size_t len, const struct core_token *t)
{
    char *again = NULL;
    if (core_token_issue(t, s_sk, &again) != 0)
        s_fail("a GENUINE token whose fields cannot be issued");
    len = s_strip_eol(text, len);
    if (strlen(again) != len)
        s_fail("a GENUINE token of another length than its reissue");
    for (size_t i = 0; i < len; i++)
        if (toupper((unsigned char)text[i]) != again[i])
            s_fail("a GENUINE token that differs from its reissue");
    free(again);
    if (core_token_verify(text, len, s_other_pk, NULL) == CORE_TOKEN_GENUINE)
        s_fail("a token GENUINE under two keys");
}

static void
s_check_token(const char *text, size_t len)
{
    static const struct core_token zero;
    struct core_token t;
    enum core_token_verdict v = core_token_verify(text, len, s_pk, &t);
    if (core_token_verify(text, len, s_pk, NULL) != v)
        s_fail("the verdict depends on out being NULL");
    if (!core_token_verdict_message(v)[0])
        s_fail("an empty verdict message");
    if (v == CORE_TOKEN_GENUINE)
        s_check_genuine(text, len, &t);
    else if (v == CORE_TOKEN_MALFORMED && memcmp(&t, &zero, sizeof t) != 0)
        s_fail("a MALFORMED verdict with fields left in out");
    else if (v != CORE_TOKEN_MALFORMED && v != CORE_TOKEN_ALTERED && v != CORE_TOKEN_FORGED)
        s_fail("a verdict out of range");
}

static void
s_check_base32(const unsigned char *data, size_t size)
{
    unsigned char bytes[S_B32_MAX];
    char text[S_B32_MAX * 8 / 5 + 2];
    size_t n = 0;
    if (size > S_B32_MAX)
        size = S_B32_MAX;
    /* The text, decoded with just enough room, and with one byte too few. */
    if (core_base32_decode((const char *)data, size, bytes, sizeof bytes, &n) == 0) {
        if (n == 0 ? size != 0 : core_base32_decode((const char *)data, size, bytes, n - 1,
                                                    &(size_t){0}) == 0)
            s_fail("Base32 text decoded into too small a buffer");
        core_base32_encode(bytes, n, text);
        if (strlen(text) != size)
            s_fail("Base32 text that is not canonical decoded");
        for (size_t i = 0; i < size; i++)
            if (toupper(data[i]) != text[i])
                s_fail("Base32 text decoded to bytes that encode otherwise");
    }
    /* The bytes, encoded and decoded back. */
    core_base32_encode(data, size, text);
    if (strlen(text) != core_base32_encoded_len(size))
        s_fail("Base32 text of an unexpected length");
    if (core_base32_decode(text, strlen(text), bytes, size, &n) != 0 || n != size ||
        memcmp(bytes, data, size) != 0)
        s_fail("Base32 did not decode what it encoded");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s_check_token((const char *)data, size);
    s_check_base32(data, size);
    return 0;
}
