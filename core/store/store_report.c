/* store_report.c: the figures behind donor and stock reports.  Reads only; the
 * printer turns these into PDF pages.  Periods are whole local days, both included, of
 * the process's time zone (aynid --tz, zone.h: a day in Lima is 05:00Z to 05:00Z), so a
 * report of November is November where the goods were delivered.  A delivery belongs to
 * the period of its delivered_at (the scan time, store_delivery.c).
 */
#include <stdio.h>
#include <string.h>

#include "isotime.h"
#include "store_int.h"
#include "zone.h"

void
core__day_add(const char *day, int n, char out[11])
{
    struct tm tm = {0};
    sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_mday += n;
    tm.tm_hour = 12; /* a calendar's arithmetic, in UTC: no zone's shift can move the day */
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* [from 00:00, the day after to 00:00), local time, as UTC ISO times. */
int
core__period(core_store_t *s, const char *from, const char *to, char lo[21], char hi[21])
{
    int rc;
    if ((rc = core__check_date(s, "from", from)) || (rc = core__check_date(s, "to", to)))
        return rc;
    if (strcmp(from, to) > 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "to"),
                          "the period ends (%s) before it starts (%s)", to, from);
    char next[11];
    core__day_add(to, 1, next);
    if (ayni_day_start_utc(from, lo) != 0 || ayni_day_start_utc(next, hi) != 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "from"),
                          "cannot place the period %s to %s in the time zone: check aynid "
                          "--tz", from, to);
    return 0;
}

/* Add qty to the entry of list whose key is name, creating it. */
static void
s_tally(json_t *list, const char *key, const char *name, json_int_t qty, const char *extra_key,
        const char *extra)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *v = json_string_value(json_object_get(e, key));
        if (v && name && !strcmp(v, name)) {
            json_object_set_new(e, "qty", json_integer(json_integer_value(json_object_get(e, "qty")) + qty));
            return;
        }
    }
    e = json_pack("{s:s?, sI}", key, name, "qty", qty);
    if (extra_key)
        json_object_set_new(e, extra_key, extra ? json_string(extra) : json_null());
    json_array_append_new(list, e);
}


/* Count the delivery of the row's scan id (column col) in suspect if its clock was wrong
 * (column col - 1). */
static void
s_suspect(json_t *suspect, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_int(st, col - 1))
        json_object_set_new(suspect, (const char *)sqlite3_column_text(st, col), json_true());
}

static int
s_donor_deliveries(core_store_t *s, int64_t donor, const char *lo, const char *hi, json_t *r,
                   json_t *suspect)
{
    json_t *rows = json_array(), *by_item = json_array(), *by_region = json_array();
    json_t *communities = json_object(), *shipments = json_object(); /* sets, by key */
    json_int_t total = 0, scanned = 0;
    sqlite3_stmt *st = core__query(s, ST_R_DONOR_DELIVERIES, "Itt", donor, lo, hi);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        json_int_t qty = sqlite3_column_int64(st, 9);
        const char *region = (const char *)sqlite3_column_text(st, 3);
        json_array_append_new(
            rows, json_pack("{s:o s:o s:o s:o s:o s:o s:o s:o s:o s:I s:o s:o s:b s:o}", "date",
                            core__jstr(st, 0), "community", core__jstr(st, 1), "community_name",
                            core__jstr(st, 2), "region", core__jstr(st, 3), "district",
                            core__jstr(st, 4), "shipment", core__jstr(st, 5), "item",
                            core__jstr(st, 6), "item_name", core__jstr(st, 7), "unit",
                            core__jstr(st, 8), "qty", qty, "team", core__jstr(st, 10), "device",
                            core__jstr(st, 11), "scanned", sqlite3_column_int(st, 12),
                            "device_label", core__jstr(st, 13)));
        json_object_update_new(json_array_get(rows, json_array_size(rows) - 1),
                               json_pack("{s:b s:o s:o s:o s:I}", "clock_suspect",
                                         sqlite3_column_int(st, 14), "scan_id", core__jstr(st, 15),
                                         "scanned_at", core__jstr(st, 16), "received_at",
                                         core__jstr(st, 17), "package",
                                         (json_int_t)sqlite3_column_int64(st, 18)));
        s_suspect(suspect, st, 15);
        s_tally(by_item, "item", (const char *)sqlite3_column_text(st, 6), qty, "item_name",
                (const char *)sqlite3_column_text(st, 7));
        s_tally(by_region, "region", region ? region : "(sin región)", qty, NULL, NULL);
        json_object_set_new(communities, (const char *)sqlite3_column_text(st, 1), json_true());
        json_object_set_new(shipments, (const char *)sqlite3_column_text(st, 5), json_true());
        total += qty;
        scanned += sqlite3_column_int(st, 12) ? qty : 0;
    }
    json_object_set_new(r, "deliveries", rows);
    json_object_set_new(r, "totals",
                        json_pack("{sI so so sI sI sf}", "qty", total, "by_item", by_item,
                                  "by_region", by_region, "communities",
                                  (json_int_t)json_object_size(communities), "shipments",
                                  (json_int_t)json_object_size(shipments), "scanned_share",
                                  total ? (double)scanned / (double)total : 0.0));
    json_decref(communities);
    json_decref(shipments);
    return rc;
}

static int
s_donor_rest(core_store_t *s, int64_t donor, const char *lo, const char *hi, json_t *r,
             json_t *suspect)
{
    json_t *shortfalls = json_array(), *held = json_array();
    json_object_set_new(r, "discrepancies", shortfalls);
    json_object_set_new(r, "held", held);
    char early[21], utc[21];
    time_t t = 0;
    struct tm tm;
    ayni_isotime_utc(lo, utc, &t);
    t -= CORE_CLOCK_AHEAD_MAX;
    gmtime_r(&t, &tm);
    strftime(early, sizeof early, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_stmt *st = core__query(s, ST_R_DONOR_SHORT, "Ittt", donor, lo, hi, early);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        s_suspect(suspect, st, 13);
        json_array_append_new(
            shortfalls,
            json_pack("{s:o s:o s:o s:o s:o s:o s:o s:o s:I s:o s:o s:I s:I}", "date",
                      core__jstr(st, 0), "community", core__jstr(st, 1), "community_name",
                      core__jstr(st, 2), "region", core__jstr(st, 3), "shipment",
                      core__jstr(st, 4), "item", core__jstr(st, 5), "item_name",
                      core__jstr(st, 6), "unit", core__jstr(st, 7), "qty",
                      (json_int_t)sqlite3_column_int64(st, 8), "reason", core__jstr(st, 9),
                      "team", core__jstr(st, 10), "sent", (json_int_t)sqlite3_column_int64(st, 11),
                      "received",
                      (json_int_t)(sqlite3_column_int64(st, 11) - sqlite3_column_int64(st, 8))));
        json_object_set_new(json_array_get(shortfalls, json_array_size(shortfalls) - 1),
                            "clock_suspect", json_boolean(sqlite3_column_int(st, 12)));
    }
    if (rc < 0)
        return rc;
    st = core__query(s, ST_R_DONOR_HELD, "I", donor);
    while ((rc = core__step(s, st)) == 1)
        json_array_append_new(
            held, json_pack("{s:o s:o s:o s:o s:o s:o s:o s:o s:I}", "location",
                            core__jstr(st, 0), "location_name", core__jstr(st, 1), "location_kind",
                            core__jstr(st, 2), "item", core__jstr(st, 3), "item_name",
                            core__jstr(st, 4), "unit", core__jstr(st, 5), "lot", core__jstr(st, 6),
                            "expiry", core__jstr(st, 7), "qty",
                            (json_int_t)sqlite3_column_int64(st, 8)));
    return rc;
}

int
core_report_donor(core_store_t *s, const char *donor, const char *from, const char *to,
                  json_t **result)
{
    core__clear_error(s);
    char lo[21], hi[21], head[65];
    int64_t donor_id, seq;
    int rc;
    if ((rc = core__donor(s, "donor", donor, &donor_id)) ||
        (rc = core__period(s, from, to, lo, hi)) || (rc = core_events_head(s, &seq, head)))
        return rc;
    sqlite3_stmt *st = core__query(s, ST_DONOR_BY_CODE, "t", donor);
    if ((rc = core__step(s, st)) != 1)
        return rc < 0 ? rc : AYNI_ENOTFOUND;
    json_t *r = json_pack("{s{ss s:o} ss ss s{sI ss}}", "donor", "code", donor, "name",
                          core__jstr(st, 1), "from", from, "to", to, "chain", "seq",
                          (json_int_t)seq, "hash", head);
    core__reset(st);
    json_t *suspect = json_object(); /* scan ids of deliveries whose device clock was wrong */
    if ((rc = s_donor_deliveries(s, donor_id, lo, hi, r, suspect)) ||
        (rc = s_donor_rest(s, donor_id, lo, hi, r, suspect))) {
        json_decref(suspect);
        json_decref(r);
        return rc;
    }
    json_object_set_new(json_object_get(r, "totals"), "clock_suspect",
                        json_integer((json_int_t)json_object_size(suspect)));
    json_decref(suspect);
    *result = r;
    return 0;
}

int
core_report_stock(core_store_t *s, const char *at, const char *from, const char *to,
                  json_t **result)
{
    core__clear_error(s);
    char lo[21], hi[21];
    struct core__place place;
    int rc;
    if ((rc = core__place(s, "at", at, "warehouse", &place)) ||
        (rc = core__period(s, from, to, lo, hi)))
        return rc;
    json_t *rows = json_array(), *losses = json_array();
    sqlite3_stmt *st = core__query(s, ST_R_STOCK, "Itt", place.id, lo, hi);
    while ((rc = core__step(s, st)) == 1)
        json_array_append_new(
            rows, json_pack("{s:o s:o s:o s:o s:o s:o s:I s:I s:I s:I s:I}", "item",
                            core__jstr(st, 0), "item_name", core__jstr(st, 1), "unit",
                            core__jstr(st, 2), "lot", core__jstr(st, 3), "expiry",
                            core__jstr(st, 4), "donor", core__jstr(st, 5), "opening",
                            (json_int_t)sqlite3_column_int64(st, 6), "in",
                            (json_int_t)sqlite3_column_int64(st, 7), "out",
                            (json_int_t)sqlite3_column_int64(st, 8), "losses",
                            (json_int_t)sqlite3_column_int64(st, 9), "closing",
                            (json_int_t)sqlite3_column_int64(st, 10)));
    if (rc == 0) {
        st = core__query(s, ST_R_STOCK_LOSSES, "Itt", place.id, lo, hi);
        while ((rc = core__step(s, st)) == 1)
            json_array_append_new(losses, json_pack("{s:o s:o s:o s:I}", "item",
                                                    core__jstr(st, 0), "lot", core__jstr(st, 1),
                                                    "reason", core__jstr(st, 2), "qty",
                                                    (json_int_t)sqlite3_column_int64(st, 3)));
    }
    json_t *r = json_pack("{s:o ss ss so so}", "location", core__place_json(s, place.id), "from",
                          from, "to", to, "rows", rows, "losses", losses);
    if (rc < 0) {
        json_decref(r);
        return rc;
    }
    *result = r;
    return 0;
}
