/* test_checkpoint.c: signed checkpoints of the event chain (core/lib/checkpoint.c).
 *
 * Pins the signed message and the JSON form to docs/PROOF.md: its worked example and its
 * test vectors are read from the document itself, so the page and the code cannot drift
 * apart (a reader in another language checks the same block).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "error.h"
#include "mem.h"
#include "testutil.h"
#include "token.h"

/* The worked example of docs/PROOF.md. */
static const char s_hash[] = "e8305a2ad0bda485ef68463cba508f464899787ede3e45cc5dcf843df53593ff";
static const char s_at[] = "2026-11-22T08:00:00Z";

static unsigned char s_pk[32], s_sk[64];

static int
s_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    unsigned char seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    crypto_sign_seed_keypair(s_pk, s_sk, seed);
    return 0;
}

static struct core_checkpoint
s_example(void)
{
    struct core_checkpoint c = {.seq = 27};
    memcpy(c.hash, s_hash, sizeof s_hash);
    memcpy(c.at, s_at, sizeof s_at);
    return c;
}

static char *
s_doc(void)
{
    return tu_doc("docs/PROOF.md");
}

/* The text after "```name\n" in doc. */
static const char *
s_block(const char *doc, const char *name)
{
    const char *p = tu_block(doc, name);
    if (!p)
        fail_msg("docs/PROOF.md has no ```%s block", name);
    return p;
}

/* The message of the worked example is the document's, byte for byte, and signing it
 * gives the signature of the document's first vector (Ed25519 is deterministic). */
static void
test_worked_example(void **state)
{
    (void)state;
    char *doc = s_doc();
    const char *p = s_block(doc, "checkpoint-message");
    struct core_checkpoint c = s_example();
    unsigned char m[CORE_CHECKPOINT_MESSAGE_LEN];
    char hex[2 * CORE_CHECKPOINT_MESSAGE_LEN + 1];
    assert_int_equal(core_checkpoint_message(&c, m), 0);
    sodium_bin2hex(hex, sizeof hex, m, sizeof m);
    assert_int_equal(strncmp(p, hex, strlen(hex)), 0);
    assert_int_equal(p[strlen(hex)], '\n');
    assert_int_equal(memcmp(m, "ayni-checkpoint-v1", 18), 0);

    assert_int_equal(core_checkpoint_sign(&c, s_sk), 0);
    json_t *j = core_checkpoint_to_json(&c);
    char *line = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    const char *v = s_block(doc, "checkpoint-vectors");
    assert_int_equal(strncmp(v, "GENUINE", 7), 0);
    v += strspn(v + 7, " ") + 7;
    assert_int_equal(strncmp(v, line, strlen(line)), 0);
    unsigned char id[4];
    core_token_key_id(s_pk, id);
    assert_memory_equal(c.key_id, id, 4);
    free(line);
    json_decref(j);
    free(doc);
}

static int
s_verdict(const char *word, size_t n)
{
    static const char *const names[] = {"GENUINE", "ALTERED", "FOREIGN", "MALFORMED"};
    for (int i = 0; i < 4; i++)
        if (strlen(names[i]) == n && !strncmp(word, names[i], n))
            return i;
    return -1;
}

/* Every vector of docs/PROOF.md gets the verdict it names. */
static void
test_doc_vectors(void **state)
{
    (void)state;
    char *doc = s_doc();
    const char *p = s_block(doc, "checkpoint-vectors");
    int count = 0, seen[4] = {0};
    while (strncmp(p, "```", 3) != 0) {
        const char *nl = strchr(p, '\n'), *hash = strstr(p, "   # ");
        assert_non_null(nl);
        if (!hash || hash > nl)
            fail_msg("docs/PROOF.md: a vector without '   # ': %.*s", (int)(nl - p), p);
        size_t wlen = strcspn(p, " ");
        int want = s_verdict(p, wlen);
        if (want < 0)
            fail_msg("docs/PROOF.md: a vector without a verdict: %.*s", (int)(nl - p), p);
        const char *j = p + wlen;
        j += strspn(j, " ");
        char *text = xasprintf("%.*s", (int)(hash - j), j);
        json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
        struct core_checkpoint c;
        char err[256] = "";
        int got = 3; /* MALFORMED */
        if (o && core_checkpoint_from_json(o, &c, err, sizeof err) == 0)
            got = (int)core_checkpoint_verify(&c, s_pk);
        else if (o)
            assert_true(strlen(err) > 0); /* a malformed one says what is wrong */
        if (got != want)
            fail_msg("vector %d: verdict %d, the document says %d (%s): %.*s", count + 1, got,
                     want, err, (int)(nl - p), p);
        json_decref(o);
        free(text);
        seen[want]++;
        count++;
        p = nl + 1;
    }
    assert_true(count >= 15);
    for (int v = 0; v < 4; v++)
        assert_true(seen[v] > 0);
    free(doc);
}

/* A checkpoint signed with a fresh key verifies with it, survives its JSON form, and no
 * single flipped bit of the signature passes. */
static void
test_round_trip(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], other[32], osk[64];
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(other, osk);
    struct core_checkpoint c = s_example(), back;
    c.seq = INT64_MAX; /* the widest seq fits the 8 bytes */
    assert_int_equal(core_checkpoint_sign(&c, sk), 0);
    assert_int_equal(core_checkpoint_verify(&c, pk), CORE_CHECKPOINT_GENUINE);
    assert_int_equal(core_checkpoint_verify(&c, other), CORE_CHECKPOINT_FOREIGN);
    json_t *j = core_checkpoint_to_json(&c);
    assert_int_equal(core_checkpoint_from_json(j, &back, NULL, 0), 0);
    assert_memory_equal(&c, &back, sizeof c);
    json_decref(j);
    for (int bit = 0; bit < 512; bit++) {
        struct core_checkpoint d = c;
        d.signature[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        assert_int_equal(core_checkpoint_verify(&d, pk), CORE_CHECKPOINT_ALTERED);
    }
}

/* What cannot be signed is refused, and a checkpoint whose fields became malformed after
 * signing never verifies. */
static void
test_bad_fields(void **state)
{
    (void)state;
    struct core_checkpoint c = s_example();
    c.seq = 0;
    assert_int_equal(core_checkpoint_sign(&c, s_sk), AYNI_EINVAL);
    c = s_example();
    c.hash[0] = 'E';
    assert_int_equal(core_checkpoint_sign(&c, s_sk), AYNI_EINVAL);
    c = s_example();
    c.hash[63] = '\0';
    assert_int_equal(core_checkpoint_sign(&c, s_sk), AYNI_EINVAL);
    const char *times[] = {"2026-11-22T08:00:00", "2026-02-30T08:00:00Z", "2026-11-22 08:00:00Z",
                           "2026-11-22T24:00:00Z"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        c = s_example();
        snprintf(c.at, sizeof c.at, "%s", times[i]);
        assert_int_equal(core_checkpoint_sign(&c, s_sk), AYNI_EINVAL);
    }
    c = s_example();
    assert_int_equal(core_checkpoint_sign(&c, s_sk), 0);
    c.hash[0] = 'E';
    assert_int_equal(core_checkpoint_verify(&c, s_pk), CORE_CHECKPOINT_ALTERED);

    char err[256];
    json_t *o = json_pack("{sI ss ss ss ss}", "seq", (json_int_t)1, "hash", s_hash, "at", s_at,
                          "key_id", "9d24e2ee", "signature", "00");
    assert_int_equal(core_checkpoint_from_json(o, &c, err, sizeof err), AYNI_EINVAL);
    assert_non_null(strstr(err, "signature"));
    json_decref(o);
    o = json_pack("{sI ss ss ss}", "seq", (json_int_t)1, "hash", s_hash, "at", s_at, "key_id",
                  "9D24E2EE");
    assert_int_equal(core_checkpoint_from_json(o, &c, err, sizeof err), AYNI_EINVAL);
    assert_non_null(strstr(err, "key_id"));
    json_decref(o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_doc_vectors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_fields),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}
