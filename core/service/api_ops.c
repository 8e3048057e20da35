/* api_ops.c: the table of ops and their handlers: JSON arguments in, store calls, JSON
 * results out.  Arguments arrive type-checked (api_args.c); handlers keep no state.  The
 * handlers of shipments and deliveries are in api_shipment.c, of photos api_photo.c, of
 * the dashboard api_dash.c.
 */
#include <assert.h>
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
#include "statement.h"
#include "token.h"
#include "zone.h"

/* ---- catalog ---- */

static int
s_item_add(struct api *a, json_t *args, json_t **r)
{
    json_t *p = json_object_get(args, "perishable");
    struct core_item it = {api_str(args, "code"), api_str(args, "name_es"), api_str(args, "name_en"),
                           api_str(args, "unit"), api_str(args, "tracking"), json_is_true(p),
                           api_int(args, "low", 0)};
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
    struct core_location l = {api_str(args, "code"), api_str(args, "kind"), api_str(args, "name"),
                              api_str(args, "region"), api_str(args, "district")};
    return core_location_add(a->store, &l, r);
}

static int
s_location_list(struct api *a, json_t *args, json_t **r)
{
    return core_location_list(a->store, api_str(args, "kind"), r);
}

static int
s_donor_add(struct api *a, json_t *args, json_t **r)
{
    struct core_donor d = {api_str(args, "code"), api_str(args, "name")};
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
    int rc = api_take(a, args, &t);
    if (rc)
        return rc;
    struct core_receive rcv = {api_str(args, "at"), api_str(args, "donor"), t.item, t.lot,
                               api_str(args, "expiry"), t.qty, t.serials, t.nserials,
                               api_str(args, "note")};
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
    int rc = api_list_size(a, rows, "rows", 1);
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
    int rc = api_take(a, args, &t);
    if (rc == 0)
        rc = core_stock_transfer(a->store, api_str(args, "from"), api_str(args, "to"), &t,
                                 api_str(args, "note"), r);
    free((void *)t.serials);
    return rc;
}

static int
s_adjust(struct api *a, json_t *args, json_t **r)
{
    struct core_take t;
    int rc = api_take(a, args, &t);
    if (rc == 0)
        rc = core_stock_adjust(a->store, api_str(args, "at"), &t, api_str(args, "reason"),
                               api_str(args, "note"), r);
    free((void *)t.serials);
    return rc;
}

static int
s_levels(struct api *a, json_t *args, json_t **r)
{
    long days = api_int(args, "expiring", -1);
    if (json_object_get(args, "expiring") && (days < 0 || days > 3650))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "expiring"),
                        "expiring must be a number of days from 0 to 3650");
    struct core_stock_query q = {api_str(args, "at"), api_str(args, "item"), api_str(args, "lot"),
                                 (int)days, json_is_true(json_object_get(args, "low"))};
    return core_stock_levels(a->store, &q, r);
}

/* ---- reports, events, ledger, keys ---- */

/* The checkpoint a report is drawn at (docs/PROOF.md): a fresh one, made as aynid, if
 * anything happened since the newest one's own event; else the newest; NULL (and 0) for
 * an empty ledger. */
static int
s_report_checkpoint(struct api *a, json_t **ck)
{
    json_t *list = NULL;
    int64_t head;
    char hash[65];
    core_store_set_actor(a->store, "aynid");
    int rc = core_chain_checkpoint(a->store, a->sk, ck);
    core_store_set_actor(a->store, a->actor);
    if (rc || *ck)
        return rc;
    if ((rc = core_events_head(a->store, &head, hash)) || head < 2)
        return rc;
    if ((rc = core_chain_checkpoints(a->store, head - 2, 10, &list)) == 0) {
        *ck = json_incref(json_array_get(list, json_array_size(list) - 1));
        json_decref(list);
    }
    return rc;
}

/* The signed statement of report r, drawn at checkpoint ck: {"text", "signature",
 * "key_fingerprint"}, or null if the report does not fit one (more items than a QR code
 * holds): the report is then printed without it. */
static json_t *
s_statement(struct api *a, json_t *r, json_t *ck)
{
    struct core_statement st;
    if (core_statement_from_report(r, ck, &st) != 0)
        return json_null();
    char *text = core_statement_sign(&st, a->sk);
    if (!text)
        return json_null();
    char sig[129], fpr[2 * CORE_STATEMENT_FPR_LEN + 1];
    unsigned char bin[64];
    size_t n = 0;
    const char *b64 = strstr(text, "~sig*") + 5;
    sodium_base642bin(bin, sizeof bin, b64, strlen(b64), NULL, &n, NULL,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2hex(sig, sizeof sig, bin, sizeof bin);
    sodium_bin2hex(fpr, sizeof fpr, st.fingerprint, sizeof st.fingerprint);
    json_t *o = json_pack("{ss ss ss}", "text", text, "signature", sig, "key_fingerprint", fpr);
    free(text);
    return o;
}

static int
s_report_donor(struct api *a, json_t *args, json_t **r)
{
    json_t *ck = NULL;
    int rc = s_report_checkpoint(a, &ck);
    if (rc == 0)
        rc = core_report_donor(a->store, api_str(args, "donor"), api_str(args, "from"),
                               api_str(args, "to"), r);
    if (rc == 0) {
        json_object_set_new(*r, "statement", s_statement(a, *r, ck));
        json_object_set_new(*r, "checkpoint", ck ? json_incref(ck) : json_null());
    }
    json_decref(ck);
    return rc;
}

static int
s_report_stock(struct api *a, json_t *args, json_t **r)
{
    return core_report_stock(a->store, api_str(args, "at"), api_str(args, "from"), api_str(args, "to"),
                             r);
}

/* Whether a scanner of team may see event e: only the events naming a shipment of its own
 * team (compared without regard to ASCII case, as for shipment.get), never stock, items,
 * places or devices.  seen remembers each shipment's verdict for one request. */
static int
s_event_for_team(struct api *a, json_t *e, const char *team, json_t *seen, bool *yes)
{
    const char *code = json_string_value(json_object_get(e, "shipment"));
    *yes = false;
    if (!code || !*team)
        return 0;
    json_t *known = json_object_get(seen, code);
    if (known) {
        *yes = json_is_true(known);
        return 0;
    }
    char its[101];
    int rc = core_shipment_team(a->store, code, its);
    if (rc)
        return rc;
    *yes = *its && !strcasecmp(its, team);
    json_object_set_new(seen, code, json_boolean(*yes));
    return 0;
}

/* A scanner's page of events: those of its own team's shipments only (the one place that
 * rule lives, for every client: ayni-web's event stream asks here as the phone). */
static int
s_events_of_team(struct api *a, json_t *events)
{
    char team[101];
    int rc = core_device_team(a->store, a->actor, team);
    json_t *seen = json_object();
    for (size_t i = 0; rc == 0 && i < json_array_size(events);) {
        bool yes = false;
        if ((rc = s_event_for_team(a, json_array_get(events, i), team, seen, &yes)) == 0 && !yes)
            json_array_remove(events, i);
        else
            i++;
    }
    json_decref(seen);
    return rc;
}

static int
s_events_since(struct api *a, json_t *args, json_t **r)
{
    long since = api_int(args, "since", 0), limit = api_int(args, "limit", 1000);
    json_t *events;
    int64_t head;
    char hash[65];
    /* Clamped before the cast, so that no limit wraps into the store's range 1..10000. */
    int rc = core_events_since(a->store, since,
                               (int)(limit < 0 ? 0 : limit > 100000 ? 100000 : limit), &events);
    if (rc || (rc = core_events_head(a->store, &head, hash)))
        return rc;
    /* Where the next page starts: the last event looked at, shown or not. */
    json_t *end = json_array_get(events, json_array_size(events) - 1);
    json_int_t last = end ? json_integer_value(json_object_get(end, "seq")) : since;
    if (a->authenticated && a->role == API_SCANNER && (rc = s_events_of_team(a, events))) {
        json_decref(events);
        return rc;
    }
    *r = json_pack("{so sI sI}", "events", events, "head", (json_int_t)head, "last", last);
    return 0;
}

static int
s_verify(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_ledger_verify(a->store, r);
}

static int
s_checkpoints(struct api *a, json_t *args, json_t **r)
{
    long since = api_int(args, "since", 0), limit = api_int(args, "limit", 1000);
    json_t *list;
    int rc = core_chain_checkpoints(a->store, since,
                                    (int)(limit < 0 ? 0 : limit > 100000 ? 100000 : limit), &list);
    if (rc)
        return rc;
    *r = json_pack("{so}", "checkpoints", list);
    return 0;
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
         : role == API_WAREHOUSE ? "warehouse" : role == API_GATEWAY ? "gateway"
         : role == API_SHARE ? "share" : "admin";
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
    if (memcmp(a->curve_pk, none, 32) != 0 && !strcmp(api_str(args, "public_key"), own))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "public_key"),
                        "public_key is the core's own CURVE key, not a device's: make the "
                        "device's own key pair");
    struct core_device dev = {api_str(args, "name"), api_str(args, "role"),
                              api_str(args, "public_key"), api_str(args, "team")};
    return core_device_register(a->store, &dev, r);
}

static int
s_device_enrol_code(struct api *a, json_t *args, json_t **r)
{
    json_t *ttl = json_object_get(args, "ttl_s");
    int64_t ttl_s = json_is_integer(ttl) ? json_integer_value(ttl) : 24 * 3600;
    return core_device_enrol_code(a->store, api_str(args, "name"), api_str(args, "role"),
                                  api_str(args, "team"), ttl_s, r);
}

static int
s_device_enrol(struct api *a, json_t *args, json_t **r)
{
    return core_device_enrol(a->store, api_str(args, "code"), r);
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
    return core_device_disable(a->store, api_str(args, "name"), r);
}

/* ---- webhooks (docs/WEB.md, "Webhooks") ---- */

static int
s_webhook_add(struct api *a, json_t *args, json_t **r)
{
    struct core_webhook h = {api_str(args, "url"), json_object_get(args, "events"),
                             api_str(args, "name")};
    return core_webhook_add(a->store, &h, r);
}

static int
s_webhook_list(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_webhook_list(a->store, r);
}

static int
s_webhook_remove(struct api *a, json_t *args, json_t **r)
{
    return core_webhook_remove(a->store, api_int(args, "id", 0), r);
}

static int
s_webhook_log(struct api *a, json_t *args, json_t **r)
{
    long limit = api_int(args, "limit", 100);
    return core_webhook_log(a->store, api_int(args, "id", 0),
                            (int)(limit < 0 ? 0 : limit > 100000 ? 100000 : limit), r);
}

static int
s_webhook_targets(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    json_t *list;
    int rc = core_webhook_targets(a->store, &list);
    if (rc == 0)
        *r = json_pack("{so}", "webhooks", list);
    return rc;
}

static int
s_webhook_record(struct api *a, json_t *args, json_t **r)
{
    struct core_webhook_attempt at = {api_int(args, "id", 0), api_int(args, "seq", 0),
                                      api_int(args, "attempt", 0), api_int(args, "status", 0),
                                      api_str(args, "error"),
                                      json_is_true(json_object_get(args, "ok"))};
    return core_webhook_record(a->store, &at, r);
}

/* ---- the table ---- */

#define ARGS(...) ((const struct api_arg[]){__VA_ARGS__, {NULL, 0, false}})
#define NOARGS ((const struct api_arg[]){{NULL, 0, false}})
/* Who may use an op (DESIGN.md section 8): a scanner reads manifests and confirms
 * deliveries; a reader reads stock, reports and events; a warehouse device does all but
 * devices; an admin does everything. */
#define ANY (API_SCANNER | API_READER | API_WAREHOUSE | API_ADMIN)
/* A gateway by itself (without "as") enrols phones, asks server.info, and reads the
 * events and the webhooks it delivers them to (web/web_hooks.c).  A share link
 * (API_SHARE) reads only the ops that name it, as api_share.c narrows them. */
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
    {"shipment.create", WRITE, true, api_ship_create,
     ARGS({"from", 's', true}, {"to", 's', true}, {"team", 's', false}, {"vehicle", 's', false})},
    {"shipment.add_line", WRITE, true, api_ship_add_line,
     ARGS({"shipment", 's', true}, TAKE, {"packages", 'i', false})},
    {"shipment.dispatch", WRITE, true, api_ship_dispatch, ARGS({"shipment", 's', true})},
    {"shipment.cancel", WRITE, true, api_ship_cancel,
     ARGS({"shipment", 's', true}, {"reason", 's', true})},
    {"shipment.get", ANY, false, api_ship_get, ARGS({"shipment", 's', true})},
    {"shipment.list", ANY, false, api_ship_list,
     ARGS({"state", 's', false}, {"team", 's', false}, {"detail", 's', false})},
    {"delivery.confirm", SCAN, true, api_delivery_confirm,
     ARGS({"token", 's', true}, {"scan_id", 's', true}, {"device_time", 's', false},
          {"team", 's', false}, {"device", 's', false}, {"lines", 'a', false},
          {"photo", 's', false}, {"position", 'j', false})},
    {"photo.put", SCAN, true, api_photo_put, ARGS({"data", 's', true}, {"sha256", 's', true})},
    {"report.donor", READ | API_SHARE, false, s_report_donor,
     ARGS({"donor", 's', true}, {"from", 's', true}, {"to", 's', true})},
    {"report.stock", READ, false, s_report_stock,
     ARGS({"at", 's', true}, {"from", 's', true}, {"to", 's', true})},
    {"dashboard.panorama", READ, false, api_dash_panorama, NOARGS},
    {"dashboard.regions", READ, false, api_dash_regions,
     ARGS({"from", 's', false}, {"to", 's', false})},
    {"events.since", READ | API_SCANNER | API_GATEWAY, false, s_events_since, ARGS({"since", 'i', true}, {"limit", 'i', false})},
    {"ledger.verify", READ, false, s_verify, NOARGS},
    {"ledger.checkpoints", READ, false, s_checkpoints,
     ARGS({"since", 'i', false}, {"limit", 'i', false})},
    {"keys.public", ANY | API_SHARE, false, s_keys_public, NOARGS},
    {"server.info", ANY | API_GATEWAY | API_SHARE, false, s_server_info, NOARGS},
    {"device.add", ADMIN, true, s_device_add,
     ARGS({"name", 's', true}, {"role", 's', true}, {"public_key", 's', true},
          {"team", 's', false})},
    {"device.list", ADMIN, false, s_device_list, NOARGS},
    {"device.disable", ADMIN, true, s_device_disable, ARGS({"name", 's', true})},
    {"device.enrol_code", ADMIN, true, s_device_enrol_code,
     ARGS({"name", 's', true}, {"role", 's', false}, {"team", 's', false},
          {"ttl_s", 'i', false})},
    {"device.enrol", API_GATEWAY, true, s_device_enrol, ARGS({"code", 's', true})},
    {"webhook.add", ADMIN, true, s_webhook_add,
     ARGS({"url", 's', true}, {"events", 'a', false}, {"name", 's', false})},
    {"webhook.list", ADMIN, false, s_webhook_list, NOARGS},
    {"webhook.remove", ADMIN, true, s_webhook_remove, ARGS({"id", 'i', true})},
    {"webhook.log", ADMIN, false, s_webhook_log, ARGS({"id", 'i', true}, {"limit", 'i', false})},
    /* The deliverer in ayni-web (web/web_hooks.c): the hooks with their secrets, and the
     * bookkeeping of each attempt. */
    {"webhook.targets", API_GATEWAY, false, s_webhook_targets, NOARGS},
    {"webhook.record", API_GATEWAY, true, s_webhook_record,
     ARGS({"id", 'i', true}, {"seq", 'i', true}, {"attempt", 'i', true}, {"status", 'i', true},
          {"error", 's', false}, {"ok", 'b', true})},
    {"share.create", ADMIN, true, api_share_create,
     ARGS({"donor", 's', true}, {"from", 's', true}, {"to", 's', true}, {"hours", 'i', false})},
    {"share.list", ADMIN, false, api_share_list, NOARGS},
    {"share.revoke", ADMIN, true, api_share_revoke, ARGS({"id", 's', true})},
    {"share.info", API_SHARE, false, api_share_info, NOARGS},
    {NULL, 0, false, NULL, NULL},
};
