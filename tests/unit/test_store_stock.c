/* test_store_stock.c: receiving, transfers, adjustments and stock levels. */
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
#define PTO "ALM-PTO-MALDONADO"

static json_t *
s_events_of(core_store_t *s, const char *type, long after)
{
    json_t *all = NULL, *out = json_array();
    assert_int_equal(core_events_since(s, after, 10000, &all), 0);
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) if (!strcmp(json_string_value(json_object_get(e, "type")), type))
        json_array_append(out, e);
    json_decref(all);
    return out;
}

static void
test_receive_lot(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    long before = sf_events(s);
    struct core_receive rcv = {.at = SJL, .donor = "CARE-PE", .item = "FOOD-KIT", .lot = "FK-001",
                               .expiry = "2027-03-31", .qty = 40, .note = "donación de marzo"};
    assert_int_equal(core_stock_receive(s, &rcv, &r), 0);
    assert_string_equal(json_string_value(json_object_get(r, "receipt")), "REC-2026-000001");
    assert_int_equal(json_integer_value(json_object_get(r, "qty")), 40);
    json_decref(r);
    /* the same lot again, same donor and expiry: adds */
    assert_int_equal(core_stock_receive(s, &rcv, &r), 0);
    json_decref(r);
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", "FK-001"), 80);
    json_t *ev = s_events_of(s, "stock.received", before);
    assert_int_equal(json_array_size(ev), 2);
    json_t *e = json_array_get(ev, 0);
    assert_string_equal(json_string_value(json_object_get(e, "donor")), "CARE-PE");
    assert_int_equal(json_integer_value(json_object_get(e, "seq")), before + 1);
    json_decref(ev);
    sf_verify_ok(s);
}

/* Lot codes once had to be ASCII: "AÑO-2026" and "CUSCO-ÁREA-3" were refused. */
static void
test_lot_codes_in_spanish(void **state)
{
    core_store_t *s = STORE(state);
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "AÑO-2026-Ñ", "2027-03-31", 10);
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "CUSCO-ÁREA-éíóúü", "2027-03-31", 5);
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", "AÑO-2026-Ñ"), 10);
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", "CUSCO-ÁREA-éíóúü"), 5);
    /* 64 letters of two bytes each are within the 64 */
    char lot[200] = "";
    for (size_t i = 0; i < 64; i++)
        snprintf(lot + 2 * i, sizeof lot - 2 * i, "Ñ");
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", lot, "2027-03-31", 1);
    snprintf(lot + 128, sizeof lot - 128, "Ñ");
    json_t *r = NULL;
    struct core_receive rcv = {.at = SJL, .donor = "CARE-PE", .item = "FOOD-KIT", .lot = lot,
                               .expiry = "2027-03-31", .qty = 1};
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
}

static void
test_receive_refusals(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "FK-001", "2027-03-31", 10);
    long events = sf_events(s);
    struct core_receive rcv = {.at = SJL, .donor = "CARE-PE", .item = "FOOD-KIT", .lot = "FK-002",
                               .qty = 10};
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL); /* perishable, no expiry */
    assert_non_null(strstr(core_store_errmsg(s), "perishable"));
    rcv.expiry = "2026-02-30";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "YYYY-MM-DD"));
    rcv.expiry = "2026-11-21";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EEXPIRED);
    rcv.expiry = "2027-01-01";
    rcv.qty = 0;
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    rcv.qty = 5;
    rcv.at = "COM-SANTA-ROSA";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "is a community, not a warehouse"));
    rcv.at = SJL;
    /* the same lot code with another donor */
    rcv.lot = "FK-001";
    rcv.expiry = "2027-03-31";
    rcv.donor = "AECID";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_ECONFLICT);
    assert_non_null(strstr(core_store_errmsg(s), "own lot code"));
    rcv.donor = "CARE-PE";
    rcv.lot = "bad lot!";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    rcv.lot = "LOTE-€"; /* a letter Spanish does not have */
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "ñ and accented vowels"));
    rcv.lot = "L-\xc3"; /* half a letter */
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    const char *serials[] = {"S1"};
    rcv.lot = "FK-009";
    rcv.serials = serials;
    rcv.nserials = 1;
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    assert_null(r);
    assert_int_equal(sf_events(s), events);
    assert_int_equal(sf_qty(s, SJL, "FOOD-KIT", NULL), 10);
}

static void
test_receive_serials_all_or_nothing(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    sf_receive_serials(s, SJL, "TABLET", "TAB", 3);
    assert_int_equal(sf_qty(s, SJL, "TABLET", NULL), 3);
    long events = sf_events(s);
    const char *serials[] = {"TAB-0100", "TAB-0101", "TAB-0002"};
    struct core_receive rcv = {.at = PTO, .donor = "AECID", .item = "TABLET", .serials = serials,
                               .nserials = 3};
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EEXISTS);
    assert_non_null(strstr(core_store_errmsg(s), "'TAB-0002' is already recorded"));
    assert_int_equal(sf_qty(s, PTO, "TABLET", NULL), 0); /* not the first two either */
    assert_int_equal(sf_events(s), events);
    const char *twice[] = {"X1", "X1"};
    rcv.serials = twice;
    rcv.nserials = 2;
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    rcv.serials = serials;
    rcv.nserials = 2;
    rcv.qty = 5;
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_EINVAL);
    /* levels list the serials */
    struct core_stock_query q = {.at = SJL, .item = "TABLET", .expiring_days = -1};
    assert_int_equal(core_stock_levels(s, &q, &r), 0);
    json_t *row = json_array_get(r, 0);
    assert_int_equal(json_array_size(json_object_get(row, "serials")), 3);
    assert_string_equal(json_string_value(json_object_get(row, "lot")), "REC-2026-000001");
    json_decref(r);
    sf_verify_ok(s);
}

static void
test_transfer_fefo_and_expiry(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "LATE", "2027-06-30", 30);
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "EARLY", "2027-01-31", 20);
    sf_receive(s, SJL, "AECID", "FOOD-KIT", "SOON", "2026-11-30", 5);
    core_store_set_now(s, 1795348800 + 9 * 86400); /* 2026-12-01: SOON has expired */
    struct core_take take = {.item = "FOOD-KIT", .qty = 25};
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), 0);
    json_t *lots = json_object_get(r, "lots");
    assert_int_equal(json_array_size(lots), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(lots, 0), "lot")),
                        "EARLY");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(lots, 1), "qty")), 5);
    json_decref(r);
    r = NULL;
    assert_int_equal(sf_qty(s, PTO, "FOOD-KIT", NULL), 25);
    /* 25 left that are good, 5 expired */
    take.qty = 40;
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), AYNI_ESTOCK);
    assert_string_equal(core_store_errmsg(s),
                        "insufficient stock of 'FOOD-KIT' at 'ALM-LIMA-SJL': 40 requested, 25 "
                        "available (5 more are expired: adjust them to loss)");
    assert_int_equal(json_integer_value(json_object_get(core_store_errdetails(s), "available")),
                     25);
    take.lot = "SOON";
    take.qty = 1;
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), AYNI_EEXPIRED);
    take.lot = "NOPE";
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), AYNI_ENOTFOUND);
    take.lot = NULL;
    assert_int_equal(core_stock_transfer(s, SJL, SJL, &take, NULL, &r), AYNI_EINVAL);
    assert_int_equal(core_stock_transfer(s, SJL, "COM-SANTA-ROSA", &take, NULL, &r), AYNI_EINVAL);
    assert_null(r);
    /* expired stock can only be adjusted to loss */
    struct core_take exp = {.item = "FOOD-KIT", .lot = "SOON", .qty = -5};
    assert_int_equal(core_stock_adjust(s, SJL, &exp, "expired", "vencido en almacén", &r), 0);
    json_decref(r);
    assert_int_equal(sf_qty(s, "LOSS", "FOOD-KIT", NULL), 5);
    sf_verify_ok(s);
}

static void
test_transfer_serials(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    sf_receive_serials(s, SJL, "TABLET", "TAB", 4);
    const char *two[] = {"TAB-0001", "TAB-0003"};
    struct core_take take = {.item = "TABLET", .serials = two, .nserials = 2};
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), 0);
    json_decref(r);
    r = NULL;
    assert_int_equal(sf_qty(s, PTO, "TABLET", NULL), 2);
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), AYNI_ESTOCK);
    assert_non_null(strstr(core_store_errmsg(s), "is at 'ALM-PTO-MALDONADO', not at"));
    const char *unknown[] = {"TAB-9999"};
    take.serials = unknown;
    take.nserials = 1;
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &take, NULL, &r), AYNI_ENOTFOUND);
    struct core_take noserial = {.item = "TABLET", .qty = 1};
    assert_int_equal(core_stock_transfer(s, SJL, PTO, &noserial, NULL, &r), AYNI_EINVAL);
    assert_null(r);
    sf_verify_ok(s);
}

static void
test_adjust(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 12);
    long before = sf_events(s);
    struct core_take take = {.item = "HYGIENE-KIT", .qty = -3};
    assert_int_equal(core_stock_adjust(s, SJL, &take, "damaged", "lluvia", &r), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "qty")), -3);
    json_decref(r);
    /* 12 -> 9 crossed the threshold of 10: one stock.low event */
    json_t *low = s_events_of(s, "stock.low", before);
    assert_int_equal(json_array_size(low), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(low, 0), "qty")), 9);
    json_decref(low);
    take.qty = 2;
    take.lot = "H1";
    assert_int_equal(core_stock_adjust(s, SJL, &take, "count", NULL, &r), 0);
    json_decref(r);
    r = NULL;
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 11);
    assert_int_equal(core_stock_adjust(s, SJL, &take, "damaged", NULL, &r), AYNI_EINVAL);
    take.qty = -100;
    assert_int_equal(core_stock_adjust(s, SJL, &take, "lost", NULL, &r), AYNI_ESTOCK);
    take.qty = 0;
    assert_int_equal(core_stock_adjust(s, SJL, &take, "lost", NULL, &r), AYNI_EINVAL);
    take.qty = -1;
    assert_int_equal(core_stock_adjust(s, SJL, &take, "stolen", NULL, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "damaged, expired, lost or count"));
    take.qty = 3;
    take.lot = "H-NEW";
    assert_int_equal(core_stock_adjust(s, SJL, &take, "count", NULL, &r), AYNI_ENOTFOUND);
    assert_null(r);
    /* serial units: lost, then found again */
    sf_receive_serials(s, SJL, "TABLET", "TAB", 2);
    const char *one[] = {"TAB-0002"};
    struct core_take lost = {.item = "TABLET", .serials = one, .nserials = 1, .qty = -1};
    assert_int_equal(core_stock_adjust(s, SJL, &lost, "lost", NULL, &r), 0);
    json_decref(r);
    assert_int_equal(sf_qty(s, "LOSS", "TABLET", NULL), 1);
    lost.qty = 1;
    assert_int_equal(core_stock_adjust(s, SJL, &lost, "count", "apareció", &r), 0);
    json_decref(r);
    assert_int_equal(sf_qty(s, SJL, "TABLET", NULL), 2);
    assert_int_equal(sf_qty(s, "LOSS", "TABLET", NULL), 0);
    sf_verify_ok(s);
}

static void
test_levels_expiring_and_low(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "F-DEC", "2026-12-10", 4);
    sf_receive(s, SJL, "CARE-PE", "FOOD-KIT", "F-JUN", "2027-06-10", 4);
    sf_receive(s, PTO, "CARE-PE", "HYGIENE-KIT", "H1", NULL, 50);
    sf_receive(s, SJL, "CARE-PE", "HYGIENE-KIT", "H2", NULL, 3);
    struct core_stock_query q = {.expiring_days = 30};
    assert_int_equal(core_stock_levels(s, &q, &r), 0);
    assert_int_equal(json_array_size(r), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "lot")), "F-DEC");
    json_decref(r);
    struct core_stock_query low = {.low = true, .expiring_days = -1};
    assert_int_equal(core_stock_levels(s, &low, &r), 0);
    assert_int_equal(json_array_size(r), 1); /* HYGIENE-KIT at SJL: 3 < 10; PTO has 50 */
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "location")), SJL);
    json_decref(r);
    r = NULL;
    struct core_stock_query bad = {.at = "NOWHERE", .expiring_days = -1};
    assert_int_equal(core_stock_levels(s, &bad, &r), AYNI_ENOTFOUND);
    struct core_stock_query badlot = {.lot = "x y", .expiring_days = -1};
    assert_int_equal(core_stock_levels(s, &badlot, &r), AYNI_EINVAL);
    assert_null(r);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, sf_setup, sf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_receive_lot),          T(test_lot_codes_in_spanish), T(test_receive_refusals),
        T(test_receive_serials_all_or_nothing), T(test_transfer_fefo_and_expiry),
        T(test_transfer_serials),     T(test_adjust),
        T(test_levels_expiring_and_low),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
