/* test_scan_refusals.c: what ayni-scan refuses, flags and reports, end to end.
 *
 * A package scanned twice (one device, or a second team) is confirmed once and the
 * second scan says when and by whom; a device keeps its own team's manifests only, and a
 * package of its manifests scanned for another team is flagged;
 * the core refusing a confirmation (cancelled, already delivered) is kept as refused
 * with its reason and not retried; a genuine code for a shipment not in the manifests
 * is accepted; bad input lines, bad photos and wrong usage get clear errors and the
 * documented exit codes.
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
    char *q1, *q2;  /* device 1 (Equipo Q'ero), device 2 (Equipo Cusco) */
    json_t *ship;   /* 20 FOOD-KIT in 2 packages, Equipo Q'ero */
};

static void
s_init(struct fx *f, const char *queue, const char *team, const char *device)
{
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", team, "--device",
                 device, "--queue", queue, NULL);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
}

static int
s_setup(void **state)
{
    unsetenv("AYNI_API");
    unsetenv("AYNI_SCAN_QUEUE");
    struct fx *f = xcalloc(1, sizeof *f);
    f->e = e2e_new();
    e2e_start(f->e);
    e2e_seed(f->e);
    f->ship = scan_dispatch(f->e, "Equipo Q'ero", 20, 2, NULL);
    f->q1 = xasprintf("%s/d1/scan.db", f->e->dir);
    f->q2 = xasprintf("%s/d2/scan.db", f->e->dir);
    s_init(f, f->q1, "Equipo Q'ero", "tableta-1");
    s_init(f, f->q2, "Equipo Cusco", "celular-2");
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    json_decref(f->ship);
    free(f->q1);
    free(f->q2);
    e2e_destroy(&f->e);
    free(f);
    return 0;
}

static void
s_scan(struct fx *f, struct scan_cli_out *o, const char *queue, const char *input)
{
    scan_cli_run(o, f->e->dir, input, "--queue", queue, NULL);
}

static void
test_twice_and_second_team(void **state)
{
    struct fx *f = *state;
    struct scan_cli_out o;
    char *twice = xasprintf("%s\n%s\n", scan_token(f->ship, 1), scan_token(f->ship, 1));
    s_scan(f, &o, f->q1, twice);
    assert_int_equal(o.status, 0);
    assert_int_equal(scan_count(o.out, "guardado ("), 1);
    assert_int_equal(scan_count(o.out, "✓ "), 1);
    assert_non_null(strstr(o.out, "ya escaneado en este equipo el "));
    assert_non_null(strstr(o.out, "(equipo «Equipo Q'ero»); se cuenta una sola vez"));
    scan_cli_clear(&o);

    /* Device 2 keeps its own team's manifests only: another team's code is genuine but
     * not in its data; it queues, the core refuses it. */
    s_scan(f, &o, f->q2, scan_token(f->ship, 1));
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "este envío no está en los datos de este equipo"));
    assert_non_null(strstr(o.out, "el núcleo lo rechazó: ya confirmado el "));
    assert_non_null(strstr(o.out, "por «Equipo Q'ero» (dispositivo «tableta-1»)"));
    scan_cli_clear(&o);
    json_t *st = scan_status(f->e->dir, f->q2);
    assert_int_equal(scan_state_count(st, "refused"), 1);
    json_t *row = json_array_get(json_object_get(st, "scans"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "error_code")),
                        "already_delivered");
    assert_string_equal(json_string_value(json_object_get(row, "flags")), "unknown_shipment");
    json_decref(st);
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->q2, NULL);
    assert_int_equal(o.status, 0); /* not retried */
    assert_non_null(strstr(o.out, "nada en cola"));
    scan_cli_clear(&o);

    /* Lent to the route's team and refreshed, device 2 knows the package was delivered and
     * says so offline. */
    s_init(f, f->q2, "Equipo Q'ero", "celular-2");
    assert_int_equal(e2e_stop(f->e), 0);
    s_scan(f, &o, f->q2, scan_token(f->ship, 1));
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "ya confirmado el "));
    assert_non_null(strstr(o.out, "por «Equipo Q'ero»; se cuenta una sola vez"));
    assert_null(strstr(o.out, "guardado ("));
    assert_non_null(strstr(o.out, "Resumen: 1 código · guardados 0 (enviados al "
                                  "núcleo 0) · ya registrados 1"));
    scan_cli_clear(&o);
    e2e_start(f->e);

    /* A device holding the route's manifest, scanning for another team (--team), is warned
     * that the package is that route's, and records it flagged. */
    scan_cli_run(&o, f->e->dir, scan_token(f->ship, 2), "--team", "Equipo Cusco", "--queue",
                 f->q1, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "¡Atención! este paquete es para Comunidad Q'ero, Cusco (ruta "
                                  "del equipo «Equipo Q'ero»); este equipo es «Equipo Cusco»"));
    assert_non_null(strstr(o.out, "se registra igual"));
    scan_cli_clear(&o);
    st = scan_status(f->e->dir, f->q1);
    json_t *scan;
    size_t i;
    bool flagged = false;
    json_array_foreach(json_object_get(st, "scans"), i, scan) {
        const char *flags = json_string_value(json_object_get(scan, "flags"));
        flagged |= flags && !strcmp(flags, "other_team");
    }
    assert_true(flagged);
    json_decref(st);
    assert_int_equal(scan_stock(f->e, "COM-0042", "FOOD-KIT"), 20);
    free(twice);
}

static void
test_cancelled(void **state)
{
    struct fx *f = *state;
    json_t *other = scan_dispatch(f->e, "Equipo Q'ero", 5, 1, NULL);
    s_init(f, f->q1, "Equipo Q'ero", "tableta-1");
    assert_int_equal(e2e_stop(f->e), 0);
    struct scan_cli_out o;
    s_scan(f, &o, f->q1, scan_token(other, 1));
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "se enviará al sincronizar"));
    scan_cli_clear(&o);
    e2e_start(f->e);
    json_decref(e2e_ok(f->e, "shipment.cancel",
                       e2e_pack("{sO ss}", "shipment", json_object_get(other, "code"), "reason",
                                "camino bloqueado")));
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->q1, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "el núcleo lo rechazó: el envío fue cancelado"));
    assert_non_null(strstr(o.out, "enviados 0, rechazados 1, en cola 0"));
    scan_cli_clear(&o);
    scan_cli_run(&o, f->e->dir, NULL, "sync", "--queue", f->q1, NULL);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
    scan_cli_run(&o, f->e->dir, NULL, "status", "--queue", f->q1, NULL);
    assert_non_null(strstr(o.out, "Rechazados por el núcleo (1)"));
    assert_non_null(strstr(o.out, "motivo: el envío fue cancelado"));
    assert_non_null(strstr(o.out, "(invalid_state)"));
    scan_cli_clear(&o);
    json_decref(other);
}

static void
test_unknown_shipment(void **state)
{
    struct fx *f = *state;
    json_t *later = scan_dispatch(f->e, "Equipo Q'ero", 6, 2, NULL); /* after init */
    struct scan_cli_out o;
    s_scan(f, &o, f->q1, scan_token(later, 2));
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "paquete 2 de 2 · destino: COM-0042"));
    assert_non_null(strstr(o.out, "este envío no está en los datos de este equipo"));
    assert_int_equal(scan_count(o.out, "✓ "), 1);
    scan_cli_clear(&o);
    json_decref(later);
}

static void
test_input_lines(void **state)
{
    struct fx *f = *state;
    char *huge = xmalloc(1 << 20);
    memset(huge, 'A', (1 << 20) - 1);
    huge[(1 << 20) - 1] = '\0';
    char *input = xasprintf(" \t \n\r\n%.1001s\n%s\nQR-Code:%s\r\n", huge, huge,
                            scan_token(f->ship, 2));
    struct scan_cli_out o;
    s_scan(f, &o, f->q1, input);
    assert_int_equal(o.status, 1);
    assert_int_equal(scan_count(o.out, "línea ilegible (más de 1000 caracteres)"), 2);
    assert_int_equal(scan_count(o.out, "✓ "), 1);
    scan_cli_clear(&o);
    free(input);
    free(huge);
}

static void
test_photos(void **state)
{
    struct fx *f = *state;
    char *jpg = xasprintf("%s/dos.jpg", f->e->dir), *txt = xasprintf("%s/nota.png", f->e->dir);
    char *url = xasprintf("%s/url.png", f->e->dir), *blank = xasprintf("%s/b.png", f->e->dir);
    char *forged = scan_forged(f->ship, 1);
    const char *codes[] = {scan_token(f->ship, 2), forged}, *other[] = {"https://example.org"};
    scan_qr_photo(jpg, codes, 2, true);
    scan_qr_photo(url, other, 1, false);
    scan_qr_photo(blank, NULL, 0, false);
    FILE *t = fopen(txt, "w");
    fputs("no es una imagen\n", t);
    fclose(t);
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "image", jpg, txt, url, blank, "--queue", f->q1, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "código 2 de 2"));
    assert_int_equal(scan_count(o.out, "✓ "), 1);
    assert_non_null(strstr(o.out, "código falsificado"));
    assert_non_null(strstr(o.out, "nota.png: imagen ilegible: "));
    assert_non_null(strstr(o.out, "no es una imagen PNG ni JPEG"));
    assert_non_null(strstr(o.out, "b.png: no se encontró ningún código QR"));
    assert_int_equal(scan_count(o.out, "✗ RECHAZADO"), 2); /* forged, and the web address */
    scan_cli_clear(&o);
    free(forged);
    free(jpg);
    free(txt);
    free(url);
    free(blank);
}

static void
s_expect_exit(struct fx *f, int status, const char *needle, ...)
{
    const char *argv[12] = {NULL};
    va_list ap;
    va_start(ap, needle);
    for (int n = 0; n < 11 && (argv[n] = va_arg(ap, const char *)) != NULL;)
        n++;
    va_end(ap);
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, "", argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
                 argv[6], argv[7], argv[8], argv[9], argv[10], NULL);
    if (o.status != status || !strstr(o.err, needle))
        fail_msg("ayni-scan %s: exit %d, wanted %d with '%s'; stderr:\n%s", argv[0], o.status,
                 status, needle, o.err);
    scan_cli_clear(&o);
}

static void
test_usage(void **state)
{
    struct fx *f = *state;
    char *fresh = xasprintf("%s/nuevo/scan.db", f->e->dir);
    char *nowhere = xasprintf("ipc://%s/nadie", f->e->dir);
    /* --help per command: its usage and only its options */
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, "", "sync", "--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "ayni-scan sync [--api ENDPOINT]"));
    assert_non_null(strstr(o.out, "--wait SEGUNDOS"));
    assert_null(strstr(o.out, "--line"));
    assert_null(strstr(o.out, "ayni-scan init"));
    scan_cli_clear(&o);
    scan_cli_run(&o, f->e->dir, "", "--help", "image", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "--line N=RECIBIDOS:MOTIVO"));
    assert_null(strstr(o.out, "--wait"));
    scan_cli_clear(&o);
    scan_cli_run(&o, f->e->dir, "", "--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "ayni-scan ORDEN --help"));
    assert_non_null(strstr(o.out, "--wait") && strstr(o.out, "--line") ? "all" : NULL);
    scan_cli_clear(&o);
    s_expect_exit(f, 2, "--line dice qué llegó, sin preguntas: no va con --all-received",
                  "--line", "1=2:dañados", "--all-received", "--queue", f->q1, NULL);
    s_expect_exit(f, 2, "no está preparado", "--queue", fresh, NULL);
    s_expect_exit(f, 2, "falta --team", "init", "--api", f->e->api, "--queue", fresh, NULL);
    s_expect_exit(f, 3, "sin conexión con el núcleo", "init", "--api", nowhere, "--team", "E",
                  "--queue", fresh, "--timeout", "1", NULL);
    s_expect_exit(f, 2, "¿quisiste decir 'sync'?", "sinc", "--queue", f->q1, NULL);
    scan_cli_lang("en"); /* the same checks, worded in English */
    s_expect_exit(f, 2, "did you mean 'sync'", "sinc", "--queue", f->q1, NULL);
    s_expect_exit(f, 2, "--wait does not apply to 'scan'", "--wait", "3", "--queue", f->q1,
                  NULL);
    s_expect_exit(f, 2, "it does not go with --all-received", "--line", "1=2:dañados",
                  "--all-received", "--queue", f->q1, NULL);
    s_expect_exit(f, 2, "image needs at least one photo", "image", "--queue", f->q1, NULL);
    s_expect_exit(f, 2, "this device is not prepared", "--queue", fresh, NULL);
    s_expect_exit(f, 2, "--timeout 'x' is not valid", "sync", "--timeout", "x", NULL);
    s_expect_exit(f, 2, "option '--team' needs a value", "--team", NULL);
    s_expect_exit(f, 2, "did you mean '--all-received'", "--all-recieved", NULL);
    scan_cli_lang(NULL);
    json_t *st = scan_status(f->e->dir, fresh);
    assert_true(json_is_null(json_object_get(st, "team"))); /* nothing stored */
    json_decref(st);
    free(fresh);
    free(nowhere);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_twice_and_second_team, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cancelled, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_shipment, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_input_lines, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_photos, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_usage, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
