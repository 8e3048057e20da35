/* test_aynid_ops.c: every operation of aynid's request API, through the real service:
 * each one's success path with the shape of its result, and the idempotency keys.
 * The op table in core/service/api_ops.c and the sections of docs/PROTOCOL.md are checked
 * against what the test exercised, so a new op cannot go untested or undocumented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "error.h"
#include "harness.h"
#include "mem.h"
#include "statement.h"

/* ---- which ops succeeded ---- */

static char s_done[64][48];
static int s_ndone;

static void
s_mark(const char *op)
{
    for (int i = 0; i < s_ndone; i++)
        if (!strcmp(s_done[i], op))
            return;
    assert_true(s_ndone < 64);
    snprintf(s_done[s_ndone++], sizeof s_done[0], "%s", op);
}

static json_t *
s_ok(struct e2e *e, const char *op, json_t *args)
{
    json_t *r = e2e_ok(e, op, args);
    s_mark(op);
    return r;
}

static const char *
s_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (!v)
        fail_msg("no string '%s' in the result", key);
    return v;
}

static long long
s_int(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer '%s' in the result", key);
    return json_integer_value(v);
}

static char *
s_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = e2e_read_all(f);
    fclose(f);
    return text;
}

static const char *
s_source_dir(void)
{
    const char *d = getenv("AYNI_SOURCE_DIR");
#ifdef AYNI_E2E_SOURCE_DIR
    if (!d || !*d)
        d = AYNI_E2E_SOURCE_DIR;
#endif
    return d;
}

/* ---- fixtures ---- */

/* ---- the catalog ---- */

static void
s_catalog(struct e2e *e)
{
    json_t *r = s_ok(e, "item.add",
                     e2e_pack("{ss ss ss ss sb si}", "code", "FOOD-KIT", "name_es",
                              "Kit de alimentos", "name_en", "Food kit", "tracking", "lot",
                              "perishable", 1, "low", 50));
    assert_string_equal(s_str(r, "unit"), "kit");
    assert_true(json_is_true(json_object_get(r, "perishable")));
    assert_int_equal(s_int(r, "low"), 50);
    json_decref(r);
    json_decref(s_ok(e, "item.add",
                     e2e_pack("{ss ss ss ss ss}", "code", "TABLET", "name_es", "Tableta",
                              "name_en", "Tablet", "tracking", "serial", "unit", "unit")));
    r = s_ok(e, "item.list", NULL);
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(s_str(json_array_get(r, 0), "code"), "FOOD-KIT");
    assert_string_equal(s_str(json_array_get(r, 1), "tracking"), "serial");
    json_decref(r);

    r = s_ok(e, "location.add",
             e2e_pack("{ss ss ss ss ss}", "code", "ALM-LIMA", "kind", "warehouse", "name",
                      "Almacén Lima", "region", "Lima", "district", "San Juan de Lurigancho"));
    assert_string_equal(s_str(r, "name"), "Almacén Lima");
    json_decref(r);
    r = s_ok(e, "location.add",
             e2e_pack("{ss ss ss}", "code", "ALM-CUSCO", "kind", "warehouse", "name", "Cusco"));
    assert_true(json_is_null(json_object_get(r, "region")));
    json_decref(r);
    json_decref(s_ok(e, "location.add",
                     e2e_pack("{ss ss ss ss}", "code", "COM-0042", "kind", "community", "name",
                              "Comunidad Q'ero", "region", "Cusco")));
    r = s_ok(e, "location.list", e2e_pack("{ss}", "kind", "warehouse"));
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(s_str(json_array_get(r, 0), "code"), "ALM-CUSCO");
    json_decref(r);
    r = s_ok(e, "location.list", NULL); /* every kind but transit: LOSS is there */
    assert_int_equal(json_array_size(r), 4);
    json_decref(r);

    r = s_ok(e, "donor.add", e2e_pack("{ss ss}", "code", "UNICEF", "name", "UNICEF Perú"));
    assert_string_equal(s_str(r, "name"), "UNICEF Perú");
    json_decref(r);
    r = s_ok(e, "donor.list", NULL);
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
}

/* ---- stock ---- */

static void
s_stock(struct e2e *e, const char *expiry)
{
    json_t *r = s_ok(e, "stock.receive",
                     e2e_pack("{ss ss ss ss ss si ss}", "at", "ALM-LIMA", "donor", "UNICEF",
                              "item", "FOOD-KIT", "lot", "L1", "expiry", expiry, "qty", 100,
                              "note", "camión 1"));
    assert_int_equal(strncmp(s_str(r, "receipt"), "REC-", 4), 0);
    assert_int_equal(s_int(r, "qty"), 100);
    assert_string_equal(s_str(r, "note"), "camión 1");
    json_decref(r);
    r = s_ok(e, "stock.receive",
             e2e_pack("{ss ss ss s[sss]}", "at", "ALM-LIMA", "donor", "UNICEF", "item", "TABLET",
                      "serials", "SN-1", "SN-2", "SN-3"));
    assert_int_equal(s_int(r, "qty"), 3);
    assert_int_equal(json_array_size(json_object_get(r, "serials")), 3);
    assert_string_equal(s_str(r, "lot"), s_str(r, "receipt")); /* named after the receipt */
    json_decref(r);

    r = s_ok(e, "stock.receive_batch",
             e2e_pack("{s[{ss ss ss ss ss si} {ss ss ss s[s]}]}", "rows", "at", "ALM-CUSCO",
                      "donor", "UNICEF", "item", "FOOD-KIT", "lot", "L2", "expiry", expiry,
                      "qty", 60, "at", "ALM-CUSCO", "donor", "UNICEF", "item", "TABLET",
                      "serials", "SN-9"));
    assert_int_equal(s_int(r, "received"), 2);
    assert_int_equal(json_array_size(json_object_get(r, "receipts")), 2);
    json_decref(r);

    r = s_ok(e, "stock.transfer",
             e2e_pack("{ss ss ss si}", "from", "ALM-LIMA", "to", "ALM-CUSCO", "item", "FOOD-KIT",
                      "qty", 20));
    assert_int_equal(s_int(r, "qty"), 20);
    assert_string_equal(s_str(json_array_get(json_object_get(r, "lots"), 0), "lot"), "L1");
    json_decref(r);
    r = s_ok(e, "stock.adjust",
             e2e_pack("{ss ss si ss ss}", "at", "ALM-LIMA", "item", "FOOD-KIT", "qty", -35,
                      "reason", "damaged", "note", "lluvia"));
    assert_int_equal(s_int(r, "qty"), -35);
    json_decref(r);
    json_decref(s_ok(e, "stock.adjust",
                     e2e_pack("{ss ss ss si ss}", "at", "ALM-LIMA", "item", "FOOD-KIT", "lot",
                              "L1", "qty", 2, "reason", "count")));

    r = s_ok(e, "stock.levels", e2e_pack("{ss}", "at", "ALM-LIMA"));
    assert_int_equal(json_array_size(r), 2);
    assert_int_equal(s_int(json_array_get(r, 0), "qty"), 47); /* 100 - 20 - 35 + 2 */
    assert_false(json_is_true(json_object_get(json_array_get(r, 0), "expired")));
    assert_int_equal(json_array_size(json_object_get(json_array_get(r, 1), "serials")), 3);
    json_decref(r);
    r = s_ok(e, "stock.levels", e2e_pack("{sb}", "low", 1)); /* 47 < 50 at ALM-LIMA */
    assert_int_equal(json_array_size(r), 1);
    assert_int_equal(s_int(json_array_get(r, 0), "threshold"), 50);
    json_decref(r);
    r = s_ok(e, "stock.levels", e2e_pack("{si ss}", "expiring", 3650, "item", "FOOD-KIT"));
    assert_int_equal(json_array_size(r), 3); /* L1 at both warehouses, L2 at Cusco */
    json_decref(r);
}

/* ---- shipments, deliveries ---- */

static char *
s_create(struct e2e *e, const char *from)
{
    json_t *r = s_ok(e, "shipment.create",
                     e2e_pack("{ss ss ss ss}", "from", from, "to", "COM-0042", "team",
                              "Equipo 3", "vehicle", "ABC-123"));
    assert_string_equal(s_str(r, "state"), "draft");
    assert_string_equal(s_str(json_object_get(r, "to"), "code"), "COM-0042");
    char *code = xstrdup(s_str(r, "code"));
    json_decref(r);
    return code;
}

static json_t *
s_shipment(struct e2e *e)
{
    char *code = s_create(e, "ALM-LIMA");
    json_t *r = s_ok(e, "shipment.add_line",
                     e2e_pack("{ss ss si si}", "shipment", code, "item", "FOOD-KIT", "qty", 10,
                              "packages", 2));
    assert_int_equal(s_int(r, "line"), 1);
    json_decref(r);
    json_decref(s_ok(e, "shipment.add_line",
                     e2e_pack("{ss ss s[s]}", "shipment", code, "item", "TABLET", "serials",
                              "SN-1")));
    r = s_ok(e, "shipment.get", e2e_pack("{ss}", "shipment", code));
    assert_int_equal(json_array_size(json_object_get(r, "lines")), 2);
    assert_int_equal(json_array_size(json_object_get(r, "packages")), 0);
    assert_null(json_object_get(r, "token")); /* a draft has no tokens */
    json_decref(r);

    json_t *d = s_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code));
    assert_string_equal(s_str(d, "state"), "dispatched");
    assert_int_equal(s_int(d, "package_count"), 3);
    assert_int_equal(strncmp(s_str(d, "token"), "AYNI", 4), 0);
    json_t *packages = json_object_get(d, "packages"), *p;
    size_t i;
    assert_int_equal(json_array_size(packages), 3);
    json_array_foreach(packages, i, p) {
        assert_int_equal(s_int(p, "number"), (long long)i + 1);
        assert_int_equal(strncmp(s_str(p, "token"), "AYNI", 4), 0);
    }
    json_t *list = s_ok(e, "shipment.list", e2e_pack("{ss}", "state", "dispatched"));
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(s_int(json_array_get(list, 0), "qty"), 11);
    json_decref(list);
    free(code);
    return d;
}

/* A photo of what arrived (a PNG's first bytes, enough for aynid): its SHA-256 in sha. */
static void
s_photo(struct e2e *e, char sha[65])
{
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                                        0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    unsigned char digest[crypto_hash_sha256_BYTES];
    char b64[64];
    crypto_hash_sha256(digest, png, sizeof png);
    sodium_bin2hex(sha, 65, digest, sizeof digest);
    sodium_bin2base64(b64, sizeof b64, png, sizeof png, sodium_base64_VARIANT_ORIGINAL);
    json_t *r = s_ok(e, "photo.put", e2e_pack("{ss ss}", "data", b64, "sha256", sha));
    assert_string_equal(s_str(r, "type"), "image/png");
    assert_int_equal(s_int(r, "bytes"), (long long)sizeof png);
    assert_true(json_is_false(json_object_get(r, "repeat")));
    json_decref(r);
}

static void
s_deliver(struct e2e *e, json_t *d)
{
    const char *code = s_str(d, "code");
    const char *label = s_str(json_array_get(json_object_get(d, "packages"), 0), "token");
    char sha[65];
    s_photo(e, sha);
    json_t *r = s_ok(e, "delivery.confirm",
                     e2e_pack("{ss ss ss ss ss s[{si si ss}] ss s{sf sf}}", "token", label,
                              "scan_id", "scan-1", "device_time", "2026-11-22T10:00:00-05:00",
                              "team", "Equipo 3", "device", "phone-7", "lines", "line", 1,
                              "received", 3, "reason", "damaged", "photo", sha, "position",
                              "lat", -13.5171, "lon", -71.9785));
    assert_string_equal(s_str(r, "photo"), sha);
    assert_true(json_number_value(json_object_get(json_object_get(r, "position"), "lat")) ==
                -13.5);
    assert_int_equal(s_int(r, "package"), 1);
    assert_int_equal(s_int(r, "qty_received"), 3);
    assert_string_equal(s_str(r, "shipment_state"), "partial");
    assert_int_equal(s_int(json_array_get(json_object_get(r, "lines"), 0), "short"), 2);
    json_decref(r);
    r = s_ok(e, "delivery.confirm", e2e_pack("{ss ss}", "token", s_str(d, "token"), "scan_id",
                                             "scan-2"));
    assert_int_equal(s_int(r, "package"), 0);
    assert_int_equal(json_array_size(json_object_get(r, "packages")), 2);
    assert_string_equal(s_str(r, "shipment_state"), "delivered");
    json_decref(r);

    r = s_ok(e, "shipment.get", e2e_pack("{ss}", "shipment", code));
    assert_string_equal(s_str(r, "state"), "delivered");
    assert_string_equal(s_str(r, "token"), s_str(d, "token")); /* the same token again */
    json_t *p = json_array_get(json_object_get(r, "packages"), 0);
    assert_true(json_is_true(json_object_get(p, "delivered")));
    assert_string_equal(s_str(p, "scan_id"), "scan-1");
    assert_string_equal(s_str(p, "token"), label);
    assert_string_equal(s_str(p, "photo"), sha);
    assert_true(json_number_value(json_object_get(json_object_get(p, "position"), "lon")) ==
                -72.0);
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r, "packages"), 1),
                                             "position")));
    json_decref(r);
    r = s_ok(e, "shipment.list", e2e_pack("{ss ss}", "team", "Equipo 3", "detail", "manifest"));
    assert_true(json_array_size(r) >= 1);
    assert_null(json_object_get(json_array_get(r, 0), "token"));
    assert_non_null(json_object_get(json_array_get(r, 0), "lines"));
    json_decref(r);
}

static void
s_cancel(struct e2e *e)
{
    char *draft = s_create(e, "ALM-CUSCO");
    json_decref(s_ok(e, "shipment.add_line",
                     e2e_pack("{ss ss si}", "shipment", draft, "item", "FOOD-KIT", "qty", 5)));
    json_t *r = s_ok(e, "shipment.cancel", e2e_pack("{ss ss}", "shipment", draft, "reason",
                                                     "camino bloqueado"));
    assert_string_equal(s_str(r, "state"), "cancelled");
    assert_int_equal(s_int(r, "returned"), 0);
    json_decref(r);
    free(draft);

    char *sent = s_create(e, "ALM-CUSCO");
    json_decref(s_ok(e, "shipment.add_line",
                     e2e_pack("{ss ss si}", "shipment", sent, "item", "FOOD-KIT", "qty", 7)));
    json_decref(s_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", sent)));
    r = s_ok(e, "shipment.cancel", e2e_pack("{ss ss}", "shipment", sent, "reason", "lluvia"));
    assert_int_equal(s_int(r, "returned"), 7);
    json_decref(r);
    free(sent);
    r = s_ok(e, "stock.levels", e2e_pack("{ss ss}", "at", "ALM-CUSCO", "item", "FOOD-KIT"));
    long long total = 0;
    json_t *row;
    size_t i;
    json_array_foreach(r, i, row)
        total += s_int(row, "qty");
    assert_int_equal(total, 80); /* 20 transferred + 60 received: everything came back */
    json_decref(r);
}

/* ---- reports, events, ledger, keys ---- */

static void
s_reports(struct e2e *e)
{
    char from[11], to[11];
    e2e_date(-2, from);
    e2e_date(2, to);
    json_t *r = s_ok(e, "report.donor",
                     e2e_pack("{ss ss ss}", "donor", "UNICEF", "from", from, "to", to));
    assert_int_equal(s_int(json_object_get(r, "totals"), "qty"), 9); /* 3 + 5 + 1 delivered */
    assert_int_equal(json_array_size(json_object_get(r, "discrepancies")), 1);
    assert_int_equal(s_int(json_object_get(r, "chain"), "seq"), e2e_head(e));
    /* drawn at a checkpoint signed just before (its own event is the head), and signed */
    assert_int_equal(s_int(json_object_get(r, "checkpoint"), "seq"), e2e_head(e) - 1);
    json_t *st = json_object_get(r, "statement"), *keys = s_ok(e, "keys.public", NULL);
    unsigned char pk[32];
    assert_int_equal(sodium_hex2bin(pk, 32, s_str(keys, "public_key"), 64, NULL, NULL, NULL), 0);
    struct core_statement got;
    assert_int_equal(core_statement_verify(s_str(st, "text"), strlen(s_str(st, "text")), pk, &got,
                                           NULL, 0),
                     CORE_STATEMENT_GENUINE);
    assert_int_equal(got.checkpoint_seq, e2e_head(e) - 1);
    assert_int_equal(got.deliveries, 2);
    assert_int_equal(got.n_items, 2);
    assert_int_equal(strlen(s_str(st, "signature")), 128);
    assert_int_equal(strncmp(s_str(st, "key_fingerprint"), s_str(keys, "key_id"), 8), 0);
    json_decref(keys);
    json_decref(r);
    r = s_ok(e, "report.stock", e2e_pack("{ss ss ss}", "at", "ALM-LIMA", "from", from, "to", to));
    json_t *row = json_array_get(json_object_get(r, "rows"), 0);
    assert_string_equal(s_str(row, "item"), "FOOD-KIT");
    assert_int_equal(s_int(row, "opening"), 0);
    assert_int_equal(s_int(row, "in"), 102);
    assert_int_equal(s_int(row, "losses"), 35);
    assert_int_equal(s_int(row, "closing"), 37);
    json_decref(r);
    /* the dashboard: today's deliveries are the last of the 30 days, as of the head */
    r = s_ok(e, "dashboard.panorama", NULL);
    assert_int_equal(s_int(r, "seq"), e2e_head(e));
    json_t *daily = json_object_get(r, "daily");
    assert_int_equal(json_array_size(daily), 30);
    json_t *today = json_object_get(json_object_get(r, "deliveries"), "today");
    assert_true(s_int(today, "qty") >= 9);
    assert_int_equal(s_int(json_array_get(daily, 29), "qty"), s_int(today, "qty"));
    json_decref(r);
    r = s_ok(e, "dashboard.regions", e2e_pack("{ss ss}", "from", from, "to", to));
    assert_true(json_array_size(json_object_get(r, "regions")) >= 1);
    json_decref(r);
}

/* Devices (aynid runs --insecure here: every caller may do everything). */
static void
s_devices(struct e2e *e)
{
    const char *key = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
    json_t *r = s_ok(e, "device.add", e2e_pack("{ss ss ss ss}", "name", "scanner-7", "role",
                                               "scanner", "public_key", key, "team",
                                               "Equipo Huánuco"));
    assert_true(json_is_true(json_object_get(r, "enabled")));
    json_decref(r);
    r = s_ok(e, "device.list", NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_string_equal(s_str(json_array_get(r, 0), "public_key"), key);
    json_decref(r);
    r = s_ok(e, "device.disable", e2e_pack("{ss}", "name", "scanner-7"));
    assert_false(json_is_true(json_object_get(r, "enabled")));
    json_decref(r);
    r = s_ok(e, "device.list", NULL);
    assert_false(json_is_true(json_object_get(json_array_get(r, 0), "enabled")));
    json_decref(r);
    /* a phone: a one-time enrolment code, redeemed once for the device secret */
    r = s_ok(e, "device.enrol_code", e2e_pack("{ss ss}", "name", "phone-7", "team",
                                              "Equipo Huánuco"));
    assert_int_equal(strlen(s_str(r, "code")), 26);
    json_t *enrolled = s_ok(e, "device.enrol", e2e_pack("{ss}", "code", s_str(r, "code")));
    assert_string_equal(s_str(enrolled, "name"), "phone-7");
    assert_int_equal(strlen(s_str(enrolled, "secret")), 52);
    json_decref(enrolled);
    json_decref(r);
}

/* A read-only share link: made, read through "as" (anyone may send it to an aynid run
 * --insecure, as a gateway does to a secure one), listed, revoked. */
static void
s_shares(struct e2e *e)
{
    json_t *r = s_ok(e, "share.create", e2e_pack("{ss ss ss si}", "donor", "CARE-PE", "from",
                                                 "2026-11-01", "to", "2026-11-30", "hours", 24));
    assert_int_equal(strncmp(s_str(r, "token"), "S1.", 3), 0);
    json_t *req = e2e_pack("{si si ss s{} s{ss}}", "v", 1, "id", 7, "op", "share.info", "args",
                           "as", "share", s_str(r, "token"));
    char *text = json_dumps(req, JSON_COMPACT);
    json_t *reply = e2e_raw(e, text, strlen(text), 5000);
    json_t *info = json_object_get(reply, "result");
    if (!json_is_true(json_object_get(reply, "ok")))
        fail_msg("share.info as the link failed: %s", json_dumps(reply, 0));
    assert_string_equal(s_str(json_object_get(info, "donor"), "code"), "CARE-PE");
    s_mark("share.info");
    free(text);
    json_decref(req);
    json_decref(reply);
    json_t *list = s_ok(e, "share.list", NULL);
    assert_string_equal(s_str(json_array_get(list, 0), "state"), "active");
    json_decref(list);
    json_t *rev = s_ok(e, "share.revoke", e2e_pack("{ss}", "id", s_str(r, "id")));
    assert_string_equal(s_str(rev, "id"), s_str(r, "id"));
    json_decref(rev);
    json_decref(r);
}

static void
s_ledger(struct e2e *e)
{
    json_t *info = s_ok(e, "server.info", NULL);
    assert_string_equal(s_str(info, "name"), "aynid");
    assert_int_equal(s_int(info, "protocol"), 1);
    assert_true(s_int(info, "schema") >= 1);
    assert_string_equal(s_str(info, "db"), e->db);
    json_t *events = json_object_get(info, "events");
    long long head = s_int(events, "head");
    assert_true(head > 20);

    json_t *r = s_ok(e, "events.since", e2e_pack("{si si}", "since", 0, "limit", 5));
    assert_int_equal(json_array_size(json_object_get(r, "events")), 5);
    assert_int_equal(s_int(r, "head"), head);
    assert_int_equal(s_int(json_array_get(json_object_get(r, "events"), 4), "seq"), 5);
    json_decref(r);

    r = s_ok(e, "ledger.verify", NULL);
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_int_equal(json_array_size(json_object_get(r, "problems")), 0);
    assert_int_equal(s_int(json_object_get(r, "head"), "seq"), head);
    assert_string_equal(s_str(json_object_get(r, "head"), "hash"), s_str(events, "hash"));
    json_decref(r);

    /* Made every 1000 events, hourly and on stopping (test_wh_checkpoints), and by
     * report.donor: the one of s_reports. */
    r = s_ok(e, "ledger.checkpoints", e2e_pack("{si si}", "since", 0, "limit", 10));
    assert_true(json_is_array(json_object_get(r, "checkpoints")));
    assert_int_equal(json_array_size(json_object_get(r, "checkpoints")), 1);
    json_decref(r);

    r = s_ok(e, "keys.public", NULL);
    assert_string_equal(s_str(r, "algorithm"), "ed25519");
    assert_int_equal(strlen(s_str(r, "public_key")), 64);
    assert_int_equal(strlen(s_str(r, "key_id")), 8);
    assert_true(json_equal(r, json_object_get(info, "signing_key")));
    json_decref(r);
    json_decref(info);
}

/* The op names in core/service/api_ops.c's table, or 0 if the source is not at hand.  A table row
 * is {"name", ROLES, mutating, s_handler, ...}; an argument spec {"name", 's', ...}. */
static int
s_table_ops(char names[64][48])
{
    const char *src = s_source_dir();
    if (!src)
        return 0;
    char *path = xasprintf("%s/core/service/api_ops.c", src);
    char *text = s_read(path);
    if (!text)
        fail_msg("cannot read '%s'", path);
    free(path);
    char *p = strstr(text, "api_ops[] = {");
    assert_non_null(p);
    int n = 0;
    while ((p = strstr(p, "{\"")) && n < 64) {
        p += 2;
        char *q = strchr(p, '"');
        if (!q)
            break;
        if (!strncmp(q, "\", ", 3) && q[3] != '\'')
            snprintf(names[n++], 48, "%.*s", (int)(q - p), p);
        p = q;
    }
    free(text);
    if (n < 20)
        fail_msg("read only %d ops from core/service/api_ops.c: has the table's layout changed?", n);
    return n;
}

/* The webhook ops (docs/WEB.md, "Webhooks"): add, the gateway's targets and record, the
 * log, the list, remove. */
static void
s_webhooks(struct e2e *e)
{
    json_t *h = s_ok(e, "webhook.add", e2e_pack("{ss s[s]}", "url", "http://127.0.0.1:9/h",
                                                "events", "delivery.*"));
    assert_int_equal(strlen(s_str(h, "secret")), 64);
    long long id = s_int(h, "id"), seq = s_int(h, "delivered");
    json_t *t = s_ok(e, "webhook.targets", NULL);
    assert_string_equal(s_str(json_array_get(json_object_get(t, "webhooks"), 0), "secret"),
                        s_str(h, "secret"));
    json_decref(t);
    json_t *r = s_ok(e, "webhook.record", e2e_pack("{sI sI si si sb}", "id", (json_int_t)id,
                                                   "seq", (json_int_t)seq, "attempt", 1,
                                                   "status", 200, "ok", 1));
    assert_int_equal(s_int(r, "delivered"), seq);
    json_decref(r);
    r = s_ok(e, "webhook.log", e2e_pack("{sI}", "id", (json_int_t)id));
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
    r = s_ok(e, "webhook.list", NULL);
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
    r = s_ok(e, "webhook.remove", e2e_pack("{sI}", "id", (json_int_t)id));
    json_decref(r);
    json_decref(h);
}

/* The catalog's batches: every row or none (a repeated code in the last row adds none). */
static void
s_catalog_batches(struct e2e *e)
{
    struct proto_error err = {0};
    json_t *r = NULL;
    int rc = e2e_call(
        e, "item.add_batch",
        e2e_pack("{s[{ss ss ss ss} {ss ss ss ss}]}", "rows", "code", "LAPTOP", "name_es",
                 "Laptop escolar", "name_en", "School laptop", "tracking", "serial", "code",
                 "TABLET", "name_es", "Tableta", "name_en", "Tablet", "tracking", "serial"),
        NULL, &r, &err);
    assert_int_equal(rc, AYNI_EEXISTS);
    assert_non_null(strstr(err.message, "rows[1]: "));
    assert_int_equal(json_integer_value(json_object_get(err.details, "row")), 1);
    proto_error_clear(&err);
    r = s_ok(e, "item.list", NULL);
    assert_int_equal(json_array_size(r), 2); /* no LAPTOP */
    json_decref(r);
    r = s_ok(e, "item.add_batch",
             e2e_pack("{s[{ss ss ss ss} {ss ss ss ss sb si}]}", "rows", "code", "LAPTOP",
                      "name_es", "Laptop escolar", "name_en", "School laptop", "tracking",
                      "serial", "code", "MEDICAL-KIT", "name_es", "Botiquín", "name_en",
                      "First-aid kit", "tracking", "lot", "perishable", 1, "low", 10));
    assert_int_equal(s_int(r, "added"), 2);
    assert_string_equal(s_str(json_array_get(json_object_get(r, "items"), 1), "code"),
                        "MEDICAL-KIT");
    json_decref(r);
    r = s_ok(e, "location.add_batch",
             e2e_pack("{s[{ss ss ss ss}]}", "rows", "code", "COM-0043", "kind", "community",
                      "name", "Comunidad Pampallaqta", "region", "Cusco"));
    assert_int_equal(s_int(r, "added"), 1);
    assert_string_equal(s_str(json_array_get(json_object_get(r, "locations"), 0), "code"),
                        "COM-0043");
    json_decref(r);
    r = s_ok(e, "donor.add_batch",
             e2e_pack("{s[{ss ss} {ss ss}]}", "rows", "code", "AECID", "name", "AECID", "code",
                      "CARE-PE", "name", "CARE Perú"));
    assert_int_equal(s_int(r, "added"), 2);
    assert_int_equal(json_array_size(json_object_get(r, "donors")), 2);
    json_decref(r);
}

static void
test_every_op(void **state)
{
    struct e2e *e = *state;
    char expiry[11];
    e2e_date(400, expiry);
    s_catalog(e);
    s_catalog_batches(e);
    s_stock(e, expiry);
    json_t *d = s_shipment(e);
    s_deliver(e, d);
    json_decref(d);
    s_cancel(e);
    s_reports(e);
    s_devices(e);
    s_webhooks(e);
    s_shares(e);
    s_ledger(e);

    /* Every op in the table succeeded here, and docs/PROTOCOL.md has a section for it. */
    char ops[64][48];
    int n = s_table_ops(ops);
    if (n == 0) {
        print_message("the source folder is unknown: op coverage not checked\n");
        return;
    }
    char *doc_path = xasprintf("%s/docs/PROTOCOL.md", s_source_dir());
    char *doc = s_read(doc_path);
    free(doc_path);
    assert_non_null(doc);
    for (int i = 0; i < n; i++) {
        bool done = false;
        for (int j = 0; j < s_ndone; j++)
            done |= !strcmp(ops[i], s_done[j]);
        if (!done)
            fail_msg("op '%s' is in core/service/api_ops.c but this test never ran it", ops[i]);
        char *heading = xasprintf(" `%s`\n", ops[i]);
        if (!strstr(doc, heading))
            fail_msg("op '%s' has no section in docs/PROTOCOL.md", ops[i]);
        free(heading);
    }
    free(doc);
    assert_int_equal(n, s_ndone); /* and nothing ran that the table does not hold */
}

/* ---- idempotency ---- */

static long long
s_count_type(struct e2e *e, long long since, const char *type)
{
    json_t *r = e2e_ok(e, "events.since", e2e_pack("{sI}", "since", (json_int_t)since));
    long long n = 0;
    json_t *ev;
    size_t i;
    json_array_foreach(json_object_get(r, "events"), i, ev)
        n += !strcmp(s_str(ev, "type"), type);
    json_decref(r);
    return n;
}

/* Run op with key twice: the same result, and the second run adds no event. */
static json_t *
s_twice(struct e2e *e, const char *op, json_t *args, const char *key)
{
    json_incref(args);
    json_t *first = e2e_ok_idem(e, op, args, key);
    long long head = e2e_head(e);
    json_t *again = e2e_ok_idem(e, op, args, key);
    if (!json_equal(first, again)) {
        char *a = proto_dump(first), *b = proto_dump(again);
        fail_msg("%s repeated with key '%s' gave another result:\n%s\n%s", op, key, a, b);
    }
    assert_int_equal(e2e_head(e), head);
    json_decref(again);
    return first;
}

static void
test_idempotency_keys(void **state)
{
    struct e2e *e = *state;
    char expiry[11];
    e2e_date(400, expiry);
    long long start = e2e_head(e);

    /* Every mutating op: a repeat returns the first result and changes nothing. */
    json_decref(s_twice(e, "item.add",
                        e2e_pack("{ss ss ss ss sb}", "code", "FOOD-KIT", "name_es", "Kit",
                                 "name_en", "Kit", "tracking", "lot", "perishable", 1),
                        "k-item"));
    json_decref(s_twice(e, "location.add",
                        e2e_pack("{ss ss ss}", "code", "W1", "kind", "warehouse", "name", "W1"),
                        "k-loc1"));
    json_decref(s_twice(e, "location.add",
                        e2e_pack("{ss ss ss}", "code", "W2", "kind", "warehouse", "name", "W2"),
                        "k-loc2"));
    json_decref(s_twice(e, "location.add",
                        e2e_pack("{ss ss ss}", "code", "C1", "kind", "community", "name", "C1"),
                        "k-loc3"));
    json_decref(s_twice(e, "donor.add", e2e_pack("{ss ss}", "code", "D1", "name", "D1"),
                        "k-donor"));
    json_t *r = s_twice(e, "stock.receive",
                        e2e_pack("{ss ss ss ss ss si}", "at", "W1", "donor", "D1", "item",
                                 "FOOD-KIT", "lot", "L1", "expiry", expiry, "qty", 50),
                        "k-receive");
    json_decref(r);
    json_decref(s_twice(e, "stock.receive_batch",
                        e2e_pack("{s[{ss ss ss ss ss si}]}", "rows", "at", "W1", "donor", "D1",
                                 "item", "FOOD-KIT", "lot", "L2", "expiry", expiry, "qty", 50),
                        "k-batch"));
    json_decref(s_twice(e, "stock.transfer",
                        e2e_pack("{ss ss ss si}", "from", "W1", "to", "W2", "item", "FOOD-KIT",
                                 "qty", 10),
                        "k-transfer"));
    json_decref(s_twice(e, "stock.adjust",
                        e2e_pack("{ss ss si ss}", "at", "W1", "item", "FOOD-KIT", "qty", -1,
                                 "reason", "lost"),
                        "k-adjust"));
    r = s_twice(e, "shipment.create", e2e_pack("{ss ss}", "from", "W1", "to", "C1"), "k-ship");
    char *code = xstrdup(s_str(r, "code"));
    json_decref(r);
    json_decref(s_twice(e, "shipment.add_line",
                        e2e_pack("{ss ss si si}", "shipment", code, "item", "FOOD-KIT", "qty", 4,
                                 "packages", 2),
                        "k-line"));
    json_t *d = s_twice(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code), "k-dispatch");
    assert_non_null(json_object_get(d, "token")); /* the stored result keeps its tokens */
    const char *label = s_str(json_array_get(json_object_get(d, "packages"), 0), "token");
    json_decref(s_twice(e, "delivery.confirm", e2e_pack("{ss ss}", "token", label, "scan_id",
                                                        "scan-k"),
                        "k-confirm"));
    json_decref(s_twice(e, "shipment.cancel", e2e_pack("{ss ss}", "shipment", code, "reason",
                                                       "road"),
                        "k-cancel"));

    /* Each change made its one event. */
    assert_int_equal(s_count_type(e, start, "stock.received"), 2);
    assert_int_equal(s_count_type(e, start, "stock.transferred"), 1);
    assert_int_equal(s_count_type(e, start, "shipment.dispatched"), 1);
    assert_int_equal(s_count_type(e, start, "delivery.confirmed"), 1);
    assert_int_equal(s_count_type(e, start, "shipment.cancelled"), 1);

    /* A key reused for another op: conflict, and nothing changes. */
    long long head = e2e_head(e);
    struct proto_error err = {0};
    json_t *res = NULL;
    int rc = e2e_call(e, "donor.add", e2e_pack("{ss ss}", "code", "D9", "name", "D9"),
                      "k-receive", &res, &err);
    assert_string_equal(ayni_err_code(rc), "conflict");
    assert_string_equal(s_str(err.details, "field"), "idem");
    assert_non_null(strstr(err.message, "stock.receive"));
    proto_error_clear(&err);
    assert_int_equal(e2e_head(e), head);
    json_t *donors = e2e_ok(e, "donor.list", NULL);
    assert_int_equal(json_array_size(donors), 1);
    json_decref(donors);

    /* The key stands for one request: reused with other arguments it is a conflict and
     * changes nothing (it once returned the first request's answer as if it were this
     * one's); the same arguments in another key order are the same request. */
    rc = e2e_call(e, "donor.add", e2e_pack("{ss ss}", "code", "D2", "name", "other"), "k-donor",
                  &res, &err);
    assert_string_equal(ayni_err_code(rc), "conflict");
    assert_non_null(strstr(err.message, "other arguments"));
    proto_error_clear(&err);
    assert_int_equal(e2e_head(e), head);
    donors = e2e_ok(e, "donor.list", NULL);
    assert_int_equal(json_array_size(donors), 1); /* no D2 */
    json_decref(donors);
    r = e2e_ok_idem(e, "donor.add", e2e_pack("{ss ss}", "name", "D1", "code", "D1"), "k-donor");
    assert_string_equal(s_str(r, "code"), "D1");
    json_decref(r);

    /* A failed request stores no key: the same key can be used again. */
    rc = e2e_call(e, "stock.transfer",
                  e2e_pack("{ss ss ss si}", "from", "W1", "to", "W2", "item", "FOOD-KIT", "qty",
                           100000),
                  "k-retry", &res, &err);
    assert_string_equal(ayni_err_code(rc), "insufficient_stock");
    proto_error_clear(&err);
    json_decref(s_twice(e, "stock.transfer",
                        e2e_pack("{ss ss ss si}", "from", "W1", "to", "W2", "item", "FOOD-KIT",
                                 "qty", 3),
                        "k-retry"));

    /* A key on a read-only op is ignored. */
    json_decref(e2e_ok_idem(e, "item.list", NULL, "k-receive"));
    json_decref(d);
    free(code);
}

/* delivery.confirm's own idempotency: the scan id. */
static void
test_scan_id_repeats(void **state)
{
    struct e2e *e = *state;
    e2e_seed(e);
    json_t *d = e2e_dispatch_sample(e);
    json_t *packages = json_object_get(d, "packages");
    const char *p1 = s_str(json_array_get(packages, 0), "token");
    const char *p2 = s_str(json_array_get(packages, 1), "token");
    json_t *first = e2e_ok(e, "delivery.confirm", e2e_pack("{ss ss}", "token", p1, "scan_id",
                                                           "scan-A"));
    long long head = e2e_head(e);
    json_t *again = e2e_ok(e, "delivery.confirm", e2e_pack("{ss ss}", "token", p1, "scan_id",
                                                           "scan-A"));
    assert_true(json_is_true(json_object_get(again, "repeat")));
    json_object_del(again, "repeat");
    assert_true(json_equal(first, again));
    assert_int_equal(e2e_head(e), head);
    /* The same scan id for another package; another scan id for the same package. */
    assert_string_equal(e2e_fail(e, "delivery.confirm",
                                 e2e_pack("{ss ss}", "token", p2, "scan_id", "scan-A")),
                        "conflict");
    assert_string_equal(e2e_fail(e, "delivery.confirm",
                                 e2e_pack("{ss ss}", "token", p1, "scan_id", "scan-B")),
                        "already_delivered");
    assert_int_equal(e2e_head(e), head);
    json_decref(first);
    json_decref(again);
    json_decref(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_op, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_keys, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_scan_id_repeats, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
