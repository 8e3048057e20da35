/* test_store_catalog.c: items, locations and donors; opening and migrating the store. */
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
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define STORE(state) (((struct storefix *)*(state))->store)

static void
test_item_add_and_list(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    struct core_item it = {"MEDICAL-KIT", "Botiquín", "Medical kit", NULL, "lot", true, 5};
    assert_int_equal(core_item_add(s, &it, &r), 0);
    assert_string_equal(json_string_value(json_object_get(r, "unit")), "kit");
    json_decref(r);
    assert_int_equal(core_item_list(s, &r), 0);
    assert_int_equal(json_array_size(r), 4);
    /* sorted by code */
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "code")),
                        "FOOD-KIT");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 2), "name_es")),
                        "Botiquín");
    json_decref(r);
}

static void
test_item_add_refusals(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    long events = sf_events(s);
    struct core_item dup = {"FOOD-KIT", "x", "x", NULL, "lot", false, 0};
    assert_int_equal(core_item_add(s, &dup, &r), AYNI_EEXISTS);
    assert_non_null(strstr(core_store_errmsg(s), "'FOOD-KIT' already exists"));
    struct core_item lower = {"food-kit2", "x", "x", NULL, "lot", false, 0};
    assert_int_equal(core_item_add(s, &lower, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "upper-case"));
    struct core_item tracking = {"X", "x", "x", NULL, "box", false, 0};
    assert_int_equal(core_item_add(s, &tracking, &r), AYNI_EINVAL);
    assert_string_equal(json_string_value(json_object_get(core_store_errdetails(s), "field")),
                        "tracking");
    struct core_item badutf = {"X", "Kit \xc3\x28", "x", NULL, "lot", false, 0};
    assert_int_equal(core_item_add(s, &badutf, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "UTF-8"));
    struct core_item noname = {"X", "", "x", NULL, "lot", false, 0};
    assert_int_equal(core_item_add(s, &noname, &r), AYNI_EINVAL);
    struct core_item perserial = {"X", "x", "x", NULL, "serial", true, 0};
    assert_int_equal(core_item_add(s, &perserial, &r), AYNI_EINVAL);
    struct core_item neglow = {"X", "x", "x", NULL, "lot", false, -1};
    assert_int_equal(core_item_add(s, &neglow, &r), AYNI_EINVAL);
    char longcode[60];
    memset(longcode, 'A', sizeof longcode - 1);
    longcode[sizeof longcode - 1] = '\0';
    struct core_item toolong = {longcode, "x", "x", NULL, "lot", false, 0};
    assert_int_equal(core_item_add(s, &toolong, &r), AYNI_EINVAL);
    assert_null(r);
    assert_int_equal(sf_events(s), events); /* nothing failed left an event */
}

static void
test_locations(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    struct core_location transit = {"T1", "transit", "x", NULL, NULL};
    assert_int_equal(core_location_add(s, &transit, &r), AYNI_EINVAL);
    struct core_location dup = {"ALM-LIMA-SJL", "warehouse", "x", NULL, NULL};
    assert_int_equal(core_location_add(s, &dup, &r), AYNI_EEXISTS);
    assert_int_equal(core_location_list(s, "community", &r), 0);
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "region")),
                        "Huánuco");
    json_decref(r);
    assert_int_equal(core_location_list(s, NULL, &r), 0);
    assert_int_equal(json_array_size(r), 5); /* 2 warehouses, 2 communities, loss */
    json_decref(r);
    r = NULL;
    assert_int_equal(core_location_list(s, "village", &r), AYNI_EINVAL);
    assert_null(r);
}

static void
test_donors(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    struct core_donor d = {"SOFTYS", "Softys"};
    assert_int_equal(core_donor_add(s, &d, &r), 0);
    json_decref(r);
    assert_int_equal(core_donor_add(s, &d, &r), AYNI_EEXISTS);
    assert_int_equal(core_donor_list(s, &r), 0);
    assert_int_equal(json_array_size(r), 3);
    json_decref(r);
    /* DEL, a C1 control (U+0085) and a right-to-left override (U+202E) were once stored. */
    const char *bad[] = {"Softys\x7f", "Softys\xc2\x85", "Softys \xe2\x80\xae" "CARE",
                         "\xe2\x81\xa6" "AECID"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct core_donor b = {"BAD", bad[i]};
        assert_int_equal(core_donor_add(s, &b, &r), AYNI_EINVAL);
        assert_non_null(strstr(core_store_errmsg(s), "bidirectional-override"));
    }
    struct core_donor ok = {"NINAS", "Fondo para niñas de Huánuco — Perú"};
    assert_int_equal(core_donor_add(s, &ok, &r), 0);
    json_decref(r);
}

static void
test_unknown_code_suggests(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    struct core_receive rcv = {.at = "ALM-LIMA-SJL", .donor = "CARE-PE", .item = "FOOD-KTI",
                               .lot = "L1", .expiry = "2027-01-01", .qty = 1};
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_ENOTFOUND);
    assert_string_equal(core_store_errmsg(s), "unknown item 'FOOD-KTI': did you mean 'FOOD-KIT'?");
    assert_string_equal(
        json_string_value(json_object_get(core_store_errdetails(s), "suggestion")), "FOOD-KIT");
    rcv.item = "FOOD-KIT";
    rcv.at = "ALM-LIMA-SLJ";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_ENOTFOUND);
    assert_non_null(strstr(core_store_errmsg(s), "did you mean 'ALM-LIMA-SJL'"));
    rcv.at = "ALM-LIMA-SJL";
    rcv.donor = "NOBODY-AT-ALL";
    assert_int_equal(core_stock_receive(s, &rcv, &r), AYNI_ENOTFOUND);
    assert_non_null(strstr(core_store_errmsg(s), "donor list"));
}

static void
test_reopen_keeps_data(void **state)
{
    struct storefix *f = *state;
    char err[256];
    sf_receive(f->store, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "H1", NULL, 30);
    core_store_destroy(&f->store);
    assert_null(f->store);
    assert_int_equal(core_store_open(&f->store, f->path, err, sizeof err), 0);
    assert_int_equal(sf_qty(f->store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 30);
    sf_verify_ok(f->store);
}

static void
test_open_refusals(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), err[512];
    core_store_t *s = NULL;
    /* a newer schema than this code knows */
    char *path = tu_path(dir, "new.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(core_store_open(&s, path, err, sizeof err), AYNI_ESCHEMA);
    assert_null(s);
    assert_non_null(strstr(err, "schema version 999"));
    free(path);
    /* not a database */
    path = tu_path(dir, "junk.db");
    FILE *fp = fopen(path, "w");
    fputs("this is not a database, it is a shopping list: arroz, azúcar, aceite\n", fp);
    for (int i = 0; i < 200; i++)
        fputs("0123456789abcdef", fp);
    fclose(fp);
    assert_int_equal(core_store_open(&s, path, err, sizeof err), AYNI_ECORRUPT);
    assert_non_null(strstr(err, "junk.db"));
    free(path);
    /* a folder that does not exist */
    path = tu_path(dir, "no/such/folder/ayni.db");
    assert_int_equal(core_store_open(&s, path, err, sizeof err), AYNI_ESTORAGE);
    assert_non_null(strstr(err, "cannot open"));
    free(path);
    core_store_destroy(&s); /* safe on NULL */
    tu_rmtree(dir);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_item_add_and_list, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_item_add_refusals, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_locations, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_donors, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_code_suggests, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_data, sf_setup, sf_teardown),
        cmocka_unit_test(test_open_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
