/* test_api_share.c: read-only share links in the request API as aynid runs it secure
 * (docs/PROTOCOL.md, share.create): an admin makes a link for one donor and one period,
 * the gateway speaks for it ("as":{"share":TOKEN}), and it reads that donor's report and
 * nothing else.  Every way a token can be wrong (prefix, encoding, signature, contents,
 * record, expiry by the store's clock, revocation) is refused as forbidden saying which,
 * and no refusal repeats the token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "api.h"
#include "apifix.h"
#include "error.h"
#include "mem.h"
#include "sharelink.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define SJL "ALM-LIMA-SJL"
#define KEYW "4b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
#define KEYR "5b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
#define NOW 1795348800 /* the fixture's clock: 2026-11-22T12:00:00Z */

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A secure core's API with gateway web-1 and reader lector-1, some CARE-PE stock, and a
 * share of CARE-PE for November valid 2 hours: its create result in *share. */
static struct api
s_setup(void **state, json_t **share)
{
    struct api a = {.store = FIX(state)->store, .secure = true};
    crypto_sign_keypair(a.pk, a.sk);
    sf_receive(a.store, SJL, "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 100);
    sf_receive(a.store, SJL, "AECID", "HYGIENE-KIT", "H-2", NULL, 50);
    json_decref(af_ok(&a, "admin", "admin", "device.add",
                      json_pack("{ss ss ss}", "name", "web-1", "role", "gateway", "public_key",
                                KEYW)));
    json_decref(af_ok(&a, "admin", "admin", "device.add",
                      json_pack("{ss ss ss}", "name", "lector-1", "role", "reader",
                                "public_key", KEYR)));
    *share = af_ok(&a, "admin", "admin", "share.create",
                   json_pack("{ss ss ss si}", "donor", "CARE-PE", "from", "2026-11-01", "to",
                             "2026-11-30", "hours", 2));
    return a;
}

/* The refusal of op through the gateway as token: forbidden, its details' reason, its
 * message holding want, and never the token. */
static void
s_refused(struct api *a, const char *token, const char *op, json_t *args, const char *reason,
          const char *want)
{
    json_t *err = NULL;
    int rc = af_req_share(a, "web-1", "gateway", token, op, args, &err);
    if (rc != AYNI_EDENIED)
        fail_msg("%s with a bad share link: %d, not forbidden (%s)", op, rc,
                 s_str(err, "message"));
    assert_string_equal(s_str(err, "code"), "forbidden");
    const char *msg = s_str(err, "message");
    if (want && !strstr(msg, want))
        fail_msg("'%s' does not say '%s'", msg, want);
    if (reason)
        assert_string_equal(s_str(json_object_get(err, "details"), "reason"), reason);
    /* no part of the token in the message: its signature's first characters stand for it */
    const char *dot = strrchr(token, '.');
    if (dot && strlen(dot) > 12) {
        char sig[12];
        snprintf(sig, sizeof sig, "%s", dot + 1);
        assert_null(strstr(msg, sig));
    }
    json_decref(err);
}

static json_t *
s_share_ok(struct api *a, const char *token, const char *op, json_t *args)
{
    json_t *r = NULL;
    if (af_req_share(a, "web-1", "gateway", token, op, args, &r))
        fail_msg("%s as a share link failed: %s", op, a->err.message);
    return r;
}

static json_t *
s_period(const char *donor, const char *from, const char *to)
{
    return json_pack("{ss ss ss}", "donor", donor, "from", from, "to", to);
}

/* Whether any event's text holds needle. */
static bool
s_events_hold(struct api *a, const char *needle)
{
    json_t *r = af_ok(a, "admin", "admin", "events.since", json_pack("{si}", "since", 0));
    char *text = json_dumps(r, JSON_COMPACT);
    bool yes = strstr(text, needle) != NULL;
    free(text);
    json_decref(r);
    return yes;
}

static void
test_share_reads_its_donor(void **state)
{
    json_t *share;
    struct api a = s_setup(state, &share);
    const char *token = s_str(share, "token"), *id = s_str(share, "id");
    assert_int_equal(strncmp(token, "S1.", 3), 0);
    assert_int_equal(strlen(id), 16);
    assert_string_equal(s_str(share, "donor"), "CARE-PE");
    assert_string_equal(s_str(share, "expires_at"), "2026-11-22T14:00:00Z");
    assert_null(json_object_get(share, "exp"));

    json_t *info = s_share_ok(&a, token, "share.info", NULL);
    assert_string_equal(s_str(info, "id"), id);
    assert_string_equal(s_str(json_object_get(info, "donor"), "code"), "CARE-PE");
    assert_non_null(s_str(json_object_get(info, "donor"), "name"));
    assert_string_equal(s_str(info, "from"), "2026-11-01");
    assert_string_equal(s_str(info, "to"), "2026-11-30");
    assert_string_equal(s_str(info, "expires_at"), "2026-11-22T14:00:00Z");
    json_decref(info);

    json_t *rep = s_share_ok(&a, token, "report.donor",
                             s_period("CARE-PE", "2026-11-01", "2026-11-30"));
    assert_string_equal(s_str(json_object_get(rep, "donor"), "code"), "CARE-PE");
    json_decref(rep);
    rep = s_share_ok(&a, token, "report.donor", s_period("CARE-PE", "2026-11-05", "2026-11-05"));
    json_decref(rep);

    json_t *si = s_share_ok(&a, token, "server.info", NULL);
    json_t *dev = json_object_get(si, "device");
    assert_string_equal(s_str(dev, "role"), "share");
    char actor[32];
    snprintf(actor, sizeof actor, "share:%s", id);
    assert_string_equal(s_str(dev, "name"), actor);
    assert_null(json_object_get(si, "db")); /* where the ledger lives is the admin's */
    json_decref(si);
    json_decref(s_share_ok(&a, token, "keys.public", NULL));

    json_t *list = af_ok(&a, "admin", "admin", "share.list", NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(s_str(json_array_get(list, 0), "state"), "active");
    assert_true(json_is_null(json_object_get(json_array_get(list, 0), "revoked_at")));
    json_decref(list);
    assert_true(s_events_hold(&a, "share.created"));
    assert_false(s_events_hold(&a, "S1.")); /* the link never enters the event stream */
    json_decref(share);
}

static void
test_share_sees_nothing_else(void **state)
{
    json_t *share;
    struct api a = s_setup(state, &share);
    const char *token = s_str(share, "token");
    s_refused(&a, token, "report.donor", s_period("AECID", "2026-11-01", "2026-11-30"), NULL,
              "shows donor CARE-PE only");
    s_refused(&a, token, "report.donor", s_period("CARE-PE", "2026-10-31", "2026-11-30"), NULL,
              "covers 2026-11-01 to 2026-11-30 only");
    s_refused(&a, token, "report.donor", s_period("CARE-PE", "2026-11-01", "2026-12-01"), NULL,
              "covers 2026-11-01 to 2026-11-30 only");
    const char *others[] = {"stock.levels", "shipment.list", "events.since", "share.list",
                            "donor.list", "report.stock", "ledger.verify", NULL};
    for (const char **op = others; *op; op++)
        s_refused(&a, token, *op, NULL, NULL, "may read only share.info");
    /* only a gateway speaks for a share link */
    json_t *err = NULL;
    assert_int_equal(af_req_share(&a, "lector-1", "reader", token, "share.info", NULL, &err),
                     AYNI_EDENIED);
    assert_non_null(strstr(s_str(err, "message"), "only a gateway"));
    json_decref(err);
    /* share.info is a share's alone */
    assert_int_equal(af_req(&a, "admin", "admin", "share.info", NULL, NULL), AYNI_EDENIED);
    json_decref(share);
    proto_error_clear(&a.err); /* the last refusal's details */
}

static void
test_share_create_checks(void **state)
{
    json_t *share;
    struct api a = s_setup(state, &share);
    json_decref(share);
    assert_int_equal(af_req_as(&a, "admin", "admin", NULL, NULL, "share.create",
                               s_period("CARE-PE", "2026-11-01", "2026-11-30"), "k-1", NULL),
                     AYNI_EBADREQ); /* its reply holds the link: never kept for a repeat */
    json_t *bad[] = {
        json_pack("{ss ss ss si}", "donor", "CARE-PE", "from", "2026-11-01", "to", "2026-11-30",
                  "hours", 0),
        json_pack("{ss ss ss si}", "donor", "CARE-PE", "from", "2026-11-01", "to", "2026-11-30",
                  "hours", CORE_SHARE_HOURS_MAX + 1),
        s_period("CARE-PE", "2026-11-30", "2026-11-01"), s_period("CARE-PE", "2026-11-31", "2026-12-01"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(af_req(&a, "admin", "admin", "share.create", bad[i], NULL), AYNI_EINVAL);
    assert_int_equal(af_req(&a, "admin", "admin", "share.create",
                            s_period("OXFAM", "2026-11-01", "2026-11-30"), NULL),
                     AYNI_ENOTFOUND);
    assert_int_equal(af_req(&a, "lector-1", "reader", "share.create",
                            s_period("CARE-PE", "2026-11-01", "2026-11-30"), NULL),
                     AYNI_EDENIED);
    json_t *week = af_ok(&a, "admin", "admin", "share.create",
                         s_period("CARE-PE", "2026-11-01", "2026-11-30"));
    assert_string_equal(s_str(week, "expires_at"), "2026-11-29T12:00:00Z"); /* 168 h */
    json_decref(week);
}

/* token with its character at i (counted from the start of part, 0 the payload, 1 the
 * signature) changed to another base64url character (caller frees). */
static char *
s_tamper(const char *token, int part, size_t i)
{
    char *t = xstrdup(token);
    char *p = part == 0 ? t + 3 : strrchr(t, '.') + 1;
    p[i] = p[i] == 'A' ? 'B' : 'A';
    return t;
}

/* A token of s signed with sk whose payload is text, not the JSON of a share. */
static char *
s_signed_text(const char *text, const unsigned char sk[64])
{
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), sk);
    char a[256], b[128];
    sodium_bin2base64(a, sizeof a, (const unsigned char *)text, strlen(text),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2base64(b, sizeof b, sig, sizeof sig, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return xasprintf("S1.%s.%s", a, b);
}

static void
test_share_bad_tokens(void **state)
{
    json_t *share;
    struct api a = s_setup(state, &share);
    const char *token = s_str(share, "token");
    char *t = xstrdup(token);
    t[1] = '2';
    s_refused(&a, t, "share.info", NULL, "prefix", "not a share link");
    free(t);
    s_refused(&a, "Bearer x", "share.info", NULL, "prefix", "not a share link");
    t = s_tamper(token, 0, 10);
    s_refused(&a, t, "share.info", NULL, "signature", "signature does not match");
    free(t);
    t = s_tamper(token, 1, 5);
    s_refused(&a, t, "share.info", NULL, "signature", "signature does not match");
    free(t);
    t = xasprintf("%s=", token); /* padding is not base64url as issued */
    s_refused(&a, t, "share.info", NULL, "encoding", "damaged");
    free(t);
    t = xstrdup(token);
    strrchr(t, '.')[3] = '+';
    s_refused(&a, t, "share.info", NULL, "encoding", "damaged");
    free(t);
    t = xasprintf("%.40s", token); /* cut short: no signature */
    s_refused(&a, t, "share.info", NULL, "encoding", "damaged");
    free(t);
    /* signed by another key: a link from another Ayni */
    unsigned char pk2[32], sk2[64];
    crypto_sign_keypair(pk2, sk2);
    struct core_sharelink s = {"ABCDEFGHIJKLMNOP", "CARE-PE", "2026-11-01", "2026-11-30",
                               NOW + 3600};
    t = core_sharelink_issue(&s, sk2);
    s_refused(&a, t, "share.info", NULL, "signature", "signature does not match");
    free(t);
    /* signed by ours, but not a share's JSON, or a share this ledger never made */
    t = s_signed_text("{\"id\":\"ABCDEFGHIJKLMNOP\"}", a.sk);
    s_refused(&a, t, "share.info", NULL, "payload", "contents are not a share");
    free(t);
    t = core_sharelink_issue(&s, a.sk);
    s_refused(&a, t, "share.info", NULL, "unknown", "ABCDEFGHIJKLMNOP");
    free(t);
    /* ours, of a real share, but saying another period than its record */
    snprintf(s.id, sizeof s.id, "%s", s_str(share, "id"));
    snprintf(s.from, sizeof s.from, "2026-01-01");
    t = core_sharelink_issue(&s, a.sk);
    s_refused(&a, t, "report.donor", s_period("CARE-PE", "2026-01-01", "2026-11-30"), "mismatch",
              NULL);
    free(t);
    json_decref(share);
    proto_error_clear(&a.err); /* the last refusal's details */
}

static void
test_share_expires_and_is_revoked(void **state)
{
    json_t *share;
    struct api a = s_setup(state, &share);
    const char *token = s_str(share, "token"), *id = s_str(share, "id");
    core_store_set_now(a.store, NOW + 2 * 3600 - 1);
    json_decref(s_share_ok(&a, token, "share.info", NULL));
    core_store_set_now(a.store, NOW + 2 * 3600);
    s_refused(&a, token, "share.info", NULL, "expired", "expired (2026-11-22T14:00:00Z)");
    json_t *list = af_ok(&a, "admin", "admin", "share.list", NULL);
    assert_string_equal(s_str(json_array_get(list, 0), "state"), "expired");
    json_decref(list);

    core_store_set_now(a.store, NOW);
    json_t *other = af_ok(&a, "admin", "admin", "share.create",
                          s_period("AECID", "2026-11-01", "2026-11-30"));
    json_t *r = af_ok(&a, "admin", "admin", "share.revoke", json_pack("{ss}", "id", id));
    assert_string_equal(s_str(r, "revoked_at"), "2026-11-22T12:00:00Z");
    json_decref(r);
    s_refused(&a, token, "report.donor", s_period("CARE-PE", "2026-11-01", "2026-11-30"),
              "revoked", "revoked (2026-11-22T12:00:00Z)");
    /* the other link still works: a revocation is of one link */
    json_decref(s_share_ok(&a, s_str(other, "token"), "share.info", NULL));
    assert_int_equal(af_req(&a, "admin", "admin", "share.revoke", json_pack("{ss}", "id", id),
                            NULL),
                     AYNI_ESTATE);
    assert_int_equal(af_req(&a, "admin", "admin", "share.revoke",
                            json_pack("{ss}", "id", "ZZZZZZZZZZZZZZZZ"), NULL),
                     AYNI_ENOTFOUND);
    list = af_ok(&a, "admin", "admin", "share.list", NULL);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(s_str(json_array_get(list, 0), "state"), "revoked");
    assert_string_equal(s_str(json_array_get(list, 1), "state"), "active");
    json_decref(list);
    assert_true(s_events_hold(&a, "share.revoked"));
    json_decref(other);
    json_decref(share);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_share_reads_its_donor, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_share_sees_nothing_else, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_share_create_checks, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_share_bad_tokens, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_share_expires_and_is_revoked, sf_setup,
                                        sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
