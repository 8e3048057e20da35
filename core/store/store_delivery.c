/* store_delivery.c: confirming that packages reached their community.
 *
 * A confirmation names a package (or 0: every package still outstanding) and how much
 * of each line arrived.  What arrived moves from transit to the community; a
 * shortfall moves to loss with its reason.  The client's scan id makes a repeat
 * harmless: it gets the first answer back.  A second scan of a package already
 * delivered (with another scan id) is refused as already_delivered and changes nothing.
 * The token was verified by the caller; the store trusts shipment and package.  The
 * device recorded is the caller's (the store's actor, unless it names one); what the
 * client called itself is only a label.  The device's clock time must be ISO 8601 and is
 * kept in UTC.  The delivery happened when it was scanned: delivered_at is the scan time,
 * or the time received when there is none or the device's clock cannot be right
 * (CORE_CLOCK_AHEAD_MAX, store.h); both times are kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "mem.h"
#include "store_int.h"

static const char *const s_reasons[] = {"damaged", "missing", "expired", "refused"};

/* One package being confirmed. */
struct s_pkg {
    int number;
    int line;
    int64_t line_id, item_id;
    long qty;      /* expected */
    long received; /* decided from the client's lines */
    const char *reason;
};

static int
s_check(core_store_t *s, const struct core_delivery *d)
{
    int rc;
    if ((rc = core__check_text(s, "scan_id", d->scan_id, true, 100)) ||
        (rc = core__check_text(s, "device", d->device, false, 100)) ||
        (rc = core__check_text(s, "device_label", d->device_label, false, 100)) ||
        (rc = core__check_text(s, "team", d->team, false, 100)))
        return rc;
    if (d->has_position && !(d->lat >= -90 && d->lat <= 90 && d->lon >= -180 && d->lon <= 180))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "position"),
                          "position must be {\"lat\": -90 to 90, \"lon\": -180 to 180} in "
                          "degrees");
    if (d->package < 0 || d->package > 9999)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "package"),
                          "package must be 0 (the whole shipment) or a package number");
    for (size_t i = 0; i < d->nlines; i++) {
        const struct core_delivery_line *l = &d->lines[i];
        if (l->received < 0)
            return core__fail(s, AYNI_EINVAL, json_pack("{ss si}", "field", "lines", "line",
                                                        l->line),
                              "line %d: received must be 0 or more", l->line);
        bool known = l->reason == NULL;
        for (size_t k = 0; l->reason && k < sizeof s_reasons / sizeof s_reasons[0]; k++)
            known |= !strcmp(l->reason, s_reasons[k]);
        if (!known)
            return core__fail(s, AYNI_EINVAL, json_pack("{ss si}", "field", "reason", "line",
                                                        l->line),
                              "line %d: reason '%s' is unknown: use damaged, missing, expired "
                              "or refused", l->line, l->reason);
        for (size_t j = 0; j < i; j++)
            if (d->lines[j].line == l->line)
                return core__fail(s, AYNI_EINVAL, json_pack("{ss si}", "field", "lines", "line",
                                                            l->line),
                                  "line %d is given twice", l->line);
    }
    return 0;
}

static int
s_already(core_store_t *s, const struct core__shipment *sh, int number, sqlite3_stmt *st)
{
    int rc = core__fail(s, AYNI_EDELIVERED,
                        json_pack("{ss si s:o s:o s:o s:o}", "shipment", sh->code, "package",
                                  number, "scan_id", core__jstr(st, 3), "delivered_at",
                                  core__jstr(st, 4), "team", core__jstr(st, 5), "device",
                                  core__jstr(st, 6)),
                        "package %d of shipment '%s' was already confirmed on %s by %s: it is "
                        "counted once",
                        number, sh->code, sqlite3_column_text(st, 4),
                        sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5)
                                                   : (const char *)sqlite3_column_text(st, 6));
    core__reset(st);
    return rc;
}

/* The packages this confirmation covers: one, or every outstanding one. */
static int
s_packages(core_store_t *s, const struct core__shipment *sh, int package, struct s_pkg **out,
           size_t *n)
{
    int first = package ? package : 1, last = package ? package : sh->packages;
    if (package > sh->packages)
        return core__fail(s, AYNI_EINVAL, json_pack("{sssi}", "shipment", sh->code, "package",
                                                    package),
                          "shipment '%s' has %d packages, not %d", sh->code, sh->packages,
                          package);
    *out = xcalloc((size_t)(last - first + 1), sizeof **out);
    *n = 0;
    for (int k = first; k <= last; k++) {
        sqlite3_stmt *st = core__query(s, ST_PKG_GET, "Ii", sh->id, k);
        int rc = core__step(s, st);
        if (rc <= 0)
            return rc < 0 ? rc : core__fail(s, AYNI_EINTERNAL, NULL, "package %d is missing", k);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            if (package)
                return s_already(s, sh, k, st);
            core__reset(st);
            continue;
        }
        (*out)[(*n)++] = (struct s_pkg){.number = k, .line_id = sqlite3_column_int64(st, 0),
                                        .qty = (long)sqlite3_column_int64(st, 1),
                                        .line = sqlite3_column_int(st, 2),
                                        .item_id = sqlite3_column_int64(st, 7)};
        core__reset(st);
    }
    if (*n == 0)
        return core__fail(s, AYNI_EDELIVERED, json_pack("{ss}", "shipment", sh->code),
                          "every package of shipment '%s' was already confirmed", sh->code);
    return 0;
}

/* Share the client's received counts among the packages, line by line, in order. */
static int
s_apportion(core_store_t *s, const struct core_delivery *d, struct s_pkg *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i].received = p[i].qty;
    for (size_t j = 0; j < d->nlines; j++) {
        const struct core_delivery_line *l = &d->lines[j];
        long expected = 0, left = l->received;
        for (size_t i = 0; i < n; i++)
            expected += p[i].line == l->line ? p[i].qty : 0;
        if (expected == 0)
            return core__fail(s, AYNI_EINVAL, json_pack("{sssi}", "field", "lines", "line",
                                                        l->line),
                              d->package ? "line %d is not in this package"
                                         : N_("line %d is not in the packages still outstanding"),
                              l->line);
        if (l->received > expected)
            return core__fail(s, AYNI_EINVAL, json_pack("{sssisI}", "field", "lines", "line",
                                                        l->line, "expected",
                                                        (json_int_t)expected),
                              "line %d: %ld received but only %ld were sent", l->line,
                              l->received, expected);
        if (l->received < expected && !l->reason)
            return core__fail(s, AYNI_EINVAL, json_pack("{sssi}", "field", "reason", "line",
                                                        l->line),
                              "line %d: %ld of %ld received: give the reason for the shortfall "
                              "(damaged, missing, expired or refused)",
                              l->line, l->received, expected);
        for (size_t i = 0; i < n; i++) {
            if (p[i].line != l->line)
                continue;
            p[i].received = left < p[i].qty ? left : p[i].qty;
            left -= p[i].received;
            p[i].reason = p[i].received < p[i].qty ? l->reason : NULL;
        }
    }
    return 0;
}

/* Move package p's share of its line: the first `received` to the community, the rest to
 * loss.  A package is the slice [offset, offset + qty) of the line's picks in order. */
static int
s_move_package(core_store_t *s, const struct core__shipment *sh, const struct s_pkg *p,
               int64_t loss, int64_t delivery_id)
{
    int64_t offset;
    int rc = core__scalar(s, &offset, ST_PKG_OFFSET, "IIi", sh->id, p->line_id, p->number);
    if (rc)
        return rc;
    struct core__picks picks = {0};
    sqlite3_stmt *st = core__query(s, ST_LINE_PICKS, "I", p->line_id);
    while ((rc = core__step(s, st)) == 1)
        core__picks_push(&picks, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                         (long)sqlite3_column_int64(st, 2));
    int64_t item_id = p->item_id;
    struct core__move_ctx got = {.kind = "deliver", .shipment_id = sh->id,
                                 .delivery_id = delivery_id};
    struct core__move_ctx lost = {.kind = "shortfall", .shipment_id = sh->id,
                                  .delivery_id = delivery_id, .reason = p->reason};
    long pos = 0, deliver_end = (long)offset + p->received, end = (long)offset + p->qty;
    for (size_t i = 0; rc == 0 && i < picks.n; i++) {
        struct core__pick *k = &picks.v[i];
        long a = pos > offset ? pos : (long)offset, b = pos + k->qty < end ? pos + k->qty : end;
        pos += k->qty;
        if (a >= b)
            continue;
        long to_community = (b < deliver_end ? b : deliver_end) - a;
        if (to_community > 0)
            rc = core__move(s, &got, sh->transit, sh->to, item_id,
                            &(struct core__pick){k->lot_id, k->unit_id, to_community});
        if (rc == 0 && b - a - (to_community > 0 ? to_community : 0) > 0)
            rc = core__move(s, &lost, sh->transit, loss, item_id,
                            &(struct core__pick){k->lot_id, k->unit_id,
                                                 b - a - (to_community > 0 ? to_community : 0)});
    }
    core__picks_free(&picks);
    if (rc == 0)
        rc = core__run(s, ST_PKG_SET_DELIVERY, "IiII", sh->id, p->number, delivery_id,
                       (int64_t)p->received);
    return rc;
}

/* Per line: what was expected and received over the packages, with the reason. */
static json_t *
s_line_summary(core_store_t *s, const struct core__shipment *sh, const struct s_pkg *p, size_t n,
               long *expected, long *received)
{
    json_t *lines = json_array();
    *expected = *received = 0;
    for (size_t i = 0; i < n; i++) {
        *expected += p[i].qty;
        *received += p[i].received;
        json_t *last = json_array_get(lines, json_array_size(lines) - 1);
        if (!last || json_integer_value(json_object_get(last, "line")) != p[i].line) {
            sqlite3_stmt *st = core__query(s, ST_LINE_BY_NO, "Ii", sh->id, p[i].line);
            json_t *item = core__step(s, st) == 1 ? core__jstr(st, 5) : json_null();
            core__reset(st);
            last = json_pack("{si s:o sI sI sI s:n}", "line", p[i].line, "item", item, "expected",
                             (json_int_t)0, "received", (json_int_t)0, "short", (json_int_t)0,
                             "reason");
            json_array_append_new(lines, last);
        }
        const char *keys[] = {"expected", "received", "short"};
        long add[] = {p[i].qty, p[i].received, p[i].qty - p[i].received};
        for (int k = 0; k < 3; k++)
            json_object_set_new(last, keys[k],
                                json_integer(json_integer_value(json_object_get(last, keys[k])) +
                                             add[k]));
        if (p[i].reason)
            json_object_set_new(last, "reason", json_string(p[i].reason));
    }
    return lines;
}

/* The events of a confirmation, and the shipment's new state. */
static int
s_events(core_store_t *s, const struct core__shipment *sh, json_t *res)
{
    size_t i;
    json_t *line;
    int rc = core__event(s, "delivery.confirmed", json_deep_copy(res));
    json_array_foreach(json_object_get(res, "lines"), i, line) {
        if (rc || json_integer_value(json_object_get(line, "short")) == 0)
            continue;
        json_t *d = json_deep_copy(line);
        json_object_update_new(d, json_pack("{s:O s:O s:O}", "scan_id",
                                            json_object_get(res, "scan_id"), "shipment",
                                            json_object_get(res, "shipment"), "package",
                                            json_object_get(res, "package")));
        rc = core__event(s, "delivery.discrepancy", d);
    }
    int64_t outstanding;
    if (rc || (rc = core__scalar(s, &outstanding, ST_PKG_OUTSTANDING, "I", sh->id)))
        return rc;
    const char *state = outstanding ? "partial" : "delivered";
    char now[21];
    core__now_iso(s, now);
    json_object_set_new(res, "shipment_state", json_string(state));
    if ((rc = core__run(s, ST_SHIP_SET_STATE, "ItNttt", sh->id, state, (int64_t)0, NULL,
                        outstanding ? NULL : now, NULL)) || outstanding)
        return rc;
    int64_t totals[2];
    sqlite3_stmt *st = core__query(s, ST_DELIV_TOTALS, "I", sh->id);
    if ((rc = core__step(s, st)) != 1)
        return rc < 0 ? rc : core__fail(s, AYNI_EINTERNAL, NULL, "no delivery totals");
    totals[0] = sqlite3_column_int64(st, 0);
    totals[1] = sqlite3_column_int64(st, 1);
    core__reset(st);
    return core__event(s, "shipment.delivered",
                       json_pack("{ss sO si sI sI}", "shipment", sh->code, "to",
                                 json_object_get(res, "to"), "packages", sh->packages,
                                 "qty_expected", (json_int_t)totals[0], "qty_received",
                                 (json_int_t)totals[1]));
}

/* When the delivery happened, in when: the scan time, or now (the time received) if there
 * is none or the device's clock is wrong.  Returns why the clock is wrong, or NULL. */
static const char *
s_when(core_store_t *s, const struct core_delivery *d, const struct core__shipment *sh,
       const char now[21], char when[21])
{
    time_t scan;
    snprintf(when, 21, "%s", now);
    if (!d->scanned_at || !ayni_isotime_utc(d->scanned_at, when, &scan))
        return NULL;
    const char *problem = NULL;
    if (*sh->dispatched_at && strcmp(when, sh->dispatched_at) < 0)
        problem = "before_dispatch";
    else if (scan > core_store_now(s) + CORE_CLOCK_AHEAD_MAX)
        problem = "ahead";
    if (problem)
        snprintf(when, 21, "%s", now);
    return problem;
}

/* A position in tenths of a degree (some 11 km): the district, never the house. */
static int
s_tenths(double degrees)
{
    double t = degrees * 10;
    return (int)(t < 0 ? t - 0.5 : t + 0.5);
}

/* What the confirmation says of its photo and position: the photo's hash or null, and
 * {"lat","lon"} as kept (rounded) or null.  Added to res. */
static int
s_photo_position(core_store_t *s, const struct core_delivery *d, int64_t delivery_id,
                 json_t *res)
{
    json_object_set_new(res, "photo", d->photo ? json_string(d->photo) : json_null());
    json_object_set_new(res, "position", json_null());
    if (!d->has_position)
        return 0;
    int lat = s_tenths(d->lat), lon = s_tenths(d->lon);
    json_object_set_new(res, "position", json_pack("{sf sf}", "lat", lat / 10.0, "lon",
                                                   lon / 10.0));
    return core__run(s, ST_DELIV_POSITION, "Iii", delivery_id, lat, lon);
}

static int
s_confirm(core_store_t *s, const struct core_delivery *d, const struct core__shipment *sh,
          json_t **res)
{
    struct s_pkg *p = NULL;
    size_t n = 0;
    struct core__place loss;
    char now[21];
    long expected, received;
    int rc = core__place(s, "loss", "LOSS", "loss", &loss);
    if (rc || (d->photo && (rc = core__photo_known(s, d->photo))) ||
        (rc = s_packages(s, sh, d->package, &p, &n)) || (rc = s_apportion(s, d, p, n)))
        goto out;
    core__now_iso(s, now);
    char when[21];
    const char *clock_problem = s_when(s, d, sh, now, when);
    const char *device = d->device && *d->device ? d->device : s->actor;
    const char *label = d->device_label && *d->device_label ? d->device_label : NULL;
    if ((rc = core__run(s, ST_DELIV_INSERT, "tIittttttit", d->scan_id, sh->id, d->package,
                        device, d->team, d->scanned_at, now, label, when, clock_problem != NULL,
                        d->photo)))
        goto out;
    int64_t delivery_id = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = s_move_package(s, sh, &p[i], loss.id, delivery_id);
    if (rc)
        goto out;
    json_t *numbers = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(numbers, json_integer(p[i].number));
    json_t *lines = s_line_summary(s, sh, p, n, &expected, &received);
    *res = json_pack("{ss ss si s:o s:o ss s:s? s:o s:o s:o s:o sI sI ss}", "scan_id",
                     d->scan_id, "shipment", sh->code, "package", d->package, "packages",
                     numbers, "to", core__place_json(s, sh->to), "device", device,
                     "device_label", label, "team",
                     d->team ? json_string(d->team) : json_null(), "scanned_at",
                     d->scanned_at ? json_string(d->scanned_at) : json_null(), "received_at",
                     json_string(now), "lines", lines, "qty_expected", (json_int_t)expected,
                     "qty_received", (json_int_t)received, "status", "delivered");
    json_object_update_new(*res, json_pack("{ss sb s:s?}", "delivered_at", when, "clock_suspect",
                                           clock_problem != NULL, "clock_problem",
                                           clock_problem));
    if ((rc = s_photo_position(s, d, delivery_id, *res)))
        goto out;
    const char *reason = NULL;
    for (size_t i = 0; i < n && !reason; i++)
        reason = p[i].reason;
    if ((rc = core__run(s, ST_DELIV_QTY, "Illt", delivery_id, expected, received, reason)) ||
        (rc = s_events(s, sh, *res)))
        goto out;
    /* Kept for a repeat of this scan id: the answer, exactly as first given. */
    char *text = json_dumps(*res, JSON_COMPACT | JSON_REAL_PRECISION(15)); /* as events */
    rc = core__run(s, ST_DELIV_RESULT, "It", delivery_id, text);
    free(text);
out:
    free(p);
    return rc;
}

/* A repeat of a scan id already recorded: the first answer, marked as a repeat. */
static int
s_repeat(core_store_t *s, const struct core_delivery *d, json_t **result)
{
    sqlite3_stmt *st = core__query(s, ST_DELIV_BY_SCAN, "t", d->scan_id);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : AYNI_ENOTFOUND;
    json_t *first = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    core__reset(st);
    if (!first)
        return core__fail(s, AYNI_ECORRUPT, NULL,
                          "stored delivery '%s' is not JSON: restore the database from a backup",
                          d->scan_id);
    const char *shipment = json_string_value(json_object_get(first, "shipment"));
    if (!shipment || strcmp(shipment, d->shipment) != 0 ||
        json_integer_value(json_object_get(first, "package")) != d->package) {
        json_decref(first);
        return core__fail(s, AYNI_ECONFLICT, json_pack("{ss}", "field", "scan_id"),
                          "scan id '%s' was already used for another package: each scan needs "
                          "its own id", d->scan_id);
    }
    json_object_set_new(first, "repeat", json_true());
    *result = first;
    return 0;
}

/* The device's time, checked, as UTC in utc; *d_utc: d with scanned_at so. */
static int
s_scanned_at(core_store_t *s, const struct core_delivery *d, char utc[21],
             struct core_delivery *d_utc)
{
    *d_utc = *d;
    if (!d->scanned_at)
        return 0;
    if (strlen(d->scanned_at) > 40 || !ayni_isotime_utc(d->scanned_at, utc, NULL))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "device_time"),
                          "device_time must be an ISO 8601 time, %s, a real date and time: "
                          "set the device's clock", AYNI_ISOTIME_FORMAT);
    d_utc->scanned_at = utc;
    return 0;
}

int
core_delivery_confirm(core_store_t *s, const struct core_delivery *given, json_t **result)
{
    core__clear_error(s);
    struct core__shipment sh;
    struct core_delivery utc;
    const struct core_delivery *d = &utc;
    char scanned[21];
    int rc = s_check(s, given);
    if (rc || (rc = s_scanned_at(s, given, scanned, &utc)) ||
        (rc = core__shipment(s, d->shipment, &sh)))
        return rc;
    if ((rc = s_repeat(s, d, result)) != AYNI_ENOTFOUND)
        return rc;
    if (!strcmp(sh.state, "draft") || !strcmp(sh.state, "cancelled"))
        return core__fail(s, AYNI_ESTATE, json_pack("{ssss}", "shipment", sh.code, "state",
                                                    sh.state),
                          strcmp(sh.state, "cancelled")
                              ? "shipment '%s' is draft: it cannot be confirmed as delivered"
                              : N_("shipment '%s' is cancelled: it cannot be confirmed as "
                                   "delivered; return the goods to the warehouse"),
                          sh.code);
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = NULL;
    rc = s_confirm(s, d, &sh, &res);
    return core__finish(s, rc, res, result);
}
