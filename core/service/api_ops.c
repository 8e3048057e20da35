/* api_ops.c: the table of ops and their handlers: JSON arguments in, store calls, JSON
 * results out.  Arguments arrive type-checked (api_args.c); handlers keep no state.
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"
#include "signkey.h"
#include "token.h"
#include "zone.h"

/* ---- argument helpers (types are already checked) ---- */

static const char *
s_str(json_t *args, const char *key)
{
    return json_string_value(json_object_get(args, key));
}

static long
s_int(json_t *args, const char *key, long dflt)
{
    json_t *v = json_object_get(args, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

/* One rule for every list inside arguments (serials, lines, rows): at least min and at
 * most PROTO_MAX_LIST entries, else invalid_argument naming the field. */
static int
s_list_size(struct api *a, json_t *arr, const char *key, size_t min)
{
    size_t n = json_array_size(arr);
    if (n >= min && n <= PROTO_MAX_LIST)
        return 0;
    json_t *d = json_pack("{sssIsI}", "field", key, "count", (json_int_t)n, "max",
                          (json_int_t)PROTO_MAX_LIST);
    if (n < min)
        return api_fail(a, AYNI_EINVAL, d, "'%s' is empty: give 1 to %d entries", key,
                        PROTO_MAX_LIST);
    return api_fail(a, AYNI_EINVAL, d,
                    "'%s' holds %zu entries, more than the %d one request may carry: send "
                    "the rest in another request", key, n, PROTO_MAX_LIST);
}

/* args[key] as an array of strings in *out (borrowed from args; free the array only). */
static int
s_strings(struct api *a, json_t *args, const char *key, const char ***out, size_t *n)
{
    json_t *arr = json_object_get(args, key), *v;
    size_t i;
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr))
        return 0;
    int rc = s_list_size(a, arr, key, 0);
    if (rc)
        return rc;
    *out = xcalloc(json_array_size(arr) + 1, sizeof **out);
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v)) {
            free(*out);
            *out = NULL;
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", key),
                            "'%s' must be an array of strings", key);
        }
        (*out)[(*n)++] = json_string_value(v);
    }
    return 0;
}

/* A take: item, lot, qty, serials. */
static int
s_take(struct api *a, json_t *args, struct core_take *t)
{
    memset(t, 0, sizeof *t);
    t->item = s_str(args, "item");
    t->lot = s_str(args, "lot");
    t->qty = s_int(args, "qty", 0);
    return s_strings(a, args, "serials", (const char ***)&t->serials, &t->nserials);
}

/* ---- catalog ---- */

static int
s_item_add(struct api *a, json_t *args, json_t **r)
{
    json_t *p = json_object_get(args, "perishable");
    struct core_item it = {s_str(args, "code"), s_str(args, "name_es"), s_str(args, "name_en"),
                           s_str(args, "unit"), s_str(args, "tracking"), json_is_true(p),
                           s_int(args, "low", 0)};
    return core_item_add(a->store, &it, r);
}

static int
s_item_list(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_item_list(a->store, r);
}

static int
s_location_add(struct api *a, json_t *args, json_t **r)
{
    struct core_location l = {s_str(args, "code"), s_str(args, "kind"), s_str(args, "name"),
                              s_str(args, "region"), s_str(args, "district")};
    return core_location_add(a->store, &l, r);
}

static int
s_location_list(struct api *a, json_t *args, json_t **r)
{
    return core_location_list(a->store, s_str(args, "kind"), r);
}

static int
s_donor_add(struct api *a, json_t *args, json_t **r)
{
    struct core_donor d = {s_str(args, "code"), s_str(args, "name")};
    return core_donor_add(a->store, &d, r);
}

static int
s_donor_list(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_donor_list(a->store, r);
}

/* ---- stock ---- */

static int
s_receive(struct api *a, json_t *args, json_t **r)
{
    struct core_take t;
    int rc = s_take(a, args, &t);
    if (rc)
        return rc;
    struct core_receive rcv = {s_str(args, "at"), s_str(args, "donor"), t.item, t.lot,
                               s_str(args, "expiry"), t.qty, t.serials, t.nserials,
                               s_str(args, "note")};
    rc = core_stock_receive(a->store, &rcv, r);
    free((void *)t.serials);
    return rc;
}

/* The arguments of one receipt, alone (stock.receive) or as a row of stock.receive_batch. */
#define TAKE {"item", 's', true}, {"lot", 's', false}, {"qty", 'i', false}, {"serials", 'a', false}
static const struct api_arg s_receive_args[] = {
    {"at", 's', true}, {"donor", 's', true}, TAKE, {"expiry", 's', false}, {"note", 's', false},
    {NULL, 0, false}};

/* The op of the table named name (one of its own rows: a batch runs it). */
static const struct api_op *
s_op(const char *name)
{
    const struct api_op *op = api_ops;
    while (op->name && strcmp(op->name, name))
        op++;
    assert(op->name);
    return op;
}

/* Every row of args' "rows" run as op each, its arguments checked as each's, all in the
 * request's one transaction: one row failing fails them all, and the error names the row
 * (0-based) it came from.  The result: {count: N, list: [each's result, ...]}. */
static int
s_batch(struct api *a, json_t *args, const char *each, const char *count, const char *list,
        json_t **r)
{
    const struct api_op *op = s_op(each);
    json_t *rows = json_object_get(args, "rows"), *row;
    size_t i;
    int rc = s_list_size(a, rows, "rows", 1);
    if (rc)
        return rc;
    json_t *results = json_array();
    json_array_foreach(rows, i, row) {
        json_t *one = NULL;
        rc = !json_is_object(row) ? api_fail(a, AYNI_EBADREQ, NULL, "row %zu is not an object", i)
                                  : api_check_args(a, op->name, op->args, row);
        if (rc == 0)
            rc = op->fn(a, row, &one);
        if (rc) {
            json_t *d = core_store_errdetails(a->store);
            if (a->err.code == 0)
                api_fail(a, rc, d ? json_deep_copy(d) : NULL, "%s", core_store_errmsg(a->store));
            char *msg = xasprintf("rows[%zu]: %s", i, a->err.message);
            snprintf(a->err.message, sizeof a->err.message, "%.*s",
                     (int)sizeof a->err.message - 1, msg);
            free(msg);
            if (!a->err.details)
                a->err.details = json_object();
            json_object_set_new(a->err.details, "row", json_integer((json_int_t)i));
            json_decref(results);
            return rc;
        }
        json_array_append_new(results, one);
    }
    *r = json_pack("{sI so}", count, (json_int_t)json_array_size(results), list, results);
    return 0;
}

static int
s_receive_batch(struct api *a, json_t *args, json_t **r)
{
    return s_batch(a, args, "stock.receive", "received", "receipts", r);
}

static int
s_item_add_batch(struct api *a, json_t *args, json_t **r)
{
    return s_batch(a, args, "item.add", "added", "items", r);
}

static int
s_location_add_batch(struct api *a, json_t *args, json_t **r)
{
    return s_batch(a, args, "location.add", "added", "locations", r);
}

static int
s_donor_add_batch(struct api *a, json_t *args, json_t **r)
{
    return s_batch(a, args, "donor.add", "added", "donors", r);
}

static int
s_transfer(struct api *a, json_t *args, json_t **r)
{
    struct core_take t;
    int rc = s_take(a, args, &t);
    if (rc == 0)
        rc = core_stock_transfer(a->store, s_str(args, "from"), s_str(args, "to"), &t,
                                 s_str(args, "note"), r);
    free((void *)t.serials);
    return rc;
}

static int
s_adjust(struct api *a, json_t *args, json_t **r)
{
    struct core_take t;
    int rc = s_take(a, args, &t);
    if (rc == 0)
        rc = core_stock_adjust(a->store, s_str(args, "at"), &t, s_str(args, "reason"),
                               s_str(args, "note"), r);
    free((void *)t.serials);
    return rc;
}

static int
s_levels(struct api *a, json_t *args, json_t **r)
{
    long days = s_int(args, "expiring", -1);
    if (json_object_get(args, "expiring") && (days < 0 || days > 3650))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "expiring"),
                        "expiring must be a number of days from 0 to 3650");
    struct core_stock_query q = {s_str(args, "at"), s_str(args, "item"), s_str(args, "lot"),
                                 (int)days, json_is_true(json_object_get(args, "low"))};
    return core_stock_levels(a->store, &q, r);
}

/* ---- shipments ---- */

static int
s_ship_create(struct api *a, json_t *args, json_t **r)
{
    struct core_shipment_new n = {s_str(args, "from"), s_str(args, "to"), s_str(args, "team"),
                                  s_str(args, "vehicle")};
    return core_shipment_create(a->store, &n, r);
}

static int
s_ship_add_line(struct api *a, json_t *args, json_t **r)
{
    struct core_take t;
    long packages = s_int(args, "packages", 1);
    int rc = s_take(a, args, &t);
    if (rc == 0 && (packages < 1 || packages > 9999))
        rc = api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "packages"),
                      "packages must be from 1 to 9999");
    if (rc == 0)
        rc = core_shipment_add_line(a->store, s_str(args, "shipment"), &t, (int)packages, r);
    free((void *)t.serials);
    return rc;
}

/* Sign a token for package (0: the slip) of shipment s; a new JSON string. */
static json_t *
s_token(struct api *a, json_t *s, unsigned package, unsigned count)
{
    struct core_token t = {.version = CORE_TOKEN_VERSION, .package = package, .count = count};
    snprintf(t.shipment, sizeof t.shipment, "%s", json_string_value(json_object_get(s, "code")));
    snprintf(t.dest, sizeof t.dest, "%s",
             json_string_value(json_object_get(json_object_get(s, "to"), "code")));
    char *text = NULL;
    if (core_token_issue(&t, a->sk, &text) != 0)
        return json_null();
    json_t *v = json_string(text);
    free(text);
    return v;
}

/* Tokens for the slip and every package of a shipment that has left the warehouse. */
static void
s_add_tokens(struct api *a, json_t *s)
{
    const char *state = json_string_value(json_object_get(s, "state"));
    if (!strcmp(state, "draft") || !strcmp(state, "cancelled"))
        return;
    json_t *packages = json_object_get(s, "packages"), *p;
    unsigned count = (unsigned)json_array_size(packages);
    size_t i;
    json_object_set_new(s, "token", s_token(a, s, 0, count));
    json_array_foreach(packages, i, p)
        json_object_set_new(p, "token", s_token(a, s, (unsigned)i + 1, count));
}

static int
s_ship_dispatch(struct api *a, json_t *args, json_t **r)
{
    int rc = core_shipment_dispatch(a->store, s_str(args, "shipment"), r);
    if (rc == 0)
        s_add_tokens(a, *r);
    return rc;
}

static int
s_ship_cancel(struct api *a, json_t *args, json_t **r)
{
    return core_shipment_cancel(a->store, s_str(args, "shipment"), s_str(args, "reason"), r);
}

/* The team of the calling device, when it is a scanner on a secure core (a scanner sees
 * its team's shipments only, docs/SECURITY.md): true and its team ("" if it has none) in
 * team; false for any other caller.  *rc: 0 or the store's error. */
static bool
s_scanner_team(struct api *a, char team[101], int *rc)
{
    team[0] = '\0';
    *rc = 0;
    if (!a->authenticated || a->role != API_SCANNER)
        return false;
    *rc = core_device_team(a->store, a->actor, team);
    return true;
}

/* Whether shipment s (JSON) is for team, compared as ayni-scan does (scan_init.c). */
static bool
s_team_of(json_t *s, const char *team)
{
    const char *its = json_string_value(json_object_get(s, "team"));
    return *team && its && !strcasecmp(its, team);
}

static int
s_ship_get(struct api *a, json_t *args, json_t **r)
{
    char team[101];
    int rc;
    bool scanner = s_scanner_team(a, team, &rc);
    if (rc || (rc = core_shipment_get(a->store, s_str(args, "shipment"), r)) != 0) {
        /* no "did you mean": it would name another team's shipment */
        if (scanner && rc == AYNI_ENOTFOUND)
            goto unknown;
        return rc;
    }
    if (!scanner) {
        s_add_tokens(a, *r);
        return 0;
    }
    if (s_team_of(*r, team))
        return 0; /* no tokens: a scanner proves a delivery with the paper it holds */
    json_decref(*r);
    *r = NULL;
unknown:
    return api_fail(a, AYNI_ENOTFOUND, json_pack("{ssss}", "field", "shipment", "code",
                                                 s_str(args, "shipment")),
                    *team ? "unknown shipment '%s': list your team's with 'shipment list'"
                          : N_("unknown shipment '%s': this device has no team, so it sees no "
                               "shipment; ask an administrator to register it again with its "
                               "team"),
                    s_str(args, "shipment"));
}

/* Each shipment of list in full, as shipment.get gives it, without tokens: a phone's
 * manifests in one request.  0, or the store's error (list is then unchanged). */
static int
s_manifests(struct api *a, json_t *list)
{
    json_t *s, *full, *all = json_array();
    size_t i;
    json_array_foreach(list, i, s) {
        int rc = core_shipment_get(a->store, json_string_value(json_object_get(s, "code")),
                                   &full);
        if (rc) {
            json_decref(all);
            return rc;
        }
        json_array_append_new(all, full);
    }
    json_array_clear(list);
    json_array_extend(list, all);
    json_decref(all);
    return 0;
}

static int
s_ship_list(struct api *a, json_t *args, json_t **r)
{
    char team[101];
    const char *want = s_str(args, "team"), *detail = s_str(args, "detail");
    if (detail && strcmp(detail, "summary") && strcmp(detail, "manifest"))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "detail"),
                        "detail '%s' is unknown: use summary (the default) or manifest", detail);
    if (want && !*want)
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "team"),
                        "team is empty: give the team's name, or leave it out for every team");
    int rc;
    bool scanner = s_scanner_team(a, team, &rc);
    if (rc || (rc = core_shipment_list_team(a->store, s_str(args, "state"), want, r)))
        return rc;
    if (scanner) { /* its own team's only, whatever it asked */
        json_t *mine = json_array(), *s;
        size_t i;
        json_array_foreach(*r, i, s) {
            if (s_team_of(s, team))
                json_array_append(mine, s);
        }
        json_decref(*r);
        *r = mine;
    }
    if (detail && !strcmp(detail, "manifest") && (rc = s_manifests(a, *r))) {
        json_decref(*r);
        *r = NULL;
    }
    return rc;
}

/* ---- deliveries ---- */

/* One entry of delivery.confirm's lines: what arrived of one line, and why any is short. */
static const struct api_arg s_line_args[] = {
    {"line", 'i', true}, {"received", 'i', true}, {"reason", 's', false}, {NULL, 0, false}};

static int
s_delivery_lines(struct api *a, json_t *args, struct core_delivery_line **out, size_t *n)
{
    json_t *arr = json_object_get(args, "lines"), *l;
    size_t i;
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr))
        return 0;
    int rc = s_list_size(a, arr, "lines", 0);
    if (rc)
        return rc;
    *out = xcalloc(json_array_size(arr) + 1, sizeof **out);
    json_array_foreach(arr, i, l) {
        char what[32];
        snprintf(what, sizeof what, "lines[%zu]", i);
        if (json_is_object(l) && api_check_args(a, what, s_line_args, l)) {
            /* a misspelt or unknown key ("reasn") must not drop the reason silently */
            json_t *d = a->err.details ? a->err.details : (a->err.details = json_object());
            json_object_set(d, "argument", json_object_get(d, "field"));
            json_object_set_new(d, "field", json_string("lines"));
            json_object_set_new(d, "index", json_integer((json_int_t)i));
            free(*out);
            *out = NULL;
            return AYNI_EBADREQ;
        }
        json_t *line = json_object_get(l, "line"), *got = json_object_get(l, "received");
        json_t *reason = json_object_get(l, "reason");
        /* line is an int in the store: a bigger number must not wrap to a real line */
        if (!json_is_object(l) || json_integer_value(line) < INT_MIN ||
            json_integer_value(line) > INT_MAX) {
            free(*out);
            *out = NULL;
            return api_fail(a, AYNI_EBADREQ, json_pack("{sssi}", "field", "lines", "index", (int)i),
                            "lines[%zu] must be {\"line\": N, \"received\": N, \"reason\": "
                            "\"damaged|missing|expired|refused\"}", i);
        }
        (*out)[(*n)++] = (struct core_delivery_line){(int)json_integer_value(line),
                                                     (long)json_integer_value(got),
                                                     json_string_value(reason)};
    }
    return 0;
}

/* The token must be genuine and agree with the shipment it names. */
static int
s_check_token(struct api *a, const char *text, struct core_token *t)
{
    enum core_token_verdict v = core_token_verify_issued(text, strlen(text), a->sk, t);
    if (v != CORE_TOKEN_GENUINE)
        return api_fail(a, AYNI_ETOKEN, json_pack("{ss}", "field", "token"), "%s",
                        core_token_verdict_message(v));
    char dest[41];
    int count = 0;
    int rc = core_shipment_route(a->store, t->shipment, dest, &count);
    if (rc)
        return rc;
    if (strcmp(dest, t->dest) || (count && count != (int)t->count))
        rc = api_fail(a, AYNI_ETOKEN, json_pack("{ss}", "field", "token"),
                      "the code says %s with %u packages, but shipment '%s' goes to %s with %d",
                      t->dest, t->count, t->shipment, dest, count);
    return rc;
}

static int
s_confirm(struct api *a, json_t *args, json_t **r)
{
    struct core_token t;
    struct core_delivery_line *lines;
    size_t n;
    char team[101] = "";
    int rc = s_check_token(a, s_str(args, "token"), &t);
    if (rc || (rc = s_delivery_lines(a, args, &lines, &n)))
        return rc;
    /* Authenticated (secure, or a phone through a gateway), the device is the one that
     * proved itself (the store's actor) and the team is its own when it has one; what the
     * client says of itself is kept as a label.  Open (the loopback demo), everyone is
     * "local": the client's word is all there is. */
    if (a->authenticated && (rc = core_device_team(a->store, a->actor, team))) {
        free(lines);
        return rc;
    }
    struct core_delivery d = {.scan_id = s_str(args, "scan_id"), .shipment = t.shipment,
                              .package = (int)t.package,
                              .device = a->authenticated ? NULL : s_str(args, "device"),
                              .team = *team ? team : s_str(args, "team"),
                              .scanned_at = s_str(args, "device_time"), .lines = lines,
                              .nlines = n, .device_label = s_str(args, "device")};
    if ((rc = api_delivery_photo_position(a, args, &d)) == 0)
        rc = core_delivery_confirm(a->store, &d, r);
    free(lines);
    return rc;
}

/* ---- reports, events, ledger, keys ---- */

static int
s_report_donor(struct api *a, json_t *args, json_t **r)
{
    return core_report_donor(a->store, s_str(args, "donor"), s_str(args, "from"),
                             s_str(args, "to"), r);
}

static int
s_report_stock(struct api *a, json_t *args, json_t **r)
{
    return core_report_stock(a->store, s_str(args, "at"), s_str(args, "from"), s_str(args, "to"),
                             r);
}

static int
s_events_since(struct api *a, json_t *args, json_t **r)
{
    long since = s_int(args, "since", 0), limit = s_int(args, "limit", 1000);
    json_t *events;
    int64_t head;
    char hash[65];
    /* Clamped before the cast, so that no limit wraps into the store's range 1..10000. */
    int rc = core_events_since(a->store, since,
                               (int)(limit < 0 ? 0 : limit > 100000 ? 100000 : limit), &events);
    if (rc || (rc = core_events_head(a->store, &head, hash)))
        return rc;
    *r = json_pack("{so sI}", "events", events, "head", (json_int_t)head);
    return 0;
}

static int
s_verify(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_ledger_verify(a->store, r);
}

static json_t *
s_public_key(struct api *a)
{
    char hex[65], id[2 * CORE_TOKEN_KEYID_LEN + 1];
    unsigned char kid[CORE_TOKEN_KEYID_LEN];
    core_signkey_public_hex(a->pk, hex);
    core_token_key_id(a->pk, kid);
    sodium_bin2hex(id, sizeof id, kid, sizeof kid);
    return json_pack("{ss ss ss}", "algorithm", "ed25519", "public_key", hex, "key_id", id);
}

static int
s_keys_public(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    *r = s_public_key(a);
    return 0;
}

static const char *
s_role_name(unsigned role)
{
    return role == API_SCANNER ? "scanner" : role == API_READER ? "reader"
         : role == API_WAREHOUSE ? "warehouse" : role == API_GATEWAY ? "gateway" : "admin";
}

static int
s_server_info(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    int64_t head;
    char hash[65];
    int rc = core_events_head(a->store, &head, hash);
    if (rc)
        return rc;
    char curve[65] = "";
    if (a->secure)
        sodium_bin2hex(curve, sizeof curve, a->curve_pk, 32);
    *r = json_pack("{ss ss si si sI s{sI ss} so sb s:o}", "name", "aynid", "version",
                   AYNI_VERSION, "protocol", PROTO_VERSION, "schema",
                   core_store_schema_version(), "uptime_s",
                   (json_int_t)(time(NULL) - a->started), "events", "head", (json_int_t)head,
                   "hash", hash, "signing_key", s_public_key(a), "secure", a->secure,
                   "curve_key", a->secure ? json_string(curve) : json_null());
    /* aynid made it the process's zone at start (--tz); times on the wire stay UTC. */
    json_object_set_new(*r, "time_zone",
                        json_string(*ayni_zone() ? ayni_zone() : AYNI_ZONE_DEFAULT));
    /* Where the ledger lives on the host is for whoever runs it, not for every phone. */
    if (a->role == API_ADMIN)
        json_object_set_new(*r, "db", json_string(a->db_path));
    /* Who the caller is to the core: a scanner with no team sees why it sees nothing. */
    char team[101] = "";
    if (a->authenticated && (rc = core_device_team(a->store, a->actor, team)) == 0)
        json_object_set_new(*r, "device",
                            json_pack("{ss ss s:s?}", "name", a->actor ? a->actor : "", "role",
                                      s_role_name(a->role), "team", *team ? team : NULL));
    return rc;
}

/* ---- devices ---- */

static int
s_device_add(struct api *a, json_t *args, json_t **r)
{
    static const unsigned char none[32];
    char own[65];
    sodium_bin2hex(own, sizeof own, a->curve_pk, 32);
    /* A device holding the core's own key would stand for the core itself. */
    if (memcmp(a->curve_pk, none, 32) != 0 && !strcmp(s_str(args, "public_key"), own))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "public_key"),
                        "public_key is the core's own CURVE key, not a device's: make the "
                        "device's own key pair");
    struct core_device dev = {s_str(args, "name"), s_str(args, "role"),
                              s_str(args, "public_key"), s_str(args, "team")};
    return core_device_register(a->store, &dev, r);
}

static int
s_device_enrol_code(struct api *a, json_t *args, json_t **r)
{
    json_t *ttl = json_object_get(args, "ttl_s");
    int64_t ttl_s = json_is_integer(ttl) ? json_integer_value(ttl) : 24 * 3600;
    return core_device_enrol_code(a->store, s_str(args, "name"), s_str(args, "team"), ttl_s, r);
}

static int
s_device_enrol(struct api *a, json_t *args, json_t **r)
{
    return core_device_enrol(a->store, s_str(args, "code"), r);
}

static int
s_device_list(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_device_list(a->store, r);
}

static int
s_device_disable(struct api *a, json_t *args, json_t **r)
{
    return core_device_disable(a->store, s_str(args, "name"), r);
}

/* ---- the table ---- */

#define ARGS(...) ((const struct api_arg[]){__VA_ARGS__, {NULL, 0, false}})
#define NOARGS ((const struct api_arg[]){{NULL, 0, false}})
/* Who may use an op (DESIGN.md section 8): a scanner reads manifests and confirms
 * deliveries; a reader reads stock, reports and events; a warehouse device does all but
 * devices; an admin does everything. */
#define ANY (API_SCANNER | API_READER | API_WAREHOUSE | API_ADMIN)
/* A gateway by itself (without "as") only enrols phones and asks server.info. */
#define READ (API_READER | API_WAREHOUSE | API_ADMIN)
#define SCAN (API_SCANNER | API_WAREHOUSE | API_ADMIN)
#define WRITE (API_WAREHOUSE | API_ADMIN)
#define ADMIN API_ADMIN

const struct api_op api_ops[] = {
    {"item.add", WRITE, true, s_item_add,
     ARGS({"code", 's', true}, {"name_es", 's', true}, {"name_en", 's', true},
          {"tracking", 's', true}, {"perishable", 'b', false}, {"unit", 's', false},
          {"low", 'i', false})},
    {"item.add_batch", WRITE, true, s_item_add_batch, ARGS({"rows", 'p', true})},
    {"item.list", READ, false, s_item_list, NOARGS},
    {"location.add", WRITE, true, s_location_add,
     ARGS({"code", 's', true}, {"kind", 's', true}, {"name", 's', true}, {"region", 's', false},
          {"district", 's', false})},
    {"location.add_batch", WRITE, true, s_location_add_batch, ARGS({"rows", 'p', true})},
    {"location.list", READ, false, s_location_list, ARGS({"kind", 's', false})},
    {"donor.add", WRITE, true, s_donor_add, ARGS({"code", 's', true}, {"name", 's', true})},
    {"donor.add_batch", WRITE, true, s_donor_add_batch, ARGS({"rows", 'p', true})},
    {"donor.list", READ, false, s_donor_list, NOARGS},
    {"stock.receive", WRITE, true, s_receive, s_receive_args},
    {"stock.receive_batch", WRITE, true, s_receive_batch, ARGS({"rows", 'p', true})},
    {"stock.transfer", WRITE, true, s_transfer,
     ARGS({"from", 's', true}, {"to", 's', true}, TAKE, {"note", 's', false})},
    {"stock.adjust", WRITE, true, s_adjust,
     ARGS({"at", 's', true}, TAKE, {"reason", 's', true}, {"note", 's', false})},
    {"stock.levels", READ, false, s_levels,
     ARGS({"at", 's', false}, {"item", 's', false}, {"lot", 's', false},
          {"expiring", 'i', false}, {"low", 'b', false})},
    {"shipment.create", WRITE, true, s_ship_create,
     ARGS({"from", 's', true}, {"to", 's', true}, {"team", 's', false}, {"vehicle", 's', false})},
    {"shipment.add_line", WRITE, true, s_ship_add_line,
     ARGS({"shipment", 's', true}, TAKE, {"packages", 'i', false})},
    {"shipment.dispatch", WRITE, true, s_ship_dispatch, ARGS({"shipment", 's', true})},
    {"shipment.cancel", WRITE, true, s_ship_cancel,
     ARGS({"shipment", 's', true}, {"reason", 's', true})},
    {"shipment.get", ANY, false, s_ship_get, ARGS({"shipment", 's', true})},
    {"shipment.list", ANY, false, s_ship_list,
     ARGS({"state", 's', false}, {"team", 's', false}, {"detail", 's', false})},
    {"delivery.confirm", SCAN, true, s_confirm,
     ARGS({"token", 's', true}, {"scan_id", 's', true}, {"device_time", 's', false},
          {"team", 's', false}, {"device", 's', false}, {"lines", 'a', false},
          {"photo", 's', false}, {"position", 'j', false})},
    {"photo.put", SCAN, true, api_photo_put, ARGS({"data", 's', true}, {"sha256", 's', true})},
    {"report.donor", READ, false, s_report_donor,
     ARGS({"donor", 's', true}, {"from", 's', true}, {"to", 's', true})},
    {"report.stock", READ, false, s_report_stock,
     ARGS({"at", 's', true}, {"from", 's', true}, {"to", 's', true})},
    {"events.since", READ, false, s_events_since, ARGS({"since", 'i', true}, {"limit", 'i', false})},
    {"ledger.verify", READ, false, s_verify, NOARGS},
    {"keys.public", ANY, false, s_keys_public, NOARGS},
    {"server.info", ANY | API_GATEWAY, false, s_server_info, NOARGS},
    {"device.add", ADMIN, true, s_device_add,
     ARGS({"name", 's', true}, {"role", 's', true}, {"public_key", 's', true},
          {"team", 's', false})},
    {"device.list", ADMIN, false, s_device_list, NOARGS},
    {"device.disable", ADMIN, true, s_device_disable, ARGS({"name", 's', true})},
    {"device.enrol_code", ADMIN, true, s_device_enrol_code,
     ARGS({"name", 's', true}, {"team", 's', false}, {"ttl_s", 'i', false})},
    {"device.enrol", API_GATEWAY, true, s_device_enrol, ARGS({"code", 's', true})},
    {NULL, 0, false, NULL, NULL},
};
