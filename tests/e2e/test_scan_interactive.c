/* test_scan_interactive.c: ayni-scan's Spanish prompts, driven through a terminal.
 *
 * In a pseudo-terminal, as a keyboard-wedge scanner types codes: a package of this
 * device's manifests scanned for another team is flagged and, declined, not recorded;
 * another team's package is not in its data; Ctrl-D at a question cancels
 * that scan only; the slip's code asks per line, refuses a scanned code as an answer,
 * asks the reason of a shortfall, and confirms the whole shipment; a package covered by
 * the slip is reported as scanned.  With --all-received, only the route is asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "scan_cli.h"

struct fx {
    struct e2e *e;
    char *queue;
    json_t *mine;  /* Equipo Q'ero: 20 FOOD-KIT in 2 packages + tablet SN-1 */
    json_t *other; /* Equipo Cusco: 5 FOOD-KIT */
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
    f->mine = scan_dispatch(f->e, "Equipo Q'ero", 20, 2, "SN-1");
    f->other = scan_dispatch(f->e, "Equipo Cusco", 5, 1, NULL);
    f->queue = xasprintf("%s/scan.db", f->e->dir);
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Q'ero",
                 "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    json_decref(f->mine);
    json_decref(f->other);
    free(f->queue);
    e2e_destroy(&f->e);
    free(f);
    return 0;
}

/* The device keeps its own team's manifests only: a package of them scanned for another
 * team (--team) is flagged and, declined, not recorded. */
static void
s_other_route_declined(struct fx *f)
{
    struct scan_pty p;
    scan_pty_start(&p, "--team", "Equipo Cusco", "--queue", f->queue, NULL);
    scan_pty_expect(&p, "Escanea los códigos, uno por uno; Ctrl-D para terminar");
    scan_pty_type(&p, scan_token(f->mine, 1));
    /* the 176-odd characters the scanner typed are not echoed back, only their count */
    scan_pty_expect(&p, "· código leído (");
    scan_pty_expect(&p, "¡Atención! este paquete es para Comunidad Q'ero, Cusco (ruta del equipo "
                        "«Equipo Q'ero»); este equipo es «Equipo Cusco»");
    assert_null(strstr(p.seen, scan_token(f->mine, 1)));
    scan_pty_expect(&p, "¿Registrar la entrega de todos modos? [s/N]");
    scan_pty_type(&p, "");
    scan_pty_expect(&p, "no se registró");
    scan_pty_eof(&p);
    assert_int_equal(scan_pty_wait(&p), 0);
}

/* Another team's package is not in this device's data: said so, and asked as any other. */
static void
s_other_team_unknown(struct fx *f, struct scan_pty *p)
{
    scan_pty_type(p, scan_token(f->other, 1));
    scan_pty_expect(p, "este envío no está en los datos de este equipo");
    scan_pty_expect(p, "¿Llegó todo el paquete? [S/n]");
    scan_pty_eof(p);
    scan_pty_expect(p, "cancelado: no se registró este escaneo");
}

static void
s_cancelled(struct fx *f, struct scan_pty *p)
{
    scan_pty_type(p, scan_token(f->mine, 1));
    scan_pty_expect(p, "¿Llegó todo el paquete? [S/n]");
    scan_pty_type(p, "quizás");
    scan_pty_expect(p, "responde «s» (sí) o «n» (no)");
    scan_pty_expect(p, "¿Llegó todo el paquete? [S/n]");
    scan_pty_type(p, "n");
    scan_pty_expect(p, "¿cuántos llegaron, de 10?");
    scan_pty_eof(p);
    scan_pty_expect(p, "cancelado: no se registró este escaneo");
}

static void
s_slip_with_shortfall(struct fx *f, struct scan_pty *p)
{
    scan_pty_type(p, scan_token(f->mine, 0));
    scan_pty_expect(p, "guía del envío completo (3 paquetes) · 20 kits de alimentos, 1 tableta");
    scan_pty_expect(p, "¿Llegó todo el envío? [S/n]");
    scan_pty_type(p, "no");
    scan_pty_expect(p, "Kit de alimentos (línea 1): ¿cuántos llegaron, de 20?");
    scan_pty_type(p, scan_token(f->mine, 2));
    scan_pty_expect(p, "primero responde la pregunta");
    scan_pty_expect(p, "¿cuántos llegaron, de 20?");
    scan_pty_type(p, "18");
    scan_pty_expect(p, "¿Por qué faltan 2?");
    scan_pty_type(p, "vencidos");
    scan_pty_expect(p, "Tableta (línea 2): ¿cuántos llegaron, de 1?");
    scan_pty_type(p, "1");
    scan_pty_expect(p, "línea 1: 18 recibidos; motivo: vencido (expired)");
    scan_pty_expect(p, "confirmado en el núcleo · 19 de 21 recibidos · con faltantes · envío "
                       "cerrado");
    scan_pty_type(p, scan_token(f->mine, 1));
    scan_pty_expect(p, "ya escaneado en este equipo el ");
    scan_pty_expect(p, "con el código de la guía, que cubre todo el envío");
}

static void
test_prompts(void **state)
{
    struct fx *f = *state;
    struct scan_pty p;
    s_other_route_declined(f);
    scan_pty_start(&p, "--queue", f->queue, NULL);
    scan_pty_expect(&p, "Escanea los códigos, uno por uno; Ctrl-D para terminar");
    s_other_team_unknown(f, &p);
    s_cancelled(f, &p);
    s_slip_with_shortfall(f, &p);
    scan_pty_eof(&p);
    assert_int_equal(scan_pty_wait(&p), 0);
    assert_int_equal(scan_stock(f->e, "COM-0042", "FOOD-KIT"), 18);
    assert_int_equal(scan_stock(f->e, "COM-0042", "TABLET"), 1);
    assert_int_equal(scan_stock(f->e, "LOSS", "FOOD-KIT"), 2);
    json_t *d = scan_events(f->e, "delivery.discrepancy");
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "reason")),
                        "expired");
    json_decref(d);

    /* --all-received: the route is still asked, the counts are not (a new shipment of
     * this team's, in the manifests once init ran again, scanned for another team). */
    json_t *more = scan_dispatch(f->e, "Equipo Q'ero", 5, 1, NULL);
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Q'ero",
                 "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
    scan_pty_start(&p, "--all-received", "--team", "Equipo Cusco", "--queue", f->queue, NULL);
    scan_pty_type(&p, scan_token(more, 1));
    scan_pty_expect(&p, "¿Registrar la entrega de todos modos? [s/N]");
    scan_pty_type(&p, "sí");
    scan_pty_expect(&p, "guardado (");
    scan_pty_expect(&p, "5 de 5 recibidos");
    scan_pty_eof(&p);
    assert_int_equal(scan_pty_wait(&p), 0);
    assert_int_equal(scan_stock(f->e, "COM-0042", "FOOD-KIT"), 23);
    json_decref(more);
}

/* init with a team no shipment on the road names once said nothing: it lists the teams
 * that have shipments and, on a terminal, offers the nearest; in a pipe it suggests it. */
static void
test_init_team_typo(void **state)
{
    struct fx *f = *state;
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Qero",
                 "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "ningún envío en camino es del equipo «Equipo Qero»"));
    assert_non_null(strstr(o.out, "«Equipo Q'ero», «Equipo Cusco»"));
    assert_non_null(strstr(o.out, "¿quisiste decir «Equipo Q'ero»?"));
    assert_non_null(strstr(o.out, "(0 de este equipo)"));
    scan_cli_clear(&o);
    struct scan_pty p;
    scan_pty_start(&p, "init", "--api", f->e->api, "--team", "Equipo Qero", "--queue",
                   f->queue, NULL);
    scan_pty_expect(&p, "¿Quisiste decir «Equipo Q'ero»? [S/n]");
    scan_pty_type(&p, "s");
    scan_pty_expect(&p, "listo: equipo «Equipo Q'ero»");
    scan_pty_expect(&p, "(1 de este equipo)");
    assert_int_equal(scan_pty_wait(&p), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_prompts, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_init_team_typo, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
