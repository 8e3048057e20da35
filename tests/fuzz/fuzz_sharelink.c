/* fuzz_sharelink.c: libFuzzer target for the share link reader (core/lib/sharelink.c).
 *
 * The input is what a gateway passes on after "Authorization: Share ": any bytes.  Checks,
 * besides no crash or sanitizer report:
 *   - an OK token has fields of their sizes, issuing those fields again gives the same text
 *     (reading is canonical: one token per share), and another key does not find it OK;
 *   - any other verdict leaves the fields all zero, and is one of the enum's.
 * The key pair comes from the fixed seed (fuzz_seed.h), so the seed corpus holds genuine
 * tokens.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_seed.h"
#include "sharelink.h"

#define S_MAX 2048

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
    fprintf(stderr, "fuzz_sharelink: %s\n", what);
    abort();
}

static void
s_check_ok(const char *text, const struct core_sharelink *s)
{
    if (strlen(s->id) != 16 || !*s->donor || strlen(s->from) != 10 || strlen(s->to) != 10 ||
        s->exp <= 0)
        s_fail("an OK token with fields out of shape");
    char *again = core_sharelink_issue(s, s_sk);
    if (strcmp(again, text))
        s_fail("an OK token that differs from its reissue");
    free(again);
    struct core_sharelink other;
    if (core_sharelink_open(text, s_other_pk, &other) == CORE_SHARELINK_OK)
        s_fail("a token OK under two keys");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct core_sharelink zero;
    char text[S_MAX + 1];
    if (size > S_MAX)
        size = S_MAX;
    memcpy(text, data, size);
    text[size] = '\0'; /* a header value is a C string: a NUL ends it */
    struct core_sharelink s;
    enum core_sharelink_verdict v = core_sharelink_open(text, s_pk, &s);
    if (v == CORE_SHARELINK_OK)
        s_check_ok(text, &s);
    else if (memcmp(&s, &zero, sizeof s) != 0)
        s_fail("a refused token with fields left in out");
    else if (v != CORE_SHARELINK_PREFIX_BAD && v != CORE_SHARELINK_ENCODING &&
             v != CORE_SHARELINK_SIGNATURE && v != CORE_SHARELINK_PAYLOAD)
        s_fail("a verdict out of range");
    return 0;
}
