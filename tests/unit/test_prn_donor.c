/* test_prn_donor.c: the donor delivery report — totals computed right, text and the
 * chain-head QR read back, 10,000 deliveries in reasonable time, bad input refused. */
#include "test_prn_util.h"

#include <time.h>

#include "error.h"
#include "prn_demo.h"
#include "printer.h"

#define HEAD "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"

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

/* Four deliveries, three by scan (one with a doubtful device clock), to three communities
 * in two shipments. */
static const struct prn_delivery s_rows[] = {
    {"2025-01-15", "ENV-2025-000101", {"COM-HCO-0012", "Comunidad Santa Rosa", "Huánuco",
                                       "Amarilis"},
     "HYGIENE-KIT", "Kit de higiene", "kits", 40, "Brigada Huánuco 3", true, false},
    {"2025-01-15", "ENV-2025-000101", {"COM-HCO-0012", "Comunidad Santa Rosa", "Huánuco",
                                       "Amarilis"},
     "FOOD-KIT", "Kit de alimentos", "kits", 25, "Brigada Huánuco 3", true, false},
    {"2025-02-03", "ENV-2025-000117", {"COM-CAJ-0105", "I.E. Nº 82015 Las Niñas de Cajamarca",
                                       "Cajamarca", "Cajamarca"},
     "HYGIENE-KIT", "Kit de higiene", "kits", 1200, "Brigada Cajamarca 1", false, false},
    {"2025-03-30", "ENV-2025-000117", {"COM-PUN-0999", "Comunidad Ñuñoa ŋ Ā", "Puno", NULL},
     "MEDICAL-KIT", "Botiquín", "kits", 12, NULL, true, true},
};

static const struct prn_discrepancy s_disc[] = {
    {"2025-01-15", "ENV-2025-000101", "Comunidad Santa Rosa", "FOOD-KIT", "Kit de alimentos", 30,
     25, PRN_REASON_DAMAGED, "Cajas mojadas por la lluvia"},
    {"2025-02-03", "ENV-2025-000117", "I.E. Nº 82015 Las Niñas de Cajamarca", "MEDICAL-KIT",
     "Botiquín", 10, 8, PRN_REASON_EXPIRED, NULL},
};

static const struct prn_held_stock s_held[] = {
    {"FOOD-KIT", "Kit de alimentos", "FK-2025-019", "2025-09-30",
     "Almacén San Juan de Lurigancho", 140},
};

static struct prn_donor_report
s_report(void)
{
    struct prn_donor_report r = {
        "CARE Perú", "Ayni · Red de Ayuda Humanitaria del Perú", "2025-01-01", "2025-03-31",
        s_rows, 4, s_disc, 2, s_held, 1, HEAD, 48213, NULL};
    return r;
}

static void
test_donor_reads_back(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    TP_NEED("zbarimg");
    struct prn_donor_report r = s_report();
    char *path = tu_path(fx->dir, "donor.pdf");
    int rc = prn_donor_report_write(&r, path, fx->err, sizeof fx->err);
    if (rc)
        fprintf(stderr, "%s\n", fx->err);
    assert_int_equal(rc, 0);
    tp_assert_qpdf(path);
    int pages = tp_pages(path);
    char *text = tp_text(path, 0, 0);
    TP_HAS(text, "INFORME DE ENTREGAS AL DONANTE");
    TP_HAS(text, "CARE Perú");
    TP_HAS(text, "01/01/2025 – 31/03/2025");
    TP_HAS(text, "75,0 %");  /* three of four by scan, with the decimal comma */
    TP_HAS(text, "Entregas con la hora del dispositivo dudosa: 1");
    TP_HAS(text, "Deliveries with a doubtful device clock: 1");
    TP_HAS(text, "1,240");   /* hygiene kits: 40 + 1,200 */
    TP_HAS(text, "Región / Region: Huánuco");
    TP_HAS(text, "I.E. Nº 82015 Las Niñas de Cajamarca");
    TP_HAS(text, "Comunidad Ñuñoa ŋ Ā");
    TP_HAS(text, "Brigada Cajamarca 1");
    TP_HAS(text, "dañado");
    TP_HAS(text, "Cajas mojadas");
    TP_HAS(text, "vencido");
    TP_HAS(text, "FK-2025-019");
    TP_HAS(text, "Evento Nº / Event seq: 48213");
    TP_HAS(text, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    for (int p = 1; p <= pages; p++) {
        char want[64];
        snprintf(want, sizeof want, "Página %d de %d", p, pages);
        TP_HAS(text, want);
    }
    free(text);
    char *qr = tp_qr(path, fx->dir, pages, pages);
    char buf[128], *want;
    want = xasprintf("%s\n", prn_chain_qr_text(buf, sizeof buf, 48213, HEAD));
    assert_string_equal(qr, want);
    TP_HAS(qr, "AYNI-CHAIN:48213:9f86d081");
    free(want);
    free(qr);
    free(path);
}

/* With a signed statement: its QR on the first page (not the chain's head), the signed
 * figures beside it, the tiles counting its deliveries, and the annex of deliveries. */
static void
test_donor_proof(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    TP_NEED("zbarimg");
    static const char qr_text[] =
        "AYNI-R1~donor*UNICEF~period*2026-11-01*2026-11-30~item*FOOD-KIT*12~item*TABLET*1~"
        "communities*2*e67489a934bc1adea572c9ed7e799d79adee09921551e8c4085a70942dcabf25~"
        "deliveries*3*2~checkpoint*27*e8305a2ad0bda485ef68463cba508f464899787ede3e45cc5dcf843df53593ff"
        "~key*9d24e2eeaf27c2a088a564a32fc03a88~sig*cxL-px3gzxnMeGzu-zgJtaHv2DVtFJVWseeiemHmJZBV-"
        "phgewH5bNtCNry1pAX0VYQewZSxrXwnZTdY78jQBg";
    static const struct prn_proof_item items[] = {{"FOOD-KIT", 12}, {"TABLET", 1}};
    static const struct prn_annex_row annex[] = {
        {"ENV-2026-000001", 1, "COM-0042", "2026-11-22 02:03", "Equipo 3", "phone-7"},
        {"ENV-2026-000001", 0, "COM-0042", "2026-11-22 02:05", NULL, "local"},
        {"ENV-2026-000002", 2, "COM-0107", "2026-11-23 10:40", "Equipo 3", "phone-7"},
    };
    struct prn_proof proof = {qr_text, "UNICEF", items, 2, 3, 2, 2, 27,
                              "e8305a2ad0bda485ef68463cba508f464899787ede3e45cc5dcf843df53593ff",
                              "9d24e2eeaf27c2a088a564a32fc03a88", "https://ong.example/clave",
                              annex, 3};
    struct prn_donor_report r = s_report();
    r.proof = &proof;
    char *path = tu_path(fx->dir, "donor-proof.pdf");
    int rc = prn_donor_report_write(&r, path, fx->err, sizeof fx->err);
    if (rc)
        fprintf(stderr, "%s\n", fx->err);
    assert_int_equal(rc, 0);
    int pages = tp_pages(path);
    char *first = tp_text(path, 1, 1);
    TP_HAS(first, "Cifras firmadas");
    TP_HAS(first, "Entregado / Delivered FOOD-KIT: 12");
    TP_HAS(first, "Entregado / Delivered TABLET: 1");
    TP_HAS(first, "Entregas / Deliveries: 3");
    TP_HAS(first, "Confirmadas por escaneo / Scan-confirmed: 2");
    TP_HAS(first, "9d24 e2ee af27 c2a0 88a5 64a3 2fc0 3a88");
    TP_HAS(first, "https://ong.example/clave");
    TP_HAS(first, "66,7 %"); /* the tiles count the statement's deliveries: 2 of 3 */
    free(first);
    char *last = tp_text(path, pages, pages);
    TP_HAS(last, "Anexo: cada entrega");
    TP_HAS(last, "ENV-2026-000002");
    TP_HAS(last, "2026-11-23 10:40");
    free(last);
    char *qr = tp_qr(path, fx->dir, 1, 1);
    char *want = xasprintf("%s\n", qr_text);
    assert_string_equal(qr, want);
    free(want);
    free(qr);
    /* a statement that is not one is refused, naming the field */
    proof.qr_text = "AYNI-CHAIN:1:00";
    assert_int_equal(prn_donor_report_write(&r, path, fx->err, sizeof fx->err), AYNI_EINVAL);
    TP_HAS(fx->err, "proof.qr_text");
    free(path);
}

/* The tiles on the cover: deliveries, communities, shipments, scan share. */
static void
test_donor_totals(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    struct prn_donor_report r = s_report();
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(prn_donor_report_render(&r, &pdf, &len, fx->err, sizeof fx->err), 0);
    char *path = tp_save(fx->dir, "mem.pdf", pdf, len);
    free(pdf);
    char *text = tp_text(path, 1, 1);
    /* the tile values sit on one line: 4 deliveries, 3 communities, 2 shipments */
    char *line = strstr(text, "75,0 %");
    assert_non_null(line);
    while (line > text && line[-1] != '\n')
        line--;
    char tiles[256];
    snprintf(tiles, sizeof tiles, "%.*s", (int)strcspn(line, "\n"), line);
    int a = -1, b = -1, c = -1;
    assert_int_equal(sscanf(tiles, " %d %d %d", &a, &b, &c), 3);
    assert_int_equal(a, 4);
    assert_int_equal(b, 3);
    assert_int_equal(c, 2);
    free(text);
    free(path);
}

static void
test_donor_10k_deliveries(void **state)
{
    struct fx *fx = *state;
    TP_NEED("qpdf");
    TP_NEED("zbarimg");
    struct prn_donor_report *r = prn_demo_donor_report(fx->demo, 10000);
    char *path = tu_path(fx->dir, "big.pdf");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(prn_donor_report_write(r, path, fx->err, sizeof fx->err), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "10,000 deliveries rendered in %.3f s\n", secs);
    assert_true(secs < 10.0); /* ~0.15 s optimised; generous for sanitizer builds */
    tp_assert_qpdf(path);
    int pages = tp_pages(path);
    assert_true(pages > 100);
    char want[64], *text = tp_text(path, pages, pages);
    snprintf(want, sizeof want, "Página %d de %d", pages, pages);
    TP_HAS(text, want);
    TP_HAS(text, "Verificación");
    free(text);
    text = tp_text(path, 0, 0);
    TP_HAS(text, "10,000"); /* the deliveries tile */
    free(text);
    char *qr = tp_qr(path, fx->dir, pages, pages), buf[128];
    char *expect = xasprintf("%s\n", prn_chain_qr_text(buf, sizeof buf, r->chain_seq,
                                                       r->chain_head));
    assert_string_equal(qr, expect);
    free(expect);
    free(qr);
    free(path);
}

static void
s_refused(struct fx *fx, const struct prn_donor_report *r, const char *want)
{
    char *path = tu_path(fx->dir, "bad.pdf");
    assert_int_equal(prn_donor_report_write(r, path, fx->err, sizeof fx->err), AYNI_EINVAL);
    if (!strstr(fx->err, want))
        fprintf(stderr, "message \"%s\" does not name \"%s\"\n", fx->err, want);
    assert_non_null(strstr(fx->err, want));
    assert_false(tp_exists(path));
    free(path);
}

static void
test_donor_bad_input(void **state)
{
    struct fx *fx = *state;
    struct prn_donor_report r = s_report();
    struct prn_delivery rows[4];
    struct prn_discrepancy disc[2];
    memcpy(rows, s_rows, sizeof rows);
    memcpy(disc, s_disc, sizeof disc);
    r.deliveries = rows, r.discrepancies = disc;

    r.chain_head = "9f86d081";
    s_refused(fx, &r, "'chain_head' is not 64 hexadecimal digits");
    r.chain_head = HEAD;
    r.chain_seq = 0;
    s_refused(fx, &r, "'chain_seq'");
    r.chain_seq = 7;
    r.from = "2025-04-01";
    s_refused(fx, &r, "'from' (2025-04-01) is after 'to' (2025-03-31)");
    r.from = "2025-01-01";
    rows[2].date = "2025-04-02";
    s_refused(fx, &r, "'deliveries[2].date' (2025-04-02) is outside the period");
    rows[2].date = "2025-02-03";
    rows[1].community.name = "Santa Rosa \xC0\x80";
    s_refused(fx, &r, "invalid UTF-8 in 'deliveries[1].community.name'");
    rows[1].community.name = "Comunidad Santa Rosa";
    rows[3].qty = -1;
    s_refused(fx, &r, "'deliveries[3].qty' is negative (-1)");
    rows[3].qty = 1;
    disc[1].received = 10;
    s_refused(fx, &r, "'discrepancies[1].received' (10) is not less than 'sent' (10)");
    disc[1].received = 8;
    disc[0].reason = (enum prn_reason)0;
    s_refused(fx, &r, "'discrepancies[0].reason' is not a known reason");
    disc[0].reason = PRN_REASON_DAMAGED;
    r.donor = NULL;
    s_refused(fx, &r, "missing 'donor'");
    r.donor = "CARE Perú";
    r.deliveries = NULL;
    s_refused(fx, &r, "missing 'deliveries'");
    r.deliveries = rows;
    char *ok = tu_path(fx->dir, "ok.pdf");
    assert_int_equal(prn_donor_report_write(&r, ok, fx->err, sizeof fx->err), 0);
    free(ok);
}

/* No deliveries at all still makes a complete, checkable report. */
static void
test_donor_empty(void **state)
{
    struct fx *fx = *state;
    TP_NEED("pdftotext");
    struct prn_donor_report r = s_report();
    r.deliveries = NULL, r.ndeliveries = 0;
    r.discrepancies = NULL, r.ndiscrepancies = 0;
    r.held = NULL, r.nheld = 0;
    char *path = tu_path(fx->dir, "empty.pdf");
    assert_int_equal(prn_donor_report_write(&r, path, fx->err, sizeof fx->err), 0);
    tp_assert_qpdf(path);
    char *text = tp_text(path, 0, 0);
    TP_HAS(text, "Sin entregas en el periodo");
    TP_HAS(text, "Evento Nº / Event seq: 48213");
    free(text);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_donor_reads_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_donor_proof, setup, teardown),
        cmocka_unit_test_setup_teardown(test_donor_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_donor_10k_deliveries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_donor_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_donor_empty, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
