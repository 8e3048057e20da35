/* test_prn_labels.c: package labels on A6 and four to an A4 page, and the slip and
 * labels in one PDF — every QR must decode to its package's token. */
#include "test_prn_util.h"

#include "error.h"
#include "prn_demo.h"
#include "printer.h"

struct fx {
    char *dir;
    struct prn_demo *demo;
    char *tokens[16];
    char err[256];
};

static int
setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    fx->dir = tu_tmpdir();
    fx->demo = prn_demo_new();
    for (int i = 0; i < 16; i++)
        fx->tokens[i] = tp_token(100 + (unsigned)i);
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
    for (int i = 0; i < 16; i++)
        free(fx->tokens[i]);
    free(fx);
    return 0;
}

/* A shipment with n packages whose tokens are fx->tokens[1..n], the slip's [0]. */
static struct prn_slip *
s_shipment(struct fx *fx, size_t nlines, int n)
{
    struct prn_slip *s = prn_demo_slip(fx->demo, nlines, (size_t)n);
    struct prn_package *p = (struct prn_package *)s->packages;
    s->dest.region = "Huánuco";
    s->token = fx->tokens[0];
    for (int i = 0; i < n; i++)
        p[i].token = fx->tokens[i + 1];
    return s;
}

/* The tokens of packages [0, n) one per line, optionally after the slip's. */
static char *
s_want(struct fx *fx, int n, bool slip)
{
    size_t len = 1;
    for (int i = 0; i <= n; i++)
        len += strlen(fx->tokens[i]) + 1;
    char *out = xmalloc(len), *o = out;
    for (int i = slip ? 0 : 1; i <= n; i++) {
        size_t k = strlen(fx->tokens[i]);
        memcpy(o, fx->tokens[i], k);
        o += k;
        *o++ = '\n';
    }
    *o = '\0';
    return out;
}

static void
test_labels_a6(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    TP_NEED("zbarimg");
    struct prn_slip *s = s_shipment(fx, 5, 8);
    char *path = tu_path(fx->dir, "a6.pdf");
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A6, path, fx->err, sizeof fx->err), 0);
    tp_assert_qpdf(path);
    assert_int_equal(tp_pages(path), 8);
    char *size = tp_info(path, "Page size");
    TP_HAS(size, "297.638 x 419.528"); /* A6 */
    free(size);
    for (int p = 1; p <= 8; p++) {
        char want[64];
        char *text = tp_text(path, p, p);
        snprintf(want, sizeof want, "Paquete %d de 8", p);
        TP_HAS(text, want);
        snprintf(want, sizeof want, "Package %d of 8", p);
        TP_HAS(text, want);
        TP_HAS(text, "Comunidad Santa Rosa");
        TP_HAS(text, "Amarilis · Huánuco");
        TP_HAS(text, "ENV-2025-000123");
        TP_HAS(text, "Almacén San Juan de Lurigancho");
        free(text);
    }
    char *text = tp_text(path, 1, 1);
    TP_HAS(text, "10 kits de higiene");
    free(text);
    char *qr = tp_qr(path, fx->dir, 0, 0), *want = s_want(fx, 8, false);
    assert_string_equal(qr, want); /* each page's QR, in order */
    free(want);
    free(qr);
    free(path);
}

/* Sort the lines of s in place, so sets can be compared. */
static int
s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
s_sorted(const char *s)
{
    char *copy = xstrdup(s), *lines[64], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(copy, "\n", &save); t && n < 64; t = strtok_r(NULL, "\n", &save))
        lines[n++] = t;
    qsort(lines, (size_t)n, sizeof *lines, s_cmp);
    char *out = xcalloc(1, strlen(s) + 2), *o = out;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(lines[i]);
        memcpy(o, lines[i], k);
        o += k;
        *o++ = '\n';
    }
    free(copy);
    return out;
}

static void
test_labels_a4(void **state)
{
    struct fx *fx = *state;
    TP_NEED("zbarimg");
    struct prn_slip *s = s_shipment(fx, 5, 6);
    char *path = tu_path(fx->dir, "a4.pdf");
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A4, path, fx->err, sizeof fx->err), 0);
    tp_assert_qpdf(path);
    assert_int_equal(tp_pages(path), 2);
    char *text = tp_text(path, 0, 0);
    for (int p = 1; p <= 6; p++) {
        char want[64];
        snprintf(want, sizeof want, "Paquete %d de 6", p);
        TP_HAS(text, want);
    }
    free(text);
    char *qr = tp_qr(path, fx->dir, 0, 0), *want = s_want(fx, 6, false);
    assert_int_equal(tp_lines(qr), 6);
    char *a = s_sorted(qr), *b = s_sorted(want);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(want);
    free(qr);
    free(path);
}

static void
test_shipment_slip_then_labels(void **state)
{
    struct fx *fx = *state;
    TP_NEED("zbarimg");
    struct prn_slip *s = s_shipment(fx, 3, 5);
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn_slip_render(s, &pdf, &len, fx->err, sizeof fx->err), 0);
    char *slip = tp_save(fx->dir, "slip.pdf", pdf, len);
    int slip_pages = tp_pages(slip);
    free(pdf);
    assert_int_equal(prn_shipment_render(s, PRN_LABELS_A6, &pdf, &len, fx->err, sizeof fx->err),
                     0);
    char *path = tp_save(fx->dir, "shipment.pdf", pdf, len);
    free(pdf);
    tp_assert_qpdf(path);
    assert_int_equal(tp_pages(path), slip_pages + 5);
    char *text = tp_text(path, slip_pages, slip_pages);
    char want_page[64];
    snprintf(want_page, sizeof want_page, "Página %d de %d", slip_pages, slip_pages);
    TP_HAS(text, want_page); /* the slip counts its own pages only */
    free(text);
    text = tp_text(path, slip_pages + 1, slip_pages + 1);
    TP_HAS(text, "Paquete 1 de 5");
    free(text);
    char *qr = tp_qr(path, fx->dir, 0, 0), *want = s_want(fx, 5, true);
    assert_string_equal(qr, want);
    free(want);
    free(qr);
    free(path);
    free(slip);
}

/* Long destination and contents are set smaller, not cut, and the QR still reads. */
static void
test_label_long_texts(void **state)
{
    struct fx *fx = *state;
    TP_NEED("zbarimg");
    struct prn_slip *s = s_shipment(fx, 2, 1);
    struct prn_package *p = (struct prn_package *)s->packages;
    s->dest.name = "Comunidad Campesina de San Juan Bautista de Ñuñoa ŋ Ā y Anexos del Alto "
                   "Huallaga, Sector Pueblo Nuevo, Caserío Las Palmeras, Margen Derecha";
    p[0].contents = "Contenido mixto: kits de higiene, kits de alimentos, botiquines de primeros "
                    "auxilios, frazadas, chompas, linternas solares y pastillas potabilizadoras";
    char *path = tu_path(fx->dir, "long.pdf");
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A6, path, fx->err, sizeof fx->err), 0);
    tp_assert_qpdf(path);
    assert_int_equal(tp_pages(path), 1);
    char *text = tp_text(path, 0, 0);
    TP_HAS(text, "Ñuñoa ŋ Ā");
    TP_HAS(text, "Palmeras, Margen");
    TP_HAS(text, "Derecha");
    TP_HAS(text, "potabilizadoras");
    TP_HAS(text, "Paquete 1 de 1");
    free(text);
    char *qr = tp_qr(path, fx->dir, 0, 0), *want = xasprintf("%s\n", fx->tokens[1]);
    assert_string_equal(qr, want);
    free(want);
    free(qr);
    free(path);
}

static void
test_labels_bad_input(void **state)
{
    struct fx *fx = *state;
    struct prn_slip *s = s_shipment(fx, 3, 3);
    struct prn_package *p = (struct prn_package *)s->packages;
    char *path = tu_path(fx->dir, "bad.pdf");
    p[2].number = 5;
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A6, path, fx->err, sizeof fx->err),
                     AYNI_EINVAL);
    assert_string_equal(fx->err, "'packages[2].number' is out of range: package 5 of 3");
    assert_false(tp_exists(path));
    assert_int_equal(prn_shipment_write(s, PRN_LABELS_A4, path, fx->err, sizeof fx->err),
                     AYNI_EINVAL);
    assert_false(tp_exists(path));
    p[2].number = 3;
    p[1].token = "AY1\xFF";
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A4, path, fx->err, sizeof fx->err),
                     AYNI_EINVAL);
    assert_non_null(strstr(fx->err, "'packages[1].token'"));
    char *huge = xmalloc(2000);
    memset(huge, 'A', 1999);
    huge[1999] = '\0';
    p[1].token = huge;
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A4, path, fx->err, sizeof fx->err),
                     AYNI_EINVAL);
    assert_non_null(strstr(fx->err, "too long for a QR code"));
    p[1].token = fx->tokens[2];
    assert_int_equal(prn_labels_write(s, (enum prn_label_layout)7, path, fx->err,
                                      sizeof fx->err),
                     AYNI_EINVAL);
    assert_non_null(strstr(fx->err, "'layout'"));
    s->npackages = 0;
    assert_int_equal(prn_labels_write(s, PRN_LABELS_A6, path, fx->err, sizeof fx->err),
                     AYNI_EINVAL);
    assert_non_null(strstr(fx->err, "no packages"));
    assert_false(tp_exists(path));
    free(huge);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_labels_a6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_a4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipment_slip_then_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_label_long_texts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
