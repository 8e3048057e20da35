/* test_scan_manifests.c: what `ayni-scan init` keeps of a core with two teams' shipments.
 *
 * Against a real aynid with shipments of two teams on the road (one of them partly
 * delivered) and one already delivered, init keeps the manifests of its own team's
 * shipments on the road only, each in full and without tokens, asked in one
 * shipment.list per state (no shipment.get per shipment: aynid's log says which ops it
 * answered).  Another team's init keeps its own.
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
#include "scan.h"
#include "scan_cli.h"

struct fx {
    struct e2e *e;
    json_t *mine, *partial, *done; /* Equipo Q'ero: on the road, partly delivered, delivered */
    json_t *theirs;                /* Equipo Cusco, on the road */
};

static const char *
s_code(json_t *shipment)
{
    return json_string_value(json_object_get(shipment, "code"));
}

static void
s_confirm(struct fx *f, json_t *shipment, int package, const char *scan_id)
{
    json_decref(e2e_ok(f->e, "delivery.confirm",
                       e2e_pack("{ss ss}", "token", scan_token(shipment, package), "scan_id",
                                scan_id)));
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
    f->mine = scan_dispatch(f->e, "Equipo Q'ero", 10, 2, NULL);
    f->theirs = scan_dispatch(f->e, "Equipo Cusco", 5, 1, NULL);
    f->partial = scan_dispatch(f->e, "Equipo Q'ero", 6, 2, NULL);
    f->done = scan_dispatch(f->e, "Equipo Q'ero", 4, 1, NULL);
    s_confirm(f, f->partial, 1, "scan-p1");
    s_confirm(f, f->done, 1, "scan-d1");
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    json_decref(f->mine);
    json_decref(f->theirs);
    json_decref(f->partial);
    json_decref(f->done);
    e2e_destroy(&f->e);
    free(f);
    return 0;
}

/* Run init for team on a new queue file name in the test's folder; its path (to free). */
static char *
s_init(struct fx *f, const char *team, const char *name)
{
    char *queue = xasprintf("%s/%s/scan.db", f->e->dir, name);
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", team, "--queue",
                 queue, "--json", NULL);
    assert_int_equal(o.status, 0);
    json_t *j = json_loads(o.out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "shipments")),
                     json_integer_value(json_object_get(j, "mine")));
    json_decref(j);
    scan_cli_clear(&o);
    return queue;
}

/* The manifest of shipment kept in q: in full (lines, packages), with no token. */
static json_t *
s_kept(scan_queue_t *q, json_t *shipment)
{
    json_t *m = scan_queue_manifest(q, s_code(shipment));
    assert_non_null(m);
    assert_null(json_object_get(m, "token"));
    assert_true(json_array_size(json_object_get(m, "lines")) >= 1);
    json_t *packages = json_object_get(m, "packages"), *p;
    size_t i;
    assert_int_equal(json_array_size(packages),
                     json_array_size(json_object_get(shipment, "packages")));
    json_array_foreach(packages, i, p)
        assert_null(json_object_get(p, "token"));
    return m;
}

static int
s_log_count(struct fx *f, const char *needle)
{
    char *log = e2e_log(f->e);
    int n = scan_count(log, needle);
    free(log);
    return n;
}

static void
test_init_keeps_its_team_only(void **state)
{
    struct fx *f = *state;
    int lists = s_log_count(f, "op=shipment.list "), gets = s_log_count(f, "op=shipment.get ");
    char *queue = s_init(f, "Equipo Q'ero", "qero");
    /* one list per state (dispatched, partial), and no manifest asked one by one */
    assert_int_equal(s_log_count(f, "op=shipment.list "), lists + 2);
    assert_int_equal(s_log_count(f, "op=shipment.get "), gets);

    char err[256];
    scan_queue_t *q = scan_queue_open(queue, err, sizeof err);
    assert_non_null(q);
    json_decref(s_kept(q, f->mine));
    json_t *m = s_kept(q, f->partial);
    json_t *p1 = json_array_get(json_object_get(m, "packages"), 0);
    assert_true(json_is_true(json_object_get(p1, "delivered")));
    assert_string_equal(json_string_value(json_object_get(p1, "scan_id")), "scan-p1");
    json_decref(m);
    assert_null(scan_queue_manifest(q, s_code(f->theirs))); /* another team's */
    assert_null(scan_queue_manifest(q, s_code(f->done)));   /* not on the road */
    assert_int_equal(scan_queue_manifest_count(q, "Equipo Q'ero"), 2);
    scan_queue_close(&q);
    free(queue);

    queue = s_init(f, "Equipo Cusco", "cusco");
    q = scan_queue_open(queue, err, sizeof err);
    assert_non_null(q);
    json_decref(s_kept(q, f->theirs));
    assert_null(scan_queue_manifest(q, s_code(f->mine)));
    assert_null(scan_queue_manifest(q, s_code(f->partial)));
    scan_queue_close(&q);
    free(queue);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_keeps_its_team_only, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
