/* store_dash.c: the figures of the live dashboard (docs/PROTOCOL.md, dashboard.panorama
 * and dashboard.regions).  Reads only, and only what is in the ledger now: a figure the
 * page shows is always one the ledger can show the rows of.  Days are local days of the
 * process's time zone (aynid --tz, zone.h) by the store's clock; a delivery belongs to the
 * day of its delivered_at (its scan time, store_delivery.c); a week starts on Monday.
 */
#include <stdio.h>
#include <string.h>

#include "isotime.h"
#include "store_int.h"
#include "zone.h"

#define S_DAYS 30   /* the daily series, and the window of open discrepancies */
#define S_RECENT 20 /* discrepancies listed */

/* The local days the panorama counts by, as UTC ISO starts. */
struct s_days {
    char today[11];
    char day0[21];      /* the first of the S_DAYS days */
    char week[21];      /* this Monday */
    char month[21];     /* the first of this month */
    char today_at[21];  /* today */
    char tomorrow[21];  /* the end of today */
    char first[21];     /* the earlier of day0 and month */
};

static int
s_days(core_store_t *s, struct s_days *d)
{
    char day[11];
    struct tm tm = {0};
    core_store_today(s, d->today);
    sscanf(d->today, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    int rc = 0;
    core__day_add(d->today, -(S_DAYS - 1), day);
    rc |= ayni_day_start_utc(day, d->day0);
    core__day_add(d->today, -((tm.tm_wday + 6) % 7), day); /* tm_wday 1 is Monday */
    rc |= ayni_day_start_utc(day, d->week);
    snprintf(day, sizeof day, "%.8s01", d->today);
    rc |= ayni_day_start_utc(day, d->month);
    rc |= ayni_day_start_utc(d->today, d->today_at);
    core__day_add(d->today, 1, day);
    rc |= ayni_day_start_utc(day, d->tomorrow);
    if (rc)
        return core__fail(s, AYNI_EINTERNAL, NULL,
                          "cannot place today (%s) in the time zone: check aynid --tz", d->today);
    memcpy(d->first, strcmp(d->day0, d->month) < 0 ? d->day0 : d->month, sizeof d->first);
    return 0;
}

static int
s_stock(core_store_t *s, const struct s_days *d, json_t *r)
{
    char in30[11], in90[11];
    core__day_add(d->today, 30, in30);
    core__day_add(d->today, 90, in90);
    json_t *list = json_array();
    json_object_set_new(r, "stock", list);
    sqlite3_stmt *st = core__query(s, ST_DASH_STOCK, "ttt", d->today, in30, in90);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        json_int_t qty = sqlite3_column_int64(st, 5), low = sqlite3_column_int64(st, 10);
        json_t *e = json_pack("{s:o s:o s:o s:o s:o sI sI sI sI sI}", "location",
                              core__jstr(st, 0), "location_name", core__jstr(st, 1), "item",
                              core__jstr(st, 2), "item_name", core__jstr(st, 3), "unit",
                              core__jstr(st, 4), "qty", qty, "lots",
                              (json_int_t)sqlite3_column_int64(st, 6), "expiring_30",
                              (json_int_t)sqlite3_column_int64(st, 7), "expiring_90",
                              (json_int_t)sqlite3_column_int64(st, 8), "expired",
                              (json_int_t)sqlite3_column_int64(st, 9));
        json_object_set_new(e, "threshold", low > 0 ? json_integer(low) : json_null());
        json_object_set_new(e, "low", json_boolean(low > 0 && qty < low));
        json_array_append_new(list, e);
    }
    return rc;
}

static int
s_on_road(core_store_t *s, json_t *r)
{
    json_t *list = json_array();
    json_object_set_new(r, "on_road", list);
    time_t now = core_store_now(s);
    sqlite3_stmt *st = core__query(s, ST_DASH_ON_ROAD, "");
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        char utc[21];
        time_t at = now;
        ayni_isotime_utc((const char *)sqlite3_column_text(st, 8), utc, &at);
        json_array_append_new(
            list, json_pack("{s:o s:o s:o s:{s:o s:o s:o s:o} s:o s:o sI sI sI}", "code",
                            core__jstr(st, 0), "state", core__jstr(st, 1), "from",
                            core__jstr(st, 2), "to", "code", core__jstr(st, 3), "name",
                            core__jstr(st, 4), "region", core__jstr(st, 5), "district",
                            core__jstr(st, 6), "team", core__jstr(st, 7), "dispatched_at",
                            core__jstr(st, 8), "age_s", (json_int_t)(now > at ? now - at : 0),
                            "package_count", (json_int_t)sqlite3_column_int64(st, 9),
                            "packages_delivered", (json_int_t)sqlite3_column_int64(st, 10)));
    }
    return rc;
}

/* The tallies of one period: packages, qty, and sets (JSON objects) of shipment ids and
 * community ids. */
struct s_tally {
    const char *from; /* UTC ISO start, included */
    json_int_t packages, qty, scanned;
    json_t *shipments, *communities;
};

static void
s_count(struct s_tally *t, sqlite3_stmt *st)
{
    char key[24];
    t->packages += sqlite3_column_int64(st, 4);
    t->qty += sqlite3_column_int64(st, 5);
    t->scanned += sqlite3_column_int(st, 6) ? sqlite3_column_int64(st, 5) : 0;
    snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 1));
    json_object_set_new(t->shipments, key, json_true());
    if (sqlite3_column_int(st, 3)) {
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 2));
        json_object_set_new(t->communities, key, json_true());
    }
}

static json_t *
s_tally_json(struct s_tally *t)
{
    json_t *o = json_pack("{sI sI sI sI}", "packages", t->packages, "qty", t->qty, "shipments",
                          (json_int_t)json_object_size(t->shipments), "communities",
                          (json_int_t)json_object_size(t->communities));
    json_decref(t->shipments);
    json_decref(t->communities);
    return o;
}

/* The daily series: S_DAYS entries of zeros, oldest first, to add deliveries to. */
static json_t *
s_daily_zeros(const char *today)
{
    json_t *daily = json_array();
    for (int i = S_DAYS - 1; i >= 0; i--) {
        char day[11];
        core__day_add(today, -i, day);
        json_array_append_new(daily, json_pack("{ss sI sI}", "day", day, "packages",
                                               (json_int_t)0, "qty", (json_int_t)0));
    }
    return daily;
}

static void
s_daily_add(json_t *daily, const char *delivered_at, json_int_t packages, json_int_t qty)
{
    char day[11];
    ayni_local_day(delivered_at, day);
    size_t i;
    json_t *e;
    json_array_foreach(daily, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "day")), day))
            continue;
        json_object_set_new(e, "packages",
                            json_integer(json_integer_value(json_object_get(e, "packages")) +
                                         packages));
        json_object_set_new(e, "qty",
                            json_integer(json_integer_value(json_object_get(e, "qty")) + qty));
        return;
    }
}

static int
s_deliveries(core_store_t *s, const struct s_days *d, json_t *r)
{
    struct s_tally t[3] = {{.from = d->today_at}, {.from = d->week}, {.from = d->month}};
    for (int k = 0; k < 3; k++) {
        t[k].shipments = json_object();
        t[k].communities = json_object();
    }
    json_t *daily = s_daily_zeros(d->today);
    sqlite3_stmt *st = core__query(s, ST_DASH_DELIVERIES, "tt", d->first, d->tomorrow);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        const char *at = (const char *)sqlite3_column_text(st, 0);
        for (int k = 0; k < 3; k++)
            if (strcmp(at, t[k].from) >= 0)
                s_count(&t[k], st);
        if (strcmp(at, d->day0) >= 0)
            s_daily_add(daily, at, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
    }
    json_object_set_new(r, "scanned_share",
                        json_pack("{s:o}", "month",
                                  t[2].qty ? json_real((double)t[2].scanned / (double)t[2].qty)
                                           : json_null()));
    json_object_set_new(r, "deliveries",
                        json_pack("{s:o s:o s:o}", "today", s_tally_json(&t[0]), "week",
                                  s_tally_json(&t[1]), "month", s_tally_json(&t[2])));
    json_object_set_new(r, "daily", daily);
    return rc;
}

/* Nothing in the ledger closes a shortfall (what was short stays short, in loss), so the
 * discrepancies "open" are those of the last S_DAYS local days: the ones still to follow
 * up.  Each is one delivery's shortfall of one item for one reason. */
static int
s_discrepancies(core_store_t *s, const struct s_days *d, json_t *r)
{
    json_t *recent = json_array();
    json_int_t open = 0, qty = 0;
    sqlite3_stmt *st = core__query(s, ST_DASH_SHORT, "tt", d->day0, d->tomorrow);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        open++;
        qty += sqlite3_column_int64(st, 6);
        if (json_array_size(recent) < S_RECENT)
            json_array_append_new(
                recent, json_pack("{s:o s:o s:o s:o s:o s:o sI s:o s:o}", "date",
                                  core__jstr(st, 0), "shipment", core__jstr(st, 1), "community",
                                  core__jstr(st, 2), "community_name", core__jstr(st, 3), "item",
                                  core__jstr(st, 4), "item_name", core__jstr(st, 5), "qty",
                                  (json_int_t)sqlite3_column_int64(st, 6), "reason",
                                  core__jstr(st, 7), "team", core__jstr(st, 8)));
    }
    json_object_set_new(r, "discrepancies",
                        json_pack("{sI sI so}", "open", open, "qty", qty, "recent", recent));
    return rc;
}

int
core_dashboard_panorama(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    struct s_days d;
    int64_t seq;
    char head[65], now[21];
    int rc;
    if ((rc = s_days(s, &d)) || (rc = core_events_head(s, &seq, head)))
        return rc;
    core__now_iso(s, now);
    json_t *r = json_pack("{sI ss ss ss}", "seq", (json_int_t)seq, "at", now, "time_zone",
                          *ayni_zone() ? ayni_zone() : AYNI_ZONE_DEFAULT, "today", d.today);
    if ((rc = s_stock(s, &d, r)) || (rc = s_on_road(s, r)) || (rc = s_deliveries(s, &d, r)) ||
        (rc = s_discrepancies(s, &d, r))) {
        json_decref(r);
        return rc;
    }
    *result = r;
    return 0;
}

/* ---- regions ---- */

/* Whether two columns' texts (NULL for SQL NULL) are the same. */
static bool
s_same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static json_t *
s_area(const char *key, const char *name)
{
    return json_pack("{s:s? sI sI sI sI sI}", key, name, "communities", (json_int_t)0, "reached",
                     (json_int_t)0, "packages", (json_int_t)0, "qty", (json_int_t)0,
                     "shortfall_qty", (json_int_t)0);
}

static void
s_area_add(json_t *area, const char *key, json_int_t n)
{
    json_int_t was = json_integer_value(json_object_get(area, key));
    json_object_set_new(area, key, json_integer(was + n));
}

/* Add one community (its figures in got, or NULL: none in the period) to region and
 * district, and its shipments to the district's. */
static void
s_areas_add(json_t *region, json_t *district, json_t *got)
{
    json_t *areas[2] = {region, district};
    for (int k = 0; k < 2; k++) {
        s_area_add(areas[k], "communities", 1);
        if (!got)
            continue;
        s_area_add(areas[k], "reached", 1);
        s_area_add(areas[k], "packages", json_integer_value(json_array_get(got, 0)));
        s_area_add(areas[k], "qty", json_integer_value(json_array_get(got, 1)));
        s_area_add(areas[k], "shortfall_qty", json_integer_value(json_array_get(got, 2)));
    }
    if (got) /* a shipment goes to one community: no code comes twice */
        json_array_extend(json_object_get(district, "shipments"), json_array_get(got, 3));
}

/* Add to each destination's entry of by the codes of its shipments delivered in [lo, hi). */
static int
s_reached_shipments(core_store_t *s, const char *lo, const char *hi, json_t *by)
{
    sqlite3_stmt *st = core__query(s, ST_DASH_REACHED_SHIPMENTS, "tt", lo, hi);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
        json_t *got = json_object_get(by, key);
        if (got)
            json_array_append_new(json_array_get(got, 3), core__jstr(st, 1));
    }
    return rc;
}

/* The period's figures per destination id: {"id": [packages, qty, shortfall, [codes]]}. */
static int
s_reached(core_store_t *s, const char *lo, const char *hi, json_t **out)
{
    json_t *by = json_object();
    sqlite3_stmt *st = core__query(s, ST_DASH_REACHED, "tt", lo, hi);
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
        json_object_set_new(by, key,
                            json_pack("[I I I []]", (json_int_t)sqlite3_column_int64(st, 1),
                                      (json_int_t)sqlite3_column_int64(st, 2),
                                      (json_int_t)sqlite3_column_int64(st, 3)));
    }
    if (rc == 0)
        rc = s_reached_shipments(s, lo, hi, by);
    if (rc < 0) {
        json_decref(by);
        return rc;
    }
    *out = by;
    return 0;
}

static int
s_regions(core_store_t *s, json_t *by, json_t *regions)
{
    json_t *region = NULL, *district = NULL;
    sqlite3_stmt *st = core__query(s, ST_DASH_COMMUNITIES, "");
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        const char *rname = (const char *)sqlite3_column_text(st, 1);
        const char *dname = (const char *)sqlite3_column_text(st, 2);
        if (!region || !s_same(json_string_value(json_object_get(region, "region")), rname)) {
            region = s_area("region", rname);
            json_object_set_new(region, "districts", json_array());
            json_array_append_new(regions, region);
            district = NULL;
        }
        if (!district ||
            !s_same(json_string_value(json_object_get(district, "district")), dname)) {
            district = s_area("district", dname);
            json_object_set_new(district, "shipments", json_array());
            json_array_append_new(json_object_get(region, "districts"), district);
        }
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
        s_areas_add(region, district, json_object_get(by, key));
    }
    return rc;
}

int
core_dashboard_regions(core_store_t *s, const char *from, const char *to, json_t **result)
{
    core__clear_error(s);
    char today[11], first[11], last[11], lo[21], hi[21];
    if (!from || !to) {
        if (from || to)
            return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", from ? "to" : "from"),
                              "give both from and to (YYYY-MM-DD), or neither for this month");
        core_store_today(s, today);
        snprintf(first, sizeof first, "%.8s01", today);
        core__day_add(first, 31, last);         /* a day of next month */
        snprintf(last + 8, 3, "01");            /* its first */
        core__day_add(last, -1, last);          /* this month's last */
        from = first;
        to = last;
    }
    json_t *by = NULL;
    int rc;
    if ((rc = core__period(s, from, to, lo, hi)) || (rc = s_reached(s, lo, hi, &by)))
        return rc;
    json_t *regions = json_array();
    rc = s_regions(s, by, regions);
    json_decref(by);
    if (rc < 0) {
        json_decref(regions);
        return rc;
    }
    *result = json_pack("{ss ss so}", "from", from, "to", to, "regions", regions);
    return 0;
}
