/* api_shipment.c: the handlers of the shipment and delivery ops (create, add_line,
 * dispatch, cancel, get, list; delivery.confirm): the tokens a dispatch signs, what a
 * scanner may see of shipments (its own team's), and a confirmation's lines, photo and
 * position read off the wire.  The op table is api_ops.c's.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"
#include "token.h"

/* ---- shipments ---- */

int
api_ship_create(struct api *a, json_t *args, json_t **r)
{
    struct core_shipment_new n = {api_str(args, "from"), api_str(args, "to"), api_str(args, "team"),
                                  api_str(args, "vehicle")};
    return core_shipment_create(a->store, &n, r);
}

int
api_ship_add_line(struct api *a, json_t *args, json_t **r)
{
    struct core_take t;
    long packages = api_int(args, "packages", 1);
    int rc = api_take(a, args, &t);
    if (rc == 0 && (packages < 1 || packages > 9999))
        rc = api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "packages"),
                      "packages must be from 1 to 9999");
    if (rc == 0)
        rc = core_shipment_add_line(a->store, api_str(args, "shipment"), &t, (int)packages, r);
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

int
api_ship_dispatch(struct api *a, json_t *args, json_t **r)
{
    int rc = core_shipment_dispatch(a->store, api_str(args, "shipment"), r);
    if (rc == 0)
        s_add_tokens(a, *r);
    return rc;
}

int
api_ship_cancel(struct api *a, json_t *args, json_t **r)
{
    return core_shipment_cancel(a->store, api_str(args, "shipment"), api_str(args, "reason"), r);
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

int
api_ship_get(struct api *a, json_t *args, json_t **r)
{
    char team[101];
    int rc;
    bool scanner = s_scanner_team(a, team, &rc);
    if (rc || (rc = core_shipment_get(a->store, api_str(args, "shipment"), r)) != 0) {
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
                                                 api_str(args, "shipment")),
                    *team ? "unknown shipment '%s': list your team's with 'shipment list'"
                          : N_("unknown shipment '%s': this device has no team, so it sees no "
                               "shipment; ask an administrator to register it again with its "
                               "team"),
                    api_str(args, "shipment"));
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

int
api_ship_list(struct api *a, json_t *args, json_t **r)
{
    char team[101];
    const char *want = api_str(args, "team"), *detail = api_str(args, "detail");
    if (detail && strcmp(detail, "summary") && strcmp(detail, "manifest"))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "detail"),
                        "detail '%s' is unknown: use summary (the default) or manifest", detail);
    if (want && !*want)
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "team"),
                        "team is empty: give the team's name, or leave it out for every team");
    int rc;
    bool scanner = s_scanner_team(a, team, &rc);
    if (rc || (rc = core_shipment_list_team(a->store, api_str(args, "state"), want, r)))
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
    int rc = api_list_size(a, arr, "lines", 0);
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

int
api_delivery_confirm(struct api *a, json_t *args, json_t **r)
{
    struct core_token t;
    struct core_delivery_line *lines;
    size_t n;
    char team[101] = "";
    int rc = s_check_token(a, api_str(args, "token"), &t);
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
    struct core_delivery d = {.scan_id = api_str(args, "scan_id"), .shipment = t.shipment,
                              .package = (int)t.package,
                              .device = a->authenticated ? NULL : api_str(args, "device"),
                              .team = *team ? team : api_str(args, "team"),
                              .scanned_at = api_str(args, "device_time"), .lines = lines,
                              .nlines = n, .device_label = api_str(args, "device")};
    if ((rc = api_delivery_photo_position(a, args, &d)) == 0)
        rc = core_delivery_confirm(a->store, &d, r);
    free(lines);
    return rc;
}
