/* test_wh_stock.c: `receive` (a lot, serial numbers), `stock` with each filter,
 * `transfer` and `adjust` through the real ayni-warehouse: quantities carry the unit,
 * dates are ISO, --json parsed back, and a refused command leaves stock unchanged.
 * A fresh aynid with the demo catalog for each test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "wh_cli.h"

struct fx {
    struct e2e *e;
    char soon[11], later[11]; /* expiries in 30 and 400 days */
};

static int
s_setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    fx->e = e2e_new();
    e2e_start(fx->e);
    wh_seed_catalog(fx->e);
    e2e_date(30, fx->soon);
    e2e_date(400, fx->later);
    *state = fx;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *fx = *state;
    e2e_destroy(&fx->e);
    free(fx);
    return 0;
}

/* Lots at ALM-LIMA-SJL: FOOD-KIT CARE-ALI-A (50, soon) and CARE-ALI-B (120, later),
 * HYGIENE-KIT SOF-HIG-1 (400); tablets TAB-AE-0001..3; at ALM-LIMA-VES: HYGIENE-KIT
 * SOF-HIG-2 (30, under its threshold of 40). */
static void
s_receive_all(struct fx *fx)
{
    struct e2e *e = fx->e;
    free(wh_expect(e, 0, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-PE", "--item",
                   "FOOD-KIT", "--qty", "50", "--lot", "CARE-ALI-A", "--expiry", fx->soon, NULL));
    free(wh_expect(e, 0, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-PE", "--item",
                   "FOOD-KIT", "--qty", "120", "--lot", "CARE-ALI-B", "--expiry", fx->later,
                   NULL));
    free(wh_expect(e, 0, "receive", "--at", "ALM-LIMA-SJL", "--donor", "SOFTYS", "--item",
                   "HYGIENE-KIT", "--qty", "400", "--lot", "SOF-HIG-1", NULL));
    free(wh_expect(e, 0, "receive", "--at", "ALM-LIMA-SJL", "--donor", "AECID", "--item",
                   "TABLET", "--serials", "TAB-AE-0001,TAB-AE-0002,TAB-AE-0003", NULL));
    free(wh_expect(e, 0, "receive", "--at", "ALM-LIMA-VES", "--donor", "SOFTYS", "--item",
                   "HYGIENE-KIT", "--qty", "30", "--lot", "SOF-HIG-2", NULL));
}

/* Every row of a stock --json result has key equal to want. */
static void
s_all_rows(json_t *rows, const char *key, const char *want)
{
    size_t i;
    json_t *r;
    assert_true(json_array_size(rows) > 0);
    json_array_foreach(rows, i, r) assert_string_equal(json_string_value(json_object_get(r, key)),
                                                       want);
}

static void
test_receive(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    char *out = wh_expect(e, 0, "receive", "--at", "alm-lima-sjl", "--donor", "care-pe",
                          "--item", "food-kit", "--qty", "120", "--lot", "CARE-ALI-2701",
                          "--expiry", fx->later, "--note", "camión 1", NULL);
    WH_HAS(out, "120 kit");
    WH_HAS(out, "FOOD-KIT");
    WH_HAS(out, "CARE-ALI-2701");
    WH_HAS(out, fx->later); /* the expiry, ISO */
    WH_HAS(out, "ALM-LIMA-SJL");
    free(out);
    out = wh_expect(e, 0, "receive", "--at", "ALM-LIMA-SJL", "--donor", "AECID", "--item",
                    "TABLET", "--serials", "TAB-AE-0001,TAB-AE-0002,TAB-AE-0003", NULL);
    WH_HAS(out, "3 unidad");
    free(out);
    json_t *r = wh_json(e, 0, "receive", "--at", "ALM-LIMA-SJL", "--donor", "AECID", "--item",
                        "MEDICAL-KIT", "--qty", "60", "--lot", "AECID-BOT-2709", "--expiry",
                        fx->later, NULL);
    assert_true(!strncmp(json_string_value(json_object_get(r, "receipt")), "REC-", 4));
    assert_int_equal(json_integer_value(json_object_get(r, "qty")), 60);
    assert_string_equal(json_string_value(json_object_get(r, "expiry")), fx->later);
    json_decref(r);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "FOOD-KIT"), 120);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "TABLET"), 3);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "MEDICAL-KIT"), 60);

    /* Refusals (exit 1) say what is wrong and change nothing. */
    long long head = e2e_head(e);
    char *err = wh_expect_err(e, 1, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-PE",
                              "--item", "FOOD-KIT", "--qty", "5", "--lot", "OLD", "--expiry",
                              "2020-01-31", NULL);
    WH_HAS(err, "2020-01-31");
    WH_HAS(err, "venció");
    free(err);
    err = wh_expect_err(e, 1, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-PE", "--item",
                        "FOOD-KIT", "--qty", "5", "--lot", "NOEXP", NULL);
    WH_HAS(err, "vencimiento");
    free(err);
    err = wh_expect_err(e, 1, "receive", "--at", "ALM-LIMA-SJL", "--donor", "AECID", "--item",
                        "TABLET", "--serials", "TAB-AE-0001", NULL);
    WH_HAS(err, "TAB-AE-0001");
    free(err);
    err = wh_expect_err(e, 1, "receive", "--at", "COM-HCO-SANTA-ROSA", "--donor", "AECID",
                        "--item", "HYGIENE-KIT", "--qty", "5", "--lot", "X", NULL);
    WH_HAS(err, "COM-HCO-SANTA-ROSA");
    free(err);
    assert_int_equal(e2e_head(e), head);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "FOOD-KIT"), 120);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "TABLET"), 3);
}

static void
test_stock_filters(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    s_receive_all(fx);

    char *out = wh_expect(e, 0, "stock", NULL);
    WH_HAS(out, "120 kit");
    WH_HAS(out, "3 unidad");
    WH_HAS(out, fx->soon);
    wh_assert_aligned(out, "lll.l"); /* VENCE is empty for a lot without expiry */
    free(out);
    json_t *all = wh_json(e, 0, "stock", NULL);
    assert_int_equal(json_array_size(all), 5);
    json_decref(all);

    json_t *rows = wh_json(e, 0, "stock", "--at", "alm-lima-ves", NULL);
    s_all_rows(rows, "location", "ALM-LIMA-VES");
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    out = wh_expect(e, 0, "stock", "--at", "ALM-LIMA-VES", NULL);
    WH_HASNT(out, "ALM-LIMA-SJL");
    WH_HAS(out, "30 kit");
    free(out);

    rows = wh_json(e, 0, "stock", "--item", "FOOD-KIT", NULL);
    s_all_rows(rows, "item", "FOOD-KIT");
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);

    rows = wh_json(e, 0, "stock", "--lot", "CARE-ALI-B", NULL);
    s_all_rows(rows, "lot", "CARE-ALI-B");
    assert_int_equal(json_array_size(rows), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "qty")), 120);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "unit")),
                        "kit");
    json_decref(rows);

    rows = wh_json(e, 0, "stock", "--expiring", "60", NULL);
    s_all_rows(rows, "lot", "CARE-ALI-A");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "expiry")),
                        fx->soon);
    json_decref(rows);
    out = wh_expect(e, 0, "stock", "--expiring", "60", NULL);
    WH_HAS(out, "CARE-ALI-A");
    WH_HASNT(out, "CARE-ALI-B");
    WH_HAS(out, "50 kit");
    free(out);

    /* Under their thresholds: HYGIENE-KIT at ALM-LIMA-VES (30 < 40), TABLET at
     * ALM-LIMA-SJL (3 < 5); FOOD-KIT at ALM-LIMA-SJL (170) is not. */
    rows = wh_json(e, 0, "stock", "--low", NULL);
    assert_int_equal(json_array_size(rows), 2);
    size_t i;
    json_t *low;
    int seen = 0;
    json_array_foreach(rows, i, low) {
        const char *item = json_string_value(json_object_get(low, "item"));
        const char *at = json_string_value(json_object_get(low, "location"));
        long long qty = json_integer_value(json_object_get(low, "qty"));
        if (!strcmp(item, "HYGIENE-KIT") && !strcmp(at, "ALM-LIMA-VES") && qty == 30)
            seen |= 1;
        else if (!strcmp(item, "TABLET") && !strcmp(at, "ALM-LIMA-SJL") && qty == 3)
            seen |= 2;
    }
    assert_int_equal(seen, 3);
    json_decref(rows);
    out = wh_expect(e, 0, "stock", "--low", NULL);
    WH_HAS(out, "30 kit");
    WH_HAS(out, "3 unidad");
    WH_HAS(out, "Kit de higiene");
    WH_HAS(out, "Tableta educativa");
    wh_assert_aligned(out, "lll");
    free(out);

    /* Filters combine; nothing to show is said so. */
    rows = wh_json(e, 0, "stock", "--at", "ALM-LIMA-SJL", "--item", "TABLET", NULL);
    assert_int_equal(json_array_size(rows), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "qty")), 3);
    json_decref(rows);
    out = wh_expect(e, 0, "stock", "--at", "ALM-LIMA-COMAS", NULL);
    WH_HAS(out, "sin stock");
    free(out);
    out = wh_expect(e, 0, "stock", "--low", "--at", "ALM-LIMA-SJL", "--item", "FOOD-KIT", NULL);
    WH_HAS(out, "ningún artículo bajo su umbral");
    free(out);
}

static void
test_transfer(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    s_receive_all(fx);
    char *out = wh_expect(e, 0, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES",
                          "--item", "FOOD-KIT", "--qty", "20", "--note", "para VES", NULL);
    WH_HAS(out, "20 kit");
    WH_HAS(out, "CARE-ALI-A"); /* first expiry, first out */
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "FOOD-KIT"), 150);
    assert_int_equal(wh_stock(e, "ALM-LIMA-VES", "FOOD-KIT"), 20);

    json_t *r = wh_json(e, 0, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES",
                        "--item", "FOOD-KIT", "--qty", "10", "--lot", "CARE-ALI-B", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "qty")), 10);
    assert_string_equal(json_string_value(json_object_get(r, "to")), "ALM-LIMA-VES");
    json_decref(r);
    out = wh_expect(e, 0, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES",
                    "--item", "TABLET", "--serials", "TAB-AE-0002", NULL);
    WH_HAS(out, "TAB-AE-0002");
    WH_HAS(out, "1 unidad");
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-VES", "TABLET"), 1);
}

/* Refused transfers: exit 1, the message says which item, where and how much there is,
 * and every stock level and the event stream are just as before. */
static void
test_refused_transfer_leaves_stock(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    s_receive_all(fx);
    json_t *before = e2e_ok(e, "stock.levels", NULL);
    long long head = e2e_head(e);

    char *err = wh_expect_err(e, 1, "transfer", "--from", "ALM-LIMA-SJL", "--to",
                              "ALM-LIMA-VES", "--item", "FOOD-KIT", "--qty", "171", NULL);
    WH_HAS(err, "no hay stock suficiente de 'FOOD-KIT' en 'ALM-LIMA-SJL'");
    WH_HAS(err, "se piden 171, hay 170");
    free(err);
    json_t *r = wh_json(e, 1, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES",
                        "--item", "FOOD-KIT", "--qty", "171", NULL);
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "insufficient_stock");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(error, "details"), "available")), 170);
    json_decref(r);
    err = wh_expect_err(e, 1, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES",
                        "--item", "TABLET", "--serials", "TAB-AE-0002,TAB-AE-0009", NULL);
    WH_HAS(err, "TAB-AE-0009");
    free(err);
    err = wh_expect_err(e, 1, "transfer", "--from", "ALM-LIMA-SJL", "--to",
                        "COM-HCO-SANTA-ROSA", "--item", "FOOD-KIT", "--qty", "1", NULL);
    WH_HAS(err, "COM-HCO-SANTA-ROSA");
    free(err);
    err = wh_expect_err(e, 1, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES",
                        "--item", "FOOD-KIT", "--qty", "1", "--lot", "CARE-ALI-Z", NULL);
    WH_HAS(err, "CARE-ALI-Z");
    free(err);

    json_t *after = e2e_ok(e, "stock.levels", NULL);
    if (!json_equal(before, after)) {
        char *b = json_dumps(before, JSON_INDENT(1)), *a = json_dumps(after, JSON_INDENT(1));
        fail_msg("a refused transfer changed the stock:\nbefore %s\nafter %s", b, a);
    }
    assert_int_equal(e2e_head(e), head);
    char *out = wh_expect(e, 0, "stock", "--at", "ALM-LIMA-SJL", "--item", "FOOD-KIT", NULL);
    WH_HAS(out, "50 kit");
    WH_HAS(out, "120 kit");
    free(out);
    json_decref(before);
    json_decref(after);
}

static void
test_adjust(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    s_receive_all(fx);
    char *out = wh_expect(e, 0, "adjust", "--at", "ALM-LIMA-SJL", "--item", "HYGIENE-KIT",
                          "--lot", "SOF-HIG-1", "--qty", "-3", "--reason", "damaged", "--note",
                          "cajas mojadas por la lluvia", NULL);
    WH_HAS(out, "-3 kit");
    WH_HAS(out, "damaged");
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 397);
    json_t *r = wh_json(e, 0, "adjust", "--at", "ALM-LIMA-SJL", "--item", "HYGIENE-KIT", "--lot",
                        "SOF-HIG-1", "--qty", "+2", "--reason", "count", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "qty")), 2);
    assert_string_equal(json_string_value(json_object_get(r, "reason")), "count");
    json_decref(r);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 399);
    out = wh_expect(e, 0, "adjust", "--at", "ALM-LIMA-SJL", "--item", "TABLET", "--serials",
                    "TAB-AE-0003", "--qty", "-1", "--reason", "lost", NULL);
    WH_HAS(out, "TAB-AE-0003");
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "TABLET"), 2);

    char *err = wh_expect_err(e, 2, "adjust", "--at", "ALM-LIMA-SJL", "--item", "HYGIENE-KIT",
                              "--lot", "SOF-HIG-1", "--qty", "-1", "--reason", "broken", NULL);
    WH_HAS(err, "valor no válido para --reason: 'reason' debe ser damaged, expired, lost o count");
    free(err);
    err = wh_expect_err(e, 1, "adjust", "--at", "ALM-LIMA-SJL", "--item", "HYGIENE-KIT",
                        "--lot", "SOF-HIG-1", "--qty", "-1000", "--reason", "lost", NULL);
    WH_HAS(err, "no hay stock suficiente");
    free(err);
    err = wh_expect_err(e, 2, "adjust", "--at", "ALM-LIMA-SJL", "--item", "HYGIENE-KIT",
                        "--qty", "-1", NULL);
    WH_HAS(err, "falta --reason");
    free(err);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 399);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_receive, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_stock_filters, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_transfer, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_refused_transfer_leaves_stock, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_adjust, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: stock", tests, NULL, NULL);
}
