/* test_aynid_teams.c: on a real secure aynid, what a scanner may claim and see (issue 15
 * of the security review, docs/SECURITY.md "Devices, teams and what a scan records"):
 * the delivery names the device that authenticated over CURVE and keeps what the client
 * said only as a label; a scanner belongs to a team, lists and reads only its team's
 * shipments and never their tokens, but a genuine token still confirms; device_time must
 * be ISO 8601 and is kept in UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "harness.h"
#include "mem.h"
#include "provision.h"
#include "secure.h"

/* Call op (args stolen) as the device of p; the error code, 0 and *result on success. */
static int
s_call(struct e2e_secure *f, const struct proto_provision *p, const char *op, json_t *args,
       json_t **result)
{
    struct proto_curve k = e2e_curve(p);
    return e2e_call_as(f, &k, op, args, result, f->msg, sizeof f->msg);
}

static json_t *
s_ok(struct e2e_secure *f, const struct proto_provision *p, const char *op, json_t *args)
{
    json_t *r = NULL;
    if (s_call(f, p, op, args, &r) != 0)
        fail_msg("%s as '%s' failed: %s", op, p->device, f->msg);
    return r;
}

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A warehouse, a community, a donor, 100 hygiene kits; then one dispatched shipment per
 * team (2 packages of 10 each), whose dispatch results are in out[]. */
static void
s_shipments(struct e2e_secure *f, const char *const *teams, size_t n, json_t **out)
{
    const struct proto_provision *a = &f->admin;
    json_decref(s_ok(f, a, "location.add",
                     e2e_pack("{ss ss ss}", "code", "ALM-LIMA", "kind", "warehouse", "name",
                              "Almacén Lima")));
    json_decref(s_ok(f, a, "location.add",
                     e2e_pack("{ss ss ss ss}", "code", "COM-HCO-1", "kind", "community", "name",
                              "Comunidad Santa Rosa", "region", "Huánuco")));
    json_decref(s_ok(f, a, "donor.add", e2e_pack("{ss ss}", "code", "CARE-PE", "name", "CARE")));
    json_decref(s_ok(f, a, "item.add",
                     e2e_pack("{ss ss ss ss}", "code", "HYGIENE-KIT", "name_es", "Kit de higiene",
                              "name_en", "Hygiene kit", "tracking", "lot")));
    json_decref(s_ok(f, a, "stock.receive",
                     e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA", "donor", "CARE-PE", "item",
                              "HYGIENE-KIT", "lot", "H1", "qty", 100)));
    for (size_t i = 0; i < n; i++) {
        json_t *s = s_ok(f, a, "shipment.create",
                         e2e_pack("{ss ss ss}", "from", "ALM-LIMA", "to", "COM-HCO-1", "team",
                                  teams[i]));
        json_decref(s_ok(f, a, "shipment.add_line",
                         e2e_pack("{ss ss si si}", "shipment", s_str(s, "code"), "item",
                                  "HYGIENE-KIT", "qty", 20, "packages", 2)));
        out[i] = s_ok(f, a, "shipment.dispatch", e2e_pack("{ss}", "shipment", s_str(s, "code")));
        json_decref(s);
    }
}

static const char *
s_token(json_t *dispatched, size_t package)
{
    return s_str(json_array_get(json_object_get(dispatched, "packages"), package), "token");
}

static void
test_scanner_sees_its_team_and_the_delivery_names_it(void **state)
{
    struct e2e_secure *f = *state;
    const char *const teams[] = {"Equipo Huánuco", "Equipo Cusco"};
    json_t *sent[2];
    s_shipments(f, teams, 2, sent);
    struct proto_provision sc = e2e_device(f, "escaner-3", "scanner", "equipo huánuco");
    const char *mine = s_str(sent[0], "code"), *theirs = s_str(sent[1], "code");

    /* ayni-scan init's calls: the list of shipments on the road, then each manifest */
    json_t *list = s_ok(f, &sc, "shipment.list", e2e_pack("{ss}", "state", "dispatched"));
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(s_str(json_array_get(list, 0), "code"), mine);
    json_decref(list);
    json_t *got = s_ok(f, &sc, "shipment.get", e2e_pack("{ss}", "shipment", mine));
    assert_null(json_object_get(got, "token"));
    assert_int_equal(json_array_size(json_object_get(got, "packages")), 2);
    assert_null(json_object_get(json_array_get(json_object_get(got, "packages"), 0), "token"));
    json_decref(got);
    assert_int_equal(s_call(f, &sc, "shipment.get", e2e_pack("{ss}", "shipment", theirs), NULL),
                     AYNI_ENOTFOUND);
    assert_null(strstr(f->msg, "did you mean"));

    /* another team's paper in hand still confirms; the record names the device */
    json_t *r = s_ok(f, &sc, "delivery.confirm",
                     e2e_pack("{ss ss ss ss ss}", "token", s_token(sent[1], 0), "scan_id",
                              "e2e-1", "device", "admin", "team", "Equipo Cusco",
                              "device_time", "2026-11-22T10:00:00-05:00"));
    assert_string_equal(s_str(r, "device"), "escaner-3");
    assert_string_equal(s_str(r, "device_label"), "admin");
    assert_string_equal(s_str(r, "team"), "equipo huánuco");
    assert_string_equal(s_str(r, "scanned_at"), "2026-11-22T15:00:00Z");
    json_decref(r);
    got = s_ok(f, &f->admin, "shipment.get", e2e_pack("{ss}", "shipment", theirs));
    json_t *p = json_array_get(json_object_get(got, "packages"), 0);
    assert_string_equal(s_str(p, "device"), "escaner-3");
    assert_string_equal(s_str(p, "device_label"), "admin");
    assert_non_null(json_object_get(got, "token")); /* the warehouse prints slips */
    json_decref(got);

    /* device_time that is no time is refused, naming the argument and the format */
    assert_int_equal(s_call(f, &sc, "delivery.confirm",
                            e2e_pack("{ss ss ss}", "token", s_token(sent[0], 0), "scan_id",
                                     "e2e-2", "device_time", "yesterday, honest"), NULL),
                     AYNI_EINVAL);
    assert_non_null(strstr(f->msg, "device_time"));
    assert_non_null(strstr(f->msg, "YYYY-MM-DDTHH:MM:SSZ"));

    /* server.info tells the scanner who it is to the core */
    json_t *info = s_ok(f, &sc, "server.info", NULL);
    assert_string_equal(s_str(json_object_get(info, "device"), "team"), "equipo huánuco");
    json_decref(info);
    json_decref(sent[0]);
    json_decref(sent[1]);
    sodium_memzero(&sc, sizeof sc);
}

static void
test_a_scanner_needs_a_team(void **state)
{
    struct e2e_secure *f = *state;
    struct proto_provision p = f->admin;
    proto_provision_keypair(&p);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, p.public_key, 32);
    json_t *r = NULL;
    assert_int_equal(s_call(f, &f->admin, "device.add",
                            e2e_pack("{ss ss ss}", "name", "escaner-x", "role", "scanner",
                                     "public_key", hex), &r), AYNI_EINVAL);
    assert_non_null(strstr(f->msg, "team"));
    json_t *list = s_ok(f, &f->admin, "device.list", NULL);
    assert_int_equal(json_array_size(list), 1); /* the admin alone */
    json_decref(list);
    struct proto_provision wh = e2e_device(f, "almacen-1", "warehouse", NULL);
    list = s_ok(f, &f->admin, "device.list", NULL);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    sodium_memzero(&p, sizeof p);
    sodium_memzero(&wh, sizeof wh);
}

int
main(void)
{
    assert_true(sodium_init() >= 0);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        E2E_SECURE_TEST(test_scanner_sees_its_team_and_the_delivery_names_it),
        E2E_SECURE_TEST(test_a_scanner_needs_a_team),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
