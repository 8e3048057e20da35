/* test_web_share.c: read-only share links end to end (docs/WEB.md, share links): an
 * admin makes a link with ayni-warehouse `share add`, and the link's token, sent to a real
 * ayni-web as "Authorization: Share TOKEN" over HTTPS, reads its donor's report and
 * nothing else.  A tampered link, an expired one and a revoked one get 403 with the
 * reason, never the token; a share link gets no event stream.  Loopback only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sqlite3.h>

#include "harness.h"
#include "mem.h"
#include "sharelink.h"
#include "signkey.h"
#include "web_cli.h"
#include "wh_cli.h"

#define FROM "2026-11-01"
#define TO "2026-11-30"

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The catalog, and stock of two donors at a warehouse. */
static void
s_seed(struct e2e *e)
{
    wh_seed_catalog(e);
    const char *donors[] = {"CARE-PE", "AECID"};
    for (int i = 0; i < 2; i++) {
        char lot[16];
        snprintf(lot, sizeof lot, "H-%d", i + 1);
        json_decref(e2e_ok(e, "stock.receive",
                           e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", donors[i],
                                    "item", "HYGIENE-KIT", "lot", lot, "qty", 40)));
    }
}

/* `share add DONOR` for November through w, as JSON: its link must be the gateway's
 * dash.html with the token in the fragment. */
static json_t *
s_share_add(struct web *w, const char *donor, const char *hours)
{
    json_t *r = wh_json(w->e, 0, "share", "add", donor, "--from", FROM, "--to", TO, "--hours",
                        hours, "--gateway", w->url, NULL);
    char *want = xasprintf("%s/dash.html#share=%s", w->url, s_str(r, "token"));
    assert_string_equal(s_str(r, "link"), want);
    free(want);
    assert_int_equal(strncmp(s_str(r, "token"), "S1.", 3), 0);
    return r;
}

/* The token of a link, taken from its fragment as the page does. */
static char *
s_auth(const char *link)
{
    const char *frag = strstr(link, "#share=");
    assert_non_null(frag);
    return xasprintf("Share %s", frag + strlen("#share="));
}

/* op through the gateway as auth: the HTTP status must be want; the reply (new ref). */
static json_t *
s_post(struct web *w, const char *auth, const char *op, json_t *args, long want)
{
    long status = 0;
    json_t *r = web_post(w, op, auth, args, &status);
    if (status != want)
        fail_msg("%s: HTTP %ld, not %ld: %s", op, status, want, json_dumps(r, 0));
    return r;
}

/* A 403 from the gateway for auth, with forbidden and reason (NULL: any), its message
 * holding none of the token. */
static void
s_refused(struct web *w, const char *auth, const char *op, json_t *args, const char *reason)
{
    json_t *r = s_post(w, auth, op, args, 403);
    json_t *err = json_object_get(r, "error");
    assert_string_equal(s_str(err, "code"), "forbidden");
    if (reason)
        assert_string_equal(s_str(json_object_get(err, "details"), "reason"), reason);
    const char *sig = strrchr(auth, '.');
    char part[12];
    snprintf(part, sizeof part, "%s", sig ? sig + 1 : auth);
    assert_null(strstr(s_str(err, "message"), part));
    json_decref(r);
}

static json_t *
s_period(const char *donor, const char *from, const char *to)
{
    return e2e_pack("{ss ss ss}", "donor", donor, "from", from, "to", to);
}

/* The link's donor report, and nothing else, over HTTPS. */
static void
test_link_reads_its_donor_only(void **state)
{
    struct web w = {.e = *state};
    s_seed(w.e);
    web_start(&w, NULL, NULL);
    json_t *share = s_share_add(&w, "CARE-PE", "24");
    char *auth = s_auth(s_str(share, "link"));
    json_t *r = s_post(&w, auth, "report.donor", s_period("CARE-PE", FROM, TO), 200);
    json_t *rep = json_object_get(r, "result");
    assert_string_equal(s_str(json_object_get(rep, "donor"), "code"), "CARE-PE");
    json_decref(r);
    r = s_post(&w, auth, "share.info", NULL, 200);
    assert_string_equal(s_str(json_object_get(r, "result"), "id"), s_str(share, "id"));
    assert_string_equal(s_str(json_object_get(r, "result"), "to"), TO);
    json_decref(r);
    /* another donor, a wider period, another op the gateway offers: aynid refuses */
    s_refused(&w, auth, "report.donor", s_period("AECID", FROM, TO), NULL);
    s_refused(&w, auth, "report.donor", s_period("CARE-PE", "2026-10-01", TO), NULL);
    s_refused(&w, auth, "shipment.list", NULL, NULL);
    /* its donor report as PDF for the page's download button; no other donor's, no slip */
    char *pdf = xasprintf("%s/share.pdf", w.e->dir), *headers = NULL;
    char *path = xasprintf("/api/v1/report.donor.pdf?donor=CARE-PE&from=%s&to=%s", FROM, TO);
    assert_int_equal(web_download(&w, path, auth, pdf, &headers), 200);
    assert_non_null(strstr(headers, "Content-Type: application/pdf"));
    wh_assert_pdf(pdf);
    char *text = wh_pdf_text(pdf);
    WH_HAS(text, "CARE");
    free(text);
    free(headers);
    free(path);
    path = xasprintf("/api/v1/report.donor.pdf?donor=AECID&from=%s&to=%s", FROM, TO);
    assert_int_equal(web_download(&w, path, auth, pdf, NULL), 403);
    free(path);
    assert_int_equal(web_download(&w, "/api/v1/shipment.slip.pdf?shipment=ENV-2026-000001", auth,
                                  pdf, NULL),
                     403);
    free(pdf);
    /* no event stream for a link, neither by ticket nor by header */
    r = s_post(&w, auth, "events.ticket", NULL, 403);
    assert_non_null(strstr(s_str(json_object_get(r, "error"), "message"), "no event stream"));
    json_decref(r);
    long status = 0;
    r = web_http(&w, "GET", "events", NULL, auth, NULL, &status);
    assert_int_equal(status, 403);
    json_decref(r);
    web_alive(&w);
    web_stop(&w);
    free(auth);
    json_decref(share);
}

/* One character of the payload changed: the signature no longer matches. */
static void
test_tampered_link(void **state)
{
    struct web w = {.e = *state};
    s_seed(w.e);
    web_start(&w, NULL, NULL);
    json_t *share = s_share_add(&w, "CARE-PE", "24");
    char *auth = s_auth(s_str(share, "link"));
    char *p = auth + strlen("Share S1.") + 12;
    *p = *p == 'A' ? 'B' : 'A';
    s_refused(&w, auth, "report.donor", s_period("CARE-PE", FROM, TO), "signature");
    s_refused(&w, "Share not-a-link", "share.info", NULL, "prefix");
    web_stop(&w);
    free(auth);
    json_decref(share);
}

/* Revoked with `share revoke`: refused from then on, and listed as revoked. */
static void
test_revoked_link(void **state)
{
    struct web w = {.e = *state};
    s_seed(w.e);
    web_start(&w, NULL, NULL);
    json_t *share = s_share_add(&w, "CARE-PE", "24");
    char *auth = s_auth(s_str(share, "link"));
    json_decref(s_post(&w, auth, "share.info", NULL, 200));
    char *out = wh_expect(w.e, 0, "share", "revoke", s_str(share, "id"), NULL);
    WH_HAS(out, s_str(share, "id"));
    free(out);
    s_refused(&w, auth, "report.donor", s_period("CARE-PE", FROM, TO), "revoked");
    out = wh_expect(w.e, 0, "share", "list", NULL);
    WH_HAS(out, "revocado");
    free(out);
    char *err = wh_expect_err(w.e, 1, "share", "revoke", s_str(share, "id"), NULL);
    WH_HAS(err, "ya fue revocado");
    free(err);
    web_stop(&w);
    free(auth);
    json_decref(share);
}

/* A link past its time: its record's expiry moved into the past by SQL (aynid's clock
 * cannot be wound on), and a token for that record signed with the core's own key, as
 * aynid would have made it; the CLI's token no longer matches its record. */
static void
test_expired_link(void **state)
{
    struct web w = {.e = *state};
    s_seed(w.e);
    web_start(&w, NULL, NULL);
    json_t *share = s_share_add(&w, "CARE-PE", "1");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(w.e->db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *sql = sqlite3_mprintf("UPDATE shares SET exp = 1795348800, expires_at = "
                                "'2026-11-22T12:00:00Z' WHERE id = %Q",
                                s_str(share, "id"));
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_close(db);
    unsigned char pk[32], sk[64];
    char why[256];
    assert_int_equal(core_signkey_load(w.e->keys, pk, sk, why, sizeof why), 0);
    struct core_sharelink s = {.exp = 1795348800};
    snprintf(s.id, sizeof s.id, "%s", s_str(share, "id"));
    snprintf(s.donor, sizeof s.donor, "CARE-PE");
    snprintf(s.from, sizeof s.from, FROM);
    snprintf(s.to, sizeof s.to, TO);
    char *token = core_sharelink_issue(&s, sk);
    char *auth = xasprintf("Share %s", token);
    s_refused(&w, auth, "report.donor", s_period("CARE-PE", FROM, TO), "expired");
    char *cli = s_auth(s_str(share, "link"));
    s_refused(&w, cli, "share.info", NULL, "mismatch");
    char *out = wh_expect(w.e, 0, "share", "list", NULL);
    WH_HAS(out, "vencido");
    free(out);
    web_stop(&w);
    free(cli);
    free(auth);
    free(token);
    json_decref(share);
}

/* Wrong input to `share add` is told, and no link is made. */
static void
test_share_add_refusals(void **state)
{
    struct e2e *e = *state;
    wh_seed_catalog(e);
    unsetenv("AYNI_WEB_URL");
    char *err = wh_expect_err(e, 2, "share", "add", "CARE-PE", "--from", FROM, "--to", TO, NULL);
    WH_HAS(err, "--gateway");
    free(err);
    err = wh_expect_err(e, 2, "share", "add", "CARE-PE", "--from", FROM, "--to", TO, "--hours",
                        "3000", "--gateway", "https://127.0.0.1:8443", NULL);
    WH_HAS(err, "--hours");
    free(err);
    err = wh_expect_err(e, 2, "share", "add", "CARE-PE", "--from", FROM, "--to", TO,
                        "--gateway", "http://127.0.0.1:8443", NULL);
    WH_HAS(err, "https://");
    free(err);
    err = wh_expect_err(e, 1, "share", "add", "OXFAM", "--from", FROM, "--to", TO, "--gateway",
                        "https://127.0.0.1:8443", NULL);
    WH_HAS(err, "OXFAM");
    free(err);
    err = wh_expect_err(e, 2, "share", "add", "CARE-PE", "--from", TO, "--to", FROM, "--gateway",
                        "https://127.0.0.1:8443", NULL);
    WH_HAS(err, "--to");
    free(err);
    char *out = wh_expect(e, 0, "share", "list", NULL);
    WH_HAS(out, "share add");
    free(out);
}

int
main(void)
{
    setenv("AYNI_LANG", "en", 1); /* ayni-web's and aynid's messages checked are English */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_link_reads_its_donor_only, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_tampered_link, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_revoked_link, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_expired_link, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_share_add_refusals, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
