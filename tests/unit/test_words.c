/* test_words.c: plurals of item names and units (core/lib/words.c), as the warehouse
 * tool, the printer and the scanner write quantities: "1 kit", "120 kits"; in Spanish,
 * and in English when that is the language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lang.h"
#include "words.h"

static void
s_plural(const char *one, const char *many)
{
    char out[256];
    ayni_plural(one, out, sizeof out);
    assert_string_equal(out, many);
}

static void
test_plurals(void **state)
{
    (void)state;
    s_plural("kit", "kits");
    s_plural("unidad", "unidades");
    s_plural("caja", "cajas");
    s_plural("bidón", "bidones");
    s_plural("botiquín", "botiquines");
    s_plural("lápiz", "lápices");
    s_plural("laptop", "laptops");
    s_plural("tableta educativa", "tabletas educativas");
    s_plural("kit de higiene", "kits de higiene");
    s_plural("mascarilla N95", "mascarillas N95");
    s_plural("USB", "USB");
    s_plural("análisis", "análisis");
}

static void
test_quantities(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(ayni_quantity(1, "kit", out, sizeof out), "1 kit");
    assert_string_equal(ayni_quantity(120, "kit", out, sizeof out), "120 kits");
    assert_string_equal(ayni_quantity(0, "kit", out, sizeof out), "0 kits");
    assert_string_equal(ayni_quantity(3, "unidad", out, sizeof out), "3 unidades");
    assert_string_equal(ayni_quantity(-1, "unidad", out, sizeof out), "-1 unidad");
    assert_string_equal(ayni_quantity(7, "", out, sizeof out), "7");
    assert_string_equal(ayni_quantity(7, NULL, out, sizeof out), "7");
}

static void
s_plural_en(const char *one, const char *many)
{
    char out[256];
    ayni_plural_en(one, out, sizeof out);
    assert_string_equal(out, many);
}

static void
test_plurals_en(void **state)
{
    (void)state;
    s_plural_en("kit", "kits");
    s_plural_en("box", "boxes");
    s_plural_en("unit", "units");
    s_plural_en("unidad", "unidads"); /* data kept as it is, pluralised the English way */
    s_plural_en("bus", "buses");
    s_plural_en("batch", "batches");
    s_plural_en("brush", "brushes");
    s_plural_en("battery", "batteries");
    s_plural_en("key", "keys");
    s_plural_en("hygiene kit", "hygiene kits");
    s_plural_en("box of gloves", "boxes of gloves");
    s_plural_en("N95 mask", "N95 masks");
    s_plural_en("laptop (14 in)", "laptops (14 in)");
    s_plural_en("USB", "USB");
}

/* In English, English plurals; Spanish stays as it was, and comes back when the thread's
 * language is cleared. */
static void
test_quantities_en(void **state)
{
    (void)state;
    char out[64];
    ayni_lang_set("en");
    assert_string_equal(ayni_quantity(1, "kit", out, sizeof out), "1 kit");
    assert_string_equal(ayni_quantity(120, "kit", out, sizeof out), "120 kits");
    assert_string_equal(ayni_quantity(3, "box", out, sizeof out), "3 boxes");
    assert_string_equal(ayni_quantity(0, "box", out, sizeof out), "0 boxes");
    assert_string_equal(ayni_quantity(3, "unit", out, sizeof out), "3 units");
    assert_string_equal(ayni_quantity(3, "unidad", out, sizeof out), "3 unidads");
    assert_string_equal(ayni_quantity(-1, "box", out, sizeof out), "-1 box");
    assert_string_equal(ayni_quantity(2, "hygiene kit", out, sizeof out), "2 hygiene kits");
    assert_string_equal(ayni_quantity(7, NULL, out, sizeof out), "7");
    ayni_lang_set("es");
    assert_string_equal(ayni_quantity(3, "box", out, sizeof out), "3 box");
    assert_string_equal(ayni_quantity(3, "unidad", out, sizeof out), "3 unidades");
    ayni_lang_set(NULL);
    assert_string_equal(ayni_quantity(3, "caja", out, sizeof out), "3 cajas");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plurals),
        cmocka_unit_test(test_quantities),
        cmocka_unit_test(test_plurals_en),
        cmocka_unit_test(test_quantities_en),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
