/* test_store_times.c: a delivery happened when it was scanned.  Its time (delivered_at)
 * is the device's scan time in shipment.get, the events and the donor report's rows and
 * period; a device clock that cannot be right is flagged and the time received used.
 * The store's clock is fixed (storefix.h) and moved by hand to play an offline scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "error.h"
#include "storefix.h"
#include "store_int.h" /* the report statements, for their query plans */
#include "testutil.h"
#include "zone.h"

#define STORE(state) (((struct storefix *)*(state))->store)
#define SJL "ALM-LIMA-SJL"
#define ROSA "COM-SANTA-ROSA"
#define T0 1795348800 /* 2026-11-22T12:00:00Z: the fixture's clock, when dispatched */

extern const char core_schema_sql[];

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool
s_true(json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

/* A dispatched shipment to ROSA of 40 hygiene kits in packages packages (caller frees). */
static char *
s_dispatched(core_store_t *s, int packages)
{
    json_t *r = NULL;
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 100);
    char *code = sf_shipment(s, ROSA);
    struct core_take take = {.item = "HYGIENE-KIT", .qty = 40};
    assert_int_equal(core_shipment_add_line(s, code, &take, packages, &r), 0);
    json_decref(r);
    r = NULL;
    assert_int_equal(core_shipment_dispatch(s, code, &r), 0);
    json_decref(r);
    return code;
}

/* Confirm package of code, scanned at device_time (may be NULL), with scan id id. */
static json_t *
s_confirm(core_store_t *s, const char *code, int package, const char *id,
          const char *device_time, const struct core_delivery_line *line)
{
    json_t *r = NULL;
    struct core_delivery d = {.scan_id = id, .shipment = code, .package = package,
                              .device = "tablet-07", .team = "Equipo Huánuco",
                              .scanned_at = device_time, .lines = line, .nlines = line ? 1 : 0};
    int rc = core_delivery_confirm(s, &d, &r);
    if (rc)
        fail_msg("confirm: %s", core_store_errmsg(s));
    return r;
}

static json_t *
s_package(core_store_t *s, const char *code, size_t number)
{
    json_t *r = NULL;
    assert_int_equal(core_shipment_get(s, code, &r), 0);
    json_t *p = json_incref(json_array_get(json_object_get(r, "packages"), number - 1));
    json_decref(r);
    return p;
}

static json_t *
s_report(core_store_t *s, const char *from, const char *to)
{
    json_t *r = NULL;
    if (core_report_donor(s, "CARE-PE", from, to, &r))
        fail_msg("report: %s", core_store_errmsg(s));
    return r;
}

/* The last event of type, or NULL (a new reference). */
static json_t *
s_event(core_store_t *s, const char *type)
{
    json_t *ev = NULL, *e, *found = NULL;
    size_t i;
    assert_int_equal(core_events_since(s, 0, 1000, &ev), 0);
    json_array_foreach(ev, i, e) if (!strcmp(s_str(e, "type"), type)) found = e;
    json_incref(found);
    json_decref(ev);
    return found;
}

/* Scanned offline at 12:50, synced at 13:00: 12:50 is when it was delivered. */
static void
test_offline_scan_keeps_its_time(void **state)
{
    core_store_t *s = STORE(state);
    char *code = s_dispatched(s, 2);
    core_store_set_now(s, T0 + 3600);
    json_t *r = s_confirm(s, code, 1, "scan-1", "2026-11-22T07:50:00-05:00", NULL);
    assert_string_equal(s_str(r, "scanned_at"), "2026-11-22T12:50:00Z");
    assert_string_equal(s_str(r, "received_at"), "2026-11-22T13:00:00Z");
    assert_string_equal(s_str(r, "delivered_at"), "2026-11-22T12:50:00Z");
    assert_false(s_true(r, "clock_suspect"));
    assert_true(json_is_null(json_object_get(r, "clock_problem")));
    json_decref(r);

    json_t *p = s_package(s, code, 1);
    assert_string_equal(s_str(p, "delivered_at"), "2026-11-22T12:50:00Z");
    assert_string_equal(s_str(p, "scanned_at"), "2026-11-22T12:50:00Z");
    assert_string_equal(s_str(p, "received_at"), "2026-11-22T13:00:00Z");
    assert_false(s_true(p, "clock_suspect"));
    json_decref(p);

    json_t *e = s_event(s, "delivery.confirmed");
    assert_string_equal(s_str(e, "delivered_at"), "2026-11-22T12:50:00Z");
    assert_string_equal(s_str(e, "scanned_at"), "2026-11-22T12:50:00Z");
    assert_string_equal(s_str(e, "received_at"), "2026-11-22T13:00:00Z");
    assert_false(s_true(e, "clock_suspect"));
    json_decref(e);

    /* typed at the warehouse: no device time, so the time received */
    r = s_confirm(s, code, 2, "scan-2", NULL, NULL);
    assert_string_equal(s_str(r, "delivered_at"), "2026-11-22T13:00:00Z");
    assert_false(s_true(r, "clock_suspect"));
    json_decref(r);

    json_t *rep = s_report(s, "2026-11-22", "2026-11-22");
    json_t *rows = json_object_get(rep, "deliveries");
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(s_str(json_array_get(rows, 0), "date"), "2026-11-22T12:50:00Z");
    assert_string_equal(s_str(json_array_get(rows, 0), "received_at"), "2026-11-22T13:00:00Z");
    assert_string_equal(s_str(json_array_get(rows, 1), "date"), "2026-11-22T13:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rep, "totals"),
                                                        "clock_suspect")), 0);
    json_decref(rep);
    free(code);
    sf_verify_ok(s);
}

/* Scanned on 30 November, synced on 2 December: a November delivery, shortfall and all. */
static void
test_period_is_the_scan_day(void **state)
{
    core_store_t *s = STORE(state);
    char *code = s_dispatched(s, 1);
    core_store_set_now(s, T0 + 9 * 86400 + 12 * 3600 + 600); /* 2026-12-02T00:10:00Z */
    struct core_delivery_line short3 = {.line = 1, .received = 37, .reason = "damaged"};
    json_t *r = s_confirm(s, code, 1, "scan-nov", "2026-11-30T23:55:00Z", &short3);
    assert_string_equal(s_str(r, "delivered_at"), "2026-11-30T23:55:00Z");
    json_decref(r);
    json_t *nov = s_report(s, "2026-11-01", "2026-11-30");
    assert_int_equal(json_array_size(json_object_get(nov, "deliveries")), 1);
    assert_int_equal(json_array_size(json_object_get(nov, "discrepancies")), 1);
    assert_string_equal(s_str(json_array_get(json_object_get(nov, "discrepancies"), 0), "date"),
                        "2026-11-30T23:55:00Z");
    json_decref(nov);
    json_t *dec = s_report(s, "2026-12-01", "2026-12-31");
    assert_int_equal(json_array_size(json_object_get(dec, "deliveries")), 0);
    assert_int_equal(json_array_size(json_object_get(dec, "discrepancies")), 0);
    json_decref(dec);
    free(code);
}

/* Before the dispatch, or more than ten minutes ahead of the core: not believed. */
static void
test_absurd_clocks_are_flagged(void **state)
{
    core_store_t *s = STORE(state);
    char *code = s_dispatched(s, 4); /* dispatched at 12:00:00Z */
    core_store_set_now(s, T0 + 3600);
    json_t *r = s_confirm(s, code, 1, "scan-early", "2026-11-22T11:59:59Z", NULL);
    assert_true(s_true(r, "clock_suspect"));
    assert_string_equal(s_str(r, "clock_problem"), "before_dispatch");
    assert_string_equal(s_str(r, "scanned_at"), "2026-11-22T11:59:59Z");
    assert_string_equal(s_str(r, "delivered_at"), "2026-11-22T13:00:00Z");
    json_decref(r);
    json_t *e = s_event(s, "delivery.confirmed");
    assert_true(s_true(e, "clock_suspect"));
    assert_string_equal(s_str(e, "clock_problem"), "before_dispatch");
    assert_string_equal(s_str(e, "delivered_at"), "2026-11-22T13:00:00Z");
    json_decref(e);
    /* 13:10:01Z is one second too far ahead; 13:10:00Z is just believed */
    r = s_confirm(s, code, 2, "scan-ahead", "2026-11-22T08:10:01-05:00", NULL);
    assert_true(s_true(r, "clock_suspect"));
    assert_string_equal(s_str(r, "clock_problem"), "ahead");
    assert_string_equal(s_str(r, "delivered_at"), "2026-11-22T13:00:00Z");
    json_decref(r);
    r = s_confirm(s, code, 3, "scan-edge", "2026-11-22T13:10:00Z", NULL);
    assert_false(s_true(r, "clock_suspect"));
    assert_string_equal(s_str(r, "delivered_at"), "2026-11-22T13:10:00Z");
    json_decref(r);
    r = s_confirm(s, code, 4, "scan-dispatch", "2026-11-22T12:00:00Z", NULL);
    assert_false(s_true(r, "clock_suspect"));
    json_decref(r);

    json_t *p = s_package(s, code, 1);
    assert_true(s_true(p, "clock_suspect"));
    assert_string_equal(s_str(p, "delivered_at"), "2026-11-22T13:00:00Z");
    assert_string_equal(s_str(p, "scanned_at"), "2026-11-22T11:59:59Z");
    json_decref(p);
    p = s_package(s, code, 3);
    assert_false(s_true(p, "clock_suspect"));
    json_decref(p);

    json_t *rep = s_report(s, "2026-11-22", "2026-11-22");
    json_t *rows = json_object_get(rep, "deliveries"), *row;
    size_t i, flagged = 0;
    assert_int_equal(json_array_size(rows), 4);
    json_array_foreach(rows, i, row) flagged += s_true(row, "clock_suspect");
    assert_int_equal(flagged, 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rep, "totals"),
                                                        "clock_suspect")), 2);
    json_decref(rep);
    free(code);
    sf_verify_ok(s);
}

/* In Lima a day runs from 05:00Z to 05:00Z: a scan at 22:00 on 30 November (03:00Z on
 * 1 December) is November's, and a lot that expires on 30 November is not yet expired. */
static void
test_periods_and_today_are_local_days(void **state)
{
    core_store_t *s = STORE(state);
    char err[256], today[11];
    assert_int_equal(ayni_zone_use("America/Lima", err, sizeof err), 0);
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "F-NOV30", "2026-11-30", 5);
    char *code = s_dispatched(s, 1);
    core_store_set_now(s, T0 + 8 * 86400 + 15 * 3600 + 300); /* 2026-12-01T03:05:00Z */
    core_store_today(s, today);
    assert_string_equal(today, "2026-11-30");
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", "F-NOV30"), 5);
    json_t *rows = NULL;
    struct core_stock_query q = {.at = SJL, .item = "FOOD-KIT", .expiring_days = -1};
    assert_int_equal(core_stock_levels(s, &q, &rows), 0);
    assert_false(s_true(json_array_get(rows, 0), "expired"));
    json_decref(rows);
    json_decref(s_confirm(s, code, 1, "scan-late", "2026-11-30T22:00:00-05:00", NULL));
    json_t *nov = s_report(s, "2026-11-01", "2026-11-30");
    assert_int_equal(json_array_size(json_object_get(nov, "deliveries")), 1);
    json_decref(nov);
    json_t *dec = s_report(s, "2026-12-01", "2026-12-31");
    assert_int_equal(json_array_size(json_object_get(dec, "deliveries")), 0);
    json_decref(dec);
    /* the same ledger read in UTC: it was 1 December */
    assert_int_equal(ayni_zone_use("UTC", err, sizeof err), 0);
    dec = s_report(s, "2026-12-01", "2026-12-01");
    assert_int_equal(json_array_size(json_object_get(dec, "deliveries")), 1);
    json_decref(dec);
    free(code);
}

/* The donor report's period queries use an index on time: deliveries by delivered_at
 * (deliveries_by_time), the few shortfalls by their movements' time (movements_delivered),
 * not every movement of a kind. */
static void
test_report_uses_the_time_index(void **state)
{
    struct storefix *f = *state;
    static const char *const sql[] = {
#define S_PICK_(name, text) [ST_##name] = text,
        CORE_STATEMENTS(S_PICK_)
#undef S_PICK_
    };
    const enum core_stmt report[] = {ST_R_DONOR_DELIVERIES, ST_R_DONOR_SHORT};
    const char *const uses[][2] = {{"deliveries_by_time", "movements_by_delivery"},
                                   {"movements_delivered", "movements_delivered"}};
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    for (size_t k = 0; k < 2; k++) {
        char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql[report[k]]);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
        char plan[2048] = "";
        while (sqlite3_step(st) == SQLITE_ROW) {
            size_t used = strlen(plan);
            snprintf(plan + used, sizeof plan - used, "%s\n", sqlite3_column_text(st, 3));
        }
        sqlite3_finalize(st);
        sqlite3_free(q);
        if (!strstr(plan, uses[k][0]) || !strstr(plan, uses[k][1]))
            fail_msg("query %zu does not use %s:\n%s", k, uses[k][0], plan);
    }
    sqlite3_close(db);
}

/* Deliveries recorded before migration 6 get their time and flag by the same rule. */
static void
test_migration_judges_old_rows(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = tu_path(dir, "v5.db"), err[256];
    const char *six = strstr(core_schema_sql, "\n-- @migration 6");
    assert_non_null(six);
    char *v5 = sqlite3_mprintf("BEGIN; %.*s; PRAGMA user_version = 5; COMMIT;",
                               (int)(six - core_schema_sql), core_schema_sql);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, v5, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO shipments (id, code, from_id, to_id, transit_id, state,"
                     " created_at, dispatched_at, actor) VALUES (1, 'ENV-1', 1, 1, 1,"
                     " 'delivered', '2026-11-22T10:00:00Z', '2026-11-22T12:00:00Z', 'test');"
                     "INSERT INTO deliveries (scan_id, shipment_id, package, device, scanned_at,"
                     " received_at, qty_expected, qty_received, result) VALUES"
                     " ('ok', 1, 1, 'd', '2026-11-22T12:50:00Z', '2026-11-22T13:00:00Z', 1, 1, '{}'),"
                     " ('early', 1, 2, 'd', '2026-11-22T11:00:00Z', '2026-11-22T13:00:00Z', 1, 1, '{}'),"
                     " ('ahead', 1, 3, 'd', '2026-11-22T13:10:01Z', '2026-11-22T13:00:00Z', 1, 1, '{}'),"
                     " ('typed', 1, 4, 'd', NULL, '2026-11-22T13:00:00Z', 1, 1, '{}');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    sqlite3_free(v5);
    core_store_t *s = NULL;
    assert_int_equal(core_store_open(&s, path, err, sizeof err), 0);
    core_store_destroy(&s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT scan_id || ' ' || delivered_at || ' ' ||"
                                            " clock_suspect FROM deliveries ORDER BY package",
                                        -1, &st, NULL),
                     SQLITE_OK);
    const char *want[] = {"ok 2026-11-22T12:50:00Z 0", "early 2026-11-22T13:00:00Z 1",
                          "ahead 2026-11-22T13:00:00Z 1", "typed 2026-11-22T13:00:00Z 0"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), want[i]);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    tu_rmtree(dir);
    free(path);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offline_scan_keeps_its_time, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_period_is_the_scan_day, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_absurd_clocks_are_flagged, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_periods_and_today_are_local_days, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_report_uses_the_time_index, sf_setup, sf_teardown),
        cmocka_unit_test(test_migration_judges_old_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
