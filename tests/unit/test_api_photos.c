/* test_api_photos.c: what a phone adds to a delivery, in the request API (docs/PROTOCOL.md,
 * photo.put and delivery.confirm): a photo kept by its SHA-256, once however often it is
 * sent, refused when it is no JPEG or PNG, too big, or not the bytes its hash says; a
 * confirmation naming a stored photo and a position kept to a tenth of a degree, in its
 * answer, its event and the shipment; an unknown photo or a malformed position refused
 * with nothing recorded.  And shipment.list by team, with the manifests in one answer.
 */
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
#define CUSCO "Equipo Cusco"
#define KEY3 "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"

static json_t *
s_ok(struct api *a, const char *op, json_t *args)
{
    json_t *r = NULL;
    if (af_req(a, "admin", NULL, op, args, &r))
        fail_msg("%s failed: %s", op, a->err.message);
    return r;
}

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *
s_field(json_t *err)
{
    return s_str(json_object_get(err, "details"), "field");
}

/* A photo of n bytes starting with magic (its size mlen), the rest a pattern. */
static unsigned char *
s_bytes(const unsigned char *magic, size_t mlen, size_t n)
{
    unsigned char *b = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = i < mlen ? magic[i] : (unsigned char)(i * 7 + 3);
    return b;
}

static const unsigned char s_jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'};
static const unsigned char s_png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

/* photo.put's arguments for n bytes: data in base64, and their SHA-256 in hex (in hex if
 * not NULL, 65 bytes). */
static json_t *
s_put_args(const unsigned char *bytes, size_t n, char *hex)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[65];
    crypto_hash_sha256(digest, bytes, n);
    sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
    size_t blen = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = xmalloc(blen);
    sodium_bin2base64(b64, blen, bytes, n, sodium_base64_VARIANT_ORIGINAL);
    json_t *args = json_pack("{ss ss}", "data", b64, "sha256", sha);
    free(b64);
    if (hex)
        memcpy(hex, sha, 65);
    return args;
}

/* The newest event of the outbox. */
static json_t *
s_last_event(struct api *a)
{
    json_t *r = s_ok(a, "events.since", json_pack("{si}", "since", 0));
    json_t *events = json_object_get(r, "events");
    json_t *last = json_incref(json_array_get(events, json_array_size(events) - 1));
    json_decref(r);
    return last;
}

static void
test_put_jpeg_png_and_repeat(void **state)
{
    struct api a = {.store = FIX(state)->store};
    unsigned char *jpeg = s_bytes(s_jpeg, sizeof s_jpeg, 3000);
    char sha[65];
    long events = sf_events(a.store);
    json_t *r = s_ok(&a, "photo.put", s_put_args(jpeg, 3000, sha));
    assert_string_equal(s_str(r, "sha256"), sha);
    assert_string_equal(s_str(r, "type"), "image/jpeg");
    assert_int_equal(json_integer_value(json_object_get(r, "bytes")), 3000);
    assert_true(json_is_false(json_object_get(r, "repeat")));
    json_decref(r);
    assert_int_equal(sf_events(a.store), events + 1);
    json_t *e = s_last_event(&a);
    assert_string_equal(s_str(e, "type"), "photo.stored");
    assert_string_equal(s_str(e, "sha256"), sha);
    assert_string_equal(s_str(e, "media_type"), "image/jpeg");
    assert_int_equal(json_integer_value(json_object_get(e, "bytes")), 3000);
    assert_string_equal(s_str(e, "actor"), "admin");
    assert_null(json_object_get(e, "data")); /* the event tells of the photo, not its bytes */
    json_decref(e);

    /* the same bytes again (an answer lost on the way): kept once, nothing written */
    r = s_ok(&a, "photo.put", s_put_args(jpeg, 3000, NULL));
    assert_true(json_is_true(json_object_get(r, "repeat")));
    assert_string_equal(s_str(r, "type"), "image/jpeg");
    assert_int_equal(json_integer_value(json_object_get(r, "bytes")), 3000);
    json_decref(r);
    assert_int_equal(sf_events(a.store), events + 1);

    unsigned char *png = s_bytes(s_png, sizeof s_png, 512L * 1024); /* the limit itself */
    r = s_ok(&a, "photo.put", s_put_args(png, 512L * 1024, NULL));
    assert_string_equal(s_str(r, "type"), "image/png");
    assert_int_equal(json_integer_value(json_object_get(r, "bytes")), 512L * 1024);
    json_decref(r);
    assert_int_equal(sf_events(a.store), events + 2);

    /* a reader may not; a scanner may (a phone through the gateway is one) */
    json_t *err = NULL;
    assert_int_equal(af_req(&a, "lector-1", "reader", "photo.put", s_put_args(jpeg, 100, NULL),
                            &err), AYNI_EDENIED);
    json_decref(err);
    assert_int_equal(af_req(&a, "escaner-1", "scanner", "photo.put",
                            s_put_args(jpeg, 100, NULL), NULL), 0);
    free(png);
    free(jpeg);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

/* A refused put: its code, the field its error names, and nothing written. */
static void
s_refused(struct api *a, json_t *args, int code, const char *field, const char *words)
{
    long events = sf_events(a->store);
    json_t *err = NULL;
    assert_int_equal(af_req(a, "admin", NULL, "photo.put", args, &err), code);
    assert_string_equal(s_field(err), field);
    if (words && !strstr(s_str(err, "message"), words))
        fail_msg("'%s' is not in '%s'", words, s_str(err, "message"));
    json_decref(err);
    assert_int_equal(sf_events(a->store), events);
}

static void
test_put_refusals(void **state)
{
    struct api a = {.store = FIX(state)->store};
    unsigned char *jpeg = s_bytes(s_jpeg, sizeof s_jpeg, 2000);
    char sha[65];
    json_t *args = s_put_args(jpeg, 2000, sha);

    /* not base64 (URL-safe letters, a stray character, no padding) */
    json_t *bad = json_pack("{ss ss}", "data", "/9j/4AAQ*SkZJRg==", "sha256", sha);
    s_refused(&a, bad, AYNI_EINVAL, "data", "base64");
    bad = json_pack("{ss ss}", "data", "_9j_4AAQ", "sha256", sha);
    s_refused(&a, bad, AYNI_EINVAL, "data", "base64");
    bad = json_pack("{ss ss}", "data", "/9j/4A", "sha256", sha);
    s_refused(&a, bad, AYNI_EINVAL, "data", "base64");
    bad = json_pack("{ss ss}", "data", "", "sha256", sha);
    s_refused(&a, bad, AYNI_EINVAL, "data", "empty");

    /* the hash of other bytes, or not in lower-case hex */
    unsigned char *other = s_bytes(s_jpeg, sizeof s_jpeg, 2001);
    char other_sha[65];
    json_decref(s_put_args(other, 2001, other_sha));
    bad = json_deep_copy(args);
    json_object_set_new(bad, "sha256", json_string(other_sha));
    s_refused(&a, bad, AYNI_EINVAL, "sha256", "not the SHA-256");
    bad = json_deep_copy(args);
    for (char *p = sha; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    json_object_set_new(bad, "sha256", json_string(sha));
    s_refused(&a, bad, AYNI_EINVAL, "sha256", "lower-case");
    bad = json_deep_copy(args);
    json_object_set_new(bad, "sha256", json_string("abc"));
    s_refused(&a, bad, AYNI_EINVAL, "sha256", NULL);

    /* one byte over 512 KiB */
    unsigned char *big = s_bytes(s_jpeg, sizeof s_jpeg, 512L * 1024 + 1);
    long events = sf_events(a.store);
    json_t *err = NULL;
    assert_int_equal(af_req(&a, "admin", NULL, "photo.put", s_put_args(big, 512L * 1024 + 1, NULL),
                            &err), AYNI_ETOOBIG);
    json_t *d = json_object_get(err, "details");
    assert_string_equal(s_str(d, "field"), "data");
    assert_int_equal(json_integer_value(json_object_get(d, "size")), 512L * 1024 + 1);
    assert_int_equal(json_integer_value(json_object_get(d, "limit")), 512L * 1024);
    json_decref(err);
    assert_int_equal(sf_events(a.store), events);

    /* not an image: a GIF, a PDF, text; a JPEG cut to two bytes */
    static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a'};
    static const unsigned char pdf[] = {'%', 'P', 'D', 'F', '-', '1', '.', '4'};
    unsigned char *g = s_bytes(gif, sizeof gif, 500), *p = s_bytes(pdf, sizeof pdf, 500);
    s_refused(&a, s_put_args(g, 500, NULL), AYNI_EINVAL, "data", "neither a JPEG nor a PNG");
    s_refused(&a, s_put_args(p, 500, NULL), AYNI_EINVAL, "data", "JPEG");
    s_refused(&a, s_put_args(jpeg, 2, NULL), AYNI_EINVAL, "data", "PNG");
    err = NULL;
    assert_int_equal(af_req(&a, "admin", NULL, "photo.put", s_put_args(g, 500, NULL), &err),
                     AYNI_EINVAL);
    json_t *allowed = json_object_get(json_object_get(err, "details"), "allowed");
    assert_int_equal(json_array_size(allowed), 2);
    assert_string_equal(json_string_value(json_array_get(allowed, 1)), "image/png");
    json_decref(err);

    /* missing arguments are the request's fault */
    assert_int_equal(af_req(&a, "admin", NULL, "photo.put", json_pack("{ss}", "data", "AAAA"),
                            NULL), AYNI_EBADREQ);

    /* none of it was kept: the good photo is new */
    json_t *r = s_ok(&a, "photo.put", args);
    assert_true(json_is_false(json_object_get(r, "repeat")));
    json_decref(r);
    free(g);
    free(p);
    free(big);
    free(other);
    free(jpeg);
    proto_error_clear(&a.err);
}

/* An open core's API with a signing key and a dispatched shipment of HUANUCO to ROSA in
 * packages packages; its dispatch result (with the tokens) in *sent. */
static struct api
s_dispatched(void **state, int packages, json_t **sent)
{
    struct api a = {.store = FIX(state)->store};
    crypto_sign_keypair(a.pk, a.sk);
    sf_receive(a.store, SJL, "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 100);
    json_t *s = s_ok(&a, "shipment.create",
                     json_pack("{ss ss ss}", "from", SJL, "to", ROSA, "team", HUANUCO));
    json_decref(s_ok(&a, "shipment.add_line",
                     json_pack("{ss ss si si}", "shipment", s_str(s, "code"), "item",
                               "HYGIENE-KIT", "qty", 10 * packages, "packages", packages)));
    *sent = s_ok(&a, "shipment.dispatch", json_pack("{ss}", "shipment", s_str(s, "code")));
    json_decref(s);
    return a;
}

static const char *
s_token(json_t *sent, size_t i)
{
    return s_str(json_array_get(json_object_get(sent, "packages"), i), "token");
}

/* Package n (1-based) of shipment code, as shipment.get gives it. */
static json_t *
s_package(struct api *a, const char *code, size_t n)
{
    json_t *r = s_ok(a, "shipment.get", json_pack("{ss}", "shipment", code));
    json_t *p = json_incref(json_array_get(json_object_get(r, "packages"), n - 1));
    json_decref(r);
    return p;
}

static void
s_position_is(json_t *o, double lat, double lon)
{
    json_t *pos = json_object_get(o, "position");
    assert_true(json_is_object(pos));
    assert_int_equal(json_object_size(pos), 2);
    assert_true(json_number_value(json_object_get(pos, "lat")) == lat);
    assert_true(json_number_value(json_object_get(pos, "lon")) == lon);
}

/* lat10, lon10 of the delivery with that scan id, read from the ledger itself. */
static void
s_stored_tenths(struct storefix *f, const char *scan_id, int *lat, int *lon)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT lat10, lon10, typeof(lat10) FROM deliveries"
                                            " WHERE scan_id = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, scan_id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "integer");
    *lat = sqlite3_column_int(st, 0);
    *lon = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The stored text of the newest event of type, read from the ledger itself (to free). */
static char *
s_event_text(struct storefix *f, const char *type)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT body FROM events WHERE type = ?1"
                                            " ORDER BY seq DESC LIMIT 1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *text = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return text;
}

static void
test_confirm_with_photo_and_position(void **state)
{
    json_t *sent;
    struct api a = s_dispatched(state, 3, &sent);
    const char *code = s_str(sent, "code");
    unsigned char *jpeg = s_bytes(s_jpeg, sizeof s_jpeg, 4000);
    char sha[65];
    json_decref(s_ok(&a, "photo.put", s_put_args(jpeg, 4000, sha)));

    /* -9.93, -76.26 (a house in Huánuco) is kept as -9.9, -76.3 (the district) */
    json_t *r = s_ok(&a, "delivery.confirm",
                     json_pack("{ss ss ss s{sf sf}}", "token", s_token(sent, 0), "scan_id",
                               "scan-1", "photo", sha, "position", "lat", -9.93, "lon", -76.26));
    assert_string_equal(s_str(r, "photo"), sha);
    s_position_is(r, -9.9, -76.3);
    /* on the wire and in the ledger's event, the tenths as they are: no "-9.9000000000000004" */
    char *text = proto_dump(r);
    assert_non_null(strstr(text, "\"position\":{\"lat\":-9.9,\"lon\":-76.3}"));
    free(text);
    text = s_event_text(FIX(state), "delivery.confirmed");
    assert_non_null(strstr(text, "\"position\":{\"lat\":-9.9,\"lon\":-76.3}"));
    free(text);
    json_t *first = json_deep_copy(r);
    json_decref(r);
    int lat, lon;
    s_stored_tenths(FIX(state), "scan-1", &lat, &lon);
    assert_int_equal(lat, -99);
    assert_int_equal(lon, -763);
    json_t *e = NULL, *ev = s_ok(&a, "events.since", json_pack("{si}", "since", 0));
    size_t i;
    json_t *one;
    json_array_foreach(json_object_get(ev, "events"), i, one)
        if (!strcmp(s_str(one, "type"), "delivery.confirmed"))
            e = one;
    assert_non_null(e);
    assert_string_equal(s_str(e, "photo"), sha);
    s_position_is(e, -9.9, -76.3);
    json_decref(ev);
    json_t *p = s_package(&a, code, 1);
    assert_string_equal(s_str(p, "photo"), sha);
    s_position_is(p, -9.9, -76.3);
    json_decref(p);

    /* the same scan id again: the first answer, whatever else this one says */
    r = s_ok(&a, "delivery.confirm",
             json_pack("{ss ss s{sf sf}}", "token", s_token(sent, 0), "scan_id", "scan-1",
                       "position", "lat", 10.0, "lon", 10.0));
    assert_true(json_is_true(json_object_get(r, "repeat")));
    json_object_del(r, "repeat");
    assert_true(json_equal(r, first));
    json_decref(r);

    /* the edges: 90 and -180 are places; rounding half away from zero; integers count */
    r = s_ok(&a, "delivery.confirm",
             json_pack("{ss ss s{si sf}}", "token", s_token(sent, 1), "scan_id", "scan-2",
                       "position", "lat", 90, "lon", -179.96));
    assert_true(json_is_null(json_object_get(r, "photo")));
    s_position_is(r, 90.0, -180.0);
    json_decref(r);

    /* neither: both null, in the answer and in the shipment */
    r = s_ok(&a, "delivery.confirm",
             json_pack("{ss ss s:n}", "token", s_token(sent, 2), "scan_id", "scan-3",
                       "position"));
    assert_true(json_is_null(json_object_get(r, "photo")));
    assert_true(json_is_null(json_object_get(r, "position")));
    json_decref(r);
    p = s_package(&a, code, 3);
    assert_true(json_is_true(json_object_get(p, "delivered")));
    assert_true(json_is_null(json_object_get(p, "photo")));
    assert_true(json_is_null(json_object_get(p, "position")));
    json_decref(p);
    json_decref(first);
    json_decref(sent);
    free(jpeg);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

/* A refused confirmation of package 1: its code, the field named, nothing recorded. */
static void
s_confirm_refused(struct api *a, json_t *sent, json_t *extra, int code, const char *words)
{
    long events = sf_events(a->store);
    json_t *args = json_pack("{ss ss}", "token", s_token(sent, 0), "scan_id", "scan-x");
    json_object_update(args, extra);
    json_decref(extra);
    json_t *err = NULL;
    assert_int_equal(af_req(a, "admin", NULL, "delivery.confirm", args, &err), code);
    const char *field = s_field(err);
    assert_non_null(field);
    assert_true(!strcmp(field, "photo") || !strcmp(field, "position"));
    if (words && !strstr(s_str(err, "message"), words))
        fail_msg("'%s' is not in '%s'", words, s_str(err, "message"));
    json_decref(err);
    assert_int_equal(sf_events(a->store), events);
    json_t *p = s_package(a, s_str(sent, "code"), 1);
    assert_true(json_is_false(json_object_get(p, "delivered")));
    json_decref(p);
}

static void
test_confirm_refusals(void **state)
{
    json_t *sent;
    struct api a = s_dispatched(state, 1, &sent);
    const char *unknown = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    s_confirm_refused(&a, sent, json_pack("{ss}", "photo", unknown), AYNI_ENOTFOUND,
                      "photo.put first");
    s_confirm_refused(&a, sent, json_pack("{ss}", "photo", "ABCDEF"), AYNI_EINVAL, "hex");
    s_confirm_refused(&a, sent,
                      json_pack("{ss}", "photo",
                                "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"),
                      AYNI_EINVAL, NULL);
    const char *positions[] = {
        "\"here\"", "[-9.9, -76.2]", "{}", "{\"lat\": -9.9}", "{\"lat\": \"-9.9\", \"lon\": 1}",
        "{\"lat\": 90.01, \"lon\": 0}", "{\"lat\": 0, \"lon\": -180.5}",
        "{\"lat\": -91, \"lon\": 0}", "{\"lat\": 1, \"lon\": 2, \"accuracy\": 5}",
        "{\"lat\": true, \"lon\": 2}", "12",
    };
    for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++) {
        json_t *pos = json_loads(positions[i], JSON_DECODE_ANY, NULL);
        assert_non_null(pos);
        s_confirm_refused(&a, sent, json_pack("{so}", "position", pos), AYNI_EINVAL,
                          "position must be");
    }
    /* the scan id refused is still free: the same scan done right is recorded */
    json_t *r = s_ok(&a, "delivery.confirm",
                     json_pack("{ss ss s{sf sf}}", "token", s_token(sent, 0), "scan_id", "scan-x",
                               "position", "lat", 0.04, "lon", -0.05));
    assert_null(json_object_get(r, "repeat"));
    s_position_is(r, 0.0, -0.1);
    json_decref(r);
    json_decref(sent);
    sf_verify_ok(a.store);
    proto_error_clear(&a.err);
}

/* Shipments of HUANUCO (dispatched, and a draft) and of CUSCO (dispatched); their codes. */
static void
s_two_teams(struct api *a, char codes[3][41])
{
    sf_receive(a->store, SJL, "CARE-PE", "HYGIENE-KIT", "H-1", NULL, 100);
    const char *teams[] = {HUANUCO, CUSCO, HUANUCO};
    for (int i = 0; i < 3; i++) {
        json_t *s = s_ok(a, "shipment.create",
                         json_pack("{ss ss ss}", "from", SJL, "to", ROSA, "team", teams[i]));
        snprintf(codes[i], 41, "%s", s_str(s, "code"));
        json_decref(s_ok(a, "shipment.add_line",
                         json_pack("{ss ss si si}", "shipment", codes[i], "item", "HYGIENE-KIT",
                                   "qty", 10, "packages", 2)));
        if (i < 2)
            json_decref(s_ok(a, "shipment.dispatch", json_pack("{ss}", "shipment", codes[i])));
        json_decref(s);
    }
}

/* The codes of a list, joined by spaces (for one comparison). */
static void
s_codes(json_t *list, char *out, size_t size)
{
    json_t *s;
    size_t i;
    out[0] = '\0';
    json_array_foreach(list, i, s) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? " " : "", s_str(s, "code"));
    }
}

/* A manifest as shipment.get gives it, without any token. */
static void
s_is_manifest(json_t *s)
{
    assert_null(json_object_get(s, "token"));
    assert_non_null(json_object_get(s, "transit"));
    assert_int_equal(json_array_size(json_object_get(s, "lines")), 1);
    json_t *p, *packages = json_object_get(s, "packages");
    size_t i;
    assert_int_equal(json_array_size(packages), 2);
    json_array_foreach(packages, i, p) {
        assert_null(json_object_get(p, "token"));
        assert_non_null(json_object_get(p, "delivered"));
    }
}

static void
test_list_by_team_with_manifests(void **state)
{
    struct api a = {.store = FIX(state)->store};
    crypto_sign_keypair(a.pk, a.sk);
    char codes[3][41], got[200], want[200];
    s_two_teams(&a, codes);

    json_t *r = s_ok(&a, "shipment.list", json_pack("{ss}", "team", "equipo cusco"));
    s_codes(r, got, sizeof got);
    assert_string_equal(got, codes[1]);
    assert_non_null(json_object_get(json_array_get(r, 0), "packages_delivered")); /* summary */
    json_decref(r);
    r = s_ok(&a, "shipment.list", json_pack("{ss}", "team", HUANUCO));
    s_codes(r, got, sizeof got);
    snprintf(want, sizeof want, "%s %s", codes[0], codes[2]);
    assert_string_equal(got, want);
    json_decref(r);
    r = s_ok(&a, "shipment.list", json_pack("{ss ss}", "team", "Equipo Lima", "state",
                                            "dispatched"));
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);

    /* manifests: each as shipment.get gives it, but with no token */
    r = s_ok(&a, "shipment.list",
             json_pack("{ss ss ss}", "state", "dispatched", "team", HUANUCO, "detail",
                       "manifest"));
    s_codes(r, got, sizeof got);
    assert_string_equal(got, codes[0]);
    s_is_manifest(json_array_get(r, 0));
    json_t *full = s_ok(&a, "shipment.get", json_pack("{ss}", "shipment", codes[0]));
    json_object_del(full, "token");
    json_t *p;
    size_t i;
    json_array_foreach(json_object_get(full, "packages"), i, p)
        json_object_del(p, "token");
    assert_true(json_equal(full, json_array_get(r, 0)));
    json_decref(full);
    json_decref(r);
    r = s_ok(&a, "shipment.list", json_pack("{ss}", "detail", "summary"));
    assert_int_equal(json_array_size(r), 3);
    json_decref(r);

    json_t *err = NULL;
    assert_int_equal(af_req(&a, "admin", NULL, "shipment.list",
                            json_pack("{ss}", "detail", "full"), &err), AYNI_EINVAL);
    assert_string_equal(s_field(err), "detail");
    assert_non_null(strstr(s_str(err, "message"), "manifest"));
    json_decref(err);
    assert_int_equal(af_req(&a, "admin", NULL, "shipment.list", json_pack("{ss}", "team", ""),
                            &err), AYNI_EINVAL);
    assert_string_equal(s_field(err), "team");
    json_decref(err);
    proto_error_clear(&a.err);
}

/* On a secure core a scanner sees its own team's shipments, whatever team it asks for. */
static void
test_scanner_list_stays_its_team(void **state)
{
    struct api a = {.store = FIX(state)->store, .secure = true};
    crypto_sign_keypair(a.pk, a.sk);
    char codes[3][41], got[200], want[200];
    s_two_teams(&a, codes);
    json_decref(s_ok(&a, "device.add",
                     json_pack("{ss ss ss ss}", "name", "escaner-3", "role", "scanner",
                               "public_key", KEY3, "team", HUANUCO)));
    json_t *r = NULL;
    assert_int_equal(af_req(&a, "escaner-3", "scanner", "shipment.list",
                            json_pack("{ss}", "team", CUSCO), &r), 0);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
    assert_int_equal(af_req(&a, "escaner-3", "scanner", "shipment.list", NULL, &r), 0);
    s_codes(r, got, sizeof got);
    snprintf(want, sizeof want, "%s %s", codes[0], codes[2]);
    assert_string_equal(got, want);
    json_decref(r);
    assert_int_equal(af_req(&a, "escaner-3", "scanner", "shipment.list",
                            json_pack("{ss ss ss}", "state", "dispatched", "team", HUANUCO,
                                      "detail", "manifest"), &r), 0);
    s_codes(r, got, sizeof got);
    assert_string_equal(got, codes[0]);
    s_is_manifest(json_array_get(r, 0));
    json_decref(r);
    proto_error_clear(&a.err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_jpeg_png_and_repeat, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_put_refusals, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_confirm_with_photo_and_position, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_confirm_refusals, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_list_by_team_with_manifests, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_scanner_list_stays_its_team, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
