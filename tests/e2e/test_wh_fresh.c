/* test_wh_fresh.c: a fresh organisation starts from an empty ledger with the real
 * ayni-warehouse: `import items|locations|donors` load data/'s catalog files as they are,
 * then `import receipts` its donations; a file with an error on line 4 -- caught by the
 * reader or refused by the core -- adds nothing, and the message names line 4 and the
 * column; a catalog too big for one request goes as an upload and is added whole.
 * A fresh, empty aynid for each test.
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

static char *
s_data(const char *name)
{
    return xasprintf("%s/data/%s", wh_source_dir(), name);
}

static size_t
s_count(struct e2e *e, const char *op, json_t *args)
{
    json_t *r = e2e_ok(e, op, args);
    size_t n = json_array_size(r);
    json_decref(r);
    return n;
}

/* data/'s catalog and donations, as they are, into an empty ledger. */
static void
test_import_data_catalog(void **state)
{
    struct e2e *e = *state;
    const char *kinds[][3] = {{"items", "items.csv", "importados 5 artículos"},
                              {"locations", "locations.csv", "importados 35 lugares"},
                              {"donors", "donors.csv", "importados 4 donantes"},
                              {"receipts", "receipts.csv", "importadas 12 recepciones"}};
    for (size_t i = 0; i < 4; i++) {
        char *path = s_data(kinds[i][1]);
        char *out = wh_expect(e, 0, "import", kinds[i][0], path, NULL);
        WH_HAS(out, kinds[i][2]);
        WH_HAS(out, path);
        free(out);
        free(path);
    }
    assert_int_equal(s_count(e, "item.list", NULL), 5);
    assert_int_equal(s_count(e, "location.list", e2e_pack("{ss}", "kind", "warehouse")), 4);
    assert_int_equal(s_count(e, "location.list", e2e_pack("{ss}", "kind", "community")), 31);
    assert_int_equal(s_count(e, "donor.list", NULL), 4);
    json_t *items = e2e_ok(e, "item.list", NULL), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        const char *code = json_string_value(json_object_get(it, "code"));
        if (!strcmp(code, "FOOD-KIT")) {
            assert_true(json_is_true(json_object_get(it, "perishable")));
            assert_int_equal(json_integer_value(json_object_get(it, "low")), 40);
        } else if (!strcmp(code, "TABLET")) {
            assert_string_equal(json_string_value(json_object_get(it, "unit")), "unidad");
            assert_string_equal(json_string_value(json_object_get(it, "tracking")), "serial");
            assert_true(json_is_false(json_object_get(it, "perishable")));
        }
    }
    json_decref(items);
    json_t *r = e2e_ok(e, "location.list", e2e_pack("{ss}", "kind", "warehouse"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "district")),
                        "Comas");
    json_decref(r);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 400);

    /* Again: the codes are taken, and the file is refused whole. */
    char *path = s_data("donors.csv");
    char *err = wh_expect_err(e, 1, "import", "donors", path, NULL);
    WH_HAS(err, "línea 2");
    WH_HAS(err, "CARE-PE");
    WH_HAS(err, "no se importó nada");
    free(err);
    free(path);
    /* --json: the core's result. */
    path = wh_write(e->dir, "mas.csv", "name,code\nUNICEF Perú,unicef\n");
    r = wh_json(e, 0, "import", "donors", path, NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "added")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(r, "donors"), 0), "code")),
                        "UNICEF");
    json_decref(r);
    free(path);
}

/* Import a file that must add nothing: exit want, the message names line 4 (and column),
 * the ledger's events are as before.  stderr (a new string). */
static char *
s_nothing(struct e2e *e, const char *kind, const char *text, int want, const char *column)
{
    char *path = wh_write(e->dir, "bad.csv", text);
    long long head = e2e_head(e);
    char *err = wh_expect_err(e, want, "import", kind, path, NULL);
    char *where = column ? xasprintf("%s: línea 4, columna '%s': ", path, column)
                         : xasprintf("%s: línea 4: ", path);
    WH_HAS(err, where);
    WH_HAS(err, "no se importó nada");
    WH_HASNT(err, "rows[");
    assert_int_equal(wh_count(err, "\n"), 1);
    assert_int_equal(e2e_head(e), head);
    free(where);
    free(path);
    return err;
}

static void
test_import_catalog_line4(void **state)
{
    struct e2e *e = *state;
    const char *items = "code,name_es,name_en,tracking,perishable,unit,low\n"
                        "RICE,Arroz,Rice,lot,yes,kg,10\n"
                        "\"BEANS\",\"Frejol, canario\",Beans,lot,sí,kg,\n";
    char *csv = xasprintf("%sOIL,Aceite,Oil,lot,quizás,l,5\n", items);
    char *err = s_nothing(e, "items", csv, 2, "perishable");
    WH_HAS(err, "'quizás' no es ni sí ni no");
    free(err);
    free(csv);
    csv = xasprintf("%sOIL,Aceite,Oil,lote,no,l,5\n", items);
    err = s_nothing(e, "items", csv, 1, "tracking");
    WH_HAS(err, "'tracking' debe ser 'lot'");
    free(err);
    free(csv);
    csv = xasprintf("%sOIL,Aceite,Oil,lot,no,l,cinco\n", items);
    err = s_nothing(e, "items", csv, 2, "low");
    WH_HAS(err, "'cinco' no es un número entero");
    free(err);
    free(csv);
    csv = xasprintf("%sRICE,Arroz,Rice,lot,no,kg,1\n", items);
    err = s_nothing(e, "items", csv, 1, NULL);
    WH_HAS(err, "RICE");
    free(err);
    free(csv);
    assert_int_equal(s_count(e, "item.list", NULL), 0);

    err = s_nothing(e, "locations",
                    "code,kind,name,region\nALM-A,warehouse,Almacén A,Lima\n"
                    "COM-B,community,Comunidad B,Puno\nCOM-C,community,,Puno\n",
                    1, "name");
    WH_HAS(err, "'name'");
    free(err);
    err = s_nothing(e, "locations",
                    "code,kind,name\nALM-A,warehouse,Almacén A\nCOM-B,community,B\n"
                    "COM-C,comunidad,C\n",
                    1, "kind");
    free(err);
    assert_int_equal(s_count(e, "location.list", e2e_pack("{ss}", "kind", "community")), 0);
    err = s_nothing(e, "donors", "code,name\nA,Donante A\nB,Donante B\nC,\"Donante \xff\"\n", 2,
                    "name");
    WH_HAS(err, "UTF-8");
    free(err);

    /* The header: a column of another kind, a required one missing. */
    char *path = wh_write(e->dir, "h.csv", "code,name,region\nX,Y,Z\n");
    err = wh_expect_err(e, 2, "import", "donors", path, NULL);
    WH_HAS(err, "línea 1, columna 'region': columna desconocida: usa code, name");
    free(err);
    free(path);
    path = wh_write(e->dir, "h2.csv", "code,name_es,tracking\nX,Y,lot\n");
    err = wh_expect_err(e, 2, "import", "items", path, NULL);
    WH_HAS(err, "línea 1, columna 'name_en': el encabezado no tiene la columna 'name_en'");
    free(err);
    free(path);
    err = wh_expect_err(e, 2, "import", "items", NULL);
    WH_HAS(err, "uso: ayni-warehouse import items FILE.csv");
    free(err);
    char *help = wh_expect(e, 0, "import", "locations", "--help", NULL);
    WH_HAS(help, "code, kind, name, region, district (en cualquier orden; code, kind,");
    free(help);
}

/* 10,000 communities with long names: more than one request, sent as an upload, added
 * whole; the same with a bad last row adds none. */
static void
test_import_locations_upload(void **state)
{
    struct e2e *e = *state;
    for (int bad = 1; bad >= 0; bad--) {
        size_t cap = 10000 * 200 + 64, len = 0;
        char *csv = xmalloc(cap);
        len += (size_t)snprintf(csv, cap, "code,kind,name,region,district\n");
        for (int i = 0; i < 10000; i++)
            len += (size_t)snprintf(csv + len, cap - len,
                                    "COM-%05d,%s,\"Comunidad campesina número %d, anexo "
                                    "Santa Rosa de Ñaupa, valle del Huallaga\",Huánuco,Amarilis\n",
                                    i, bad && i == 9999 ? "pueblo" : "community", i);
        char *path = wh_write(e->dir, "comunidades.csv", csv);
        assert_true(len > 1024 * 1024);
        if (bad) {
            char *err = wh_expect_err(e, 1, "import", "locations", path, NULL);
            char *where = xasprintf("%s: línea 10001, columna 'kind': ", path);
            WH_HAS(err, where);
            free(where);
            free(err);
            assert_int_equal(s_count(e, "location.list", e2e_pack("{ss}", "kind", "community")),
                             0);
        } else {
            char *out = wh_expect(e, 0, "import", "locations", path, NULL);
            WH_HAS(out, "importados 10000 lugares");
            free(out);
            assert_int_equal(s_count(e, "location.list", e2e_pack("{ss}", "kind", "community")),
                             10000);
        }
        free(path);
        free(csv);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_data_catalog, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_import_catalog_line4, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_import_locations_upload, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: a fresh organisation", tests, NULL,
                                       NULL);
}
