/* store_shipment_view.c: reading shipments: one by its code (what dispatch, cancel and
 * delivery start from), one in full (what a slip prints and a scanner's manifest needs),
 * or a list.  Writes nothing, and calls no other shipment file: they call it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Shipment codes differ by a digit: a typo is usually another real shipment's code.  So
 * no "did you mean" that dispatch or cancel could be pointed at: the near codes, all of
 * them (up to S_NEAR), and a plain word that nothing was done. */
#define S_NEAR 5
static int
s_unknown(core_store_t *s, const char *code)
{
    json_t *near = core__near(s, ST_SHIP_CODES, NULL, code, S_NEAR);
    json_t *d = json_pack("{ssssso}", "field", "shipment", "code", code, "near", near);
    size_t n = json_array_size(near);
    if (n == 0)
        return core__fail(s, AYNI_ENOTFOUND, d, "unknown shipment '%s': nothing was done; "
                          "list them with 'shipment list'", code);
    json_object_set(d, "suggestion", json_array_get(near, 0)); /* kept for older clients */
    char list[S_NEAR * 48] = "";
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "",
                 json_string_value(json_array_get(near, i)));
    }
    return core__fail(s, AYNI_ENOTFOUND, d, "unknown shipment '%s': nothing was done; "
                      "shipments with a code near it: %s (check the code on the slip)", code,
                      list);
}

int
core__shipment(core_store_t *s, const char *code, struct core__shipment *out)
{
    int rc = core__check_code(s, "shipment", code);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_SHIP_BY_CODE, "t", code);
    if ((rc = core__step(s, st)) < 0)
        return rc;
    if (rc == 0)
        return s_unknown(s, code);
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->code, sizeof out->code, "%s", code);
    out->from = sqlite3_column_int64(st, 1);
    out->to = sqlite3_column_int64(st, 2);
    out->transit = sqlite3_column_int64(st, 3);
    snprintf(out->state, sizeof out->state, "%s", sqlite3_column_text(st, 4));
    out->packages = sqlite3_column_int(st, 7);
    snprintf(out->dispatched_at, sizeof out->dispatched_at, "%s",
             sqlite3_column_type(st, 9) == SQLITE_NULL ? ""
                                                       : (const char *)sqlite3_column_text(st, 9));
    core__reset(st);
    return 0;
}

/* [{"lot","expiry","donor","donor_name","qty"[,"serials"]}] of one line's picks. */
static int
s_line_lots(core_store_t *s, int64_t line_id, json_t *lots)
{
    sqlite3_stmt *st = core__query(s, ST_LINE_PICK_DETAIL, "I", line_id);
    json_t *last = NULL;
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        const char *lot = (const char *)sqlite3_column_text(st, 0);
        long qty = (long)sqlite3_column_int64(st, 5);
        if (!last || strcmp(json_string_value(json_object_get(last, "lot")), lot) != 0) {
            last = json_pack("{s:o s:o s:o s:o sI}", "lot", core__jstr(st, 0), "expiry",
                             core__jstr(st, 1), "donor", core__jstr(st, 2), "donor_name",
                             core__jstr(st, 3), "qty", (json_int_t)0);
            json_array_append_new(lots, last);
        }
        json_object_set_new(last, "qty",
                            json_integer(json_integer_value(json_object_get(last, "qty")) + qty));
        if (sqlite3_column_type(st, 4) == SQLITE_NULL)
            continue;
        json_t *serials = json_object_get(last, "serials");
        if (!serials) {
            serials = json_array();
            json_object_set_new(last, "serials", serials);
        }
        json_array_append_new(serials, core__jstr(st, 4));
    }
    return rc;
}

static int
s_lines(core_store_t *s, int64_t shipment_id, json_t *lines)
{
    sqlite3_stmt *st = core__query(s, ST_SHIP_LINES, "I", shipment_id);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        json_t *lots = json_array();
        json_array_append_new(
            lines, json_pack("{s:i s:o s:o s:o s:o s:o s:I s:i s:i s:o}", "line",
                             sqlite3_column_int(st, 1), "item", core__jstr(st, 2), "item_name_es",
                             core__jstr(st, 3), "item_name_en", core__jstr(st, 4), "unit",
                             core__jstr(st, 5), "tracking", core__jstr(st, 6), "qty",
                             (json_int_t)sqlite3_column_int64(st, 7), "packages",
                             sqlite3_column_int(st, 8), "first_package", sqlite3_column_int(st, 9),
                             "lots", lots));
        /* LINE_PICK_DETAIL is another statement: SHIP_LINES stays where it is. */
        if ((rc = s_line_lots(s, sqlite3_column_int64(st, 0), lots)) < 0) {
            core__reset(st);
            return rc;
        }
    }
    return rc;
}

/* Column i as a JSON integer, or null where it is NULL (not known). */
static json_t *
s_count(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? json_null()
               : json_integer((json_int_t)sqlite3_column_int64(st, i));
}

/* Columns i and i + 1, a position in tenths of a degree, as {"lat","lon"}, or null. */
static json_t *
s_position(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL || sqlite3_column_type(st, i + 1) == SQLITE_NULL)
        return json_null();
    return json_pack("{sf sf}", "lat", sqlite3_column_int(st, i) / 10.0, "lon",
                     sqlite3_column_int(st, i + 1) / 10.0);
}

static int
s_packages(core_store_t *s, int64_t shipment_id, json_t *packages)
{
    sqlite3_stmt *st = core__query(s, ST_PKG_LIST, "I", shipment_id);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        bool delivered = sqlite3_column_type(st, 3) != SQLITE_NULL;
        json_t *p = json_pack("{s:i s:i s:I s:b}", "number", sqlite3_column_int(st, 0), "line",
                              sqlite3_column_int(st, 1), "qty",
                              (json_int_t)sqlite3_column_int64(st, 2), "delivered", delivered);
        if (delivered)
            json_object_update_new(
                p, json_pack("{s:o s:o s:o s:o s:o s:o s:o}", "scan_id", core__jstr(st, 3),
                             "received_at", core__jstr(st, 4), "team", core__jstr(st, 5),
                             "device", core__jstr(st, 6), "qty_received", s_count(st, 7),
                             "device_label", core__jstr(st, 8), "scanned_at",
                             core__jstr(st, 9)));
        if (delivered)
            json_object_update_new(p, json_pack("{s:o s:b s:o s:o}", "delivered_at",
                                                core__jstr(st, 10), "clock_suspect",
                                                sqlite3_column_int(st, 11), "photo",
                                                core__jstr(st, 12), "position",
                                                s_position(st, 13)));
        json_array_append_new(packages, p);
    }
    return rc;
}

static int
s_shortfalls(core_store_t *s, int64_t shipment_id, json_t *shortfalls)
{
    sqlite3_stmt *st = core__query(s, ST_SHIP_SHORTFALLS, "I", shipment_id);
    int rc;
    while ((rc = core__step(s, st)) == 1)
        json_array_append_new(
            shortfalls, json_pack("{s:o s:o s:o s:o s:I s:o}", "scan_id", core__jstr(st, 0),
                                  "delivered_at", core__jstr(st, 1), "item", core__jstr(st, 2),
                                  "item_name", core__jstr(st, 3), "qty",
                                  (json_int_t)sqlite3_column_int64(st, 4), "reason",
                                  core__jstr(st, 5)));
    return rc;
}

int
core_shipment_get(core_store_t *s, const char *code, json_t **result)
{
    core__clear_error(s);
    struct core__shipment sh;
    int rc = core__shipment(s, code, &sh);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_SHIP_BY_CODE, "t", code);
    if ((rc = core__step(s, st)) != 1)
        return rc < 0 ? rc : core__fail(s, AYNI_ENOTFOUND, NULL, "shipment '%s' vanished", code);
    json_t *lines = json_array(), *packages = json_array(), *shortfalls = json_array();
    json_t *o = json_pack(
        "{ss s:o s:o s:o s:o s:o s:o s:i s:o s:o s:o s:o s:o s:o}", "code", code, "state",
        core__jstr(st, 4), "from", core__place_json(s, sh.from), "to",
        core__place_json(s, sh.to), "transit", core__place_json(s, sh.transit), "team",
        core__jstr(st, 5), "vehicle", core__jstr(st, 6), "package_count",
        sqlite3_column_int(st, 7), "created_at", core__jstr(st, 8), "dispatched_at",
        core__jstr(st, 9), "closed_at", core__jstr(st, 10), "cancel_reason", core__jstr(st, 11),
        "lines", lines, "packages", packages);
    json_object_set_new(o, "shortfalls", shortfalls);
    core__reset(st);
    if ((rc = s_lines(s, sh.id, lines)) < 0 || (rc = s_packages(s, sh.id, packages)) < 0 ||
        (rc = s_shortfalls(s, sh.id, shortfalls)) < 0) {
        json_decref(o);
        return rc;
    }
    *result = o;
    return 0;
}

int
core_shipment_team(core_store_t *s, const char *code, char team[101])
{
    core__clear_error(s);
    team[0] = '\0';
    sqlite3_stmt *st = core__query(s, ST_SHIP_TEAM, "t", code);
    int rc = core__step(s, st);
    if (rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL)
        snprintf(team, 101, "%s", sqlite3_column_text(st, 0));
    core__reset(st);
    return rc < 0 ? rc : 0;
}

int
core_shipment_route(core_store_t *s, const char *code, char to[41], int *packages)
{
    core__clear_error(s);
    struct core__shipment sh;
    struct core__place place;
    int rc = core__shipment(s, code, &sh);
    if (rc || (rc = core__place_by_id(s, sh.to, &place)))
        return rc;
    snprintf(to, 41, "%s", place.code);
    *packages = sh.packages;
    return 0;
}

int
core_shipment_list(core_store_t *s, const char *state, json_t **result)
{
    return core_shipment_list_team(s, state, NULL, result);
}

int
core_shipment_list_team(core_store_t *s, const char *state, const char *team, json_t **result)
{
    static const char *const states[] = {"draft", "dispatched", "partial", "delivered",
                                         "cancelled"};
    core__clear_error(s);
    bool known = state == NULL;
    for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
        known |= !strcmp(state, states[i]);
    if (!known)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "state"),
                          "state '%s' is unknown: use draft, dispatched, partial, delivered or "
                          "cancelled", state);
    int rc = core__check_text(s, "team", team, false, 100);
    if (rc)
        return rc;
    json_t *list = json_array();
    sqlite3_stmt *st = core__query(s, ST_SHIP_LIST, "tt", state, team);
    while ((rc = core__step(s, st)) == 1)
        json_array_append_new(
            list,
            json_pack("{s:o s:o s:o s:{s:o s:o s:o s:o} s:o s:o s:i s:o s:o s:o s:i s:I s:i}",
                      "code", core__jstr(st, 0), "state", core__jstr(st, 1), "from",
                      core__jstr(st, 2), "to", "code", core__jstr(st, 3), "name",
                      core__jstr(st, 4), "region", core__jstr(st, 5), "district",
                      core__jstr(st, 6), "team", core__jstr(st, 7), "vehicle", core__jstr(st, 8),
                      "package_count", sqlite3_column_int(st, 9), "created_at",
                      core__jstr(st, 10), "dispatched_at", core__jstr(st, 11), "closed_at",
                      core__jstr(st, 12), "lines", sqlite3_column_int(st, 13), "qty",
                      (json_int_t)sqlite3_column_int64(st, 14), "packages_delivered",
                      sqlite3_column_int(st, 15)));
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *result = list;
    return 0;
}
