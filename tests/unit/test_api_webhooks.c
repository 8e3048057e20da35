/* test_api_webhooks.c: the webhook ops through the request API (docs/PROTOCOL.md,
 * webhook.*; docs/WEB.md, "Webhooks"): an admin adds, lists, removes and reads the log of
 * a hook; the gateway alone reads the hooks with their secrets and records attempts,
 * which move the cursor and write no event.  Bad URLs and event types are refused with
 * the field named, and core_event_types names every type the store writes. */
#include <ctype.h>
#include <dirent.h>
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
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define URL "http://127.0.0.1:9/hooks/ayni?k=s3cr3t"

static struct api
s_api(void **state)
{
    struct api a = {.store = FIX(state)->store, .secure = true};
    crypto_sign_keypair(a.pk, a.sk);
    return a;
}

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t
s_int(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* A hook for delivery.* and stock.received: the add's result. */
static json_t *
s_add(struct api *a)
{
    return af_ok(a, "admin", "admin", "webhook.add",
                 json_pack("{ss s[ss] ss}", "url", URL, "events", "delivery.*", "stock.received",
                           "name", "DHIS2 Lima"));
}

static json_t *
s_targets(struct api *a)
{
    json_t *r = af_ok(a, "web-1", "gateway", "webhook.targets", NULL);
    json_t *list = json_incref(json_object_get(r, "webhooks"));
    json_decref(r);
    return list;
}

static void
test_add_and_targets(void **state)
{
    struct api a = s_api(state);
    long before = sf_events(a.store);
    json_t *h = s_add(&a);
    const char *secret = s_str(h, "secret");
    assert_non_null(secret);
    assert_int_equal(strlen(secret), 64);
    for (const char *c = secret; *c; c++)
        assert_true(isxdigit((unsigned char)*c) && !isupper((unsigned char)*c));
    assert_string_equal(s_str(h, "url"), URL);
    assert_string_equal(s_str(h, "name"), "DHIS2 Lima");
    assert_int_equal(json_array_size(json_object_get(h, "events")), 2);
    /* one event, webhook.added, that says neither the secret nor the path and query */
    assert_int_equal(sf_events(a.store), before + 1);
    json_t *evs = NULL;
    assert_int_equal(core_events_since(a.store, before, 10, &evs), 0);
    json_t *e = json_array_get(evs, 0);
    assert_string_equal(s_str(e, "type"), "webhook.added");
    char *text = json_dumps(e, 0);
    assert_null(strstr(text, secret));
    assert_null(strstr(text, "s3cr3t"));
    assert_null(strstr(text, "/hooks"));
    free(text);
    json_t *w = json_object_get(e, "webhook");
    assert_string_equal(s_str(w, "origin"), "http://127.0.0.1:9");
    assert_int_equal(s_int(w, "id"), s_int(h, "id"));
    /* the gateway sees it with its secret; its cursor is its own webhook.added */
    json_t *t = s_targets(&a);
    assert_int_equal(json_array_size(t), 1);
    json_t *one = json_array_get(t, 0);
    assert_string_equal(s_str(one, "secret"), secret);
    assert_string_equal(s_str(one, "url"), URL);
    assert_int_equal(s_int(one, "delivered"), s_int(e, "seq"));
    assert_int_equal(s_int(h, "delivered"), s_int(e, "seq"));
    /* the list has no secret */
    json_t *l = af_ok(&a, "admin", "admin", "webhook.list", NULL);
    assert_int_equal(json_array_size(l), 1);
    assert_null(json_object_get(json_array_get(l, 0), "secret"));
    assert_true(json_is_null(json_object_get(json_array_get(l, 0), "last")));
    /* a hook for every event has events null */
    json_t *all = af_ok(&a, "admin", "admin", "webhook.add",
                        json_pack("{ss}", "url", "https://[::1]:9443/"));
    assert_true(json_is_null(json_object_get(all, "events")));
    assert_true(json_is_null(json_object_get(all, "name")));
    json_decref(all);
    json_decref(l);
    json_decref(t);
    json_decref(evs);
    json_decref(h);
}

static void
s_refused(struct api *a, json_t *args, const char *field)
{
    json_t *err = NULL;
    long before = sf_events(a->store);
    int rc = af_req(a, "admin", "admin", "webhook.add", args, &err);
    assert_int_equal(rc, AYNI_EINVAL);
    json_t *d = json_object_get(err, "details");
    assert_string_equal(s_str(d, "field"), field);
    assert_true(strlen(s_str(err, "message")) > 20);
    assert_int_equal(sf_events(a->store), before);
    json_decref(err);
}

static void
test_bad_input(void **state)
{
    struct api a = s_api(state);
    const char *urls[] = {"ftp://h/x", "http://user:pw@127.0.0.1/", "http://127.0.0.1:0/",
                          "http://h/#top", "127.0.0.1:8080/hook", "http://h h/"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
        s_refused(&a, json_pack("{ss}", "url", urls[i]), "url");
    s_refused(&a, json_pack("{ss s[]}", "url", URL, "events"), "events");
    s_refused(&a, json_pack("{ss s[s]}", "url", URL, "events", "stock"), "events");
    s_refused(&a, json_pack("{ss s[s]}", "url", URL, "events", "nothing.*"), "events");
    s_refused(&a, json_pack("{ss s[s]}", "url", URL, "events", "*"), "events");
    s_refused(&a, json_pack("{ss s[i]}", "url", URL, "events", 3), "events");
    char name[120];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    s_refused(&a, json_pack("{ss ss}", "url", URL, "name", name), "name");
    /* Its reply holds the secret, which is never stored as an idempotent reply. */
    json_t *err = NULL;
    assert_int_equal(af_req_as(&a, "admin", "admin", NULL, NULL, "webhook.add",
                               json_pack("{ss}", "url", URL), "k-1", &err),
                     AYNI_EBADREQ);
    json_decref(err);
    json_t *t = s_targets(&a);
    assert_int_equal(json_array_size(t), 0);
    json_decref(t);
}

static void
test_roles(void **state)
{
    struct api a = s_api(state);
    json_t *h = s_add(&a);
    const char *admin_ops[] = {"webhook.add", "webhook.list", "webhook.remove", "webhook.log"};
    const char *others[] = {"reader", "warehouse", "scanner", "gateway"};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++)
            assert_int_equal(af_req(&a, "d", others[j], admin_ops[i],
                                    json_pack("{ss sI}", "url", URL, "id", s_int(h, "id")),
                                    NULL),
                             AYNI_EDENIED);
    const char *gw_ops[] = {"webhook.targets", "webhook.record"};
    const char *not_gw[] = {"admin", "reader", "warehouse", "scanner"};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 4; j++)
            assert_int_equal(af_req(&a, "d", not_gw[j], gw_ops[i], NULL, NULL), AYNI_EDENIED);
    json_decref(h);
    proto_error_clear(&a.err); /* the last refusal's details */
}

static json_t *
s_record(struct api *a, json_int_t id, json_int_t seq, int attempt, int status, bool ok,
         int *rc)
{
    json_t *r = NULL;
    *rc = af_req(a, "web-1", "gateway", "webhook.record",
                 json_pack("{sI sI si si sb ss}", "id", id, "seq", seq, "attempt", attempt,
                           "status", status, "ok", ok, "error", ok ? "" : "connection refused"),
                 &r);
    return r;
}

static void
test_record_and_log(void **state)
{
    struct api a = s_api(state);
    json_t *h = s_add(&a);
    json_int_t id = s_int(h, "id"), start = s_int(h, "delivered");
    sf_receive(a.store, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 20);
    sf_receive(a.store, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "H-2", NULL, 20);
    long events = sf_events(a.store);
    int rc;
    /* two failures then a success of start + 1, then start + 2 at once */
    json_decref(s_record(&a, id, start + 1, 1, 0, false, &rc));
    assert_int_equal(rc, 0);
    json_t *r = s_record(&a, id, start + 1, 2, 503, false, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s_int(r, "delivered"), start);
    json_decref(r);
    r = s_record(&a, id, start + 1, 3, 200, true, &rc);
    assert_int_equal(s_int(r, "delivered"), start + 1);
    json_decref(r);
    json_decref(s_record(&a, id, start + 2, 1, 204, true, &rc));
    assert_int_equal(rc, 0);
    /* a late repeat of an earlier one never moves the cursor back */
    r = s_record(&a, id, start + 1, 4, 200, true, &rc);
    assert_int_equal(s_int(r, "delivered"), start + 2);
    json_decref(r);
    assert_int_equal(sf_events(a.store), events); /* bookkeeping: no event */
    /* an event that does not exist yet, a bad attempt or status */
    json_decref(s_record(&a, id, start + 3, 1, 200, true, &rc));
    assert_int_equal(rc, AYNI_EINVAL);
    json_decref(s_record(&a, id, start + 1, 0, 0, false, &rc));
    assert_int_equal(rc, AYNI_EINVAL);
    json_decref(s_record(&a, id, start + 1, 1, 1000, false, &rc));
    assert_int_equal(rc, AYNI_EINVAL);
    json_decref(s_record(&a, 999, start + 1, 1, 200, true, &rc));
    assert_int_equal(rc, AYNI_ENOTFOUND);

    json_t *log = af_ok(&a, "admin", "admin", "webhook.log", json_pack("{sI}", "id", id));
    assert_int_equal(json_array_size(log), 5);
    json_t *newest = json_array_get(log, 0), *oldest = json_array_get(log, 4);
    assert_int_equal(s_int(newest, "attempt"), 4);
    assert_int_equal(s_int(oldest, "status"), 0);
    assert_false(json_is_true(json_object_get(oldest, "ok")));
    assert_string_equal(s_str(oldest, "error"), "connection refused");
    assert_true(json_is_true(json_object_get(json_array_get(log, 1), "ok")));
    assert_true(json_is_null(json_object_get(json_array_get(log, 1), "error")));
    json_decref(log);
    log = af_ok(&a, "admin", "admin", "webhook.log", json_pack("{sI si}", "id", id, "limit", 2));
    assert_int_equal(json_array_size(log), 2);
    json_decref(log);
    json_t *err = NULL;
    assert_int_equal(af_req(&a, "admin", "admin", "webhook.log",
                            json_pack("{sI si}", "id", id, "limit", 1001), &err),
                     AYNI_EINVAL);
    json_decref(err);
    /* the list shows the last attempt */
    json_t *l = af_ok(&a, "admin", "admin", "webhook.list", NULL);
    json_t *last = json_object_get(json_array_get(l, 0), "last");
    assert_int_equal(s_int(last, "status"), 200);
    assert_int_equal(s_int(json_array_get(l, 0), "delivered"), start + 2);
    json_decref(l);
    /* attempt 0 passes events over: the cursor moves, the log does not grow */
    sf_receive(a.store, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "H-3", NULL, 20);
    r = s_record(&a, id, start + 3, 0, 0, true, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s_int(r, "delivered"), start + 3);
    json_decref(r);
    log = af_ok(&a, "admin", "admin", "webhook.log", json_pack("{sI}", "id", id));
    assert_int_equal(json_array_size(log), 5);
    json_decref(log);
    json_decref(h);
}

static void
test_remove(void **state)
{
    struct api a = s_api(state);
    json_t *h = s_add(&a);
    json_int_t id = s_int(h, "id");
    long before = sf_events(a.store);
    json_t *r = af_ok(&a, "admin", "admin", "webhook.remove", json_pack("{sI}", "id", id));
    assert_int_equal(s_int(r, "id"), id);
    json_decref(r);
    assert_int_equal(sf_events(a.store), before + 1);
    json_t *evs = NULL;
    assert_int_equal(core_events_since(a.store, before, 10, &evs), 0);
    assert_string_equal(s_str(json_array_get(evs, 0), "type"), "webhook.removed");
    json_decref(evs);
    json_t *err = NULL;
    assert_int_equal(af_req(&a, "admin", "admin", "webhook.remove", json_pack("{sI}", "id", id),
                            &err),
                     AYNI_ESTATE);
    json_decref(err);
    assert_int_equal(af_req(&a, "admin", "admin", "webhook.remove", json_pack("{si}", "id", 77),
                            &err),
                     AYNI_ENOTFOUND);
    assert_non_null(strstr(s_str(err, "message"), "webhook list"));
    json_decref(err);
    json_t *t = s_targets(&a), *l = af_ok(&a, "admin", "admin", "webhook.list", NULL);
    assert_int_equal(json_array_size(t), 0);
    assert_int_equal(json_array_size(l), 0);
    json_decref(t);
    json_decref(l);
    /* its log stays readable; a removed hook takes no more attempts */
    json_t *log = af_ok(&a, "admin", "admin", "webhook.log", json_pack("{sI}", "id", id));
    json_decref(log);
    int rc;
    json_decref(s_record(&a, id, before, 1, 200, true, &rc));
    assert_int_equal(rc, AYNI_ESTATE);
    /* ids are never reused */
    json_t *h2 = s_add(&a);
    assert_true(s_int(h2, "id") > id);
    json_decref(h2);
    json_decref(h);
}

/* Every core__event("TYPE", ...) in core/store/ is one of core_event_types, so that a
 * webhook can ask for every type the core writes. */
static void
test_event_types_complete(void **state)
{
    (void)state;
    const char *src = getenv("AYNI_SOURCE_DIR");
    assert_non_null(src);
    char *dir = tu_path(src, "core/store");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int found = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 3 || strcmp(de->d_name + n - 2, ".c"))
            continue;
        char *rel = xasprintf("core/store/%s", de->d_name);
        char *text = tu_doc(rel);
        for (const char *p = text; (p = strstr(p, "core__event(s, \"")); p++) {
            const char *t = p + strlen("core__event(s, \"");
            size_t len = strcspn(t, "\"");
            bool known = false;
            for (const char *const *k = core_event_types; *k; k++)
                known |= strlen(*k) == len && !strncmp(*k, t, len);
            if (!known)
                fail_msg("%s writes event '%.*s', which core_event_types lacks", rel, (int)len,
                         t);
            found++;
        }
        free(text);
        free(rel);
    }
    closedir(d);
    free(dir);
    assert_true(found >= 20);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_and_targets, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_roles, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_record_and_log, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_remove, sf_setup, sf_teardown),
        cmocka_unit_test(test_event_types_complete),
    };
    return cmocka_run_group_tests_name("webhooks", tests, NULL, NULL);
}
