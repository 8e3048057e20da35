/* test_statement.c: the signed statement of donor reports (core/lib/statement.c).
 *
 * Pins the text form to docs/PROOF.md: its communities listing, its worked example and
 * its test vectors are read from the document itself (as test_checkpoint does), so the
 * page, this reader and web/app/statement.js cannot drift apart.
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

#include "error.h"
#include "mem.h"
#include "statement.h"
#include "testutil.h"
#include "token.h"

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

static const char *
s_block(const char *doc, const char *name)
{
    const char *p = tu_block(doc, name);
    if (!p)
        fail_msg("docs/PROOF.md has no ```%s block", name);
    return p;
}

/* The first line of the block name, a new string. */
static char *
s_line(const char *doc, const char *name)
{
    const char *p = s_block(doc, name);
    return xasprintf("%.*s", (int)strcspn(p, "\n"), p);
}

/* The worked example's report.donor figures: the deliveries behind the listing. */
static json_t *
s_example_report(void)
{
    return json_pack("{s{ss} ss ss s{s[{sssI},{sssI}]} s[{ss ss ss sI sb} {ss ss ss sI sb}"
                     " {ss ss ss sI sb} {ss ss ss sI sb}]}",
                     "donor", "code", "UNICEF", "from", "2026-11-01", "to", "2026-11-30",
                     "totals", "by_item", "item", "TABLET", "qty", (json_int_t)1, "item",
                     "FOOD-KIT", "qty", (json_int_t)12, "deliveries", "community", "COM-0042",
                     "item", "FOOD-KIT", "scan_id", "s1", "qty", (json_int_t)3, "scanned", 1,
                     "community", "COM-0042", "item", "FOOD-KIT", "scan_id", "s2", "qty",
                     (json_int_t)5, "scanned", 0, "community", "COM-0042", "item", "TABLET",
                     "scan_id", "s1", "qty", (json_int_t)1, "scanned", 1, "community",
                     "COM-0107", "item", "FOOD-KIT", "scan_id", "s3", "qty", (json_int_t)4,
                     "scanned", 1);
}

/* The listing of the document hashes to the example's digest; the report's rows give the
 * same digest; signing the example gives the document's QR text, byte for byte. */
static void
test_worked_example(void **state)
{
    (void)state;
    char *doc = tu_doc("docs/PROOF.md");
    const char *listing = s_block(doc, "statement-communities");
    size_t n = (size_t)(strstr(listing, "```") - listing);
    unsigned char digest[32], from_rows[32];
    crypto_generichash(digest, 32, (const unsigned char *)listing, n, NULL, 0);

    json_t *rep = s_example_report();
    json_t *ck = json_pack("{sI ss}", "seq", (json_int_t)27, "hash",
                           "e8305a2ad0bda485ef68463cba508f464899787ede3e45cc5dcf843df53593ff");
    int64_t communities = 0;
    core_statement_community_digest(json_object_get(rep, "deliveries"), from_rows, &communities);
    assert_memory_equal(digest, from_rows, 32);
    assert_int_equal(communities, 2);

    struct core_statement st;
    assert_int_equal(core_statement_from_report(rep, ck, &st), 0);
    assert_int_equal(st.deliveries, 3);
    assert_int_equal(st.scanned, 2);
    assert_string_equal(st.items[0].code, "FOOD-KIT"); /* sorted */
    char *qr = core_statement_sign(&st, s_sk);
    char *want = s_line(doc, "statement-example");
    assert_string_equal(qr, want);
    assert_true(strlen(qr) < 600);
    unsigned char fpr[CORE_STATEMENT_FPR_LEN], id[4];
    core_statement_fingerprint(s_pk, fpr);
    core_token_key_id(s_pk, id);
    assert_memory_equal(fpr, id, 4); /* begins with the key id */

    struct core_statement back;
    char err[256];
    assert_int_equal(core_statement_verify(qr, strlen(qr), s_pk, &back, err, sizeof err),
                     CORE_STATEMENT_GENUINE);
    assert_true(core_statement_same_figures(&st, &back));
    char *crlf = xasprintf("%s\r\n", qr);
    assert_int_equal(core_statement_verify(crlf, strlen(crlf), s_pk, NULL, err, sizeof err),
                     CORE_STATEMENT_GENUINE);
    free(crlf);
    free(qr);
    free(want);
    json_decref(rep);
    json_decref(ck);
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
    char *doc = tu_doc("docs/PROOF.md");
    const char *p = s_block(doc, "statement-vectors");
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
        const char *t = p + wlen;
        t += strspn(t, " ");
        char err[256] = "";
        struct core_statement st;
        int got = (int)core_statement_verify(t, (size_t)(hash - t), s_pk, &st, err, sizeof err);
        if (got == CORE_STATEMENT_MALFORMED)
            assert_true(strlen(err) > 0); /* a malformed one says what is wrong */
        if (got != want)
            fail_msg("vector %d: verdict %d, the document says %d (%s): %.*s", count + 1, got,
                     want, err, (int)(nl - p), p);
        seen[want]++;
        count++;
        p = nl + 1;
    }
    assert_true(count >= 20);
    for (int v = 0; v < 4; v++)
        assert_true(seen[v] > 0);
    free(doc);
}

/* Every single character of the example changed to each other allowed character is
 * caught: never GENUINE. */
static void
test_every_character(void **state)
{
    (void)state;
    char *doc = tu_doc("docs/PROOF.md");
    char *qr = s_line(doc, "statement-example");
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-._~*";
    size_t n = strlen(qr);
    for (size_t i = 0; i < n; i++) {
        char was = qr[i];
        for (const char *c = alphabet; *c; c++) {
            if (*c == was)
                continue;
            qr[i] = *c;
            if (core_statement_verify(qr, n, s_pk, NULL, NULL, 0) == CORE_STATEMENT_GENUINE)
                fail_msg("character %zu changed to '%c' still verifies", i, *c);
        }
        qr[i] = was;
    }
    free(qr);
    free(doc);
}

/* Reports that do not fit: too many items, a code out of form. */
static void
test_from_report_refuses(void **state)
{
    (void)state;
    struct core_statement st;
    json_t *rep = s_example_report(), *items = json_array();
    for (int i = 0; i < CORE_STATEMENT_ITEMS_MAX + 1; i++) {
        char code[16];
        snprintf(code, sizeof code, "IT-%03d", i);
        json_array_append_new(items, json_pack("{sssI}", "item", code, "qty", (json_int_t)1));
    }
    json_object_set_new(json_object_get(rep, "totals"), "by_item", items);
    assert_int_equal(core_statement_from_report(rep, NULL, &st), AYNI_EINVAL);
    json_decref(rep);
    rep = s_example_report();
    json_object_set_new(json_object_get(rep, "donor"), "code", json_string("unicef"));
    assert_int_equal(core_statement_from_report(rep, NULL, &st), AYNI_EINVAL);
    json_decref(rep);
    /* no checkpoint: seq 0 and 64 zeros */
    rep = s_example_report();
    assert_int_equal(core_statement_from_report(rep, NULL, &st), 0);
    assert_int_equal(st.checkpoint_seq, 0);
    json_decref(rep);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_doc_vectors),
        cmocka_unit_test(test_every_character),
        cmocka_unit_test(test_from_report_refuses),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}
