/* test_prn_slip.c: the delivery slip — read back with qpdf, poppler and zbar —
 * and how it refuses bad input, unwritable paths and unusable fonts. */
#include "test_prn_util.h"

#include <unistd.h>

#include "error.h"
#include "prn_demo.h"
#include "printer.h"

struct fx {
    char *dir;
    struct prn_demo *demo;
    char err[256];
};

static int
setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    fx->dir = tu_tmpdir();
    fx->demo = prn_demo_new();
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *fx = *state;
    tu_rmtree(fx->dir);
    free(fx->dir);
    prn_demo_destroy(&fx->demo);
    free(fx);
    unsetenv("AYNI_FONT_DIR");
    return 0;
}

/* A slip whose texts hold what the checks look for. */
static struct prn_slip *
s_slip(struct fx *fx, size_t nlines)
{
    struct prn_slip *s = prn_demo_slip(fx->demo, nlines, 3);
    s->dest.name = "I.E. Nº 82015 Las Niñas de Cajamarca";
    s->dest.region = "Huánuco";
    s->dest.district = "Ñuñoa ŋ Ā";
    s->remarks = "¿Dudas? ¡Llamar a la coordinación en Perú!";
    s->token = tp_token(1);
    return s;
}

static void
test_slip_reads_back(void **state)
{
    struct fx *fx = *state;
    TP_NEED("qpdf");
    TP_NEED("pdftotext");
    struct prn_slip *s = s_slip(fx, 6);
    char *path = tu_path(fx->dir, "slip.pdf");
    int rc = prn_slip_write(s, path, fx->err, sizeof fx->err);
    if (rc)
        fprintf(stderr, "%s\n", fx->err);
    assert_int_equal(rc, 0);
    tp_assert_qpdf(path);
    int pages = tp_pages(path);
    assert_true(pages >= 1 && pages <= 3);
    char *text = tp_text(path, 0, 0);
    TP_HAS(text, "GUÍA DE REMISIÓN");
    TP_HAS(text, "Delivery slip");
    TP_HAS(text, "ENV-2025-000123");
    TP_HAS(text, "14/03/2025");
    TP_HAS(text, "I.E. Nº 82015 Las Niñas de Cajamarca");
    TP_HAS(text, "Huánuco");
    TP_HAS(text, "Ñuñoa ŋ Ā");
    TP_HAS(text, "¿Dudas? ¡Llamar a la coordinación en Perú!");
    TP_HAS(text, "Almacén San Juan de Lurigancho");
    TP_HAS(text, "Kit de higiene");
    TP_HAS(text, "Hygiene kit");
    TP_HAS(text, "Vence / Expires: 30/09/2025");
    TP_HAS(text, "TAB-SJL-25-021024"); /* the last tablet serial */
    TP_HAS(text, "CARE Perú");
    TP_HAS(text, "DESPACHO");
    TP_HAS(text, "RECEPCIÓN");
    TP_HAS(text, "OBSERVACIONES");
    TP_HAS(text, "dañado");
    TP_HAS(text, "rechazado");
    for (int p = 1; p <= pages; p++) {
        char want[64];
        snprintf(want, sizeof want, "Página %d de %d", p, pages);
        TP_HAS(text, want);
        snprintf(want, sizeof want, "Page %d of %d", p, pages);
        TP_HAS(text, want);
    }
    char *title = tp_info(path, "Title"), *creator = tp_info(path, "Creator");
    TP_HAS(title, "Guía de remisión ENV-2025-000123");
    assert_string_equal(creator, "Ayni");
    free(title);
    free(creator);
    free(text);
    free(path);
    free((char *)s->token);
}

static void
test_slip_qr_decodes(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftoppm");
    TP_NEED("zbarimg");
    struct prn_slip *s = s_slip(fx, 3);
    char *path = tu_path(fx->dir, "slip.pdf");
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    char *qr = tp_qr(path, fx->dir, 1, 1);
    char *want = xasprintf("%s\n", s->token);
    assert_string_equal(qr, want);
    free(want);
    free(qr);
    free(path);
    free((char *)s->token);
}

/* 200 uniform lines with lots LOT-001..LOT-200: every line, every page number, the
 * table header on every page, the signature blocks whole on the last page. */
static void
test_slip_200_lines(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    TP_NEED("zbarimg");
    struct prn_slip *s = s_slip(fx, 200);
    struct prn_slip_line *l = (struct prn_slip_line *)s->lines;
    char lots[200][16];
    for (int i = 0; i < 200; i++) {
        snprintf(lots[i], sizeof lots[i], "LOT-%03d", i + 1);
        l[i] = (struct prn_slip_line){i + 1, "HYGIENE-KIT", "Kit de higiene", "Hygiene kit",
                                      "kits", lots[i], NULL, NULL, 0, 10, 1, "CARE Perú"};
    }
    s->packages = NULL, s->npackages = 0;
    char *path = tu_path(fx->dir, "slip200.pdf");
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    tp_assert_qpdf(path);
    int pages = tp_pages(path);
    /* 200 rows of 3 lines fit about 26 to a page, after a first page of ~18 */
    fprintf(stderr, "200 lines: %d pages\n", pages);
    assert_in_range(pages, 8, 10);
    for (int p = 1; p <= pages; p++) {
        char want[64];
        char *text = tp_text(path, p, p);
        snprintf(want, sizeof want, "Página %d de %d", p, pages);
        TP_HAS(text, want);
        TP_HAS(text, "ENV-2025-000123");
        if (p < pages)
            TP_HAS(text, "Artículo");
        else
            TP_HAS(text, "RECEPCIÓN");
        free(text);
    }
    char *text = tp_text(path, 0, 0);
    for (int i = 0; i < 200; i++)
        TP_HAS(text, lots[i]);
    TP_HAS(text, "200 líneas / lines");
    TP_HAS(text, "2,000"); /* the total quantity */
    free(text);
    text = tp_text(path, pages, pages);
    TP_HAS(text, "DESPACHO");
    TP_HAS(text, "Sello");
    TP_HAS(text, "OBSERVACIONES");
    free(text);
    char *qr = tp_qr(path, fx->dir, 1, 1), *want = xasprintf("%s\n", s->token);
    assert_string_equal(qr, want);
    free(want);
    free(qr);
    free(path);
    free((char *)s->token);
}

static int
s_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The unit under a quantity agrees with it: "kits" under 222, "kit" under 1, "unidades"
 * under 3, in the lines and in the total. */
static void
test_slip_units_agree(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    struct prn_slip *s = s_slip(fx, 2);
    struct prn_slip_line *l = (struct prn_slip_line *)s->lines;
    l[0] = (struct prn_slip_line){1, "FOOD-KIT", "Kit de alimentos", "Food kit", "kit",
                                  "LOT-A", NULL, NULL, 0, 222, 2, "CARE Perú"};
    l[1] = (struct prn_slip_line){2, "HYGIENE-KIT", "Kit de higiene", "Hygiene kit", "kit",
                                  "LOT-B", NULL, NULL, 0, 1, 1, "CARE Perú"};
    s->packages = NULL, s->npackages = 0;
    char *path = tu_path(fx->dir, "units.pdf");
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    char *text = tp_text(path, 0, 0);
    /* 222 kits, 1 kit, and the total 223 kits */
    assert_int_equal(s_count(text, "kits\n"), 2);
    assert_int_equal(s_count(text, "kit\n"), 1);
    free(text);
    l[0].unit = l[1].unit = "unidad";
    l[0].qty = 3;
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    text = tp_text(path, 0, 0);
    assert_int_equal(s_count(text, "unidades\n"), 2);
    assert_int_equal(s_count(text, "unidad\n"), 1);
    free(text);
    free(path);
    free((char *)s->token);
}

/* A line with more serials than a page holds is continued, not cut. */
static void
test_slip_serials_span_pages(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    struct prn_slip *s = s_slip(fx, 1);
    struct prn_slip_line *l = (struct prn_slip_line *)s->lines;
    enum { N = 600 };
    char(*sn)[24] = xmalloc(N * sizeof *sn);
    const char **v = xmalloc(N * sizeof *v);
    for (int i = 0; i < N; i++) {
        snprintf(sn[i], sizeof sn[i], "SN-R9X%05d", i + 1);
        v[i] = sn[i];
    }
    *l = (struct prn_slip_line){1, "TABLET", "Tableta educativa con un nombre muy largo que "
                                             "ocupa varias líneas en su celda",
                                "Educational tablet", "unid.", NULL, NULL, v, N, N, 12,
                                "Red Perú Voluntario"};
    s->npackages = 0;
    char *path = tu_path(fx->dir, "serials.pdf");
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    tp_assert_qpdf(path);
    assert_true(tp_pages(path) >= 3);
    char *text = tp_text(path, 0, 0);
    for (int i = 0; i < N; i++)
        TP_HAS(text, sn[i]);
    free(text);
    free(path);
    free(v);
    free(sn);
    free((char *)s->token);
}

/* A 150-byte text of words ending in marker. */
static char *
s_long(const char *marker)
{
    char *s = xmalloc(200);
    snprintf(s, 200, "%.*s %s", (int)(149 - strlen(marker)),
             "Comunidad Campesina de San Juan Bautista de los Andes del Alto Huallaga Anexo "
             "Pueblo Nuevo Sector Las Palmeras Margen Derecha del Río Grande Caserío Alto",
             marker);
    return s;
}

/* Every name at the longest a check lets through: all of it printed, none cut. */
static void
test_slip_long_fields(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    static const char *const markers[] = {"ZORG", "ZORIG", "ZDEST", "ZDIST", "ZREG", "ZTEAM",
                                          "ZVEH", "ZDRIV", "ZITEM", "ZENG", "ZDON"};
    enum { N = sizeof markers / sizeof markers[0] };
    char *v[N];
    for (int i = 0; i < N; i++)
        v[i] = s_long(markers[i]);
    struct prn_slip *s = s_slip(fx, 3);
    struct prn_slip_line *l = (struct prn_slip_line *)s->lines;
    s->org_name = v[0], s->origin.name = v[1], s->dest.name = v[2];
    s->dest.district = v[3], s->dest.region = v[4], s->team = v[5], s->vehicle = v[6];
    s->driver = v[7], l[0].item_name_es = v[8], l[0].item_name_en = v[9], l[0].donor = v[10];
    char *path = tu_path(fx->dir, "long.pdf");
    int rc = prn_slip_write(s, path, fx->err, sizeof fx->err);
    if (rc)
        fprintf(stderr, "%s\n", fx->err);
    assert_int_equal(rc, 0);
    tp_assert_qpdf(path);
    char *text = tp_text(path, 0, 0);
    for (int i = 0; i < N; i++)
        TP_HAS(text, markers[i]);
    free(text);
    char *qr = tp_qr(path, fx->dir, 1, 1), *want = xasprintf("%s\n", s->token);
    assert_string_equal(qr, want);
    free(want);
    free(qr);
    s->dest.name = "Comunidad de nombre desmesurado ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"
                   "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"
                   "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), AYNI_EINVAL);
    TP_HAS(fx->err, "'dest.name' is too long");
    s->dest.name = v[2];
    char *remarks = xmalloc(1200);
    memset(remarks, 'a', 1199);
    remarks[1199] = '\0';
    s->remarks = remarks;
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), AYNI_EINVAL);
    TP_HAS(fx->err, "'remarks' is too long");
    free(remarks);
    for (int i = 0; i < N; i++)
        free(v[i]);
    free(path);
    free((char *)s->token);
}

static void
test_slip_render_to_memory(void **state)
{
    struct fx *fx = *state;
    TP_NEED("qpdf");
    struct prn_slip *s = s_slip(fx, 4);
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn_slip_render(s, &pdf, &len, fx->err, sizeof fx->err), 0);
    assert_non_null(pdf);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    char *path = tp_save(fx->dir, "mem.pdf", pdf, len);
    tp_assert_qpdf(path);
    char *date = tp_info(path, "CreationDate");
    assert_true(strlen(date) > 8);
    free(date);
    free(path);
    free(pdf);
    free((char *)s->token);
}

/* Expect AYNI_EINVAL naming want, from both variants, and no file. */
static void
s_refused(struct fx *fx, const struct prn_slip *s, const char *want)
{
    char *path = tu_path(fx->dir, "bad.pdf");
    unsigned char *pdf = (unsigned char *)"untouched";
    size_t len = 0;
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), AYNI_EINVAL);
    if (!strstr(fx->err, want))
        fprintf(stderr, "message \"%s\" does not name \"%s\"\n", fx->err, want);
    assert_non_null(strstr(fx->err, want));
    assert_false(tp_exists(path));
    assert_int_equal(prn_slip_render(s, &pdf, &len, fx->err, sizeof fx->err), AYNI_EINVAL);
    assert_null(pdf);
    assert_non_null(strstr(fx->err, want));
    free(path);
}

static void
test_slip_bad_input(void **state)
{
    struct fx *fx = *state;
    struct prn_slip *s = s_slip(fx, 5);
    struct prn_slip_line *l = (struct prn_slip_line *)s->lines;
    struct prn_package *p = (struct prn_package *)s->packages;
    struct prn_slip keep = *s;

    l[3].item_name_es = "Kit de higiene \xC3\x28 roto";
    s_refused(fx, s, "invalid UTF-8 in 'lines[3].item_name_es'");
    l[3].item_name_es = "Kit de higiene";
    s->code = NULL;
    s_refused(fx, s, "missing 'code'");
    *s = keep;
    s->dest.name = "Santa Rosa\xE2\x82";
    s_refused(fx, s, "invalid UTF-8 in 'dest.name'");
    *s = keep;
    s->date = "14/03/2025";
    s_refused(fx, s, "'date' is not a date");
    *s = keep;
    l[1].qty = -5;
    s_refused(fx, s, "'lines[1].qty' is negative");
    l[1].qty = 10;
    l[2].nserials = 3;
    s_refused(fx, s, "'lines[2]' lists 3 serials for a quantity of 24");
    l[2].nserials = 24;
    l[4].line_no = 1;
    s_refused(fx, s, "two lines have 'line_no' 1");
    l[4].line_no = 5;
    p[1].number = 5;
    p[1].count = 3;
    s_refused(fx, s, "'packages[1].number' is out of range: package 5 of 3");
    p[1].number = 2;
    p[2].line_no = 42;
    s_refused(fx, s, "'packages[2].line_no' is 42");
    p[2].line_no = 3;
    s->token = NULL;
    s_refused(fx, s, "missing 'token'");
    *s = keep;
    s->nlines = 0;
    s_refused(fx, s, "no lines");
    *s = keep;
    l[0].donor = "CARE\tPerú\x01";
    s_refused(fx, s, "control character in 'lines[0].donor'");
    l[0].donor = "CARE Perú";
    assert_int_equal(prn_slip_write(NULL, "x.pdf", fx->err, sizeof fx->err), AYNI_EINVAL);
    assert_int_equal(prn_slip_write(s, NULL, fx->err, sizeof fx->err), AYNI_EINVAL);
    assert_int_equal(prn_slip_render(s, NULL, NULL, fx->err, sizeof fx->err), AYNI_EINVAL);
    free((char *)keep.token);
}

static void
test_slip_unwritable_path(void **state)
{
    struct fx *fx = *state;
    struct prn_slip *s = s_slip(fx, 2);
    char *path = tu_path(fx->dir, "no/such/folder/slip.pdf");
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), AYNI_EIO);
    assert_non_null(strstr(fx->err, "cannot write"));
    assert_non_null(strstr(fx->err, path));
    char *ls = xasprintf("ls -A '%s'", fx->dir);
    char *out = tu_run(ls, NULL);
    assert_string_equal(out, ""); /* no temporary file left either */
    free(out);
    free(ls);
    free(path);
    free((char *)s->token);
}

/* The TrueType font is loaded only for text outside CP1252, and a missing or
 * broken font file is an error, never a crash or '?'. */
static void
test_slip_font_errors(void **state)
{
    struct fx *fx = *state;
    struct prn_slip *s = s_slip(fx, 2);
    char *path = tu_path(fx->dir, "font.pdf");
    setenv("AYNI_FONT_DIR", "/nonexistent/fonts", 1);
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), AYNI_EIO);
    assert_non_null(strstr(fx->err, "cannot read font '/nonexistent/fonts/DejaVuSans"));
    assert_false(tp_exists(path));

    s->dest.district = "Amarilis"; /* all CP1252 now: no font file needed */
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    assert_true(tp_exists(path));
    unlink(path);

    char *fonts = tu_path(fx->dir, "fonts"), *bad = tu_path(fonts, "DejaVuSans.ttf");
    assert_int_equal(mkdir(fonts, 0700), 0);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("this is not a font\n", f);
    fclose(f);
    setenv("AYNI_FONT_DIR", fonts, 1);
    s->dest.district = "Ñuñoa ŋ Ā";
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), AYNI_EINTERNAL);
    assert_non_null(strstr(fx->err, "cannot load font"));
    assert_false(tp_exists(path));
    unsetenv("AYNI_FONT_DIR");
    free(bad);
    free(fonts);
    free(path);
    free((char *)s->token);
}

/* prn_file_write puts a rendered PDF in a file, synced or not, and leaves nothing
 * behind when it cannot; a title outside Latin-1 still reads back right. */
static void
test_slip_file_write(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdfinfo");
    struct prn_slip *s = s_slip(fx, 3);
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn_shipment_render(s, PRN_LABELS_A6, &pdf, &len, fx->err, sizeof fx->err),
                     0);
    for (int sync = 0; sync <= 1; sync++) {
        char *path = tu_path(fx->dir, sync ? "synced.pdf" : "unsynced.pdf");
        assert_int_equal(prn_file_write(pdf, len, path, sync, fx->err, sizeof fx->err), 0);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        unsigned char *back = xmalloc(len + 1);
        assert_int_equal(fread(back, 1, len + 1, f), len);
        fclose(f);
        assert_memory_equal(back, pdf, len);
        free(back);
        free(path);
    }
    char *bad = tu_path(fx->dir, "no/such/folder/x.pdf");
    assert_int_equal(prn_file_write(pdf, len, bad, false, fx->err, sizeof fx->err), AYNI_EIO);
    assert_non_null(strstr(fx->err, "cannot write"));
    assert_int_equal(prn_file_write(pdf, len, NULL, false, fx->err, sizeof fx->err), AYNI_EINVAL);
    assert_int_equal(prn_file_write(NULL, 0, bad, false, fx->err, sizeof fx->err), AYNI_EINVAL);
    char *ls = xasprintf("ls -A '%s'", fx->dir);
    char *out = tu_run(ls, NULL);
    assert_string_equal(out, "synced.pdf\nunsynced.pdf\n");
    free(out);
    free(ls);
    free(bad);
    free(pdf);

    s->code = "ENV-ŋ-0001"; /* the title needs libharu's UTF-8 encoder */
    char *path = tu_path(fx->dir, "title.pdf");
    assert_int_equal(prn_slip_write(s, path, fx->err, sizeof fx->err), 0);
    char *title = tp_info(path, "Title");
    assert_string_equal(title, "Guía de remisión ENV-ŋ-0001");
    free(title);
    free(path);
    free((char *)s->token);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slip_reads_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_qr_decodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_200_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_serials_span_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_units_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_long_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_render_to_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_unwritable_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_font_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_file_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
