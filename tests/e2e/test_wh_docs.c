/* test_wh_docs.c: the PDFs of the real ayni-warehouse, read back as the outside world
 * sees them: `slip` (A6 and A4 labels) and `slips --dispatched` (every dispatched
 * shipment; a progress bar on a terminal, none when piped) pass `qpdf --check`, and every
 * QR code on them, rasterised (pdftoppm) and decoded (zbarimg), is a token that verifies
 * against aynid's public key (core_token_verify); `report donor` and `report stock` show
 * accented names right (pdftotext).  One aynid for the file: these commands change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem.h"
#include "wh_cli.h"

struct fx {
    struct e2e *e;
    char a[32];       /* dispatched to Huánuco: 6 packages (FOOD-KIT 3, HYGIENE-KIT 2, TABLET 1) */
    char b[32];       /* dispatched to Cusco: 1 package */
    char draft[32];   /* still a draft */
    char gone[32];    /* dispatched, then cancelled */
    char arrived[32]; /* dispatched to Huánuco and delivered (a scan of its slip) */
    char from[11], to[11];
};

static void
s_code(json_t *r, char out[32])
{
    snprintf(out, 32, "%s", json_string_value(json_object_get(r, "code")));
    json_decref(r);
}

static void
s_shipment(struct e2e *e, const char *to, const char *team, char code[32])
{
    s_code(e2e_ok(e, "shipment.create",
                  e2e_pack("{ss ss ss}", "from", "ALM-LIMA-SJL", "to", to, "team", team)),
           code);
}

static void
s_line(struct e2e *e, const char *code, const char *item, int qty, int packages)
{
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", code, "item", item, "qty", qty,
                                "packages", packages)));
}

static json_t *
s_dispatch(struct e2e *e, const char *code)
{
    return e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code));
}

static int
s_setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    struct e2e *e = fx->e = e2e_new();
    e2e_start(e);
    wh_seed_catalog(e);
    char later[11];
    e2e_date(400, later);
    e2e_date(-30, fx->from);
    e2e_date(1, fx->to);
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "SOFTYS", "item",
                                "HYGIENE-KIT", "lot", "SOF-HIG-2611", "qty", 400)));
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "CARE-PE",
                                "item", "FOOD-KIT", "lot", "CARE-ALI-2701", "expiry", later, "qty",
                                120)));
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss s[ss]}", "at", "ALM-LIMA-SJL", "donor", "AECID", "item",
                                "TABLET", "serials", "TAB-AE-0001", "TAB-AE-0002")));

    s_shipment(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco", fx->a);
    s_line(e, fx->a, "FOOD-KIT", 30, 3);
    s_line(e, fx->a, "HYGIENE-KIT", 20, 2);
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss s[s]}", "shipment", fx->a, "item", "TABLET", "serials",
                                "TAB-AE-0001")));
    json_decref(s_dispatch(e, fx->a));
    s_shipment(e, "COM-CUSCO-QUELLO", "Equipo Cusco", fx->b);
    s_line(e, fx->b, "HYGIENE-KIT", 10, 1);
    json_decref(s_dispatch(e, fx->b));
    s_shipment(e, "COM-CAJ-82015", "Equipo Cajamarca", fx->draft);
    s_line(e, fx->draft, "HYGIENE-KIT", 5, 1);
    s_shipment(e, "COM-PUNO-UROS", "Equipo Puno", fx->gone);
    s_line(e, fx->gone, "HYGIENE-KIT", 5, 1);
    json_decref(s_dispatch(e, fx->gone));
    json_decref(e2e_ok(e, "shipment.cancel",
                       e2e_pack("{ss ss}", "shipment", fx->gone, "reason", "lago agitado")));
    /* CARE Perú's food kits reach Huánuco: the donor report has a delivery to show. */
    s_shipment(e, "COM-HCO-CHURUBAMBA", "Equipo Huánuco", fx->arrived);
    s_line(e, fx->arrived, "FOOD-KIT", 12, 2);
    json_t *d = s_dispatch(e, fx->arrived);
    json_decref(e2e_ok(e, "delivery.confirm",
                       e2e_pack("{ss ss ss}", "token",
                                json_string_value(json_object_get(d, "token")), "scan_id",
                                "scan-churubamba-1", "team", "Equipo Huánuco")));
    json_decref(d);
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

static int
s_pages(const char *pdf)
{
    char *out = wh_sh(NULL, "pdfinfo '%s' 2>/dev/null | sed -n 's/^Pages: *//p'", pdf);
    int n = atoi(out);
    free(out);
    return n;
}

/* The PDF is sound and its QR codes are the slip's and every label's genuine tokens. */
static void
s_assert_slip(struct fx *fx, const char *pdf, const char *code, size_t packages)
{
    wh_assert_pdf(pdf);
    json_t *codes = wh_pdf_qr(pdf, fx->e->dir);
    assert_int_equal(wh_assert_tokens(fx->e, codes, code), packages + 1);
    json_decref(codes);
}

static void
test_slip_a6_and_a4(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("qpdf");
    wh_need("pdftoppm");
    wh_need("zbarimg");
    wh_need("pdftotext");
    char *a6 = xasprintf("%s/%s.pdf", e->dir, fx->a);
    char *a4 = xasprintf("%s/%s-a4.pdf", e->dir, fx->a);
    char *lower = xstrdup(fx->a);
    for (char *p = lower; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    char *out = wh_expect(e, 0, "slip", lower, "-o", a6, NULL);
    WH_HAS(out, a6);
    free(out);
    s_assert_slip(fx, a6, fx->a, 6);
    char *text = wh_pdf_text(a6);
    WH_HAS(text, fx->a);
    WH_HAS(text, "Comunidad Santa Rosa");
    WH_HAS(text, "Huánuco");
    WH_HAS(text, "Equipo Huánuco");
    free(text);

    json_t *r = wh_json(e, 0, "slip", fx->a, "-o", a4, "--labels", "a4", NULL);
    assert_string_equal(json_string_value(json_object_get(r, "file")), a4);
    assert_string_equal(json_string_value(json_object_get(r, "shipment")), fx->a);
    json_decref(r);
    s_assert_slip(fx, a4, fx->a, 6);
    /* Four labels a page on A4, one on A6: fewer pages. */
    assert_true(s_pages(a4) < s_pages(a6));
    free(lower);
    free(a6);
    free(a4);
}

static void
test_slip_refused(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    char *pdf = xasprintf("%s/refused.pdf", e->dir);
    char *err = wh_expect_err(e, 1, "slip", fx->draft, "-o", pdf, NULL);
    char *hint = xasprintf("shipment dispatch %s", fx->draft);
    WH_HAS(err, "está borrador");
    WH_HAS(err, hint);
    free(hint);
    free(err);
    err = wh_expect_err(e, 1, "slip", fx->gone, "-o", pdf, NULL);
    WH_HAS(err, "está anulado");
    free(err);
    err = wh_expect_err(e, 2, "slip", fx->a, "-o", pdf, "--labels", "a5", NULL);
    WH_HAS(err, "--labels debe ser a6");
    free(err);
    err = wh_expect_err(e, 2, "slip", fx->a, NULL);
    WH_HAS(err, "falta -o");
    free(err);
    assert_false(wh_exists(pdf));
    free(pdf);
}

/* Piped: no progress bar; it says where the files went; one PDF per dispatched shipment,
 * none for the draft, the cancelled or the delivered one. */
static void
test_slips_dispatched_piped(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("qpdf");
    wh_need("pdftoppm");
    wh_need("zbarimg");
    char *dir = xasprintf("%s/guias-hoy", e->dir);
    struct wh_out o;
    wh_run(&o, e, "slips", "--dispatched", "-o", dir, NULL);
    assert_int_equal(o.status, 0);
    WH_HAS(o.out, "2 guías");
    WH_HAS(o.out, dir);
    WH_HASNT(o.err, "\r");
    WH_HASNT(o.err, "#");
    assert_string_equal(o.err, "");
    wh_out_clear(&o);
    char *a = xasprintf("%s/%s.pdf", dir, fx->a), *b = xasprintf("%s/%s.pdf", dir, fx->b);
    s_assert_slip(fx, a, fx->a, 6);
    s_assert_slip(fx, b, fx->b, 1);
    char *n = wh_sh(NULL, "ls '%s' | wc -l", dir);
    assert_int_equal(atoi(n), 2);
    free(n);
    free(a);
    free(b);
    free(dir);
}

/* What a terminal shows of text: carriage returns go back to the start of the line,
 * ESC [ K clears to its end.  A new string. */
static char *
s_screen(const char *text)
{
    size_t len = 0, start = 0, col = 0; /* the screen's length, its last line's start, the cursor */
    char *screen = xcalloc(1, strlen(text) + 1);
    for (const char *p = text; *p; p++) {
        if (*p == '\r') {
            col = start;
        } else if (!strncmp(p, "\033[K", 3)) {
            len = col;
            p += 2;
        } else if (*p == '\n') {
            screen[len++] = '\n';
            start = col = len;
        } else {
            screen[col++] = *p;
            len = col > len ? col : len;
        }
        screen[len] = '\0';
    }
    return screen;
}

/* slips in a tmux session of 40 columns, as a small screen shows it: the pane, its lines
 * joined where the terminal wrapped them (capture-pane -J), has no line wider than 40, so
 * the terminal cut no word; the bar ends at "2/2 listo" and the summary is whole.  Skipped
 * when tmux is not installed. */
static void
test_slips_tmux_40_columns(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    int status;
    free(wh_sh(&status, "command -v tmux >/dev/null"));
    if (status != 0) {
        fprintf(stderr, "skipped: tmux is not installed\n");
        skip();
    }
    char *sock = xasprintf("ayni-slips-%d", (int)getpid());
    free(wh_sh(&status,
               "cd '%s' && tmux -L '%s' -f /dev/null new-session -d -x 40 -y 20 "
               "\"env -u LANG -u LC_ALL AYNI_LANG=es AYNI_API='%s' AYNI_EVENTS='%s' "
               "'%s' slips --dispatched -o g; echo FIN=\\$?; sleep 60\"",
               e->dir, sock, e->api, e->events, wh_cli_path()));
    assert_int_equal(status, 0);
    char *pane = NULL;
    for (int i = 0; i < 200; i++) { /* at most 20 s */
        free(pane);
        pane = wh_sh(NULL, "tmux -L '%s' capture-pane -p -J -t 0", sock);
        if (strstr(pane, "FIN="))
            break;
        usleep(100 * 1000);
    }
    free(wh_sh(NULL, "tmux -L '%s' kill-server 2>/dev/null", sock));
    WH_HAS(pane, "FIN=0");
    WH_HAS(pane, "] 2/2 listo");
    WH_HAS(pane, "2 guías con etiquetas en g/");
    wh_assert_fits(pane, 40);
    char *a = xasprintf("%s/g/%s.pdf", e->dir, fx->a);
    assert_true(wh_exists(a));
    free(a);
    free(pane);
    free(sock);
}

/* On a terminal: a progress bar that ends, cleanly, at 2/2. */
static void
test_slips_dispatched_terminal(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    char *dir = xasprintf("%s/guias-tty", e->dir);
    struct wh_out o;
    wh_run_pty(&o, e, "slips", "--dispatched", "-o", dir, NULL);
    assert_int_equal(o.status, 0);
    WH_HAS(o.out, "\r[");
    WH_HAS(o.out, "#");
    WH_HAS(o.out, "2 guías");
    char *screen = s_screen(o.out);
    WH_HAS(screen, "[##############################] 2/2 listo\n");
    free(screen);
    wh_out_clear(&o);
    /* In a terminal of 40 columns the bar narrows and no line is wider, the code whole. */
    wh_set_columns(40);
    wh_run_pty(&o, e, "slips", "--dispatched", "-o", dir, NULL);
    wh_set_columns(0);
    assert_int_equal(o.status, 0);
    /* the bar's line; the summary after it names the folder, which no width can split */
    char *bar = xstrndup(o.out, strcspn(o.out, "\n"));
    wh_assert_fits(bar, 40);
    WH_HAS(bar, "ENV-");
    free(bar);
    screen = s_screen(o.out);
    WH_HAS(screen, "] 2/2 listo\n");
    WH_HASNT(screen, "[##############################]");
    free(screen);
    wh_out_clear(&o);
    char *a = xasprintf("%s/%s.pdf", dir, fx->a);
    assert_true(wh_exists(a));
    free(a);
    /* --json: the files, as a list. */
    json_t *files = wh_json(e, 0, "slips", "--dispatched", "-o", dir, "--labels", "a4", NULL);
    assert_int_equal(json_array_size(files), 2);
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) assert_true(wh_exists(json_string_value(f)));
    json_decref(files);
    free(dir);
}

/* --jobs: one worker or more than there are shipments print the same files; a bad
 * count is a usage error; when every worker fails, the failure is reported once. */
static void
test_slips_jobs(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("qpdf");
    wh_need("pdftoppm");
    wh_need("zbarimg");
    char *dir = xasprintf("%s/guias-jobs", e->dir);
    for (int i = 0; i < 2; i++) {
        json_t *files = wh_json(e, 0, "slips", "--dispatched", "-o", dir, "--jobs",
                                i ? "5" : "1", NULL);
        assert_int_equal(json_array_size(files), 2);
        json_decref(files);
        char *a = xasprintf("%s/%s.pdf", dir, fx->a);
        s_assert_slip(fx, a, fx->a, 6);
        free(a);
    }
    char *err = wh_expect_err(e, 2, "slips", "--dispatched", "-o", dir, "--jobs", "0", NULL);
    WH_HAS(err, "--jobs debe ser un número de 1 a 64, no '0'");
    free(err);
    /* a folder where each PDF should go: no worker can write its file */
    char *bad = xasprintf("%s/guias-bad", e->dir);
    free(wh_sh(NULL, "mkdir -p '%s/%s.pdf' '%s/%s.pdf'", bad, fx->a, bad, fx->b));
    err = wh_expect_err(e, 2, "slips", "--dispatched", "-o", bad, "--jobs", "2", NULL);
    WH_HAS(err, "no se puede imprimir la guía de 'ENV-");
    /* the system's reason, in Spanish where the C library has it (libc-l10n) */
    WH_HAS(err, "guias-bad/ENV-");
    assert_true(strstr(err, "Is a directory") || strstr(err, "Es un directorio"));
    assert_int_equal(wh_count(err, "ayni-warehouse:"), 1);
    free(err);
    free(bad);
    free(dir);
}

static void
test_report_donor(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("qpdf");
    wh_need("pdftotext");
    char *pdf = xasprintf("%s/care-noviembre.pdf", e->dir);
    char *out = wh_expect(e, 0, "report", "donor", "care-pe", "--from", fx->from, "--to", fx->to,
                          "-o", pdf, NULL);
    WH_HAS(out, pdf);
    free(out);
    wh_assert_pdf(pdf);
    char *text = wh_pdf_text(pdf);
    WH_HAS(text, "CARE Perú");
    WH_HAS(text, "Huánuco");
    WH_HAS(text, "Comunidad Churubamba");
    WH_HAS(text, "Almacén San Juan de Lurigancho"); /* what it still holds */
    free(text);
    json_t *r = wh_json(e, 0, "report", "donor", "CARE-PE", "--from", fx->from, "--to", fx->to,
                        "-o", pdf, NULL);
    assert_string_equal(json_string_value(json_object_get(r, "file")), pdf);
    json_decref(r);
    char *err = wh_expect_err(e, 1, "report", "donor", "CARE-P", "--from", fx->from, "--to",
                              fx->to, "-o", pdf, NULL);
    WH_HAS(err, "¿quisiste decir 'CARE-PE'?");
    free(err);
    free(pdf);
}

static void
test_report_stock(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("qpdf");
    wh_need("pdftotext");
    char *pdf = xasprintf("%s/stock-sjl.pdf", e->dir);
    char *out = wh_expect(e, 0, "report", "stock", "--at", "alm-lima-sjl", "--from", fx->from,
                          "--to", fx->to, "-o", pdf, NULL);
    WH_HAS(out, pdf);
    free(out);
    wh_assert_pdf(pdf);
    char *text = wh_pdf_text(pdf);
    WH_HAS(text, "Almacén San Juan de Lurigancho");
    WH_HAS(text, "CARE-ALI-2701");
    WH_HAS(text, "Kit de alimentos");
    free(text);
    json_t *r = wh_json(e, 0, "report", "stock", "--at", "ALM-LIMA-SJL", "--from", fx->from,
                        "--to", fx->to, "-o", pdf, NULL);
    assert_string_equal(json_string_value(json_object_get(r, "file")), pdf);
    json_decref(r);
    char *err = wh_expect_err(e, 1, "report", "stock", "--at", "ALM-LIMA-SLJ", "--from",
                              fx->from, "--to", fx->to, "-o", pdf, NULL);
    WH_HAS(err, "¿quisiste decir 'ALM-LIMA-SJL'?");
    free(err);
    free(pdf);
}

/* No --from/--to: the current month in Lima (aynid gives no other zone here); a period
 * with no deliveries says so on the terminal and on the page; one date alone is wrong. */
static void
test_report_this_month(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("pdftotext");
    char *month = wh_sh(NULL, "TZ=America/Lima date +%%Y-%%m");
    month[strcspn(month, "\n")] = '\0';
    char *period = xasprintf("período: %s-01 – %s-", month, month);
    char *pdf = xasprintf("%s/care-mes.pdf", e->dir);
    char *out = wh_expect(e, 0, "report", "donor", "CARE-PE", "-o", pdf, NULL);
    WH_HAS(out, period);
    WH_HASNT(out, "sin entregas");
    free(out);
    char *text = wh_pdf_text(pdf);
    WH_HAS(text, "Comunidad Churubamba");
    WH_HASNT(text, "Sin entregas en este período");
    free(text);
    json_t *r = wh_json(e, 0, "report", "donor", "CARE-PE", "-o", pdf, NULL);
    char *from = xasprintf("%s-01", month);
    assert_string_equal(json_string_value(json_object_get(r, "from")), from);
    free(from);
    json_decref(r);

    out = wh_expect(e, 0, "report", "donor", "PERU-VOLUNTARIO", "-o", pdf, NULL);
    WH_HAS(out, period);
    WH_HAS(out, "sin entregas en este período");
    WH_HASNT(out, "no deliveries");
    free(out);
    text = wh_pdf_text(pdf);
    WH_HAS(text, "Sin entregas en este período");
    WH_HAS(text, "No deliveries in this period");
    free(text);
    char *st = xasprintf("%s/stock-mes.pdf", e->dir);
    out = wh_expect(e, 0, "report", "stock", "--at", "ALM-LIMA-SJL", "-o", st, NULL);
    WH_HAS(out, period);
    free(out);
    out = wh_expect(e, 0, "report", "stock", "--at", "ALM-PTO-MALDONADO", "--from", "2020-01-01",
                    "--to", "2020-01-31", "-o", st, NULL);
    WH_HAS(out, "sin movimientos de stock en este período");
    free(out);

    char *err = wh_expect_err(e, 2, "report", "donor", "CARE-PE", "--from", "2026-11-01", "-o",
                              pdf, NULL);
    WH_HAS(err, "da --from y --to, o ninguno de los dos");
    free(err);
    free(st);
    free(pdf);
    free(period);
    free(month);
}

/* slip, slips and report create their output folder and its parents (mode 0755); a
 * file in the way is a usage error (2), and so is a folder that cannot be made. */
static void
test_output_folders(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    char *slip = xasprintf("%s/nuevo/guias/%s.pdf", e->dir, fx->a);
    free(wh_expect(e, 0, "slip", fx->a, "-o", slip, NULL));
    assert_true(wh_exists(slip));
    char *mode = wh_sh(NULL, "stat -c %%a '%s/nuevo' '%s/nuevo/guias'", e->dir, e->dir);
    assert_string_equal(mode, "755\n755\n");
    free(mode);
    char *dir = xasprintf("%s/nuevo/todas/hoy", e->dir);
    free(wh_expect(e, 0, "slips", "--dispatched", "-o", dir, NULL));
    char *a = xasprintf("%s/%s.pdf", dir, fx->a);
    assert_true(wh_exists(a));
    char *rep = xasprintf("%s/informes/2026/care.pdf", e->dir);
    free(wh_expect(e, 0, "report", "donor", "CARE-PE", "-o", rep, NULL));
    assert_true(wh_exists(rep));
    char *st = xasprintf("%s/informes/stock/sjl.pdf", e->dir);
    free(wh_expect(e, 0, "report", "stock", "--at", "ALM-LIMA-SJL", "-o", st, NULL));
    assert_true(wh_exists(st));
    char *in_way = xasprintf("%s/informes/2026/care.pdf/x.pdf", e->dir);
    char *err = wh_expect_err(e, 2, "report", "donor", "CARE-PE", "-o", in_way, NULL);
    WH_HAS(err, "no se puede crear la carpeta");
    WH_HAS(err, "care.pdf'");
    free(err);
    err = wh_expect_err(e, 2, "slip", fx->a, "-o", "/proc/ayni/x.pdf", NULL);
    WH_HAS(err, "no se puede crear la carpeta '/proc/ayni'");
    free(err);
    err = wh_expect_err(e, 2, "slips", "--dispatched", "-o", in_way, NULL);
    WH_HAS(err, "no se puede crear la carpeta");
    free(err);
    free(in_way);
    free(st);
    free(rep);
    free(a);
    free(dir);
    free(slip);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slip_a6_and_a4),
        cmocka_unit_test(test_slip_refused),
        cmocka_unit_test(test_slips_dispatched_piped),
        cmocka_unit_test(test_slips_dispatched_terminal),
        cmocka_unit_test(test_slips_tmux_40_columns),
        cmocka_unit_test(test_slips_jobs),
        cmocka_unit_test(test_report_donor),
        cmocka_unit_test(test_report_stock),
        cmocka_unit_test(test_report_this_month),
        cmocka_unit_test(test_output_folders),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: slips and reports", tests, s_setup,
                                       s_teardown);
}
