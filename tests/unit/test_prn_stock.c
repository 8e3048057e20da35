/* test_prn_stock.c: the stock movement report — per-item totals, loss reasons, the
 * header and page numbers on every page, and balances that must add up. */
#include "test_prn_util.h"

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
    return 0;
}

static const struct prn_loss s_losses[] = {{PRN_REASON_DAMAGED, 2}, {PRN_REASON_EXPIRED, 1}};

/* Two lots of food kits (closing 22 + 3 = 25) and one of kits with a Quechua-free but
 * non-CP1252 donor name. */
static const struct prn_stock_row s_rows[] = {
    {"FOOD-KIT", "Kit de alimentos", "Food kit", "kits", "FK-2025-019", "2025-09-30",
     "CARE Perú", 10, 20, 5, 3, 22, s_losses, 2},
    {"FOOD-KIT", "Kit de alimentos", "Food kit", "kits", "FK-2025-022", "2025-11-15", "AECID", 5,
     0, 2, 0, 3, NULL, 0},
    {"HYGIENE-KIT", "Kit de higiene para niñas", "Hygiene kit", "kits", "HK-2025-031", NULL,
     "Asociación Ñuñoa ŋ Ā", 0, 1500, 300, 0, 1200, NULL, 0},
};

static struct prn_stock_report
s_report(void)
{
    struct prn_stock_report r = {
        {"ALM-PTO-MALDONADO", "Almacén Puerto Maldonado", "Madre de Dios", "Tambopata"},
        "Ayni · Red de Ayuda Humanitaria del Perú", "2025-03-01", "2025-03-31", s_rows, 3};
    return r;
}

static void
test_stock_reads_back(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    struct prn_stock_report r = s_report();
    char *path = tu_path(fx->dir, "stock.pdf");
    int rc = prn_stock_report_write(&r, path, fx->err, sizeof fx->err);
    if (rc)
        fprintf(stderr, "%s\n", fx->err);
    assert_int_equal(rc, 0);
    tp_assert_qpdf(path);
    assert_int_equal(tp_pages(path), 1);
    char *text = tp_text(path, 0, 0);
    TP_HAS(text, "MOVIMIENTO DE STOCK");
    TP_HAS(text, "Almacén Puerto Maldonado (ALM-PTO-MALDONADO)");
    TP_HAS(text, "Tambopata · Madre de Dios");
    TP_HAS(text, "01/03/2025 – 31/03/2025");
    TP_HAS(text, "FOOD-KIT · Kit de alimentos / Food kit");
    TP_HAS(text, "Kit de higiene para niñas");
    TP_HAS(text, "Asociación Ñuñoa ŋ Ā");
    TP_HAS(text, "dañado / damaged: 2");
    TP_HAS(text, "vencido / expired: 1");
    TP_HAS(text, "1,500");
    TP_HAS(text, "Página 1 de 1");
    /* the food kit total row: opening 15, in 20, out 7, lost 3, closing 25 */
    char *total = strstr(text, "Total del artículo");
    assert_non_null(total);
    long v[5];
    assert_int_equal(sscanf(total, "Total del artículo %ld %ld %ld %ld", &v[0], &v[1], &v[2],
                            &v[3]),
                     4);
    assert_int_equal(v[0], 15);
    assert_int_equal(v[1], 20);
    assert_int_equal(v[2], 7);
    assert_int_equal(v[3], 3);
    TP_HAS(total, "25");
    free(text);
    free(path);
}

/* Enough lots for several pages: the header and page numbers on each. */
static void
test_stock_many_pages(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    struct prn_stock_report *r = prn_demo_stock_report(fx->demo, 40);
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn_stock_report_render(r, &pdf, &len, fx->err, sizeof fx->err), 0);
    char *path = tp_save(fx->dir, "many.pdf", pdf, len);
    free(pdf);
    tp_assert_qpdf(path);
    int pages = tp_pages(path);
    assert_true(pages >= 3);
    for (int p = 1; p <= pages; p++) {
        char want[64], *text = tp_text(path, p, p);
        snprintf(want, sizeof want, "Página %d de %d", p, pages);
        TP_HAS(text, want);
        TP_HAS(text, "MOVIMIENTO DE STOCK");
        TP_HAS(text, "ALM-PTO-MALDONADO");
        TP_HAS(text, "Saldo inicial");
        free(text);
    }
    free(path);
}

static void
s_refused(struct fx *fx, const struct prn_stock_report *r, const char *want)
{
    char *path = tu_path(fx->dir, "bad.pdf");
    assert_int_equal(prn_stock_report_write(r, path, fx->err, sizeof fx->err), AYNI_EINVAL);
    if (!strstr(fx->err, want))
        fprintf(stderr, "message \"%s\" does not name \"%s\"\n", fx->err, want);
    assert_non_null(strstr(fx->err, want));
    assert_false(tp_exists(path));
    free(path);
}

static void
test_stock_bad_input(void **state)
{
    struct fx *fx = *state;
    struct prn_stock_report r = s_report();
    struct prn_stock_row rows[3];
    struct prn_loss losses[2];
    memcpy(rows, s_rows, sizeof rows);
    memcpy(losses, s_losses, sizeof losses);
    rows[0].losses = losses;
    r.rows = rows;

    rows[1].closing = 4;
    s_refused(fx, &r, "'rows[1].closing' is 4 but opening 5 + in 0 - out 2 - lost 0 is 3");
    rows[1].closing = 3;
    losses[1].qty = 5;
    s_refused(fx, &r, "'rows[0].losses' add up to 7 but 'lost' is 3");
    losses[1].qty = 1;
    rows[2].out = -300;
    s_refused(fx, &r, "'rows[2].out' is negative (-300)");
    rows[2].out = 300;
    rows[2].donor = "\xF0\x9F\x98";
    s_refused(fx, &r, "invalid UTF-8 in 'rows[2].donor'");
    rows[2].donor = "AECID";
    r.warehouse.code = NULL;
    s_refused(fx, &r, "missing 'warehouse.code'");
    r.warehouse.code = "ALM-PTO-MALDONADO";
    r.to = "2025-02-30x";
    s_refused(fx, &r, "'to' is not a date");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stock_reads_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stock_many_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stock_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
