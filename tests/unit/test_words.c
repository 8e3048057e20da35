/* test_words.c: Spanish plurals of item names and units (core/lib/words.c), as the
 * warehouse tool, the printer and the scanner write quantities: "1 kit", "120 kits". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plurals),
        cmocka_unit_test(test_quantities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
