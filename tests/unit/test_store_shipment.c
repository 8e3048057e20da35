/* test_store_shipment.c: shipments from draft to delivered or cancelled, and deliveries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "storefix.h"

#define STORE(state) (((struct storefix *)*(state))->store)
#define SJL "ALM-LIMA-SJL"
#define ROSA "COM-SANTA-ROSA"

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long
s_int(json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

static void
s_add(core_store_t *s, const char *code, const char *item, long qty, int packages)
{
    json_t *r = NULL;
    struct core_take take = {.item = item, .qty = qty};
    int rc = core_shipment_add_line(s, code, &take, packages, &r);
    if (rc)
        fail_msg("add line: %s", core_store_errmsg(s));
    json_decref(r);
}

static void
s_dispatch(core_store_t *s, const char *code)
{
    json_t *r = NULL;
    int rc = core_shipment_dispatch(s, code, &r);
    if (rc)
        fail_msg("dispatch: %s", core_store_errmsg(s));
    json_decref(r);
}

static void
s_stock(core_store_t *s)
{
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 100);
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "F-LATE", "2027-08-01", 50);
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "F-EARLY", "2027-02-01", 30);
    sf_receive_serials(s, SJL, "TABLET", "TAB", 5);
}

static void
test_create_and_lines(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    struct core_shipment_new bad = {.from = SJL, .to = "ALM-PTO-MALDONADO"};
    assert_int_equal(core_shipment_create(s, &bad, &r), AYNI_EINVAL);
    char *code = sf_shipment(s, ROSA);
    assert_string_equal(code, "ENV-2026-000001");
    struct core_take food = {.item = "FOOD-KIT", .qty = 40};
    assert_int_equal(core_shipment_add_line(s, code, &food, 4, &r), 0);
    json_t *lots = json_object_get(r, "lots");
    assert_string_equal(s_str(json_array_get(lots, 0), "lot"), "F-EARLY"); /* FEFO */
    assert_int_equal(s_int(json_array_get(lots, 0), "qty"), 30);
    assert_int_equal(s_int(json_array_get(lots, 1), "qty"), 10);
    json_decref(r);
    r = NULL;
    /* reserved: a second draft sees only what is left */
    char *other = sf_shipment(s, "COM-CAJAMARCA-82015");
    food.qty = 41;
    assert_int_equal(core_shipment_add_line(s, other, &food, 1, &r), AYNI_ESTOCK);
    assert_non_null(strstr(core_store_errmsg(s), "41 requested, 40 available"));
    const char *tabs[] = {"TAB-0001", "TAB-0002"};
    struct core_take t = {.item = "TABLET", .serials = tabs, .nserials = 2};
    assert_int_equal(core_shipment_add_line(s, code, &t, 1, &r), 0);
    json_decref(r);
    r = NULL;
    assert_int_equal(core_shipment_add_line(s, other, &t, 1, &r), AYNI_ESTOCK);
    assert_non_null(strstr(core_store_errmsg(s), "already packed in draft shipment"));
    struct core_take h = {.item = "HYGIENE-KIT", .qty = 2};
    assert_int_equal(core_shipment_add_line(s, code, &h, 3, &r), AYNI_EINVAL);
    assert_int_equal(core_shipment_add_line(s, code, &h, 0, &r), AYNI_EINVAL);
    assert_int_equal(core_shipment_add_line(s, "ENV-2026-000009", &h, 1, &r), AYNI_ENOTFOUND);
    assert_null(r);
    assert_int_equal(core_shipment_get(s, code, &r), 0);
    assert_string_equal(s_str(r, "state"), "draft");
    assert_int_equal(json_array_size(json_object_get(r, "lines")), 2);
    assert_string_equal(s_str(json_object_get(r, "to"), "region"), "Huánuco");
    json_decref(r);
    assert_int_equal(core_shipment_list(s, "draft", &r), 0);
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
    r = NULL;
    assert_int_equal(core_shipment_list(s, "lost", &r), AYNI_EINVAL);
    free(code);
    free(other);
    sf_verify_ok(s);
}

static void
test_dispatch_moves_everything(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    char *code = sf_shipment(s, ROSA);
    r = NULL;
    assert_int_equal(core_shipment_dispatch(s, code, &r), AYNI_EINVAL); /* no lines */
    assert_non_null(strstr(core_store_errmsg(s), "has no lines"));
    s_add(s, code, "HYGIENE-KIT", 95, 3);
    s_add(s, code, "FOOD-KIT", 20, 2);
    assert_int_equal(core_shipment_dispatch(s, code, &r), 0);
    assert_string_equal(s_str(r, "state"), "dispatched");
    assert_int_equal(s_int(r, "package_count"), 5);
    json_t *pk = json_object_get(r, "packages");
    assert_int_equal(s_int(json_array_get(pk, 0), "qty"), 32); /* 95 = 32 + 32 + 31 */
    assert_int_equal(s_int(json_array_get(pk, 2), "qty"), 31);
    assert_int_equal(s_int(json_array_get(pk, 3), "line"), 2);
    json_decref(r);
    r = NULL;
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 5);
    assert_int_equal(sf_qty(s, "TRANSIT-ENV-2026-000001", "HYGIENE-KIT", NULL), 95);
    assert_int_equal(core_shipment_dispatch(s, code, &r), AYNI_ESTATE);
    struct core_take h = {.item = "HYGIENE-KIT", .qty = 1};
    assert_int_equal(core_shipment_add_line(s, code, &h, 1, &r), AYNI_ESTATE);
    assert_non_null(strstr(core_store_errmsg(s), "is dispatched"));
    free(code);
    sf_verify_ok(s);
}

static void
test_dispatch_refuses_expired_and_moves_nothing(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    char *code = sf_shipment(s, ROSA);
    s_add(s, code, "HYGIENE-KIT", 10, 1);
    s_add(s, code, "FOOD-KIT", 35, 1); /* F-EARLY 30 + F-LATE 5 */
    long events = sf_events(s);
    core_store_set_now(s, 1795348800 + 80 * 86400); /* 2027-02-10: F-EARLY expired */
    assert_int_equal(core_shipment_dispatch(s, code, &r), AYNI_EEXPIRED);
    assert_non_null(strstr(core_store_errmsg(s), "line 2: lot 'F-EARLY'"));
    assert_null(r);
    assert_int_equal(sf_events(s), events);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 100); /* line 1 did not move */
    assert_int_equal(core_shipment_get(s, code, &r), 0);
    assert_string_equal(s_str(r, "state"), "draft");
    json_decref(r);
    free(code);
    sf_verify_ok(s);
}

static void
test_cancel(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    char *draft = sf_shipment(s, ROSA);
    s_add(s, draft, "FOOD-KIT", 80, 1); /* all of it, reserved */
    assert_int_equal(core_shipment_cancel(s, draft, "", &r), AYNI_EINVAL);
    assert_int_equal(core_shipment_cancel(s, draft, "camión averiado", &r), 0);
    json_decref(r);
    r = NULL;
    char *code = sf_shipment(s, ROSA);
    s_add(s, code, "FOOD-KIT", 80, 2); /* freed by the cancel */
    struct core_take t = {.item = "TABLET", .serials = (const char *[]){"TAB-0004"}, .nserials = 1};
    assert_int_equal(core_shipment_add_line(s, code, &t, 1, &r), 0);
    json_decref(r);
    r = NULL;
    s_dispatch(s, code);
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", NULL), 0);
    assert_int_equal(core_shipment_cancel(s, code, "carretera bloqueada", &r), 0);
    assert_int_equal(s_int(r, "returned"), 81);
    json_decref(r);
    r = NULL;
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", NULL), 80);
    assert_int_equal(sf_qty(s, SJL, "TABLET", NULL), 5);
    assert_int_equal(core_shipment_cancel(s, code, "otra vez", &r), AYNI_ESTATE);
    struct core_delivery d = {.scan_id = "scan-1", .shipment = code, .package = 1};
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_ESTATE);
    assert_non_null(strstr(core_store_errmsg(s), "cancelled"));
    assert_null(r);
    free(draft);
    free(code);
    sf_verify_ok(s);
}

static void
test_deliver_packages_and_shortfall(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    char *code = sf_shipment(s, ROSA);
    s_add(s, code, "HYGIENE-KIT", 40, 2);
    s_dispatch(s, code);
    long before = sf_events(s);
    struct core_delivery d = {.scan_id = "scan-1", .shipment = code, .package = 1,
                              .device = "tablet-07", .team = "Equipo Huánuco",
                              .scanned_at = "2026-11-22T09:15:00-05:00"};
    assert_int_equal(core_delivery_confirm(s, &d, &r), 0);
    assert_int_equal(s_int(r, "qty_received"), 20);
    assert_string_equal(s_str(r, "shipment_state"), "partial");
    char *first = json_dumps(r, JSON_SORT_KEYS);
    json_decref(r);
    /* the same scan again: the first answer, nothing changes */
    long events = sf_events(s);
    assert_int_equal(core_delivery_confirm(s, &d, &r), 0);
    assert_true(json_is_true(json_object_get(r, "repeat")));
    json_object_del(r, "repeat");
    char *again = json_dumps(r, JSON_SORT_KEYS);
    assert_string_equal(first, again);
    json_decref(r);
    r = NULL;
    free(first);
    free(again);
    assert_int_equal(sf_events(s), events);
    /* another scan of the same package */
    d.scan_id = "scan-2";
    d.team = "Equipo 2";
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_EDELIVERED);
    assert_non_null(strstr(core_store_errmsg(s), "already confirmed"));
    assert_non_null(strstr(core_store_errmsg(s), "Equipo Huánuco"));
    assert_string_equal(s_str(core_store_errdetails(s), "scan_id"), "scan-1");
    /* package 2 short by 3, damaged */
    struct core_delivery_line noreason = {.line = 1, .received = 17};
    d.package = 2;
    d.lines = &noreason;
    d.nlines = 1;
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "give the reason"));
    struct core_delivery_line line = {.line = 1, .received = 17, .reason = "damaged"};
    d.lines = &line;
    assert_int_equal(core_delivery_confirm(s, &d, &r), 0);
    assert_string_equal(s_str(r, "shipment_state"), "delivered");
    json_decref(r);
    r = NULL;
    assert_int_equal(sf_qty(s, ROSA, "HYGIENE-KIT", NULL), 37);
    assert_int_equal(sf_qty(s, "LOSS", "HYGIENE-KIT", NULL), 3);
    assert_int_equal(sf_qty(s, "TRANSIT-ENV-2026-000001", NULL, NULL), 0);
    json_t *ev = NULL;
    assert_int_equal(core_events_since(s, before, 100, &ev), 0);
    const char *types[] = {"delivery.confirmed", "delivery.confirmed", "delivery.discrepancy",
                           "shipment.delivered"};
    assert_int_equal(json_array_size(ev), 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(s_str(json_array_get(ev, i), "type"), types[i]);
    assert_string_equal(s_str(json_array_get(ev, 2), "reason"), "damaged");
    assert_int_equal(s_int(json_array_get(ev, 2), "short"), 3);
    assert_int_equal(s_int(json_array_get(ev, 3), "qty_received"), 37);
    json_decref(ev);
    d.package = 0;
    d.scan_id = "scan-3";
    d.lines = NULL;
    d.nlines = 0;
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_EDELIVERED);
    free(code);
    sf_verify_ok(s);
}

/* A slip scan covers every package: each one once showed the whole delivery's count as
 * its own qty_received (35 and 35 of 2 × 20 sent).  Now each has its share. */
static void
test_slip_scan_counts_each_package(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    char *code = sf_shipment(s, ROSA);
    s_add(s, code, "HYGIENE-KIT", 40, 2);
    s_dispatch(s, code);
    struct core_delivery_line line = {.line = 1, .received = 35, .reason = "damaged"};
    struct core_delivery d = {.scan_id = "slip-1", .shipment = code, .package = 0,
                              .device = "tablet-07", .lines = &line, .nlines = 1};
    assert_int_equal(core_delivery_confirm(s, &d, &r), 0);
    assert_int_equal(s_int(r, "qty_received"), 35);
    json_decref(r);
    assert_int_equal(core_shipment_get(s, code, &r), 0);
    json_t *packages = json_object_get(r, "packages"), *p;
    size_t i;
    long sum = 0;
    json_array_foreach(packages, i, p) {
        long got = s_int(p, "qty_received");
        assert_true(got >= 0 && got <= s_int(p, "qty"));
        sum += got;
    }
    assert_int_equal(json_array_size(packages), 2);
    assert_int_equal(sum, 35);
    json_decref(r);
    free(code);
    sf_verify_ok(s);
}

static void
test_deliver_whole_shipment_with_serials(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    s_stock(s);
    char *code = sf_shipment(s, ROSA);
    s_add(s, code, "FOOD-KIT", 40, 2);
    struct core_take t = {.item = "TABLET",
                          .serials = (const char *[]){"TAB-0002", "TAB-0005", "TAB-0003"},
                          .nserials = 3};
    assert_int_equal(core_shipment_add_line(s, code, &t, 1, &r), 0);
    json_decref(r);
    r = NULL;
    struct core_delivery early = {.scan_id = "s0", .shipment = code, .package = 0};
    assert_int_equal(core_delivery_confirm(s, &early, &r), AYNI_ESTATE); /* still a draft */
    s_dispatch(s, code);
    struct core_delivery_line lines[] = {{.line = 2, .received = 2, .reason = "missing"},
                                         {.line = 1, .received = 40}};
    struct core_delivery d = {.scan_id = "s1", .shipment = code, .package = 0, .lines = lines,
                              .nlines = 2};
    struct core_delivery_line over = {.line = 1, .received = 41};
    d.lines = &over;
    d.nlines = 1;
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_EINVAL);
    struct core_delivery_line wrong = {.line = 7, .received = 1};
    d.lines = &wrong;
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_EINVAL);
    d.package = 9;
    d.lines = NULL;
    d.nlines = 0;
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_EINVAL);
    assert_null(r);
    d.package = 0;
    d.lines = lines;
    d.nlines = 2;
    assert_int_equal(core_delivery_confirm(s, &d, &r), 0);
    assert_int_equal(json_array_size(json_object_get(r, "packages")), 3);
    assert_int_equal(s_int(r, "qty_expected"), 43);
    assert_int_equal(s_int(r, "qty_received"), 42);
    json_decref(r);
    assert_int_equal(sf_qty(s, ROSA, "TABLET", NULL), 2);
    assert_int_equal(sf_qty(s, "LOSS", "TABLET", NULL), 1);
    assert_int_equal(sf_qty(s, ROSA, "FOOD-KIT", NULL), 40);
    /* d.scan_id reused for another package is a client error */
    d.package = 1;
    assert_int_equal(core_delivery_confirm(s, &d, &r), AYNI_ECONFLICT);
    free(code);
    sf_verify_ok(s);
}

static void
test_group_transaction_keeps_others(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    assert_int_equal(core_store_begin(s), 0);
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 10);
    struct core_take take = {.item = "HYGIENE-KIT", .qty = 11};
    assert_int_equal(core_stock_transfer(s, SJL, "ALM-PTO-MALDONADO", &take, NULL, &r),
                     AYNI_ESTOCK);
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 5);
    assert_int_equal(core_store_commit(s), 0);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 15);
    assert_int_equal(core_store_begin(s), 0);
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 5);
    core_store_rollback(s);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 15);
    sf_verify_ok(s);
}

static void
test_idempotency_keys(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    assert_int_equal(core_idem_get(s, "k1", "stock.receive", "d1", &r), AYNI_ENOTFOUND);
    json_t *res = json_pack("{si}", "qty", 5);
    assert_int_equal(core_idem_put(s, "k1", "stock.receive", "d1", res), 0);
    assert_int_equal(core_idem_get(s, "k1", "stock.receive", "d1", &r), 0);
    assert_true(json_equal(r, res));
    json_decref(r);
    r = NULL;
    assert_int_equal(core_idem_get(s, "k1", "stock.adjust", "d1", &r), AYNI_ECONFLICT);
    /* the same op with other arguments: a conflict too (it once was the first answer) */
    assert_int_equal(core_idem_get(s, "k1", "stock.receive", "d2", &r), AYNI_ECONFLICT);
    assert_non_null(strstr(core_store_errmsg(s), "other arguments"));
    assert_null(r);
    assert_int_equal(core_idem_put(s, "k1", "stock.receive", "d1", res), AYNI_ECONFLICT);
    assert_int_equal(core_idem_get(s, "", "stock.receive", NULL, &r), AYNI_EINVAL);
    assert_null(r);
    json_decref(res);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, sf_setup, sf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_create_and_lines),
        T(test_dispatch_moves_everything),
        T(test_dispatch_refuses_expired_and_moves_nothing),
        T(test_cancel),
        T(test_deliver_packages_and_shortfall),
        T(test_slip_scan_counts_each_package),
        T(test_deliver_whole_shipment_with_serials),
        T(test_group_transaction_keeps_others),
        T(test_idempotency_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
