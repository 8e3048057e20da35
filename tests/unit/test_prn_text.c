/* test_prn_text.c: the printer's text machinery — UTF-8 checks, the CP1252 mapping,
 * number and date formats, and wrapping that never exceeds its width. */
#include "test_prn_util.h"

#include "error.h"
#include "prn_int.h"

static void
test_utf8_valid(void **state)
{
    (void)state;
    size_t bad = 99;
    assert_true(prn__utf8_valid("Huánuco, Perú: ¿niñas? ¡sí! Nº 5 ŋ Ā €", &bad));
    assert_true(prn__utf8_valid("tab\tand\nnewline", NULL));
    assert_false(prn__utf8_valid("abc\xC3", &bad)); /* cut short */
    assert_int_equal(bad, 3);
    assert_false(prn__utf8_valid("\xC0\xAF", &bad)); /* overlong '/' */
    assert_int_equal(bad, 0);
    assert_false(prn__utf8_valid("x\xED\xA0\x80", &bad)); /* a surrogate */
    assert_int_equal(bad, 1);
    assert_false(prn__utf8_valid("\xF4\x90\x80\x80", &bad)); /* above U+10FFFF */
    assert_false(prn__utf8_valid("\xFF", &bad));
    assert_false(prn__utf8_valid("a\x1b[31m", &bad)); /* escape: a control character */
    assert_int_equal(bad, 1);
    assert_false(prn__utf8_valid("del\x7f", &bad));
}

static void
test_cp1252(void **state)
{
    (void)state;
    assert_int_equal(prn__cp1252('A'), 'A');
    assert_int_equal(prn__cp1252(0xE1), 0xE1); /* á */
    assert_int_equal(prn__cp1252(0xD1), 0xD1); /* Ñ */
    assert_int_equal(prn__cp1252(0xBF), 0xBF); /* ¿ */
    assert_int_equal(prn__cp1252(0xBA), 0xBA); /* º */
    assert_int_equal(prn__cp1252(0x20AC), 0x80); /* € */
    assert_int_equal(prn__cp1252(0x2014), 0x97); /* — */
    assert_int_equal(prn__cp1252(0x2026), 0x85); /* … */
    assert_int_equal(prn__cp1252(0x14B), -1);  /* ŋ */
    assert_int_equal(prn__cp1252(0x100), -1);  /* Ā */
    assert_int_equal(prn__cp1252(0x81), -1);   /* unassigned in CP1252 */
    const char *es = "Huánuco ¿niñas? ¡sí! Nº — “citas” €";
    assert_true(prn__is_cp1252(es, strlen(es)));
    const char *q = "Ñuñoa ŋ Ā";
    assert_false(prn__is_cp1252(q, strlen(q)));
    assert_true(prn__is_cp1252(q, 6)); /* "Ñuñoa" alone */
}

static void
test_formats(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(prn__qty(b, sizeof b, 0), "0");
    assert_string_equal(prn__qty(b, sizeof b, 999), "999");
    assert_string_equal(prn__qty(b, sizeof b, 1200), "1,200");
    assert_string_equal(prn__qty(b, sizeof b, 1234567), "1,234,567");
    assert_string_equal(prn__qty(b, sizeof b, -45000), "-45,000");
    assert_string_equal(prn__date(b, sizeof b, "2025-03-14"), "14/03/2025");
    assert_string_equal(prn__reason_es(PRN_REASON_DAMAGED), "dañado");
    assert_string_equal(prn__reason_en(PRN_REASON_REJECTED), "rejected");
    assert_int_equal(prn_reason_from_code("expired"), PRN_REASON_EXPIRED);
    assert_int_equal(prn_reason_from_code("stolen"), 0);
    assert_int_equal(prn_reason_from_code(NULL), 0);
    char qr[128];
    prn_chain_qr_text(qr, sizeof qr, 7, "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789");
    assert_string_equal(qr, "AYNI-CHAIN:7:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
}

static void
s_check_wrap(struct prn_doc *d, const char *s, float w, size_t min_lines)
{
    struct prn_spans sp = {0};
    size_t n = prn__wrap(d, PRN_BODY, s, w, &sp);
    assert_true(n >= min_lines);
    for (size_t i = 0; i < n; i++) {
        float lw = prn__width(d, PRN_BODY, sp.v[i].s, sp.v[i].len);
        if (lw > w + 0.01f)
            fprintf(stderr, "line %zu \"%.*s\" is %.1f wide, over %.1f\n", i, (int)sp.v[i].len,
                    sp.v[i].s, lw, w);
        assert_true(lw <= w + 0.01f);
    }
    /* nothing lost but the spaces at breaks */
    size_t nonspace = 0;
    for (const char *p = s; *p; p++)
        nonspace += *p != ' ' && *p != '\n';
    size_t got = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sp.v[i].len; k++)
            got += sp.v[i].s[k] != ' ';
    assert_int_equal(got, nonspace);
    prn__spans_free(&sp);
}

static void
test_wrap(void **state)
{
    (void)state;
    struct prn_doc d;
    char err[128];
    assert_int_equal(prn__doc_open(&d, "test", err, sizeof err), 0);
    s_check_wrap(&d, "Kit de alimentos (arroz, menestras, aceite, atún en conserva y avena) para "
                     "una familia de cinco personas",
                 100, 3);
    s_check_wrap(&d, "TAB-SJL-25-021001, TAB-SJL-25-021002, TAB-SJL-25-021003", 80, 3);
    s_check_wrap(&d, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 60, 4);
    s_check_wrap(&d, "Ñuñoa ŋ Ā Ñuñoa ŋ Ā Ñuñoa ŋ Ā Ñuñoa ŋ Ā", 50, 3);
    s_check_wrap(&d, "línea uno\nlínea dos", 500, 2);
    s_check_wrap(&d, "", 100, 1);
    struct prn_spans sp = {0};
    assert_int_equal(prn__wrap(&d, PRN_BODY, "uno dos tres", 1000, &sp), 1);
    assert_int_equal(sp.v[0].len, strlen("uno dos tres"));
    assert_int_equal(sp.v[0].font, PRN_F_HELV);
    assert_int_equal(prn__wrap(&d, PRN_BOLD, "Ñuñoa ŋ", 1000, &sp), 1);
    assert_int_equal(sp.v[1].font, PRN_F_DEJAVU_BOLD);
    prn__spans_free(&sp);
    char *cut = prn__ellipsize(&d, PRN_BODY, "Comunidad Campesina Santa Rosa", 30, 60);
    assert_true(prn__width(&d, PRN_BODY, cut, strlen(cut)) <= 60);
    assert_non_null(strstr(cut, "\xE2\x80\xA6"));
    free(cut);
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn__doc_save(&d, &pdf, &len), 0);
    assert_true(len > 0);
    free(pdf);
    prn__doc_close(&d);
}

/* libharu failures come back as errors, never as a crash. */
static void
test_doc_errors(void **state)
{
    (void)state;
    struct prn_doc d;
    char err[128];
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn__doc_open(&d, "test", err, sizeof err), 0);
    HPDF_Page pg = prn__doc_page(&d, PRN_A4_W, PRN_A4_H);
    assert_non_null(pg);
    HPDF_Page_SetLineWidth(pg, -5); /* libharu refuses a negative width */
    assert_false(prn__doc_ok(&d));
    assert_int_equal(prn__doc_save(&d, &pdf, &len), AYNI_EINTERNAL);
    assert_null(pdf);
    assert_non_null(strstr(err, "libharu error 0x"));
    prn__doc_close(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid), cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_formats),    cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_doc_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
