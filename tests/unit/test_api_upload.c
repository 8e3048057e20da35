/* test_api_upload.c: a list sent in parts (an upload, docs/PROTOCOL.md section 4).
 *
 * stock.receive_batch's rows in three parts make one change, in the last part's
 * transaction, and nothing before it; errors name the row by its place in the whole list.
 * Parts come in order, from their owner only; a part that fails drops its upload; an
 * owner holds at most four; an upload untouched for an hour lapses; a part staged in a
 * group that is rolled back was never staged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "error.h"
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))

/* A receipt row of qty HYGIENE-KIT at ALM-LIMA-SJL (item may be a wrong code). */
static json_t *
s_row(const char *item, long qty)
{
    return json_pack("{ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "CARE-PE", "item", item,
                     "lot", "UP-1", "qty", (int)qty);
}

/* Handle stock.receive_batch of rows (stolen) as part of upload id (NULL: none) from
 * actor; the error code (0: ok), the result in *result if not NULL, the error's details
 * in *details if not NULL. */
static int
s_part(struct api *a, const char *actor, const char *id, long part, bool last, json_t *rows,
       json_t **result, json_t **details)
{
    json_t *args = json_pack("{so}", "rows", rows);
    if (id)
        json_object_set_new(args, "upload",
                            json_pack("{sssisb}", "id", id, "part", (int)part, "last", last));
    json_t *req = json_pack("{sisiss so}", "v", 1, "id", 7, "op", "stock.receive_batch", "args",
                            args);
    char *frame = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    struct api_outcome out;
    json_t *reply = api_handle(a, frame, strlen(frame), actor, NULL, &out);
    free(frame);
    assert_non_null(reply);
    if (result)
        *result = json_incref(json_object_get(reply, "result"));
    if (details)
        *details = json_incref(json_object_get(json_object_get(reply, "error"), "details"));
    json_decref(reply);
    return out.code;
}

static json_t *
s_rows(long n, long qty)
{
    json_t *rows = json_array();
    for (long i = 0; i < n; i++)
        json_array_append_new(rows, s_row("HYGIENE-KIT", qty));
    return rows;
}

static void
test_three_parts_one_change(void **state)
{
    struct api a = {.store = FIX(state)->store};
    long events = sf_events(a.store);
    json_t *r = NULL;
    assert_int_equal(s_part(&a, "wh-1", "u-0001", 0, false, s_rows(2, 1), &r, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "staged")), 2);
    json_decref(r);
    assert_int_equal(s_part(&a, "wh-1", "u-0001", 1, false, s_rows(3, 10), &r, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "staged")), 5);
    json_decref(r);
    /* Nothing is recorded before the last part. */
    assert_int_equal(sf_events(a.store), events);
    assert_int_equal(sf_qty(a.store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-0001", 2, true, s_rows(1, 100), &r, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "received")), 6);
    assert_int_equal(json_array_size(json_object_get(r, "receipts")), 6);
    json_decref(r);
    assert_int_equal(sf_qty(a.store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 132);
    assert_int_equal(sf_events(a.store), events + 6);
    /* The upload is gone with its last part. */
    assert_int_equal(s_part(&a, "wh-1", "u-0001", 3, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    /* A one-part upload is a whole request. */
    assert_int_equal(s_part(&a, "wh-1", "u-0002", 0, true, s_rows(2, 1), &r, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "received")), 2);
    json_decref(r);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err); /* the last failure's details */
}

/* A bad row in the first part fails the last one, named by its place in the whole list,
 * and nothing of the upload is recorded or kept. */
static void
test_bad_row_fails_all(void **state)
{
    struct api a = {.store = FIX(state)->store};
    long events = sf_events(a.store);
    json_t *rows = s_rows(2, 1), *d = NULL;
    json_array_append_new(rows, s_row("HYGEINE-KIT", 1));
    assert_int_equal(s_part(&a, "wh-1", "u-bad", 0, false, rows, NULL, NULL), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-bad", 1, true, s_rows(2, 1), NULL, &d),
                     AYNI_ENOTFOUND);
    assert_int_equal(json_integer_value(json_object_get(d, "row")), 2);
    json_decref(d);
    assert_int_equal(sf_events(a.store), events);
    assert_int_equal(sf_qty(a.store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-bad", 2, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    proto_error_clear(&a.err); /* the last failure's details */
}

static void
test_parts_in_order_by_their_owner(void **state)
{
    struct api a = {.store = FIX(state)->store};
    json_t *d = NULL;
    /* Never begun. */
    assert_int_equal(s_part(&a, "wh-1", "u-none", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    /* Another device cannot add to it, nor finish it; the owner still can. */
    assert_int_equal(s_part(&a, "wh-1", "u-mine", 0, false, s_rows(1, 1), NULL, NULL), 0);
    assert_int_equal(s_part(&a, "wh-2", "u-mine", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    assert_int_equal(s_part(&a, "wh-2", "u-mine", 0, false, s_rows(1, 1), NULL, NULL),
                     AYNI_EEXISTS);
    /* A part skipped: refused, naming the part expected, and the upload is dropped. */
    assert_int_equal(s_part(&a, "wh-1", "u-mine", 2, false, s_rows(1, 1), NULL, &d),
                     AYNI_ESTATE);
    assert_int_equal(json_integer_value(json_object_get(d, "expected")), 1);
    json_decref(d);
    assert_int_equal(s_part(&a, "wh-1", "u-mine", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    /* Part 0 again of an open upload: refused, and dropped. */
    assert_int_equal(s_part(&a, "wh-1", "u-twice", 0, false, s_rows(1, 1), NULL, NULL), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-twice", 0, false, s_rows(1, 1), NULL, NULL),
                     AYNI_EEXISTS);
    assert_int_equal(s_part(&a, "wh-1", "u-twice", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    assert_int_equal(sf_qty(a.store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 0);
    proto_error_clear(&a.err); /* the last failure's details */
}

static void
test_malformed_parts(void **state)
{
    struct api a = {.store = FIX(state)->store};
    struct {
        const char *args, *field;
        int code;
    } cases[] = {
        {"{\"rows\":[],\"upload\":\"u-1\"}", "upload", AYNI_EBADREQ},
        {"{\"rows\":[],\"upload\":{\"id\":\"u-1\",\"part\":0}}", "last", AYNI_EBADREQ},
        {"{\"rows\":[],\"upload\":{\"id\":\"u-1\",\"part\":-1,\"last\":false}}", "part",
         AYNI_EINVAL},
        {"{\"rows\":[],\"upload\":{\"id\":\"u-1\",\"part\":0,\"last\":false,\"x\":1}}", "x",
         AYNI_EBADREQ},
        {"{\"rows\":[],\"upload\":{\"id\":\"u 1\",\"part\":0,\"last\":false}}", "upload",
         AYNI_EINVAL},
        {"{\"rows\":[],\"note\":1,\"upload\":{\"id\":\"u-1\",\"part\":0,\"last\":false}}", "rows",
         AYNI_EBADREQ},
        {"{\"rows\":[],\"note\":1,\"upload\":{\"id\":\"u-1\",\"part\":0,\"last\":true}}", "note",
         AYNI_EBADREQ},
        {"{\"rows\":{},\"upload\":{\"id\":\"u-1\",\"part\":0,\"last\":false}}", "rows",
         AYNI_EBADREQ},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *frame = xasprintf("{\"v\":1,\"id\":1,\"op\":\"stock.receive_batch\",\"args\":%s}",
                                cases[i].args);
        struct api_outcome out;
        json_t *reply = api_handle(&a, frame, strlen(frame), "wh-1", NULL, &out);
        json_t *err = json_object_get(reply, "error");
        const char *field =
            json_string_value(json_object_get(json_object_get(err, "details"), "field"));
        if (out.code != cases[i].code || !field || strcmp(field, cases[i].field) != 0)
            fail_msg("%s: expected %d on '%s', got %s", cases[i].args, cases[i].code,
                     cases[i].field, json_dumps(reply, 0));
        json_decref(reply);
        free(frame);
    }
    /* An op without a list in parts takes no upload. */
    const char *frame = "{\"v\":1,\"id\":1,\"op\":\"stock.receive\",\"args\":{\"at\":\"X\","
                        "\"donor\":\"Y\",\"item\":\"Z\",\"upload\":{}}}";
    struct api_outcome out;
    json_decref(api_handle(&a, frame, strlen(frame), "wh-1", NULL, &out));
    assert_int_equal(out.code, AYNI_EBADREQ);
    proto_error_clear(&a.err); /* the last failure's details */
}

/* Four open uploads a device, the whole list at most 10,000 entries, an hour untouched. */
static void
test_limits(void **state)
{
    struct api a = {.store = FIX(state)->store};
    char id[16];
    for (int i = 0; i < CORE_UPLOAD_MAX_OPEN; i++) {
        snprintf(id, sizeof id, "u-open-%d", i);
        assert_int_equal(s_part(&a, "wh-1", id, 0, false, s_rows(1, 1), NULL, NULL), 0);
    }
    assert_int_equal(s_part(&a, "wh-1", "u-open-x", 0, false, s_rows(1, 1), NULL, NULL),
                     AYNI_ESTATE);
    assert_int_equal(s_part(&a, "wh-2", "u-other", 0, false, s_rows(1, 1), NULL, NULL), 0);
    /* Finishing one frees its place. */
    assert_int_equal(s_part(&a, "wh-1", "u-open-0", 1, true, s_rows(1, 1), NULL, NULL), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-open-y", 0, false, s_rows(1, 1), NULL, NULL), 0);

    /* An hour untouched: lapsed when anyone begins an upload. */
    core_store_set_now(a.store, core_store_now(a.store) + CORE_UPLOAD_TTL + 1);
    assert_int_equal(s_part(&a, "wh-1", "u-later", 0, false, s_rows(1, 1), NULL, NULL), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-open-1", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    assert_int_equal(s_part(&a, "wh-2", "u-other", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);

    /* 10,000 entries in all: part by part. */
    json_t *d = NULL;
    assert_int_equal(s_part(&a, "wh-3", "u-big", 0, false, s_rows(6000, 1), NULL, NULL), 0);
    assert_int_equal(s_part(&a, "wh-3", "u-big", 1, false, s_rows(4001, 1), NULL, &d),
                     AYNI_EINVAL);
    assert_int_equal(json_integer_value(json_object_get(d, "count")), 10001);
    assert_int_equal(json_integer_value(json_object_get(d, "max")), 10000);
    json_decref(d);
    assert_int_equal(s_part(&a, "wh-3", "u-big", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    assert_int_equal(sf_qty(a.store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 2);
    proto_error_clear(&a.err); /* the last failure's details */
}

/* Staging is part of the request's transaction: a group that does not commit kept no
 * part, and handling it again alone (as aynid does) stages it once. */
static void
test_group_rolled_back(void **state)
{
    struct api a = {.store = FIX(state)->store};
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-g", 0, false, s_rows(2, 1), NULL, NULL), 0);
    api_group_rollback(&a);
    assert_int_equal(s_part(&a, "wh-1", "u-g", 1, true, s_rows(1, 1), NULL, NULL),
                     AYNI_ENOTFOUND);
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_part(&a, "wh-1", "u-g2", 0, false, s_rows(2, 1), NULL, NULL), 0);
    assert_int_equal(api_group_commit(&a), 0);
    json_t *r = NULL;
    assert_int_equal(s_part(&a, "wh-1", "u-g2", 1, true, s_rows(1, 1), &r, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "received")), 3);
    json_decref(r);
    proto_error_clear(&a.err); /* the last failure's details */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_three_parts_one_change, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_bad_row_fails_all, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_parts_in_order_by_their_owner, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_parts, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_limits, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_group_rolled_back, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests_name("api: uploads in parts", tests, NULL, NULL);
}
