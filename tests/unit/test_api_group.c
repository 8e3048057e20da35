/* test_api_group.c: group commit (api_group_begin .. api_group_commit), as aynid uses it.
 *
 * Requests handled in a group share one transaction, each in its own savepoint: a request
 * that fails leaves the others, an idempotency key used twice in one group answers the
 * second time from the first, and a group lost to a full disk keeps nothing, so that aynid
 * can handle each request again alone.
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
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define SJL "ALM-LIMA-SJL"
#define PTO "ALM-PTO-MALDONADO"

/* A request frame: stock.receive of qty of lot at SJL, with an idem key when not NULL. */
static char *
s_receive(const char *lot, long qty, const char *idem)
{
    json_t *req = json_pack("{si si ss s{ss ss ss ss si}}", "v", 1, "id", 1, "op",
                            "stock.receive", "args", "at", SJL, "donor", "CARE-PE", "item",
                            "HYGIENE-KIT", "lot", lot, "qty", qty);
    if (idem)
        json_object_set_new(req, "idem", json_string(idem));
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    return text;
}

static char *
s_transfer(long qty)
{
    json_t *req = json_pack("{si si ss s{ss ss ss si}}", "v", 1, "id", 2, "op", "stock.transfer",
                            "args", "from", SJL, "to", PTO, "item", "HYGIENE-KIT", "qty", qty);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    return text;
}

/* Handle frame (freed) as an admin; returns the reply's error code, 0 for ok, and the
 * reply's result in *result (new reference) when result is not NULL. */
static int
s_handle(struct api *a, char *frame, json_t **result)
{
    struct api_outcome out;
    json_t *reply = api_handle(a, frame, strlen(frame), "test", NULL, &out);
    free(frame);
    assert_non_null(reply);
    assert_int_equal(json_is_true(json_object_get(reply, "ok")), out.code == 0);
    if (result)
        *result = json_incref(json_object_get(reply, "result"));
    json_decref(reply);
    return out.code;
}

static void
test_failed_request_leaves_the_others(void **state)
{
    struct api a = {.store = FIX(state)->store};
    long events = sf_events(a.store);
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_handle(&a, s_receive("G-1", 10, NULL), NULL), 0);
    assert_int_equal(s_handle(&a, s_transfer(500), NULL), AYNI_ESTOCK);
    assert_int_equal(s_handle(&a, s_transfer(4), NULL), 0);
    assert_int_equal(s_handle(&a, s_receive("G-2", 0, NULL), NULL), AYNI_EINVAL);
    assert_int_equal(s_handle(&a, s_receive("G-2", 5, NULL), NULL), 0);
    assert_int_equal(api_group_commit(&a), 0);
    assert_false(a.grouped);
    assert_int_equal(sf_qty(a.store, SJL, "HYGIENE-KIT", NULL), 11);
    assert_int_equal(sf_qty(a.store, PTO, "HYGIENE-KIT", NULL), 4);
    /* received, transferred, stock.low (6 left, under 10), received */
    assert_int_equal(sf_events(a.store), events + 4);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

static void
test_idem_key_twice_in_a_group(void **state)
{
    struct api a = {.store = FIX(state)->store};
    json_t *first, *second, *third;
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_handle(&a, s_receive("G-1", 7, "k-1"), &first), 0);
    assert_int_equal(s_handle(&a, s_receive("G-1", 7, "k-1"), &second), 0);
    assert_true(json_equal(first, second));
    /* the same key for another op is refused, and changes nothing */
    char *frame = s_transfer(1);
    json_t *req = json_loads(frame, 0, NULL);
    free(frame);
    json_object_set_new(req, "idem", json_string("k-1"));
    assert_int_equal(s_handle(&a, json_dumps(req, JSON_COMPACT), NULL), AYNI_ECONFLICT);
    json_decref(req);
    assert_int_equal(api_group_commit(&a), 0);
    /* and after the commit, the key still answers from the first */
    assert_int_equal(s_handle(&a, s_receive("G-1", 7, "k-1"), &third), 0);
    assert_true(json_equal(first, third));
    assert_int_equal(sf_qty(a.store, SJL, "HYGIENE-KIT", "G-1"), 7);
    assert_int_equal(sf_qty(a.store, PTO, "HYGIENE-KIT", NULL), 0);
    json_decref(first);
    json_decref(second);
    json_decref(third);
    proto_error_clear(&a.err);
}

/* A request that fills the disk takes the whole group with it: the group's later
 * requests fail, commit fails, nothing is kept, and each request can run again alone. */
static void
test_group_lost_to_a_full_disk(void **state)
{
    struct api a = {.store = FIX(state)->store};
    long events = sf_events(a.store);
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_handle(&a, s_receive("G-1", 10, NULL), NULL), 0);
    assert_int_equal(core_store_set_max_pages(a.store, 1), 0);
    int rc = 0;
    char lot[32];
    for (int i = 0; i < 100000 && rc == 0; i++) {
        snprintf(lot, sizeof lot, "FULL-%d", i);
        rc = s_handle(&a, s_receive(lot, 1, NULL), NULL);
    }
    assert_int_equal(rc, AYNI_EFULL);
    assert_int_equal(core_store_set_max_pages(a.store, 0), 0);
    assert_int_equal(s_handle(&a, s_receive("G-2", 3, NULL), NULL), AYNI_ESTATE);
    assert_int_not_equal(api_group_commit(&a), 0);
    assert_false(a.grouped);
    assert_int_equal(sf_qty(a.store, SJL, "HYGIENE-KIT", NULL), 0);
    assert_int_equal(sf_events(a.store), events);
    /* alone, each request works again */
    assert_int_equal(s_handle(&a, s_receive("G-1", 10, NULL), NULL), 0);
    assert_int_equal(s_handle(&a, s_receive("G-2", 3, NULL), NULL), 0);
    assert_int_equal(sf_qty(a.store, SJL, "HYGIENE-KIT", NULL), 13);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

/* Rolled back by the caller, a group keeps nothing and the next one starts clean. */
static void
test_group_rollback(void **state)
{
    struct api a = {.store = FIX(state)->store};
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_handle(&a, s_receive("G-1", 10, "k-2"), NULL), 0);
    api_group_rollback(&a);
    assert_false(a.grouped);
    assert_int_equal(sf_qty(a.store, SJL, "HYGIENE-KIT", NULL), 0);
    assert_int_equal(api_group_begin(&a), 0);
    assert_int_equal(s_handle(&a, s_receive("G-1", 10, "k-2"), NULL), 0);
    assert_int_equal(api_group_commit(&a), 0);
    assert_int_equal(sf_qty(a.store, SJL, "HYGIENE-KIT", NULL), 10);
    proto_error_clear(&a.err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_failed_request_leaves_the_others, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_idem_key_twice_in_a_group, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_group_lost_to_a_full_disk, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_group_rollback, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
