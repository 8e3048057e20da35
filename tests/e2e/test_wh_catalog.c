/* test_wh_catalog.c: `item`, `location` and `donor` add and list through the real
 * ayni-warehouse: what staff read (tables whose columns line up with accented names),
 * --json parsed back, and refusals (exit 1).  A fresh aynid for each test.
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

/* The object of a JSON array whose "code" is code, or NULL. */
static json_t *
s_by_code(json_t *list, const char *code)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) if (!strcmp(json_string_value(json_object_get(o, "code")),
                                               code)) return o;
    return NULL;
}

static void
test_items(void **state)
{
    struct e2e *e = *state;
    char *out = wh_expect(e, 0, "item", "add", "medical-kit", "--name-es",
                          "Botiquín de primeros auxilios", "--name-en", "First-aid medical kit",
                          "--tracking", "lot", "--perishable", "--low", "10", NULL);
    WH_HAS(out, "MEDICAL-KIT"); /* a code typed in lower case is upper-cased */
    WH_HAS(out, "Botiquín de primeros auxilios");
    free(out);
    out = wh_expect(e, 0, "item", "add", "TABLET", "--name-es", "Tableta educativa",
                    "--name-en", "Learning tablet", "--tracking", "serial", "--unit", "unidad",
                    "--low", "5", NULL);
    free(out);
    json_t *r = wh_json(e, 0, "item", "add", "HYGIENE-KIT", "--name-es", "Kit de higiene",
                        "--name-en", "Hygiene kit", "--tracking", "lot", NULL);
    assert_string_equal(json_string_value(json_object_get(r, "code")), "HYGIENE-KIT");
    assert_string_equal(json_string_value(json_object_get(r, "unit")), "kit");
    json_decref(r);

    out = wh_expect(e, 0, "item", "list", NULL);
    WH_HAS(out, "Botiquín de primeros auxilios");
    WH_HAS(out, "Tableta educativa");
    WH_HAS(out, "unidad");
    wh_assert_aligned(out, "llllll"); /* UMBRAL, the last, is right-aligned */
    free(out);

    json_t *list = wh_json(e, 0, "item", "list", NULL);
    assert_int_equal(json_array_size(list), 3);
    json_t *med = s_by_code(list, "MEDICAL-KIT"), *tab = s_by_code(list, "TABLET");
    assert_non_null(med);
    assert_non_null(tab);
    assert_string_equal(json_string_value(json_object_get(med, "name_es")),
                        "Botiquín de primeros auxilios");
    assert_true(json_is_true(json_object_get(med, "perishable")));
    assert_int_equal(json_integer_value(json_object_get(med, "low")), 10);
    assert_string_equal(json_string_value(json_object_get(tab, "tracking")), "serial");
    assert_string_equal(json_string_value(json_object_get(tab, "unit")), "unidad");
    json_decref(list);

    /* The same code twice is refused by the core: exit 1, and nothing changes. */
    char *err = wh_expect_err(e, 1, "item", "add", "TABLET", "--name-es", "Otra", "--name-en",
                              "Other", "--tracking", "serial", NULL);
    WH_HAS(err, "TABLET");
    free(err);
    /* A tracking the core does not know is wrong usage: exit 2, naming the flag. */
    err = wh_expect_err(e, 2, "item", "add", "LAPTOP", "--name-es", "Laptop", "--name-en",
                        "Laptop", "--tracking", "boxes", NULL);
    WH_HAS(err, "valor no válido para --tracking: 'tracking' debe ser");
    WH_HAS(err, "uso: ayni-warehouse item add CODE");
    free(err);
    list = wh_json(e, 0, "item", "list", NULL);
    assert_int_equal(json_array_size(list), 3);
    json_decref(list);
}

static void
test_locations(void **state)
{
    struct e2e *e = *state;
    char *out = wh_expect(e, 0, "location", "add", "ALM-LIMA-SJL", "--kind", "warehouse",
                          "--name", "Almacén San Juan de Lurigancho", "--region", "Lima",
                          "--district", "San Juan de Lurigancho", NULL);
    WH_HAS(out, "Almacén San Juan de Lurigancho");
    free(out);
    free(wh_expect(e, 0, "location", "add", "COM-HCO-SANTA-ROSA", "--kind", "community",
                   "--name", "Comunidad Santa Rosa", "--region", "Huánuco", "--district",
                   "Amarilis", NULL));
    free(wh_expect(e, 0, "location", "add", "COM-CAJ-82015", "--kind", "community", "--name",
                   "I.E. Nº 82015 Las Niñas de Cajamarca", "--region", "Cajamarca",
                   "--district", "Cajamarca", NULL));
    json_t *r = wh_json(e, 0, "location", "add", "COM-CUSCO-QUELLO", "--kind", "community",
                        "--name", "Q'ero Hatun", "--region", "Cusco", "--district", "Paucartambo",
                        NULL);
    assert_string_equal(json_string_value(json_object_get(r, "name")), "Q'ero Hatun");
    json_decref(r);

    out = wh_expect(e, 0, "location", "list", NULL);
    WH_HAS(out, "Huánuco");
    WH_HAS(out, "I.E. Nº 82015 Las Niñas de Cajamarca");
    wh_assert_aligned(out, "lll"); /* code, kind, name: every row has them */
    free(out);
    out = wh_expect(e, 0, "location", "list", "--kind", "community", NULL);
    WH_HAS(out, "COM-HCO-SANTA-ROSA");
    WH_HASNT(out, "ALM-LIMA-SJL");
    wh_assert_aligned(out, "lllll");
    free(out);

    json_t *list = wh_json(e, 0, "location", "list", "--kind", "community", NULL);
    assert_int_equal(json_array_size(list), 3);
    json_t *rosa = s_by_code(list, "COM-HCO-SANTA-ROSA");
    assert_non_null(rosa);
    assert_string_equal(json_string_value(json_object_get(rosa, "region")), "Huánuco");
    assert_string_equal(json_string_value(json_object_get(rosa, "district")), "Amarilis");
    json_decref(list);

    char *err = wh_expect_err(e, 2, "location", "add", "ALM-X", "--kind", "depot", "--name",
                              "X", NULL);
    WH_HAS(err, "valor no válido para --kind: 'kind' debe ser");
    free(err);
}

static void
test_donors(void **state)
{
    struct e2e *e = *state;
    char *out = wh_expect(e, 0, "donor", "add", "care-pe", "--name", "CARE Perú", NULL);
    WH_HAS(out, "CARE-PE");
    WH_HAS(out, "CARE Perú");
    free(out);
    free(wh_expect(e, 0, "donor", "add", "AECID", "--name",
                   "AECID — Agencia Española de Cooperación", NULL));
    json_t *r = wh_json(e, 0, "donor", "add", "SOFTYS", "--name", "Softys Perú", NULL);
    assert_string_equal(json_string_value(json_object_get(r, "code")), "SOFTYS");
    assert_string_equal(json_string_value(json_object_get(r, "name")), "Softys Perú");
    json_decref(r);
    out = wh_expect(e, 0, "donor", "list", NULL);
    WH_HAS(out, "AECID — Agencia Española de Cooperación");
    wh_assert_aligned(out, "ll");
    free(out);
    json_t *list = wh_json(e, 0, "donor", "list", NULL);
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(json_string_value(json_object_get(s_by_code(list, "CARE-PE"), "name")),
                        "CARE Perú");
    json_decref(list);
    char *err = wh_expect_err(e, 1, "donor", "add", "CARE-PE", "--name", "again", NULL);
    WH_HAS(err, "CARE-PE");
    free(err);
}

/* The whole demo catalog: 35 locations with accents and Nº in names and regions. */
static void
test_demo_catalog_aligned(void **state)
{
    struct e2e *e = *state;
    wh_seed_catalog(e);
    char *out = wh_expect(e, 0, "location", "list", "--kind", "community", NULL);
    WH_HAS(out, "Asentamiento Collique 5ª Zona");
    WH_HAS(out, "Celendín");
    wh_assert_aligned(out, "lllll");
    free(out);
    out = wh_expect(e, 0, "location", "list", "--kind", "warehouse", NULL);
    wh_assert_aligned(out, "lllll");
    free(out);
    out = wh_expect(e, 0, "item", "list", NULL);
    wh_assert_aligned(out, "llllll"); /* UMBRAL, the last, is right-aligned */
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_items, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_locations, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_donors, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_demo_catalog_aligned, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: catalog", tests, NULL, NULL);
}
