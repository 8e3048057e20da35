/* test_scan_offline.c: a delivery day with ayni-scan and no signal, end to end.
 *
 * `init` against a real aynid; aynid stops (no signal); the team scans a package piped,
 * a package from a PNG photo, a package with a shortfall in a terminal, and the slip
 * for the rest, while forged, altered and truncated codes are refused on the spot and
 * never queued; aynid comes back; `sync` sends everything; the community's stock is
 * what was delivered, the shortfall is in loss with its reason, the shipment is
 * delivered, and a second `sync` changes nothing.
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
#include "scan_cli.h"

struct fx {
    struct e2e *e;
    char *queue;
    json_t *ship; /* 30 FOOD-KIT in 3 packages + tablet SN-1: 4 packages */
};

static int
s_setup(void **state)
{
    unsetenv("AYNI_API");
    unsetenv("AYNI_SCAN_QUEUE");
    struct fx *f = xcalloc(1, sizeof *f);
    f->e = e2e_new();
    e2e_start(f->e);
    e2e_seed(f->e);
    f->ship = scan_dispatch(f->e, "Equipo Q'ero", 30, 3, "SN-1");
    f->queue = xasprintf("%s/team/scan.db", f->e->dir);
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    json_decref(f->ship);
    free(f->queue);
    e2e_destroy(&f->e);
    free(f);
    return 0;
}

static void
s_init(struct fx *f)
{
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Q'ero",
                 "--device", "tableta-1", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "listo"));
    assert_non_null(strstr(o.out, "envíos en camino guardados: 1 (1 de este equipo)"));
    scan_cli_clear(&o);
}

/* Package 1 piped, among codes that must all be refused. */
static void
s_scan_piped(struct fx *f)
{
    char *forged = scan_forged(f->ship, 2);
    char *altered = xstrdup(scan_token(f->ship, 2));
    size_t at = strlen(altered) - 10;
    altered[at] = altered[at] == 'A' ? 'B' : 'A';
    char *input = xasprintf("%s\n\n   \n%s\n%s\n%.100s\n", scan_token(f->ship, 1), forged,
                            altered, scan_token(f->ship, 2));
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, input, "--queue", f->queue, NULL);
    assert_int_equal(o.status, 1); /* codes were refused */
    assert_non_null(strstr(o.out, "Envío "));
    assert_non_null(strstr(o.out, "paquete 1 de 4 · 10 kits de alimentos · destino: Comunidad "
                                  "Q'ero, Cusco"));
    assert_int_equal(scan_count(o.out, "guardado ("), 1);
    assert_non_null(strstr(o.out, "se enviará al sincronizar"));
    assert_int_equal(scan_count(o.out, "✗ RECHAZADO"), 3);
    assert_non_null(strstr(o.out, "código falsificado"));
    assert_non_null(strstr(o.out, "código alterado"));
    assert_non_null(strstr(o.out, "código ilegible o incompleto"));
    assert_int_equal(scan_count(o.out, "no se guardó"), 3);
    scan_cli_clear(&o);
    free(input);
    free(altered);
    free(forged);
}

/* The shipment's slip and labels printed by the real ayni-warehouse (A6 labels, after the
 * slip's pages), package 2's label page rasterised at 150 dpi as a phone photo would be:
 * the paper path.  Done while aynid still runs; NULL (and a note) without the tools. */
static char *
s_print_label_png(struct fx *f)
{
    const char *wh = getenv("AYNI_WAREHOUSE");
    if (!wh || !*wh || system("command -v pdftoppm >/dev/null && command -v pdfinfo >/dev/null")) {
        fprintf(stderr, "note: no ayni-warehouse or poppler: package 2 from a drawn QR instead\n");
        return NULL;
    }
    const char *code = json_string_value(json_object_get(f->ship, "code"));
    char *pdf = xasprintf("%s/guia.pdf", f->e->dir);
    char *cmd = xasprintf("AYNI_API='%s' AYNI_EVENTS='%s' '%s' slip %s -o '%s' >/dev/null", f->e->api,
                          f->e->events, wh, code, pdf);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    cmd = xasprintf("pdfinfo '%s' | sed -n 's/^Pages: *//p'", pdf);
    FILE *p = popen(cmd, "r");
    int pages = 0;
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &pages), 1);
    pclose(p);
    free(cmd);
    int page = pages - 4 + 2; /* 4 labels follow the slip: the 2nd label's page */
    cmd = xasprintf("pdftoppm -r 150 -png -f %d -l %d -singlefile '%s' '%s/paquete-2'", page,
                    page, pdf, f->e->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(pdf);
    return xasprintf("%s/paquete-2.png", f->e->dir);
}

/* Package 2 from a photo of its printed label. */
static void
s_scan_photo(struct fx *f, char *printed)
{
    char *png = printed;
    if (!png) {
        png = xasprintf("%s/paquete-2.png", f->e->dir);
        const char *codes[] = {scan_token(f->ship, 2)};
        scan_qr_photo(png, codes, 1, false);
    }
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "image", png, "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "código 1 de 1"));
    assert_non_null(strstr(o.out, "paquete 2 de 4"));
    assert_non_null(strstr(o.out, "guardado ("));
    scan_cli_clear(&o);
    free(png);
}

/* Package 3 in a terminal: 7 of 10 arrived, 3 damaged. */
static void
s_scan_terminal(struct fx *f)
{
    struct scan_pty p;
    scan_pty_start(&p, "--queue", f->queue, NULL);
    scan_pty_expect(&p, "Ctrl-D para terminar");
    scan_pty_type(&p, scan_token(f->ship, 3));
    scan_pty_expect(&p, "paquete 3 de 4 · 10 kits de alimentos");
    scan_pty_expect(&p, "¿Llegó todo el paquete? [S/n]");
    scan_pty_type(&p, "n");
    scan_pty_expect(&p, "Kit de alimentos (línea 1): ¿cuántos llegaron, de 10?");
    scan_pty_type(&p, "7");
    scan_pty_expect(&p, "¿Por qué faltan 3? 1) dañados");
    scan_pty_type(&p, "1");
    scan_pty_expect(&p, "7 recibidos; motivo: dañado (damaged)");
    scan_pty_expect(&p, "se enviará al sincronizar");
    scan_pty_eof(&p);
    assert_int_equal(scan_pty_wait(&p), 0);
}

/* The slip's code: every package not yet scanned (the tablet, package 4). */
static void
s_scan_slip(struct fx *f)
{
    char *input = xasprintf("%s\r\n", scan_token(f->ship, 0));
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, input, "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "guía del envío completo (4 paquetes) · 30 kits de alimentos, "
                                  "1 tableta"));
    assert_non_null(strstr(o.out, "cubre el paquete 4"));
    assert_non_null(strstr(o.out, "guardado ("));
    scan_cli_clear(&o);
    free(input);
}

static void
s_check_delivered(struct fx *f)
{
    const char *code = json_string_value(json_object_get(f->ship, "code"));
    json_t *s = e2e_ok(f->e, "shipment.get", e2e_pack("{ss}", "shipment", code));
    assert_string_equal(json_string_value(json_object_get(s, "state")), "delivered");
    json_decref(s);
    assert_int_equal(scan_stock(f->e, "COM-0042", "FOOD-KIT"), 27);
    assert_int_equal(scan_stock(f->e, "COM-0042", "TABLET"), 1);
    assert_int_equal(scan_stock(f->e, "LOSS", "FOOD-KIT"), 3);
    json_t *short_ = scan_events(f->e, "delivery.discrepancy");
    assert_int_equal(json_array_size(short_), 1);
    json_t *d = json_array_get(short_, 0);
    assert_string_equal(json_string_value(json_object_get(d, "reason")), "damaged");
    assert_int_equal(json_integer_value(json_object_get(d, "short")), 3);
    json_decref(short_);
    json_t *confirmed = scan_events(f->e, "delivery.confirmed");
    assert_int_equal(json_array_size(confirmed), 4);
    json_decref(confirmed);
}

static void
test_offline_day(void **state)
{
    struct fx *f = *state;
    s_init(f);
    char *label = s_print_label_png(f);
    assert_int_equal(e2e_stop(f->e), 0); /* no signal from here on */
    s_scan_piped(f);
    s_scan_photo(f, label);
    s_scan_terminal(f);
    s_scan_slip(f);
    json_t *st = scan_status(f->e->dir, f->queue);
    assert_int_equal(scan_state_count(st, "queued"), 4);
    assert_int_equal(scan_state_count(st, "sent"), 0);
    json_decref(st);

    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->queue, "--timeout", "1", NULL);
    assert_int_equal(o.status, 3); /* still no signal */
    assert_non_null(strstr(o.out, "sin conexión con el núcleo"));
    scan_cli_clear(&o);

    e2e_start(f->e); /* signal again */
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(scan_count(o.out, "✓ "), 4);
    assert_non_null(strstr(o.out, "envío entregado completo"));
    assert_non_null(strstr(o.out, "enviados 4, rechazados 0, en cola 0"));
    scan_cli_clear(&o);
    s_check_delivered(f);

    long long head = e2e_head(f->e);
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "nada en cola"));
    scan_cli_clear(&o);
    assert_int_equal(e2e_head(f->e), head);
    s_check_delivered(f);

    scan_cli_run(&o, f->e->dir, NULL, "status", "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "En cola (0)"));
    assert_non_null(strstr(o.out, "Enviados (4)"));
    assert_non_null(strstr(o.out, "Último contacto con el núcleo: "));
    assert_null(strstr(o.out, "last contact: nunca"));
    scan_cli_clear(&o);
}

/* --line: what arrived, said on the command line (no terminal, no questions), for one
 * code; checked offline against what that code covers, as the questions are. */
static void
test_line_form(void **state)
{
    struct fx *f = *state;
    s_init(f);
    struct scan_cli_out o;
    char *one = xasprintf("%s\n", scan_token(f->ship, 1));
    /* malformed: usage errors before anything is read */
    static const char *const bad[] = {"1=8:xyz", "1=", "x=3:damaged", "0=3:damaged", "1=-2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scan_cli_run(&o, f->e->dir, one, "--queue", f->queue, "--line", bad[i], NULL);
        assert_int_equal(o.status, 2);
        assert_non_null(strstr(o.err, "N=RECIBIDOS:MOTIVO"));
        scan_cli_clear(&o);
    }
    scan_cli_run(&o, f->e->dir, one, "--queue", f->queue, "--line", "1=8:damaged",
                 "--all-received", NULL);
    assert_int_equal(o.status, 2);
    scan_cli_clear(&o);
    /* more than was sent, a line not in the package, a shortfall without its reason */
    static const char *const wrong[] = {"1=11:damaged", "2=0:missing", "1=8"};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        scan_cli_run(&o, f->e->dir, one, "--queue", f->queue, "--line", wrong[i], NULL);
        assert_int_equal(o.status, 1);
        assert_non_null(strstr(o.out, "no se registró"));
        scan_cli_clear(&o);
    }
    json_t *st = scan_status(f->e->dir, f->queue);
    assert_int_equal(scan_state_count(st, "queued") + scan_state_count(st, "sent"), 0);
    json_decref(st);
    /* right: recorded with the line; a second code in the same run is refused */
    char *two = xasprintf("%s\n%s\n", scan_token(f->ship, 1), scan_token(f->ship, 2));
    scan_cli_run(&o, f->e->dir, two, "--queue", f->queue, "--line", "1=8:dañados", NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "línea 1: 8 recibidos; motivo: dañado (damaged)"));
    assert_non_null(strstr(o.out, "--line vale para un solo código"));
    scan_cli_clear(&o);
    st = scan_status(f->e->dir, f->queue);
    assert_int_equal(scan_state_count(st, "queued") + scan_state_count(st, "sent"), 1);
    json_decref(st);
    free(two);
    free(one);
}

/* --json on every command: the result as one JSON object on standard output, the words
 * for the team on standard error. */
static void
test_json_results(void **state)
{
    struct fx *f = *state;
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Q'ero",
                 "--queue", f->queue, "--json", NULL);
    assert_int_equal(o.status, 0);
    json_t *j = json_loads(o.out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "team")), "Equipo Q'ero");
    assert_int_equal(json_integer_value(json_object_get(j, "mine")), 1);
    assert_non_null(strstr(o.err, "listo"));
    json_decref(j);
    scan_cli_clear(&o);
    char *input = xasprintf("%s\n%s\nAYNIXYZ\n", scan_token(f->ship, 1), scan_token(f->ship, 1));
    scan_cli_run(&o, f->e->dir, input, "--queue", f->queue, "--json", NULL);
    assert_int_equal(o.status, 1);
    j = json_loads(o.out, 0, NULL);
    assert_non_null(j);
    json_t *codes = json_object_get(j, "codes"), *sum = json_object_get(j, "summary");
    assert_int_equal(json_array_size(codes), 3);
    static const char *const want[] = {"saved", "already", "refused"};
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(codes, i),
                                                              "outcome")), want[i]);
    assert_string_equal(json_string_value(json_object_get(json_array_get(codes, 0), "shipment")),
                        json_string_value(json_object_get(f->ship, "code")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(codes, 2), "reason")),
                        "malformed");
    assert_int_equal(json_integer_value(json_object_get(sum, "saved")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "sent")), 1);
    assert_non_null(strstr(o.err, "Resumen: 3 códigos"));
    json_decref(j);
    scan_cli_clear(&o);
    free(input);
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->queue, "--json", NULL);
    assert_int_equal(o.status, 0);
    j = json_loads(o.out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "queued")), 0);
    json_decref(j);
    scan_cli_clear(&o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offline_day, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_line_form, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_json_results, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
