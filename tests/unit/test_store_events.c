/* test_store_events.c: core_events_each, the outbox as aynid publishes it.
 *
 * Each text must be exactly the object events.since gives (the stored body with its hash),
 * the callback can stop the walk, and a damaged body is an error naming the event, never
 * garbage on the wire.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "error.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))

struct s_seen {
    json_t *list; /* the texts, decoded */
    int64_t last;
    int stop_after; /* 0: never stop */
};

static int
s_collect(void *arg, int64_t seq, const char *type, const char *text, size_t len)
{
    struct s_seen *seen = arg;
    json_error_t err;
    json_t *e = json_loadb(text, len, 0, &err);
    if (!e)
        fail_msg("event %lld is not JSON: %s: %.*s", (long long)seq, err.text, (int)len, text);
    assert_string_equal(json_string_value(json_object_get(e, "type")), type);
    assert_int_equal(json_integer_value(json_object_get(e, "seq")), seq);
    assert_true(seq > seen->last);
    seen->last = seq;
    json_array_append_new(seen->list, e);
    return seen->stop_after && (int)json_array_size(seen->list) == seen->stop_after;
}

static void
test_each_is_since(void **state)
{
    core_store_t *s = FIX(state)->store;
    sf_receive(s, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "L-1", NULL, 30);
    sf_receive(s, "ALM-LIMA-SJL", "AECID", "FOOD-KIT", "F-1", "2027-06-30", 12);
    json_t *since = NULL;
    assert_int_equal(core_events_since(s, 0, 10000, &since), 0);
    assert_true(json_array_size(since) > 2);
    struct s_seen seen = {json_array(), 0, 0};
    assert_int_equal(core_events_each(s, 0, 10000, s_collect, &seen), 0);
    assert_true(json_equal(seen.list, since));
    /* from the middle, and stopping early */
    json_decref(seen.list);
    seen = (struct s_seen){json_array(), 1, 2};
    assert_int_equal(core_events_each(s, 1, 10000, s_collect, &seen), 0);
    assert_int_equal(json_array_size(seen.list), 2);
    assert_true(json_equal(json_array_get(seen.list, 0), json_array_get(since, 1)));
    json_decref(seen.list);
    json_decref(since);
}

static void
test_damaged_body(void **state)
{
    core_store_t *s = FIX(state)->store;
    sf_receive(s, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "L-1", NULL, 30);
    long n = sf_events(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(FIX(state)->path, &db), SQLITE_OK);
    char sql[160];
    snprintf(sql, sizeof sql, "DROP TRIGGER events_append_only_u; UPDATE events SET body = "
             "'not json' WHERE seq = %ld", n);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct s_seen seen = {json_array(), 0, 0};
    assert_int_equal(core_events_each(s, 0, 10000, s_collect, &seen), AYNI_ECORRUPT);
    assert_non_null(strstr(core_store_errmsg(s), "restore the database from a backup"));
    assert_int_equal(json_array_size(seen.list), n - 1); /* those before it were given */
    json_decref(seen.list);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_each_is_since, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_body, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
