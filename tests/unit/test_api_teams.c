/* test_api_teams.c: what a delivery and a scanner may claim, through the request API as
 * aynid runs it secure (issue 15 of the security review):
 *   - the device recorded on a delivery is the one that authenticated; what the client
 *     calls itself is kept as a label only;
 *   - a scanner belongs to a team, lists and reads only its team's shipments, and never
 *     gets their tokens; a genuine token still confirms, with the device's team;
 *   - device_time is ISO 8601, kept in UTC, and anything else is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "api.h"
#include "apifix.h"
#include "error.h"
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define SJL "ALM-LIMA-SJL"
#define ROSA "COM-SANTA-ROSA"
#define HUANUCO "Equipo Huánuco"
#define KEY3 "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
#define KEY1 "1b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
#define KEY9 "9b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A secure core's API on the fixture's store, with scanners escaner-3 (Equipo Huánuco)
 * and escaner-9 (Equipo Cusco), and a dispatched shipment of team, 40 hygiene kits in 2
 * packages, whose dispatch result (with its tokens) is in *dispatched. */
static struct api
s_secure(void **state, const char *team, json_t **dispatched)
{
    struct api a = {.store = FIX(state)->store, .secure = true};
    crypto_sign_keypair(a.pk, a.sk);
    sf_receive(a.store, SJL, "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 100);
    json_decref(af_ok(&a, "admin", "admin", "device.add",
                      json_pack("{ss ss ss ss}", "name", "escaner-3", "role", "scanner",
                                "public_key", KEY3, "team", HUANUCO)));
    json_decref(af_ok(&a, "admin", "admin", "device.add",
                      json_pack("{ss ss ss ss}", "name", "escaner-9", "role", "scanner",
                                "public_key", KEY9, "team", "Equipo Cusco")));
    json_t *s = af_ok(&a, "admin", "admin", "shipment.create",
                      json_pack("{ss ss ss}", "from", SJL, "to", ROSA, "team", team));
    const char *code = s_str(s, "code");
    json_decref(af_ok(&a, "admin", "admin", "shipment.add_line",
                      json_pack("{ss ss si si}", "shipment", code, "item", "HYGIENE-KIT", "qty",
                                40, "packages", 2)));
    *dispatched = af_ok(&a, "admin", "admin", "shipment.dispatch",
                        json_pack("{ss}", "shipment", code));
    json_decref(s);
    return a;
}

static const char *
s_code(json_t *dispatched)
{
    return s_str(dispatched, "code");
}

static const char *
s_pkg_token(json_t *dispatched, size_t i)
{
    return s_str(json_array_get(json_object_get(dispatched, "packages"), i), "token");
}

/* A scanner said it was "admin": the delivery, shipment.get and the donor report once
 * all named "admin".  Now they name the device that authenticated. */
static void
test_delivery_names_the_authenticated_device(void **state)
{
    json_t *sent;
    struct api a = s_secure(state, HUANUCO, &sent);
    json_t *r = af_ok(&a, "escaner-3", "scanner", "delivery.confirm",
                      json_pack("{ss ss ss ss ss}", "token", s_pkg_token(sent, 0), "scan_id",
                                "scan-1", "device", "admin", "team", "Otro equipo",
                                "device_time", "2026-11-22T10:00:00-05:00"));
    assert_string_equal(s_str(r, "device"), "escaner-3");
    assert_string_equal(s_str(r, "device_label"), "admin");
    assert_string_equal(s_str(r, "team"), HUANUCO); /* the device's, not the client's word */
    assert_string_equal(s_str(r, "scanned_at"), "2026-11-22T15:00:00Z");
    json_decref(r);
    r = af_ok(&a, "admin", "admin", "shipment.get", json_pack("{ss}", "shipment", s_code(sent)));
    json_t *p = json_array_get(json_object_get(r, "packages"), 0);
    assert_string_equal(s_str(p, "device"), "escaner-3");
    assert_string_equal(s_str(p, "device_label"), "admin");
    assert_string_equal(s_str(p, "team"), HUANUCO);
    assert_string_equal(s_str(p, "scanned_at"), "2026-11-22T15:00:00Z");
    json_decref(r);
    r = af_ok(&a, "admin", "admin", "report.donor",
              json_pack("{ss ss ss}", "donor", "CARE-PE", "from", "2026-11-01", "to",
                        "2026-11-30"));
    json_t *row = json_array_get(json_object_get(r, "deliveries"), 0);
    assert_string_equal(s_str(row, "device"), "escaner-3");
    assert_string_equal(s_str(row, "device_label"), "admin");
    json_decref(r);
    /* a scanner of another team, with the paper in hand, still confirms: its own team */
    r = af_ok(&a, "escaner-9", "scanner", "delivery.confirm",
              json_pack("{ss ss ss}", "token", s_pkg_token(sent, 1), "scan_id", "scan-2", "team",
                        HUANUCO));
    assert_string_equal(s_str(r, "device"), "escaner-9");
    assert_null(s_str(r, "device_label"));
    assert_string_equal(s_str(r, "team"), "Equipo Cusco");
    json_decref(r);
    json_decref(sent);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

/* The open loopback core knows no device: the client's word stays the device, and is
 * kept as its label too; with no word, the actor "local". */
static void
test_open_core_keeps_the_clients_device(void **state)
{
    json_t *sent;
    struct api a = s_secure(state, HUANUCO, &sent);
    a.secure = false;
    json_t *r = af_ok(&a, "local", NULL, "delivery.confirm",
                      json_pack("{ss ss ss ss}", "token", s_pkg_token(sent, 0), "scan_id",
                                "scan-1", "device", "phone-7", "team", "Equipo 3"));
    assert_string_equal(s_str(r, "device"), "phone-7");
    assert_string_equal(s_str(r, "device_label"), "phone-7");
    assert_string_equal(s_str(r, "team"), "Equipo 3");
    json_decref(r);
    r = af_ok(&a, "local", NULL, "delivery.confirm",
              json_pack("{ss ss}", "token", s_pkg_token(sent, 1), "scan_id", "scan-2"));
    assert_string_equal(s_str(r, "device"), "local");
    assert_null(s_str(r, "device_label"));
    json_decref(r);
    json_decref(sent);
    proto_error_clear(&a.err);
}

/* True if s (a shipment.get result) holds a token anywhere. */
static bool
s_has_token(json_t *s)
{
    bool any = json_object_get(s, "token") != NULL;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(s, "packages"), i, p) any |= json_object_get(p, "token") != NULL;
    return any;
}

/* A scanner once listed every shipment and read every slip's token. */
static void
test_scanner_sees_its_team_only(void **state)
{
    json_t *sent;
    struct api a = s_secure(state, "EQUIPO Huánuco", &sent); /* as ayni-scan compares */
    const char *code = s_code(sent);
    json_t *r = af_ok(&a, "escaner-3", "scanner", "shipment.list",
                      json_pack("{ss}", "state", "dispatched"));
    assert_int_equal(json_array_size(r), 1);
    assert_string_equal(s_str(json_array_get(r, 0), "code"), code);
    json_decref(r);
    r = af_ok(&a, "escaner-9", "scanner", "shipment.list", NULL);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
    /* its own team's manifest, without tokens; the warehouse still gets them */
    r = af_ok(&a, "escaner-3", "scanner", "shipment.get", json_pack("{ss}", "shipment", code));
    assert_int_equal(json_array_size(json_object_get(r, "packages")), 2);
    assert_false(s_has_token(r));
    json_decref(r);
    r = af_ok(&a, "almacen-1", "warehouse", "shipment.get", json_pack("{ss}", "shipment", code));
    assert_true(s_has_token(r));
    json_decref(r);
    /* another team's: not found, as a code that does not exist, with no hint */
    assert_int_equal(af_req(&a, "escaner-9", "scanner", "shipment.get",
                            json_pack("{ss}", "shipment", code), NULL), AYNI_ENOTFOUND);
    char other[sizeof a.err.message];
    snprintf(other, sizeof other, "%s", a.err.message);
    assert_non_null(strstr(other, code));
    assert_null(strstr(other, "did you mean"));
    char *missing = xasprintf("%.*s9", (int)strlen(code) - 1, code);
    assert_int_equal(af_req(&a, "escaner-9", "scanner", "shipment.get",
                            json_pack("{ss}", "shipment", missing), NULL), AYNI_ENOTFOUND);
    assert_null(strstr(a.err.message, "did you mean"));
    assert_null(strstr(a.err.message, code));
    free(missing);
    /* the paper still proves the delivery, whoever's team holds it */
    json_decref(af_ok(&a, "escaner-9", "scanner", "delivery.confirm",
                      json_pack("{ss ss}", "token", s_pkg_token(sent, 0), "scan_id", "s-9")));
    json_decref(sent);
    proto_error_clear(&a.err);
}

/* A scanner registered before devices had teams sees nothing, and can learn why. */
static void
test_scanner_without_team(void **state)
{
    json_t *sent;
    struct api a = s_secure(state, HUANUCO, &sent);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(FIX(state)->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO devices (name, role, public_key, created_at)"
                                      " VALUES ('viejo-1', 'scanner', '" KEY3 "0', 'x')",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    json_t *r = af_ok(&a, "viejo-1", "scanner", "shipment.list", NULL);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
    assert_int_equal(af_req(&a, "viejo-1", "scanner", "shipment.get",
                            json_pack("{ss}", "shipment", s_code(sent)), NULL), AYNI_ENOTFOUND);
    assert_non_null(strstr(a.err.message, "no team"));
    r = af_ok(&a, "viejo-1", "scanner", "server.info", NULL);
    json_t *me = json_object_get(r, "device");
    assert_string_equal(s_str(me, "name"), "viejo-1");
    assert_string_equal(s_str(me, "role"), "scanner");
    assert_true(json_is_null(json_object_get(me, "team")));
    json_decref(r);
    r = af_ok(&a, "escaner-3", "scanner", "server.info", NULL);
    assert_string_equal(s_str(json_object_get(r, "device"), "team"), HUANUCO);
    json_decref(r);
    json_decref(sent);
    proto_error_clear(&a.err);
}

/* device.add: team required for a scanner, checked as any name, shown by device.list. */
static void
test_device_add_team(void **state)
{
    json_t *sent;
    struct api a = s_secure(state, HUANUCO, &sent);
    const char *bad[] = {NULL, "", "Equipo\x1b[31m", "Equipo \xe2\x80\xae" "oñeuqaH"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *args = json_pack("{ss ss ss}", "name", "tablet-x", "role", "scanner",
                                 "public_key", KEY1);
        if (bad[i])
            json_object_set_new(args, "team", json_string(bad[i]));
        assert_int_equal(af_req(&a, "admin", "admin", "device.add", args, NULL), AYNI_EINVAL);
        assert_string_equal(s_str(a.err.details, "field"), "team");
    }
    char long_team[102];
    memset(long_team, 'e', 101);
    long_team[101] = '\0';
    assert_int_equal(af_req(&a, "admin", "admin", "device.add",
                            json_pack("{ss ss ss ss}", "name", "tablet-x", "role", "scanner",
                                      "public_key", KEY1, "team", long_team), NULL),
                     AYNI_EINVAL);
    assert_string_equal(s_str(a.err.details, "field"), "team");
    /* other roles may have one, or none */
    static const char key2[] = "2b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
    json_decref(af_ok(&a, "admin", "admin", "device.add",
                      json_pack("{ss ss ss}", "name", "almacen-1", "role", "warehouse",
                                "public_key", key2)));
    json_t *list = af_ok(&a, "admin", "admin", "device.list", NULL);
    size_t i;
    json_t *d;
    int seen = 0;
    json_array_foreach(list, i, d) {
        if (!strcmp(s_str(d, "name"), "escaner-3") && ++seen)
            assert_string_equal(s_str(d, "team"), HUANUCO);
        if (!strcmp(s_str(d, "name"), "almacen-1") && ++seen)
            assert_true(json_is_null(json_object_get(d, "team")));
    }
    assert_int_equal(seen, 2);
    json_decref(list);
    json_decref(sent);
    proto_error_clear(&a.err);
}

/* device_time was stored whatever it held ("yesterday, honest"). */
static void
test_device_time_is_iso_8601(void **state)
{
    json_t *sent;
    struct api a = s_secure(state, HUANUCO, &sent);
    const char *bad[] = {"yesterday, honest", "2026-02-30T10:00:00Z", "2026-11-22T10:00:00",
                         "2026-11-22 10:00:00-05:00", "2026-11-22T25:00:00Z", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char scan[16];
        snprintf(scan, sizeof scan, "bad-%zu", i);
        assert_int_equal(af_req(&a, "escaner-3", "scanner", "delivery.confirm",
                                json_pack("{ss ss ss}", "token", s_pkg_token(sent, 0), "scan_id",
                                          scan, "device_time", bad[i]), NULL), AYNI_EINVAL);
        assert_string_equal(s_str(a.err.details, "field"), "device_time");
        assert_non_null(strstr(a.err.message, "device_time"));
        assert_non_null(strstr(a.err.message, "YYYY-MM-DDTHH:MM:SSZ"));
    }
    json_t *r = af_ok(&a, "admin", "admin", "shipment.get",
                      json_pack("{ss}", "shipment", s_code(sent)));
    assert_false(json_is_true(json_object_get(json_array_get(json_object_get(r, "packages"), 0),
                                              "delivered")));
    json_decref(r);
    r = af_ok(&a, "escaner-3", "scanner", "delivery.confirm",
              json_pack("{ss ss ss}", "token", s_pkg_token(sent, 0), "scan_id", "good",
                        "device_time", "2026-11-22T09:15:00.250+00:00"));
    assert_string_equal(s_str(r, "scanned_at"), "2026-11-22T09:15:00Z");
    json_decref(r);
    json_decref(sent);
    proto_error_clear(&a.err);
}

int
main(void)
{
    assert_true(sodium_init() >= 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivery_names_the_authenticated_device, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_open_core_keeps_the_clients_device, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_scanner_sees_its_team_only, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_scanner_without_team, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_device_add_team, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_device_time_is_iso_8601, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
