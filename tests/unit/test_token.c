/* test_token.c: the signed QR tokens (core/lib/token.c) and their Base32 (core/base32.c).
 *
 * Run it under the sanitizer build too: the truncation and random-input tests copy
 * each input into a buffer of exactly its size, with no NUL, so any read past the
 * end is caught there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "error.h"
#include "lang.h"
#include "mem.h"
#include "testutil.h"
#include "token.h"

static const char s_b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char s_ship40[] = "ENV-2026-000123.ABCDEFGHIJKLMNOPQRSTUVWX";
static const char s_dest40[] = "COM_HUANCAVELICA-ACOBAMBA.0123456789-YZ_";

static unsigned char s_pk[32], s_sk[64], s_pk2[32], s_sk2[64];

static int
s_setup(void **state)
{
    if (sodium_init() < 0)
        return -1;
    crypto_sign_keypair(s_pk, s_sk);
    crypto_sign_keypair(s_pk2, s_sk2);
    return 0;
}

static struct core_token
s_make(const char *ship, unsigned package, unsigned count, const char *dest)
{
    struct core_token t = {.version = CORE_TOKEN_VERSION, .package = package, .count = count};
    snprintf(t.shipment, sizeof t.shipment, "%s", ship);
    snprintf(t.dest, sizeof t.dest, "%s", dest);
    return t;
}

static char *
s_issue(const struct core_token *t, const unsigned char *sk)
{
    char *text = NULL;
    assert_int_equal(core_token_issue(t, sk, &text), 0);
    assert_non_null(text);
    return text;
}

/* Verify text[0..len-1] from a buffer of exactly len bytes, with no NUL after it, both
 * with the public key and as the issuer with the secret key: the two must agree. */
static enum core_token_verdict
s_verify_exact(const char *text, size_t len, struct core_token *out)
{
    char *buf = xmalloc(len);
    memcpy(buf, text, len);
    struct core_token t1, t2;
    enum core_token_verdict v = core_token_verify(buf, len, s_pk, &t1);
    assert_int_equal(core_token_verify_issued(buf, len, s_sk, &t2), v);
    assert_int_equal(t1.version, t2.version);
    assert_string_equal(t1.shipment, t2.shipment);
    assert_int_equal(t1.package, t2.package);
    assert_int_equal(t1.count, t2.count);
    assert_string_equal(t1.dest, t2.dest);
    if (out)
        *out = t1;
    free(buf);
    return v;
}

static enum core_token_verdict
s_verify(const char *text)
{
    return s_verify_exact(text, strlen(text), NULL);
}

/* Decode the payload of a token text into p; its length. */
static size_t
s_payload(const char *text, unsigned char *p, size_t cap)
{
    size_t n = 0, pl = strlen(CORE_TOKEN_PREFIX);
    assert_int_equal(core_base32_decode(text + pl, strlen(text) - pl, p, cap, &n), 0);
    return n;
}

/* A token text for payload p, with no new signature. */
static char *
s_reencode(const unsigned char *p, size_t n)
{
    size_t pl = strlen(CORE_TOKEN_PREFIX);
    char *text = xmalloc(pl + core_base32_encoded_len(n) + 1);
    memcpy(text, CORE_TOKEN_PREFIX, pl);
    core_base32_encode(p, n, text + pl);
    return text;
}

static void
test_base32_vectors(void **state)
{
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *coded[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
    for (size_t i = 0; i < 7; i++) {
        char out[32];
        unsigned char back[16];
        size_t n = 99;
        core_base32_encode((const unsigned char *)plain[i], strlen(plain[i]), out);
        assert_string_equal(out, coded[i]);
        assert_int_equal(core_base32_encoded_len(strlen(plain[i])), strlen(coded[i]));
        assert_int_equal(core_base32_decode(coded[i], strlen(coded[i]), back, sizeof back, &n), 0);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(back, plain[i], n);
    }
}

static void
test_base32_rejects(void **state)
{
    /* trailing bits set, impossible lengths, padding, a character not in the alphabet */
    static const char *bad[] = {"MZ", "MZXR", "M", "MZX", "MZXW6Y", "MY======", "M1"};
    unsigned char out[16];
    size_t n = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(core_base32_decode(bad[i], strlen(bad[i]), out, 16, &n), AYNI_EINVAL);
    assert_int_equal(core_base32_decode("MZXW6YTBOI", 10, out, 5, &n), AYNI_EINVAL); /* cap */
    assert_int_equal(core_base32_decode("mzxw6ytboi", 10, out, 6, &n), 0);
    assert_memory_equal(out, "foobar", 6);
}

static void
s_round_trip(const char *ship, unsigned count, const char *dest)
{
    for (unsigned pkg = 0; pkg <= count; pkg = pkg < 20 ? pkg + 1 : pkg * 7 + 1) {
        struct core_token t = s_make(ship, pkg, count, dest), got;
        char *text = s_issue(&t, s_sk);
        assert_true(strlen(text) <= CORE_TOKEN_TEXT_MAX);
        assert_int_equal(strncmp(text, CORE_TOKEN_PREFIX, strlen(CORE_TOKEN_PREFIX)), 0);
        assert_int_equal(strspn(text, s_b32), strlen(text));
        assert_int_equal(s_verify_exact(text, strlen(text), &got), CORE_TOKEN_GENUINE);
        assert_memory_equal(&got, &t, sizeof t);
        free(text);
    }
}

static void
test_round_trip(void **state)
{
    s_round_trip(s_ship40, 1, s_dest40);
    s_round_trip(s_ship40, 37, s_dest40);
    s_round_trip(s_ship40, CORE_TOKEN_COUNT_MAX, s_dest40);
    s_round_trip("ENV-2026-000123", 12, "COM-0042");
    s_round_trip("E", 1, "C");

    struct core_token t = s_make(s_ship40, 9999, 9999, s_dest40);
    char *text = s_issue(&t, s_sk);
    assert_int_equal(strlen(text), CORE_TOKEN_TEXT_MAX);
    assert_int_equal(core_token_verify(text, strlen(text), s_pk, NULL), CORE_TOKEN_GENUINE);
    free(text);
}

/* The worked example of docs/TOKENS.md: pins the format, which printed slips depend on. */
static void
test_known_answer(void **state)
{
    unsigned char seed[32], pk[32], sk[64], id[CORE_TOKEN_KEYID_LEN];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    crypto_sign_seed_keypair(pk, sk, seed);
    core_token_key_id(pk, id);
    assert_memory_equal(id, "\x9d\x24\xe2\xee", 4);

    struct core_token t = s_make("ENV-2026-000123", 3, 5, "COM-0042");
    char *text = s_issue(&t, sk);
    assert_string_equal(text, "AYNIAGOSJYXOAABQABIPIVHFMLJSGAZDMLJQGAYDCMRTBBBU6TJNGAYDIMTYIXBYG"
                              "XUS3EUK2WBXNTABMXLOSGM2PXHMNY6OIMJTY26KIXVUKTIFLVTSQPNTAP46MP65CTU"
                              "UQ63I3IQ6ZGNNGNIRDS2NDDWA3YDAY");
    free(text);
}

/* The verdict named by word (docs/TOKENS.md "Test vectors"), or -1. */
static int
s_verdict_named(const char *word, size_t n)
{
    static const char *const names[] = {"GENUINE", "ALTERED", "FORGED", "MALFORMED"};
    for (int v = 0; v < 4; v++)
        if (strlen(names[v]) == n && strncmp(word, names[v], n) == 0)
            return v;
    return -1;
}

/* One vector line "VERDICT TEXT   # why" into text (\n and \r unescaped); its verdict. */
static int
s_vector_line(const char *line, size_t len, char *text, size_t cap, size_t *tlen)
{
    size_t w = strcspn(line, " ");
    int v = w < len ? s_verdict_named(line, w) : -1;
    const char *p = line + w, *end = memchr(line, '#', len);
    end = end ? end : line + len;
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    size_t n = 0;
    for (; p < end && n < cap; p++) {
        if (*p == '\\' && p + 1 < end && (p[1] == 'n' || p[1] == 'r'))
            text[n++] = *++p == 'n' ? '\n' : '\r';
        else
            text[n++] = *p;
    }
    *tlen = n;
    return v;
}

/* The vectors of docs/TOKENS.md, the very list the phone app's reader checks too
 * (tests/webapp/token.test.mjs), under the worked example's key. */
static void
test_doc_vectors(void **state)
{
    char *md = tu_doc("docs/TOKENS.md");
    const char *p = tu_block(md, "token-vectors");
    if (!p)
        fail_msg("docs/TOKENS.md has no ```token-vectors block");

    unsigned char seed[32], pk[32], sk[64];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    crypto_sign_seed_keypair(pk, sk, seed);
    int count = 0, seen[4] = {0};
    while (strncmp(p, "```", 3) != 0) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        char text[400];
        size_t n = 0;
        int want = s_vector_line(p, (size_t)(nl - p), text, sizeof text, &n);
        if (want < 0)
            fail_msg("docs/TOKENS.md: a vector line without a verdict: %.*s", (int)(nl - p), p);
        char *exact = xmalloc(n ? n : 1);
        memcpy(exact, text, n);
        int got = (int)core_token_verify(exact, n, pk, NULL);
        if (got != want)
            fail_msg("vector %d: verdict %d, the document says %d: %.*s", count + 1, got, want,
                     (int)(nl - p), p);
        assert_int_equal(core_token_verify_issued(exact, n, sk, NULL), want);
        free(exact);
        seen[want]++;
        count++;
        p = nl + 1;
    }
    assert_true(count >= 15);
    for (int v = 0; v < 4; v++)
        assert_true(seen[v] > 0);
    free(md);
}

static void
test_qr_version(void **state)
{
    struct core_token t = s_make(s_ship40, 9999, 9999, s_dest40);
    char *text = s_issue(&t, s_sk);

    /* Alphanumeric mode forced: QRinput_append fails on any other character. */
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    assert_non_null(in);
    assert_int_equal(QRinput_append(in, QR_MODE_AN, (int)strlen(text), (unsigned char *)text), 0);
    QRcode *qr = QRcode_encodeInput(in);
    assert_non_null(qr);
    print_message("token of %zu characters: QR version %d at level M\n", strlen(text),
                  qr->version);
    assert_true(qr->version <= 10);
    QRcode_free(qr);
    QRinput_free(in);

    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(qr);
    assert_true(qr->version <= 10);
    QRcode_free(qr);
    free(text);
}

/* Every one-character change of text, to each Base32 character and a few others. */
static void
s_every_change(const char *text, int *altered, int *malformed)
{
    static const char other[] = "0189=+ /:a\x01\xff";
    char *copy = xstrdup(text);
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        for (size_t j = 0; j < sizeof s_b32 - 1 + sizeof other; j++) {
            char c = j < sizeof s_b32 - 1 ? s_b32[j] : other[j - (sizeof s_b32 - 1)];
            if (c == text[i] || (c >= 'a' && c <= 'z' && c - 'a' + 'A' == text[i]))
                continue;
            copy[i] = c;
            enum core_token_verdict v = s_verify_exact(copy, len, NULL);
            assert_true(v == CORE_TOKEN_ALTERED || v == CORE_TOKEN_MALFORMED);
            *(v == CORE_TOKEN_ALTERED ? altered : malformed) += 1;
        }
        copy[i] = text[i];
    }
    free(copy);
}

static void
test_single_char_changes(void **state)
{
    struct core_token big = s_make(s_ship40, 3, 40, s_dest40);
    struct core_token small = s_make("ENV-2026-000123", 0, 5, "COM-7");
    int altered = 0, malformed = 0;
    char *text = s_issue(&big, s_sk);
    s_every_change(text, &altered, &malformed);
    free(text);
    text = s_issue(&small, s_sk);
    s_every_change(text, &altered, &malformed);
    free(text);
    print_message("one-character changes: %d altered, %d malformed\n", altered, malformed);
    assert_true(altered > 0 && malformed > 0);
}

static void
test_payload_altered(void **state)
{
    struct core_token t = s_make("ENV-2026-000123", 3, 5, "COM-0042"), got;
    char *text = s_issue(&t, s_sk);
    unsigned char p[256];
    size_t n = s_payload(text, p, sizeof p);

    p[1 + CORE_TOKEN_KEYID_LEN + 1] = 4; /* package 3 -> 4 */
    char *bad = s_reencode(p, n);
    assert_int_equal(s_verify_exact(bad, strlen(bad), &got), CORE_TOKEN_ALTERED);
    assert_int_equal(got.package, 4); /* the untrusted fields are given back */
    assert_string_equal(got.shipment, "ENV-2026-000123");
    free(bad);

    p[1 + CORE_TOKEN_KEYID_LEN + 1] = 3;
    p[1] ^= 0x40; /* the key id alone */
    bad = s_reencode(p, n);
    assert_int_equal(s_verify(bad), CORE_TOKEN_ALTERED);
    free(bad);

    p[1] ^= 0x40;
    p[0] = 2; /* a version we do not know */
    bad = s_reencode(p, n);
    assert_int_equal(s_verify_exact(bad, strlen(bad), &got), CORE_TOKEN_MALFORMED);
    assert_int_equal(got.count, 0);
    free(bad);

    p[0] = CORE_TOKEN_VERSION;
    bad = s_reencode(p, n);
    assert_string_equal(bad, text);
    free(bad);

    /* Our payload broken after signing is altered, not unreadable (ayni-scan once said
     * "ilegible" of these): a trailing byte after the signature, a package past the
     * count, a character no code has.  A payload shorter than its code lengths say is
     * still unreadable: that is what a read cut short looks like. */
    p[n] = 0;
    bad = s_reencode(p, n + 1);
    assert_int_equal(s_verify_exact(bad, strlen(bad), &got), CORE_TOKEN_ALTERED);
    assert_int_equal(got.count, 0); /* nothing decoded to show */
    free(bad);
    p[1 + CORE_TOKEN_KEYID_LEN + 1] = 9; /* package 9 of 5 */
    bad = s_reencode(p, n);
    assert_int_equal(s_verify(bad), CORE_TOKEN_ALTERED);
    free(bad);
    p[1 + CORE_TOKEN_KEYID_LEN + 1] = 3;
    size_t head = 1 + CORE_TOKEN_KEYID_LEN + 4;
    p[head + 1] = 'e'; /* the shipment code's first character */
    bad = s_reencode(p, n);
    assert_int_equal(s_verify(bad), CORE_TOKEN_ALTERED);
    free(bad);
    p[1] ^= 0x40; /* the same with another key id: not ours, so unreadable */
    bad = s_reencode(p, n);
    assert_int_equal(s_verify(bad), CORE_TOKEN_MALFORMED);
    free(bad);
    p[1] ^= 0x40;
    p[head] = (unsigned char)(p[head] + 1); /* its length: the payload now looks cut short */
    bad = s_reencode(p, n);
    assert_int_equal(s_verify(bad), CORE_TOKEN_MALFORMED);
    free(bad);
    free(text);
}

static void
test_forged(void **state)
{
    struct core_token t = s_make(s_ship40, 2, 9, s_dest40), got;
    char *text = s_issue(&t, s_sk2);
    assert_int_equal(s_verify_exact(text, strlen(text), &got), CORE_TOKEN_FORGED);
    assert_memory_equal(&got, &t, sizeof t);
    assert_int_equal(core_token_verify(text, strlen(text), s_pk2, NULL), CORE_TOKEN_GENUINE);

    /* A forger who copies our key id into the token is caught as ALTERED instead. */
    unsigned char p[256], id[CORE_TOKEN_KEYID_LEN];
    size_t n = s_payload(text, p, sizeof p);
    core_token_key_id(s_pk, id);
    memcpy(p + 1, id, sizeof id);
    char *bad = s_reencode(p, n);
    assert_int_equal(s_verify(bad), CORE_TOKEN_ALTERED);
    free(bad);
    free(text);
}

static void
test_truncations_and_ends(void **state)
{
    struct core_token t = s_make(s_ship40, 1, 2, s_dest40);
    char *text = s_issue(&t, s_sk);
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(s_verify_exact(text, i, NULL), CORE_TOKEN_MALFORMED);
    assert_int_equal(s_verify_exact(text, len, NULL), CORE_TOKEN_GENUINE);

    static const char *good[] = {"\n", "\r\n", "\r"};
    static const char *bad[] = {"\n\n", "\n\r", " ", "\t", "A", "=", "\0", "\r\n\n"};
    for (size_t i = 0; i < 3 + 8; i++) {
        const char *end = i < 3 ? good[i] : bad[i - 3];
        size_t elen = end[0] ? strlen(end) : 1;
        char *s = xmalloc(len + elen);
        memcpy(s, text, len);
        memcpy(s + len, end, elen);
        assert_int_equal(s_verify_exact(s, len + elen, NULL),
                         i < 3 ? CORE_TOKEN_GENUINE : CORE_TOKEN_MALFORMED);
        free(s);
    }

    char *spaced = xasprintf("%.*s %s", 100, text, text + 100);
    assert_int_equal(s_verify(spaced), CORE_TOKEN_MALFORMED);
    free(spaced);
    assert_int_equal(core_token_verify(NULL, 0, s_pk, NULL), CORE_TOKEN_MALFORMED);
    free(text);
}

/* A fixed-seed generator, so a failure can be reproduced. */
static uint64_t s_rng = 0x9e3779b97f4a7c15u;
static uint32_t
s_rand(void)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return (uint32_t)(s_rng >> 11);
}

static void
test_random_inputs(void **state)
{
    char buf[300];
    int counts[4] = {0};
    size_t pl = strlen(CORE_TOKEN_PREFIX);
    for (int i = 0; i < 20000; i++) {
        size_t len = s_rand() % sizeof buf;
        for (size_t k = 0; k < len; k++)
            buf[k] = i < 10000 ? (char)s_rand() : s_b32[s_rand() % 32];
        if (i >= 10000 && len >= pl)
            memcpy(buf, CORE_TOKEN_PREFIX, pl);
        enum core_token_verdict v = s_verify_exact(buf, len, NULL);
        assert_int_not_equal(v, CORE_TOKEN_GENUINE);
        counts[v]++;
    }
    print_message("random inputs: %d altered, %d forged, %d malformed\n", counts[1], counts[2],
                  counts[3]);
}

static void
test_lower_case(void **state)
{
    struct core_token t = s_make("ENV-2026-000123", 0, 3, "COM-0042"), got;
    char *text = s_issue(&t, s_sk);
    for (char *c = text; *c; c++)
        if (*c >= 'A' && *c <= 'Z' && (c - text) % 3 != 0)
            *c = (char)(*c - 'A' + 'a');
    assert_int_equal(s_verify_exact(text, strlen(text), &got), CORE_TOKEN_GENUINE);
    assert_string_equal(got.shipment, "ENV-2026-000123"); /* codes keep their case */
    for (char *c = text; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    assert_int_equal(s_verify(text), CORE_TOKEN_GENUINE);
    free(text);
}

static void
s_refused(struct core_token t)
{
    char *text = NULL;
    assert_int_equal(core_token_issue(&t, s_sk, &text), AYNI_EINVAL);
    assert_null(text);
}

static void
test_issue_rejects(void **state)
{
    struct core_token t = s_make("ENV-2026-000123", 1, 2, "COM-0042");
    char *text = s_issue(&t, s_sk);
    free(text);
    t.version = 2;
    s_refused(t);
    s_refused(s_make("", 1, 2, "COM"));
    s_refused(s_make("ENV", 1, 2, ""));
    s_refused(s_make("env-2026", 1, 2, "COM"));
    s_refused(s_make("ENV 2026", 1, 2, "COM"));
    s_refused(s_make("ENV/2026", 1, 2, "COM"));
    s_refused(s_make("ENV", 1, 2, "COMUNIDAD-ÑAÑA"));
    s_refused(s_make("ENV", 0, 0, "COM"));
    s_refused(s_make("ENV", 0, CORE_TOKEN_COUNT_MAX + 1, "COM"));
    s_refused(s_make("ENV", 3, 2, "COM"));
    t = s_make("ENV", 1, 2, "COM");
    memset(t.shipment, 'A', sizeof t.shipment); /* 41 characters, no NUL */
    s_refused(t);
}

/* One language at a time: Spanish from this build's catalog, English when asked. */
static void
test_messages(void **state)
{
    ayni_lang_init("es");
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_ALTERED), "alterado"));
    assert_null(strstr(core_token_verdict_message(CORE_TOKEN_ALTERED), "altered"));
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_FORGED), "falsificado"));
    assert_null(strstr(core_token_verdict_message(CORE_TOKEN_FORGED), "forged"));
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_MALFORMED), "ilegible"));
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_GENUINE), "auténtico"));
    ayni_lang_set("en");
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_ALTERED), "altered"));
    assert_null(strstr(core_token_verdict_message(CORE_TOKEN_ALTERED), "alterado"));
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_FORGED), "forged"));
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_MALFORMED), "unreadable"));
    assert_non_null(strstr(core_token_verdict_message(CORE_TOKEN_GENUINE), "genuine"));
    assert_null(strstr(core_token_verdict_message(CORE_TOKEN_GENUINE), "auténtico"));
    ayni_lang_set(NULL);
    assert_non_null(core_token_verdict_message((enum core_token_verdict)42));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base32_vectors),     cmocka_unit_test(test_base32_rejects),
        cmocka_unit_test(test_round_trip),         cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_doc_vectors),
        cmocka_unit_test(test_qr_version),         cmocka_unit_test(test_single_char_changes),
        cmocka_unit_test(test_payload_altered),    cmocka_unit_test(test_forged),
        cmocka_unit_test(test_truncations_and_ends), cmocka_unit_test(test_random_inputs),
        cmocka_unit_test(test_lower_case),         cmocka_unit_test(test_issue_rejects),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}
