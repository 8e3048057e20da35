/* test_wh_import.c: `import receipts FILE.csv` through the real ayni-warehouse: a good
 * file (quoted fields with commas and quotes, UTF-8, columns in any order, a serial row,
 * a spreadsheet's byte-order mark) is recorded whole; a file with an error on line 7 --
 * caught by the reader or refused by the core -- records nothing, and the message names
 * line 7 and the column, even after blank lines and a field that spans two lines.
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
    char later[11]; /* an expiry in 400 days */
};

static int
s_setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    fx->e = e2e_new();
    e2e_start(fx->e);
    wh_seed_catalog(fx->e);
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

/* Five good data rows (lines 2-6 of a file with a header), before a bad one on line 7. */
static char *
s_good_rows(const char *later)
{
    return xasprintf("ALM-LIMA-SJL,SOFTYS,HYGIENE-KIT,SOF-HIG-2611,,400,\n"
                     "ALM-LIMA-SJL,CARE-PE,FOOD-KIT,CARE-ALI-2701,%s,120,\n"
                     "ALM-LIMA-SJL,CARE-PE,FOOD-KIT,CARE-ALI-2704,%s,200,\n"
                     "ALM-LIMA-SJL,AECID,MEDICAL-KIT,AECID-BOT-2709,%s,60,\n"
                     "ALM-LIMA-COMAS,PERU-VOLUNTARIO,HYGIENE-KIT,PV-HIG-2611,,150,\n",
                     later, later, later);
}

/* Write text as name in dir, each \x1f in it written as a NUL byte (which a C string
 * cannot hold); the path (a new string). */
static char *
s_write_nul(const char *dir, const char *name, const char *text)
{
    char *path = wh_write(dir, name, text);
    if (!strchr(text, '\x1f'))
        return path;
    char *bytes = xstrdup(text);
    size_t n = strlen(bytes);
    for (char *p = bytes; (p = strchr(p, '\x1f')); p++)
        *p = '\0';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(bytes);
    return path;
}

/* Import a file that must record nothing: the exit code is want, the message names
 * line 7 and column, and the stock and the event stream are as before.  stderr is
 * returned (a new string). */
static char *
s_import_nothing(struct fx *fx, const char *name, const char *text, int want,
                 const char *column)
{
    struct e2e *e = fx->e;
    char *path = s_write_nul(e->dir, name, text);
    json_t *before = e2e_ok(e, "stock.levels", NULL);
    long long head = e2e_head(e);
    char *err = wh_expect_err(e, want, "import", "receipts", path, NULL);
    char *where = column ? xasprintf("%s: línea 7, columna '%s': ", path, column)
                         : xasprintf("%s: línea 7: ", path);
    WH_HAS(err, where);
    WH_HAS(err, "no se importó nada");
    WH_HASNT(err, "rows["); /* the file's line, not the request's row index */
    assert_int_equal(wh_count(err, "\n"), 1); /* one message */
    json_t *after = e2e_ok(e, "stock.levels", NULL);
    assert_true(json_equal(before, after));
    assert_int_equal(e2e_head(e), head);
    json_decref(before);
    json_decref(after);
    free(where);
    free(path);
    return err;
}

static void
test_import_good(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    /* Columns in another order; quoted notes holding commas, quotes and accents. */
    char *csv = xasprintf(
        "item,at,donor,lot,expiry,qty,serials,note\n"
        "HYGIENE-KIT,ALM-LIMA-SJL,SOFTYS,SOF-HIG-2611,,400,,\"Donación de Softys, San Juan "
        "de Lurigancho\"\n"
        "FOOD-KIT,ALM-LIMA-SJL,CARE-PE,CARE-ALI-2701,%s,120,,\"Campaña \"\"Friaje\"\", "
        "Huánuco\"\n"
        "food-kit,alm-lima-comas,care-pe,CARE-ALI-2703,%s,100,,\n"
        "MEDICAL-KIT,ALM-LIMA-VES,AECID,AECID-BOT-2706,%s,40,,Botiquín — año 2026\n"
        "TABLET,ALM-LIMA-SJL,AECID,,,,TAB-AE-0001 TAB-AE-0002 TAB-AE-0003,\n",
        fx->later, fx->later, fx->later);
    char *path = wh_write(e->dir, "donaciones-noviembre.csv", csv);
    long long head = e2e_head(e);
    char *out = wh_expect(e, 0, "import", "receipts", path, NULL);
    WH_HAS(out, "importadas 5 recepciones");
    WH_HAS(out, path);
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 400);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "FOOD-KIT"), 120);
    assert_int_equal(wh_stock(e, "ALM-LIMA-COMAS", "FOOD-KIT"), 100);
    assert_int_equal(wh_stock(e, "ALM-LIMA-VES", "MEDICAL-KIT"), 40);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "TABLET"), 3);

    /* The notes arrive whole, commas, quotes and accents included. */
    json_t *evs = e2e_ok(e, "events.since", e2e_pack("{sI}", "since", (json_int_t)head));
    json_t *list = json_object_get(evs, "events");
    assert_int_equal(json_array_size(list), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "note")),
                        "Donación de Softys, San Juan de Lurigancho");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "note")),
                        "Campaña \"Friaje\", Huánuco");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 3), "note")),
                        "Botiquín — año 2026");
    json_decref(evs);
    free(path);
    free(csv);

    /* --json: the core's result, parsed back. */
    char *one = xasprintf("at,donor,item,lot,expiry,qty\n"
                          "ALM-PTO-MALDONADO,AECID,FOOD-KIT,AECID-ALI-2702,%s,150\n",
                          fx->later);
    path = wh_write(e->dir, "one.csv", one);
    json_t *r = wh_json(e, 0, "import", "receipts", path, NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "received")), 1);
    assert_int_equal(json_array_size(json_object_get(r, "receipts")), 1);
    json_decref(r);
    free(path);
    free(one);
}

/* Excel's "CSV UTF-8" (a byte-order mark) and Windows line endings. */
static void
test_import_spreadsheet_csv(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    char *path = wh_write(e->dir, "excel.csv",
                          "\xef\xbb\xbf"
                          "at,donor,item,lot,expiry,qty\r\n"
                          "ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,SOF-HIG-2610,,180\r\n"
                          "ALM-PTO-MALDONADO,CARE-PE,HYGIENE-KIT,CARE-HIG-2611,,120\r\n");
    char *out = wh_expect(e, 0, "import", "receipts", path, NULL);
    WH_HAS(out, "importadas 2 recepciones");
    free(out);
    assert_int_equal(wh_stock(e, "ALM-PTO-MALDONADO", "HYGIENE-KIT"), 120);
    free(path);
}

/* The reader finds the error (not a number): exit 2, line 7, nothing recorded. */
static void
test_import_line7_bad_number(void **state)
{
    struct fx *fx = *state;
    char *rows = s_good_rows(fx->later);
    char *csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n%s"
                          "ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,SOF-HIG-2610,,doce,\n"
                          "ALM-LIMA-VES,AECID,MEDICAL-KIT,AECID-BOT-2706,%s,40,\n",
                          rows, fx->later);
    char *err = s_import_nothing(fx, "bad-number.csv", csv, 2, "qty");
    WH_HAS(err, "'doce' no es un número entero");
    free(err);
    free(csv);
    free(rows);
}

/* The core refuses line 7 (a typo in a code): exit 1, line 7 and column 'item', the
 * nearest known code, and none of the five good rows before it is recorded. */
static void
test_import_line7_refused(void **state)
{
    struct fx *fx = *state;
    char *rows = s_good_rows(fx->later);
    char *csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n%s"
                          "ALM-LIMA-VES,SOFTYS,HYGEINE-KIT,SOF-HIG-2610,,180,\n"
                          "ALM-LIMA-VES,AECID,MEDICAL-KIT,AECID-BOT-2706,%s,40,\n",
                          rows, fx->later);
    char *err = s_import_nothing(fx, "typo.csv", csv, 1, "item");
    WH_HAS(err, "¿quisiste decir 'HYGIENE-KIT'?");
    free(err);

    /* --json: the core's error as JSON, its details naming the row. */
    char *path = xasprintf("%s/typo.csv", fx->e->dir);
    json_t *r = wh_json(fx->e, 1, "import", "receipts", path, NULL);
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "not_found");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(error, "details"), "row")),
                     5);
    json_decref(r);
    free(path);
    free(csv);
    free(rows);
}

/* Line numbers stay true after a field that spans two lines (a cell with one serial
 * number a line) and a blank line: the row on line 7 holds an expired lot, which the
 * core refuses. */
static void
test_import_line7_after_blank_and_multiline(void **state)
{
    struct fx *fx = *state;
    char *csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n"                     /* 1 */
                          "ALM-LIMA-SJL,SOFTYS,HYGIENE-KIT,SOF-HIG-2611,,400,\n"         /* 2 */
                          "ALM-LIMA-SJL,AECID,TABLET,,,,\"TAB-AE-0001\n"                 /* 3 */
                          "TAB-AE-0002\"\n"                                              /* 4 */
                          "\n"                                                            /* 5 */
                          "ALM-LIMA-SJL,AECID,MEDICAL-KIT,AECID-BOT-2709,%s,60,\n"       /* 6 */
                          "ALM-LIMA-SJL,CARE-PE,FOOD-KIT,CARE-ALI-1901,2019-01-31,80,\n" /* 7 */
                          "ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,SOF-HIG-2610,,180,\n",        /* 8 */
                          fx->later);
    char *err = s_import_nothing(fx, "expired.csv", csv, 1, "expiry");
    WH_HAS(err, "2019-01-31");
    free(err);
    free(csv);
    /* Without line 7 the same file goes in whole: two tablets from the cell of lines 3-4. */
    csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n"
                    "ALM-LIMA-SJL,SOFTYS,HYGIENE-KIT,SOF-HIG-2611,,400,\n"
                    "ALM-LIMA-SJL,AECID,TABLET,,,,\"TAB-AE-0001\n"
                    "TAB-AE-0002\"\n"
                    "\n"
                    "ALM-LIMA-SJL,AECID,MEDICAL-KIT,AECID-BOT-2709,%s,60,\n",
                    fx->later);
    char *path = wh_write(fx->e->dir, "fixed.csv", csv);
    free(wh_expect(fx->e, 0, "import", "receipts", path, NULL));
    assert_int_equal(wh_stock(fx->e, "ALM-LIMA-SJL", "TABLET"), 2);
    free(path);
    free(csv);
}

/* Malformed files: an unclosed quote and a row with more fields than the header. */
static void
test_import_line7_malformed(void **state)
{
    struct fx *fx = *state;
    char *rows = s_good_rows(fx->later);
    char *csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n%s"
                          "ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,\"SOF-HIG-2610,,180,\n"
                          "ALM-LIMA-VES,AECID,MEDICAL-KIT,AECID-BOT-2706,%s,40,\n",
                          rows, fx->later);
    char *err = s_import_nothing(fx, "quote.csv", csv, 2, NULL);
    WH_HAS(err, "comillas");
    free(err);
    free(csv);
    csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n%s"
                    "ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,SOF-HIG-2610,,180,,Softys, Lima\n",
                    rows);
    err = s_import_nothing(fx, "fields.csv", csv, 2, NULL);
    WH_HAS(err, "más campos que columnas tiene el encabezado");
    free(err);
    free(csv);
    /* A NUL byte once cut a value short: "5\0" "7" imported as 5, a lot "CSV-45\0EVIL" as
     * "CSV-45", and a header "qty\0" passed as qty. */
    const char *nul[][2] = {{"ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,SOF-HIG-2610,,5\x1f" "7,\n", "qty"},
                            {"ALM-LIMA-VES,SOFTYS,HYGIENE-KIT,CSV-45\x1f" "EVIL,,5,\n", "lot"}};
    for (size_t i = 0; i < 2; i++) {
        csv = xasprintf("at,donor,item,lot,expiry,qty,serials\n%s%s", rows, nul[i][0]);
        err = s_import_nothing(fx, "nul.csv", csv, 2, nul[i][1]);
        WH_HAS(err, "byte NUL");
        free(err);
        free(csv);
    }
    char *path = s_write_nul(fx->e->dir, "nulhead.csv",
                             "at,donor,item,lot,expiry,qty\x1f\nALM-LIMA-VES,SOFTYS,HYGIENE-KIT,"
                             "SOF-HIG-2610,,5\n");
    err = wh_expect_err(fx->e, 2, "import", "receipts", path, NULL);
    WH_HAS(err, "línea 1: un campo tiene un byte NUL");
    WH_HAS(err, "no se importó nada");
    free(err);
    free(path);
    free(rows);
}

/* A file of n ordinary rows (notes with accents, as staff write them): FOOD-KIT into
 * ALM-LIMA-SJL, row i with i % 7 + 1 kits; the last row's item is bad_item if not NULL.
 * Its total in *total. */
static char *
s_big_file(struct fx *fx, const char *name, int n, const char *bad_item, long *total)
{
    size_t cap = (size_t)n * 160 + 64, len = 0;
    char *csv = xmalloc(cap);
    len += (size_t)snprintf(csv, cap, "at,donor,item,lot,expiry,qty,serials,note\n");
    *total = 0;
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(csv + len, cap - len,
                                "ALM-LIMA-SJL,CARE-PE,%s,CARE-ALI-%05d,%s,%d,,\"Campaña "
                                "Friaje 2026, Huánuco — lote %d\"\n",
                                bad_item && i == n - 1 ? bad_item : "FOOD-KIT", i, fx->later,
                                i % 7 + 1, i);
        *total += i % 7 + 1;
    }
    char *path = wh_write(fx->e->dir, name, csv);
    free(csv);
    return path;
}

/* 10,000 rows (the most one import takes) are about 1.4 MiB, more than one request may
 * carry: they go as an upload in parts, and are recorded whole, in one transaction.  An
 * error on the last row, in the last part, records none of them; a failed upload leaves
 * nothing open (the five failures here would pass the four an importer may hold).  One
 * row more than 10,000 is refused before anything is sent. */
static void
test_import_10000_rows(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    long total = 0;
    char *bad = s_big_file(fx, "grande-mal.csv", 10000, "FOOD-KTI", &total);
    long long head = e2e_head(e);
    for (int i = 0; i < 5; i++) {
        char *err = wh_expect_err(e, 1, "import", "receipts", bad, NULL);
        char *where = xasprintf("%s: línea 10001, columna 'item': ", bad);
        WH_HAS(err, where);
        WH_HAS(err, "¿quisiste decir 'FOOD-KIT'?");
        WH_HAS(err, "no se importó nada");
        free(where);
        free(err);
    }
    assert_int_equal(e2e_head(e), head);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "FOOD-KIT"), 0);

    char *good = s_big_file(fx, "grande.csv", 10000, NULL, &total);
    char *out = wh_expect(e, 0, "import", "receipts", good, NULL);
    WH_HAS(out, "importadas 10000 recepciones");
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "FOOD-KIT"), total);
    /* one event a row, and the signed checkpoint aynid makes after 1000 (docs/PROOF.md) */
    json_t *cps = e2e_ok(e, "ledger.checkpoints", e2e_pack("{sI}", "since", (json_int_t)head));
    assert_int_equal(json_array_size(json_object_get(cps, "checkpoints")), 1);
    json_decref(cps);
    assert_int_equal(e2e_head(e), head + 10000 + 1);

    char *over = s_big_file(fx, "demasiado.csv", 10001, NULL, &total);
    char *err = wh_expect_err(e, 2, "import", "receipts", over, NULL);
    WH_HAS(err, "tiene 10001 filas, más de las 10000 que admite una importación");
    WH_HAS(err, "no se importó nada");
    free(err);
    assert_int_equal(e2e_head(e), head + 10000 + 1);
    free(over);
    free(good);
    free(bad);
}

static void
test_import_usage(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    char *err = wh_expect_err(e, 2, "import", "receipts", "/nonexistent/donaciones.csv", NULL);
    WH_HAS(err, "no se puede abrir '/nonexistent/donaciones.csv'");
    WH_HAS(err, "no se importó nada");
    free(err);
    err = wh_expect_err(e, 2, "import", "receipts", NULL);
    WH_HAS(err, "uso: ayni-warehouse import receipts FILE.csv");
    free(err);
    char *path = wh_write(e->dir, "header.csv", "at,donor,item,lot,expiry,qty\n");
    err = wh_expect_err(e, 2, "import", "receipts", path, NULL);
    WH_HAS(err, "no hay filas");
    free(err);
    free(path);
    path = wh_write(e->dir, "columns.csv", "at,donante,item,qty\nALM-LIMA-SJL,AECID,TABLET,1\n");
    err = wh_expect_err(e, 2, "import", "receipts", path, NULL);
    WH_HAS(err, "línea 1, columna 'donante'");
    free(err);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_good, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_spreadsheet_csv, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_line7_bad_number, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_line7_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_line7_after_blank_and_multiline, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_import_line7_malformed, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_10000_rows, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_usage, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: import receipts", tests, NULL, NULL);
}
