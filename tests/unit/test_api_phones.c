/* test_api_phones.c: phones through the gateway, in the request API as aynid runs it
 * secure (docs/WEB.md): an admin makes a one-time enrolment code, the gateway redeems it
 * for the phone's device secret, and a request the gateway sends "as" the phone is the
 * phone's: its role, its team, its name in the ledger.  Everything else is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

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
#define KEYW "4b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
#define KEY3 "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"

static json_t *
s_ok(struct api *a, const char *actor, const char *role, const char *phone, const char *secret,
     const char *op, json_t *args)
{
    json_t *r = NULL;
    int rc = af_req_as(a, actor, role, phone, secret, op, args, NULL, &r);
    if (rc)
        fail_msg("%s as %s failed: %s", op, actor, a->err.message);
    return r;
}

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A secure core's API with gateway web-1, scanner escaner-3 (CURVE), and a phone
 * phone-1 of HUANUCO enrolled through the gateway: its secret in secret (53 bytes); a
 * dispatched shipment of HUANUCO in 2 packages, its dispatch result in *dispatched. */
static struct api
s_setup(void **state, char secret[53], json_t **dispatched)
{
    struct api a = {.store = FIX(state)->store, .secure = true};
    crypto_sign_keypair(a.pk, a.sk);
    sf_receive(a.store, SJL, "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 100);
    json_decref(s_ok(&a, "admin", "admin", NULL, NULL, "device.add",
                     json_pack("{ss ss ss}", "name", "web-1", "role", "gateway", "public_key",
                               KEYW)));
    json_decref(s_ok(&a, "admin", "admin", NULL, NULL, "device.add",
                     json_pack("{ss ss ss ss}", "name", "escaner-3", "role", "scanner",
                               "public_key", KEY3, "team", HUANUCO)));
    json_t *r = s_ok(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                     json_pack("{ss ss}", "name", "phone-1", "team", HUANUCO));
    assert_string_equal(s_str(r, "expires_at"), "2026-11-23T12:00:00Z"); /* 24 h */
    json_t *e = s_ok(&a, "web-1", "gateway", NULL, NULL, "device.enrol",
                     json_pack("{ss}", "code", s_str(r, "code")));
    assert_string_equal(s_str(e, "name"), "phone-1");
    assert_string_equal(s_str(e, "team"), HUANUCO);
    snprintf(secret, 53, "%s", s_str(e, "secret"));
    json_decref(e);
    json_decref(r);
    json_t *s = s_ok(&a, "admin", "admin", NULL, NULL, "shipment.create",
                     json_pack("{ss ss ss}", "from", SJL, "to", ROSA, "team", HUANUCO));
    json_decref(s_ok(&a, "admin", "admin", NULL, NULL, "shipment.add_line",
                     json_pack("{ss ss si si}", "shipment", s_str(s, "code"), "item",
                               "HYGIENE-KIT", "qty", 40, "packages", 2)));
    *dispatched = s_ok(&a, "admin", "admin", NULL, NULL, "shipment.dispatch",
                       json_pack("{ss}", "shipment", s_str(s, "code")));
    json_decref(s);
    return a;
}

static const char *
s_pkg_token(json_t *dispatched, size_t i)
{
    return s_str(json_array_get(json_object_get(dispatched, "packages"), i), "token");
}

static void
test_phone_reads_and_confirms_as_itself(void **state)
{
    char secret[53];
    json_t *sent;
    struct api a = s_setup(state, secret, &sent);
    const char *code = s_str(sent, "code");
    json_t *r = s_ok(&a, "web-1", "gateway", "phone-1", secret, "server.info", NULL);
    json_t *dev = json_object_get(r, "device");
    assert_string_equal(s_str(dev, "name"), "phone-1");
    assert_string_equal(s_str(dev, "role"), "scanner");
    assert_string_equal(s_str(dev, "team"), HUANUCO);
    json_decref(r);
    r = s_ok(&a, "web-1", "gateway", "phone-1", secret, "shipment.get",
             json_pack("{ss}", "shipment", code));
    assert_string_equal(s_str(r, "code"), code);
    json_decref(r);
    r = s_ok(&a, "web-1", "gateway", "phone-1", secret, "delivery.confirm",
             json_pack("{ss ss ss ss}", "token", s_pkg_token(sent, 0), "scan_id", "phone-scan-1",
                       "device", "web-1", "device_time", "2026-11-22T11:00:00Z"));
    assert_string_equal(s_str(r, "device"), "phone-1"); /* the phone, not the gateway */
    assert_string_equal(s_str(r, "team"), HUANUCO);
    json_decref(r);
    r = s_ok(&a, "admin", "admin", NULL, NULL, "events.since", json_pack("{si}", "since", 0));
    json_t *events = json_object_get(r, "events");
    json_t *last = json_array_get(events, json_array_size(events) - 1);
    assert_non_null(s_str(last, "actor"));
    assert_string_equal(s_str(last, "actor"), "phone-1");
    json_decref(r);
    json_decref(sent);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

static void
test_refusals(void **state)
{
    char secret[53];
    json_t *sent;
    struct api a = s_setup(state, secret, &sent);
    const char *code = s_str(sent, "code");
    json_t *get = json_pack("{ss}", "shipment", code), *err = NULL;
    long events = sf_events(a.store);
    /* the gateway by itself may only enrol and ask server.info */
    assert_int_equal(af_req_as(&a, "web-1", "gateway", NULL, NULL, "shipment.get", json_incref(get),
                               NULL, NULL), AYNI_EDENIED);
    json_decref(s_ok(&a, "web-1", "gateway", NULL, NULL, "server.info", NULL));
    /* a wrong secret, an unknown phone, an empty secret */
    char wrong[53];
    memcpy(wrong, secret, sizeof wrong);
    wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "phone-1", wrong, "shipment.get",
                               json_incref(get), NULL, &err), AYNI_EDENIED);
    assert_non_null(strstr(s_str(err, "message"), "wrong device secret"));
    json_decref(err);
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "phone-9", secret, "shipment.get",
                               json_incref(get), NULL, NULL), AYNI_EDENIED);
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "phone-1", "", "shipment.get",
                               json_incref(get), NULL, NULL), AYNI_EDENIED);
    /* only a gateway may speak for another device, even with the right secret */
    assert_int_equal(af_req_as(&a, "escaner-3", "scanner", "phone-1", secret, "shipment.get",
                               json_incref(get), NULL, NULL), AYNI_EDENIED);
    /* a gateway cannot speak for a CURVE device, which has no secret */
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "escaner-3", "", "shipment.get",
                               json_incref(get), NULL, NULL), AYNI_EDENIED);
    /* a phone is a scanner: no admin op */
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "phone-1", secret, "device.list", NULL, NULL,
                               NULL), AYNI_EDENIED);
    /* a malformed "as" */
    const char *frame = "{\"v\":1,\"op\":\"server.info\",\"as\":\"phone-1\"}";
    struct api_outcome out;
    json_decref(api_handle(&a, frame, strlen(frame), "web-1", "gateway", &out));
    assert_int_equal(out.code, AYNI_EBADREQ);
    /* the ops whose answer holds a secret take no idem (it would be kept) */
    assert_int_equal(af_req_as(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                               json_pack("{ss}", "name", "phone-1"), "k-1", NULL), AYNI_EBADREQ);
    assert_int_equal(sf_events(a.store), events);
    /* disabled: refused at its next request */
    json_decref(s_ok(&a, "admin", "admin", NULL, NULL, "device.disable",
                     json_pack("{ss}", "name", "phone-1")));
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "phone-1", secret, "shipment.get",
                               json_incref(get), NULL, &err), AYNI_EDENIED);
    assert_non_null(strstr(s_str(err, "message"), "disabled"));
    json_decref(err);
    json_decref(get);
    json_decref(sent);
    proto_error_clear(&a.err);
}

static void
test_enrol_once(void **state)
{
    char secret[53];
    json_t *sent;
    struct api a = s_setup(state, secret, &sent);
    json_t *r = s_ok(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                     json_pack("{ss ss si}", "name", "phone-2", "team", HUANUCO, "ttl_s", 600));
    char *code = xstrdup(s_str(r, "code"));
    json_decref(r);
    /* only a gateway enrols (a scanner or an admin has no business with the code) */
    assert_int_equal(af_req_as(&a, "escaner-3", "scanner", NULL, NULL, "device.enrol",
                               json_pack("{ss}", "code", code), NULL, NULL), AYNI_EDENIED);
    assert_int_equal(af_req_as(&a, "web-1", "gateway", NULL, NULL, "device.enrol",
                               json_pack("{ss}", "code", code), "k-2", NULL), AYNI_EBADREQ);
    json_decref(s_ok(&a, "web-1", "gateway", NULL, NULL, "device.enrol",
                     json_pack("{ss}", "code", code)));
    json_t *err = NULL;
    assert_int_equal(af_req_as(&a, "web-1", "gateway", NULL, NULL, "device.enrol",
                               json_pack("{ss}", "code", code), NULL, &err), AYNI_ESTATE);
    assert_string_equal(s_str(err, "code"), "invalid_state");
    json_decref(err);
    /* expired */
    r = s_ok(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
             json_pack("{ss ss si}", "name", "phone-3", "team", HUANUCO, "ttl_s", 600));
    free(code);
    code = xstrdup(s_str(r, "code"));
    json_decref(r);
    core_store_set_now(a.store, 1795348800 + 601);
    assert_int_equal(af_req_as(&a, "web-1", "gateway", NULL, NULL, "device.enrol",
                               json_pack("{ss}", "code", code), NULL, &err), AYNI_ESTATE);
    assert_non_null(strstr(s_str(err, "message"), "expired"));
    json_decref(err);
    free(code);
    json_decref(sent);
    proto_error_clear(&a.err);
}

/* A coordinator's browser enrols as a reader through the gateway, exactly as a phone does,
 * and reads every event; a phone (a scanner) reads only its own team's shipments' events,
 * and events.since says where its next page starts even when it shows none. */
static void
test_reader_and_events_by_role(void **state)
{
    char secret[53];
    json_t *sent;
    struct api a = s_setup(state, secret, &sent);
    json_t *r = s_ok(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                     json_pack("{ss ss}", "name", "laptop-1", "role", "reader"));
    assert_true(json_is_true(json_object_get(r, "created")));
    json_t *e = s_ok(&a, "web-1", "gateway", NULL, NULL, "device.enrol",
                     json_pack("{ss}", "code", s_str(r, "code")));
    json_decref(r);
    assert_string_equal(s_str(e, "role"), "reader");
    assert_true(json_is_null(json_object_get(e, "team")));
    char reader[53];
    snprintf(reader, sizeof reader, "%s", s_str(e, "secret"));
    json_decref(e);
    r = s_ok(&a, "web-1", "gateway", "laptop-1", reader, "server.info", NULL);
    assert_string_equal(s_str(json_object_get(r, "device"), "role"), "reader");
    json_decref(r);
    /* a reader may not confirm, nor is it an admin */
    assert_int_equal(af_req_as(&a, "web-1", "gateway", "laptop-1", reader, "delivery.confirm",
                               json_pack("{ss ss}", "token", s_pkg_token(sent, 0), "scan_id", "x"),
                               NULL, NULL), AYNI_EDENIED);
    /* another team's shipment, dispatched */
    json_t *s = s_ok(&a, "admin", "admin", NULL, NULL, "shipment.create",
                     json_pack("{ss ss ss}", "from", SJL, "to", ROSA, "team", "Equipo Cusco"));
    char other[41];
    snprintf(other, sizeof other, "%s", s_str(s, "code"));
    json_decref(s);
    json_t *all = s_ok(&a, "web-1", "gateway", "laptop-1", reader, "events.since",
                       json_pack("{si}", "since", 0));
    json_t *mine = s_ok(&a, "web-1", "gateway", "phone-1", secret, "events.since",
                        json_pack("{si}", "since", 0));
    json_int_t head = json_integer_value(json_object_get(all, "head"));
    assert_int_equal(json_array_size(json_object_get(all, "events")), head);
    assert_int_equal(json_integer_value(json_object_get(all, "last")), head);
    assert_int_equal(json_integer_value(json_object_get(mine, "last")), head);
    size_t i, n = 0;
    json_t *ev;
    json_array_foreach(json_object_get(mine, "events"), i, ev) {
        assert_string_equal(s_str(ev, "shipment"), s_str(sent, "code"));
        n++;
    }
    assert_int_equal(n, 3); /* created, line_added, dispatched: its team's shipment only */
    json_decref(all);
    json_decref(mine);
    /* a page of nothing visible still moves on: its last is the last event looked at */
    mine = s_ok(&a, "web-1", "gateway", "phone-1", secret, "events.since",
                json_pack("{sI si}", "since", head - 1, "limit", 1));
    assert_int_equal(json_array_size(json_object_get(mine, "events")), 0);
    assert_int_equal(json_integer_value(json_object_get(mine, "last")), head);
    json_decref(mine);
    (void)other;
    /* a reader's code is for a reader: not a team, not a scanner's name */
    json_t *err = NULL;
    assert_int_equal(af_req_as(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                               json_pack("{ss ss ss}", "name", "laptop-2", "role", "reader", "team",
                                         HUANUCO), NULL, &err), AYNI_EINVAL);
    json_decref(err);
    assert_int_equal(af_req_as(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                               json_pack("{ss ss}", "name", "phone-1", "role", "reader"), NULL,
                               &err), AYNI_EINVAL);
    json_decref(err);
    assert_int_equal(af_req_as(&a, "admin", "admin", NULL, NULL, "device.enrol_code",
                               json_pack("{ss ss}", "name", "laptop-2", "role", "admin"), NULL,
                               &err), AYNI_EINVAL);
    json_decref(err);
    json_decref(sent);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_phone_reads_and_confirms_as_itself, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_enrol_once, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_reader_and_events_by_role, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
