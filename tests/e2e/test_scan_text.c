/* test_scan_text.c: ayni-scan's words (Spanish first) and times (scanner-client/scan_text.c).
 *
 * Pure functions, no aynid: plurals of item names ("40 kits de higiene"), shortfall
 * reasons and yes/no answers as a team types them, and times shown in local time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lang.h"
#include "scan.h"

static void
s_qty(long n, const char *name, const char *want)
{
    char *got = scan_quantity(n, name);
    assert_string_equal(got, want);
    free(got);
}

static void
test_quantities(void **state)
{
    (void)state;
    s_qty(40, "Kit de higiene", "40 kits de higiene");
    s_qty(1, "Kit de higiene", "1 kit de higiene");
    s_qty(8, "Botiquín de primeros auxilios", "8 botiquines de primeros auxilios");
    s_qty(3, "Tableta educativa", "3 tabletas educativas");
    s_qty(2, "Laptop escolar", "2 laptops escolares");
    s_qty(5, "Lona impermeable", "5 lonas impermeables");
    s_qty(6, "Bidón de agua", "6 bidones de agua");
    s_qty(4, "Lápiz", "4 lápices");
    s_qty(9, "Agua embotellada 625 ml", "9 aguas embotelladas 625 ml");
    s_qty(12, "USB de 8 GB", "12 USB de 8 GB");
    s_qty(7, "Colchón inflable", "7 colchones inflables");
    s_qty(0, "", "0");
    s_qty(3, NULL, "3");
}

static void
test_reasons_and_answers(void **state)
{
    (void)state;
    assert_string_equal(scan_reason_parse("1"), "damaged");
    assert_string_equal(scan_reason_parse("4"), "refused");
    assert_null(scan_reason_parse("5"));
    assert_null(scan_reason_parse("0"));
    assert_string_equal(scan_reason_parse("vencidos"), "expired");
    assert_string_equal(scan_reason_parse("Dañado"), "damaged");
    assert_string_equal(scan_reason_parse("missing"), "missing");
    assert_string_equal(scan_reason_parse("REFUSED"), "refused");
    assert_null(scan_reason_parse(""));
    assert_null(scan_reason_parse("robado"));
    assert_string_equal(scan_reason_name("expired"), "vencido");
    assert_null(scan_reason_name("stolen"));
    assert_int_equal(scan_yes_no("", 1), 1);
    assert_int_equal(scan_yes_no("", 0), 0);
    assert_int_equal(scan_yes_no("sí", 0), 1);
    assert_int_equal(scan_yes_no("S", 0), 1);
    assert_int_equal(scan_yes_no("yes", 0), 1);
    assert_int_equal(scan_yes_no("No", 1), 0);
    assert_int_equal(scan_yes_no("quizás", 1), -1);
    ayni_lang_init("en"); /* the reason's word in English is its code */
    assert_string_equal(scan_reason_name("expired"), "expired");
    assert_string_equal(scan_reason_name("damaged"), "damaged");
    assert_string_equal(scan_reason_parse("dañados"), "damaged");
    ayni_lang_init("es");
    assert_string_equal(scan_reason_name("damaged"), "dañado");
}

static void
test_times(void **state)
{
    (void)state;
    setenv("TZ", "America/Lima", 1);
    tzset();
    char out[64];
    assert_int_equal(scan_parse_time("2026-11-22T06:08:11Z"), 1795327691);
    assert_int_equal(scan_parse_time("2026-11-22T01:08:11-05:00"), 1795327691);
    assert_int_equal(scan_parse_time("2026-11-22T01:08:11-0500"), 1795327691);
    assert_int_equal(scan_parse_time("ayer"), -1);
    assert_int_equal(scan_parse_time("2026-11-22T01:08:11+5"), -1);
    scan_when("2026-11-22T06:08:11Z", out, sizeof out);
    assert_string_equal(out, "22/11/2026 01:08");
    scan_when("no es una fecha", out, sizeof out);
    assert_string_equal(out, "no es una fecha");
    char now[26];
    scan_now_local(now);
    assert_int_equal(strlen(now), 25);
    assert_string_equal(now + 19, "-05:00");
    assert_true(labs((long)(scan_parse_time(now) - time(NULL))) <= 2);
}

int
main(void)
{
    ayni_lang_init("es"); /* as ayni-scan starts without AYNI_LANG */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantities),
        cmocka_unit_test(test_reasons_and_answers),
        cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
