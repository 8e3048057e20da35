/* test_store_phones.c: phones as registered devices: one-time enrolment codes, device
 * secrets kept only as hashes, the gateway role (core/store/store_devices.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "error.h"
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define STORE(state) (FIX(state)->store)

static const char s_key[] = "5d5f1c1e8e2a8f0b7c3d9a4e6f1b2c3d4e5f60718293a4b5c6d7e8f901234567";

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Count rows of the database where sql (a COUNT) says so, through a second connection. */
static long
s_count(void **state, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(FIX(state)->path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void
test_enrol_new_phone(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    assert_int_equal(core_device_enrol_code(s, "phone-1", NULL, "Equipo Huánuco", 86400, &r), 0);
    char *code = xstrdup(s_str(r, "code"));
    assert_int_equal(strlen(code), 26);
    assert_true(json_is_true(json_object_get(r, "created")));
    assert_string_equal(s_str(r, "expires_at"), "2026-11-23T12:00:00Z");
    json_decref(r);
    /* Neither the code nor the secret is stored: only their hashes. */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM devices WHERE enrol_hash LIKE '%%%s%%'", code);
    assert_int_equal(s_count(state, sql), 0);

    assert_int_equal(core_device_enrol(s, code, &r), 0);
    assert_string_equal(s_str(r, "name"), "phone-1");
    assert_string_equal(s_str(r, "team"), "Equipo Huánuco");
    char *secret = xstrdup(s_str(r, "secret"));
    assert_int_equal(strlen(secret), 52);
    json_decref(r);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM devices WHERE secret_hash = '%s'", secret);
    assert_int_equal(s_count(state, sql), 0);
    assert_int_equal(s_count(state, "SELECT COUNT(*) FROM devices WHERE name = 'phone-1' AND "
                                    "public_key IS NULL AND length(secret_hash) = 64"), 1);

    char role[16] = "";
    bool enabled = false;
    assert_int_equal(core_device_by_secret(s, "phone-1", secret, role, &enabled), 0);
    assert_string_equal(role, "scanner");
    assert_true(enabled);
    secret[0] = secret[0] == 'A' ? 'B' : 'A';
    assert_int_equal(core_device_by_secret(s, "phone-1", secret, role, &enabled), AYNI_EDENIED);
    assert_int_equal(core_device_by_secret(s, "nobody", secret, role, &enabled), AYNI_EDENIED);
    assert_int_equal(core_device_by_secret(s, "phone-1", "", role, &enabled), AYNI_EDENIED);

    /* A replayed code is refused, and changes nothing. */
    long events = sf_events(s);
    assert_int_equal(core_device_enrol(s, code, &r), AYNI_ESTATE);
    assert_non_null(strstr(core_store_errmsg(s), "already used"));
    assert_int_equal(sf_events(s), events);
    assert_int_equal(core_device_enrol(s, "NOSUCHCODE", &r), AYNI_ENOTFOUND);
    assert_int_equal(core_device_enrol(s, "", &r), AYNI_EINVAL);
    free(code);
    free(secret);
}

static void
test_enrol_expired_and_disabled(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    assert_int_equal(core_device_enrol_code(s, "phone-2", NULL, "Equipo 3", 3600, &r), 0);
    char *code = xstrdup(s_str(r, "code"));
    json_decref(r);
    core_store_set_now(s, 1795348800 + 3600); /* SF_NOW + 1 h: the code has just expired */
    assert_int_equal(core_device_enrol(s, code, &r), AYNI_ESTATE);
    assert_non_null(strstr(core_store_errmsg(s), "expired"));
    free(code);

    /* A new code for the same phone replaces the old one; a disabled phone gets none. */
    assert_int_equal(core_device_enrol_code(s, "phone-2", NULL, NULL, 600, &r), 0);
    assert_true(json_is_false(json_object_get(r, "created")));
    code = xstrdup(s_str(r, "code"));
    json_decref(r);
    assert_int_equal(core_device_disable(s, "phone-2", &r), 0);
    json_decref(r);
    assert_int_equal(core_device_enrol(s, code, &r), AYNI_EDENIED);
    assert_int_equal(core_device_enrol_code(s, "phone-2", NULL, NULL, 600, &r), AYNI_ESTATE);
    free(code);
}

static void
test_enrol_code_refusals(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    long events = sf_events(s);
    assert_int_equal(core_device_enrol_code(s, "ghost", NULL, NULL, 600, &r), AYNI_ENOTFOUND);
    assert_int_equal(core_device_enrol_code(s, "bad name!", NULL, "T", 600, &r), AYNI_EINVAL);
    assert_int_equal(core_device_enrol_code(s, "p", NULL, "T", 10, &r), AYNI_EINVAL);
    assert_int_equal(core_device_enrol_code(s, "p", NULL, "T", 31 * 86400, &r), AYNI_EINVAL);
    assert_int_equal(core_device_add(s, "wh-1", "warehouse", s_key, &r), 0);
    json_decref(r);
    events++;
    assert_int_equal(core_device_enrol_code(s, "wh-1", NULL, NULL, 600, &r), AYNI_EINVAL);
    assert_non_null(strstr(core_store_errmsg(s), "only a scanner or a reader"));
    assert_int_equal(sf_events(s), events);
}

/* A coordinator's browser: a reader with no team, enrolled as a phone is. */
static void
test_enrol_reader(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    assert_int_equal(core_device_enrol_code(s, "laptop-1", "reader", NULL, 3600, &r), 0);
    assert_true(json_is_true(json_object_get(r, "created")));
    char *code = xstrdup(s_str(r, "code"));
    json_decref(r);
    assert_int_equal(core_device_enrol(s, code, &r), 0);
    assert_string_equal(s_str(r, "role"), "reader");
    assert_true(json_is_null(json_object_get(r, "team")));
    char *secret = xstrdup(s_str(r, "secret"));
    json_decref(r);
    char role[16] = "";
    bool enabled = false;
    assert_int_equal(core_device_by_secret(s, "laptop-1", secret, role, &enabled), 0);
    assert_string_equal(role, "reader");
    assert_int_equal(s_count(state, "SELECT COUNT(*) FROM devices WHERE name = 'laptop-1' AND "
                                    "role = 'reader' AND team IS NULL AND public_key IS NULL"),
                     1);
    /* an existing reader gets a new code with or without the role named */
    assert_int_equal(core_device_enrol_code(s, "laptop-1", NULL, NULL, 600, &r), 0);
    assert_true(json_is_false(json_object_get(r, "created")));
    json_decref(r);
    assert_int_equal(core_device_enrol_code(s, "laptop-1", "reader", NULL, 600, &r), 0);
    json_decref(r);
    /* refused, changing nothing: a reader with a team, a scanner's code for a reader, a
     * role a browser never has, a CURVE reader's name taken as a scanner */
    long events = sf_events(s);
    assert_int_equal(core_device_enrol_code(s, "laptop-2", "reader", "Equipo 3", 600, &r),
                     AYNI_EINVAL);
    assert_int_equal(core_device_enrol_code(s, "laptop-1", "scanner", NULL, 600, &r), AYNI_EINVAL);
    assert_int_equal(core_device_enrol_code(s, "laptop-3", "admin", NULL, 600, &r), AYNI_EINVAL);
    assert_int_equal(core_device_enrol_code(s, "laptop-4", NULL, NULL, 600, &r), AYNI_ENOTFOUND);
    assert_int_equal(sf_events(s), events);
    free(code);
    free(secret);
}

static void
test_gateway_role(void **state)
{
    core_store_t *s = STORE(state);
    json_t *r = NULL;
    assert_int_equal(core_device_add(s, "web-1", "gateway", s_key, &r), 0);
    json_decref(r);
    char name[101], role[16];
    bool enabled = false;
    assert_int_equal(core_device_by_key(s, s_key, name, role, &enabled), 0);
    assert_string_equal(role, "gateway");
    /* A gateway has no device secret: it proves itself with its CURVE key. */
    assert_int_equal(core_device_by_secret(s, "web-1", "", role, &enabled), AYNI_EDENIED);
    assert_int_equal(core_device_enrol_code(s, "web-1", NULL, NULL, 600, &r), AYNI_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enrol_new_phone, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_enrol_expired_and_disabled, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_enrol_code_refusals, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_enrol_reader, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_gateway_role, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
