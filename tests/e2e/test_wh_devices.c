/* test_wh_devices.c: ayni-warehouse against a secure aynid (CURVE, registered devices,
 * roles), as deployed: `device add/list/disable` by the admin, a warehouse device doing
 * its day's work (events --follow included, its SUB socket over CURVE), and refusals
 * that say which device, which role and what to do.  The other test files run aynid
 * --insecure; this one covers what changes when it is not.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "mem.h"
#include "wh_cli.h"

struct fx {
    struct e2e *e;
    char *admin, *wh, *reader, *scanner; /* provisioning files */
};

static int
s_setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    fx->e = e2e_new();
    fx->admin = xasprintf("%s/admin.json", fx->e->dir);
    fx->wh = xasprintf("%s/almacen-sjl-1.json", fx->e->dir);
    fx->reader = xasprintf("%s/lector-1.json", fx->e->dir);
    fx->scanner = xasprintf("%s/tablet-7.json", fx->e->dir);
    wh_start_secure(fx->e, fx->admin);
    *state = fx;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *fx = *state;
    e2e_destroy(&fx->e);
    free(fx->admin);
    free(fx->wh);
    free(fx->reader);
    free(fx->scanner);
    free(fx);
    return 0;
}

static void
s_add_device(struct fx *fx, const char *name, const char *role, const char *file)
{
    const bool scanner = !strcmp(role, "scanner"); /* a scanner needs its team */
    char *out = wh_expect(fx->e, 0, "--provision", fx->admin, "device", "add", name, "--role",
                          role, "-o", file, scanner ? "--team" : NULL, "Equipo Huánuco", NULL);
    WH_HAS(out, name);
    WH_HAS(out, file);
    free(out);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* it holds the device's secret key */
}

static void
test_devices_and_roles(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    s_add_device(fx, "almacen-sjl-1", "warehouse", fx->wh);
    s_add_device(fx, "lector-1", "reader", fx->reader);
    /* A scanner sees only its team's shipments: without --team it is refused, and no
     * provisioning file is left behind. */
    char *lone = xasprintf("%s/tablet-8.json", e->dir);
    char *err = wh_expect_err(e, 2, "--provision", fx->admin, "device", "add", "tablet-8",
                              "--role", "scanner", "-o", lone, NULL);
    WH_HAS(err, "--team");
    WH_HAS(err, "--role scanner necesita --team");
    free(err);
    struct stat st;
    assert_int_not_equal(stat(lone, &st), 0);
    free(lone);
    s_add_device(fx, "tablet-7", "scanner", fx->scanner);
    char *out = wh_expect(e, 0, "--provision", fx->admin, "device", "list", NULL);
    WH_HAS(out, "almacen-sjl-1");
    WH_HAS(out, "activo");
    WH_HAS(out, "Equipo Huánuco"); /* the scanner's team */
    wh_assert_aligned(out, "lllll");
    free(out);
    json_t *list = wh_json(e, 0, "--provision", fx->admin, "device", "list", NULL);
    assert_int_equal(json_array_size(list), 4); /* and the admin itself */
    json_decref(list);

    /* The warehouse device does the warehouse's work. */
    free(wh_expect(e, 0, "--provision", fx->wh, "item", "add", "HYGIENE-KIT", "--name-es",
                   "Kit de higiene", "--name-en", "Hygiene kit", "--tracking", "lot", NULL));
    free(wh_expect(e, 0, "--provision", fx->wh, "location", "add", "ALM-LIMA-SJL", "--kind",
                   "warehouse", "--name", "Almacén San Juan de Lurigancho", NULL));
    free(wh_expect(e, 0, "--provision", fx->wh, "donor", "add", "SOFTYS", "--name",
                   "Softys Perú", NULL));
    free(wh_expect(e, 0, "--provision", fx->wh, "receive", "--at", "ALM-LIMA-SJL", "--donor",
                   "SOFTYS", "--item", "HYGIENE-KIT", "--qty", "400", "--lot", "SOF-HIG-2611",
                   NULL));
    /* A reader reads and may not write; a scanner may not list; only the admin manages
     * devices.  Each refusal names the device, its role and the op. */
    out = wh_expect(e, 0, "--provision", fx->reader, "stock", NULL);
    WH_HAS(out, "400 kit");
    free(out);
    err = wh_expect_err(e, 1, "--provision", fx->reader, "adjust", "--at", "ALM-LIMA-SJL",
                              "--item", "HYGIENE-KIT", "--lot", "SOF-HIG-2611", "--qty", "-1",
                              "--reason", "lost", NULL);
    WH_HAS(err, "'lector-1'");
    WH_HAS(err, "reader");
    WH_HAS(err, "stock.adjust");
    free(err);
    err = wh_expect_err(e, 1, "--provision", fx->scanner, "item", "list", NULL);
    WH_HAS(err, "'tablet-7'");
    free(err);
    err = wh_expect_err(e, 1, "--provision", fx->wh, "device", "list", NULL);
    WH_HAS(err, "'almacen-sjl-1'");
    free(err);

    /* Disabled: refused from its next connection on (no answer: exit 3, and the message
     * says to check that the device is registered and enabled). */
    free(wh_expect(e, 0, "--provision", fx->admin, "device", "disable", "lector-1", NULL));
    struct wh_out o;
    wh_run(&o, e, "--provision", fx->reader, "--timeout", "1", "stock", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, "habilitado");
    wh_out_clear(&o);
    list = wh_json(e, 0, "--provision", fx->admin, "device", "list", NULL);
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d) {
        if (!strcmp(json_string_value(json_object_get(d, "name")), "lector-1"))
            assert_false(json_is_true(json_object_get(d, "enabled")));
    }
    json_decref(list);
}

/* Without a provisioning file a secure aynid gives no answer: exit 3, and the message
 * names --provision; a missing file is wrong usage. */
static void
test_without_provisioning(void **state)
{
    struct fx *fx = *state;
    struct wh_out o;
    wh_run(&o, fx->e, "--timeout", "1", "item", "list", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, fx->e->api);
    WH_HAS(o.err, "--provision");
    assert_true(o.ms < WH_TIMEOUT1_MS);
    wh_out_clear(&o);
    char *missing = xasprintf("%s/nobody.json", fx->e->dir);
    char *err = wh_expect_err(fx->e, 2, "--provision", missing, "item", "list", NULL);
    WH_HAS(err, missing);
    free(err);
    free(missing);
}

/* A handshake aynid refuses is told at once (the default 10 s time-out is not waited
 * out), exit 3, with what to do: no device file for a secure core; a device that is not
 * enabled; a file whose server key is another core's. */
static void
test_refused_handshake_at_once(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    struct wh_out o;
    wh_run(&o, e, "item", "list", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, e->api);
    WH_HAS(o.err, "modo seguro");
    WH_HAS(o.err, "pide el archivo de este dispositivo");
    WH_HAS(o.err, "--provision ARCHIVO (o AYNI_PROVISION)");
    WH_HAS(o.err, "device add NOMBRE --role ROL -o ARCHIVO");
    assert_true(o.ms < 3000);
    wh_out_clear(&o);
    json_t *r = wh_json(e, 3, "stock", NULL);
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "unavailable");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(error, "details"), "reason")),
        "needs_provision");
    json_decref(r);

    s_add_device(fx, "lector-1", "reader", fx->reader);
    free(wh_expect(e, 0, "--provision", fx->admin, "device", "disable", "lector-1", NULL));
    wh_run(&o, e, "--provision", fx->reader, "stock", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, "rechazó la clave de este dispositivo");
    WH_HAS(o.err, "no está habilitado");
    assert_true(o.ms < 3000);
    wh_out_clear(&o);

    /* The admin's file with another server key (its own public key), as if made by
     * another core. */
    json_t *file = json_load_file(fx->admin, 0, NULL);
    assert_non_null(file);
    json_object_set(file, "server_key", json_object_get(file, "public_key"));
    char *text = json_dumps(file, JSON_INDENT(2));
    json_decref(file);
    char *other = wh_write(e->dir, "other-core.json", text);
    chmod(other, 0600);
    wh_run(&o, e, "--provision", other, "stock", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, "clave del servidor");
    WH_HAS(o.err, "no es la de este aynid");
    assert_true(o.ms < 3000);
    wh_out_clear(&o);
    /* The admin's own file still works: nothing above left aynid in a bad state. */
    free(wh_expect(e, 0, "--provision", fx->admin, "device", "list", NULL));
    free(other);
    free(text);
}

/* Told at once that it needs its file, whichever way the secure core's refusal comes: a
 * listener that hangs up after the greeting's signature is the way that never shows the
 * mechanism (the client is cut while it still writes, EPIPE), and on some machines every
 * try goes so. */
static void
test_keyless_cut_at_greeting(void **state)
{
    struct fx *fx = *state;
    struct wh_hangup h;
    wh_hangup_start(&h);
    char *api = xasprintf("tcp://127.0.0.1:%u", h.port);
    struct wh_out o;
    wh_run(&o, fx->e, "--api", api, "item", "list", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, api);
    WH_HAS(o.err, "pide el archivo de este dispositivo");
    assert_true(o.ms < 3000);
    wh_out_clear(&o);
    json_t *r = wh_json(fx->e, 3, "--api", api, "stock", NULL);
    json_t *details = json_object_get(json_object_get(r, "error"), "details");
    assert_string_equal(json_string_value(json_object_get(details, "reason")), "needs_provision");
    json_decref(r);
    wh_hangup_stop(&h);
    free(api);
}

/* events --follow over CURVE: the warehouse device sees a change made by another. */
static void
test_follow_secure(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    s_add_device(fx, "almacen-sjl-1", "warehouse", fx->wh);
    free(wh_expect(e, 0, "--provision", fx->wh, "donor", "add", "SOFTYS", "--name",
                   "Softys Perú", NULL));
    struct wh_bg bg;
    wh_bg_start(&bg, e, "--provision", fx->wh, "events", "--follow", "--topic", "donor.", NULL);
    if (!wh_bg_wait_for(&bg, "SOFTYS · Softys Perú", E2E_WAIT_MS))
        fail_msg("events --follow on a secure aynid did not show the last events");
    free(wh_expect(e, 0, "--provision", fx->admin, "donor", "add", "CARITAS", "--name",
                   "Cáritas del Perú", NULL));
    if (!wh_bg_wait_for(&bg, "CARITAS · Cáritas del Perú", E2E_WAIT_MS)) {
        char *so_far = wh_bg_output(&bg);
        fail_msg("events --follow on a secure aynid did not show the new donor:\n%s", so_far);
    }
    char *out = NULL;
    assert_int_equal(wh_bg_stop(&bg, SIGINT, &out), 0);
    assert_int_equal(wh_count(out, "donor.added"), 2);
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_devices_and_roles, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_without_provisioning, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_follow_secure, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_refused_handshake_at_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_keyless_cut_at_greeting, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: a secure aynid", tests, NULL, NULL);
}
