/* wh_docs.c: `report donor` and `report stock`: the core's figures (report.donor,
 * report.stock) turned into printer structs and rendered to PDF here, on the staff's
 * machine, by the printer library; and what every printed document shares (the
 * organisation, places, days).  Slips are in wh_slips.c.
 *
 * The structs borrow strings from the JSON results: a result outlives its struct.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "printer.h"
#include "wh.h"
#include "zone.h"

const char *
wh_org(void)
{
    const char *v = getenv("AYNI_ORG");
    return v && *v ? v : "Ayni · distribución de ayuda humanitaria";
}

struct prn_place
wh_place(json_t *p)
{
    return (struct prn_place){wh_s(p, "code"), wh_s(p, "name"),
                              json_string_value(json_object_get(p, "region")),
                              json_string_value(json_object_get(p, "district"))};
}

const char *
wh_day(const char *iso, char buf[11])
{
    return ayni_local_day(iso, buf);
}

static int
s_reason(const char *code)
{
    if (code && !strcmp(code, "refused"))
        return PRN_REASON_REJECTED;
    int r = prn_reason_from_code(code);
    return r ? r : PRN_REASON_OTHER;
}

/* ---- reports ---- */

/* --from and --to, or neither: then the current month in the organisation's time zone
 * (server.info's, through wh_zone, which also makes every later day and time local),
 * written into args.  WH_OK or WH_USAGE (said). */
static int
s_period(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    bool from = json_object_get(args, "from"), to = json_object_get(args, "to");
    wh_zone(w); /* the process's local time is the organisation's from here on */
    if (from && to)
        return WH_OK;
    if (from || to) {
        wh_error("give both --from and --to, or neither for the current month\nusage: "
                 "ayni-warehouse %s", c->usage);
        return WH_USAGE;
    }
    char day[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year = (tm.tm_year + 1900) % 10000, month = tm.tm_mon % 12 + 1, last = days[month - 1];
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        last = 29;
    snprintf(day, sizeof day, "%04d-%02d-01", year, month);
    json_object_set_new(args, "from", json_string(day));
    snprintf(day, sizeof day, "%04d-%02d-%02d", year, month, last);
    json_object_set_new(args, "to", json_string(day));
    return WH_OK;
}

/* After printing report r of what (n: how many rows it has; empty: what it says then). */
static int
s_write_done(struct wh *w, int rc, const char *what, const char *path, const char *err,
             json_t *r, size_t n, const char *empty)
{
    if (rc) {
        wh_error("cannot print the %s: %s", what, err);
        return rc == AYNI_EIO ? WH_USAGE : WH_REFUSED;
    }
    if (w->json) {
        json_t *o = json_pack("{ss ss ss sI}", "file", path, "from", wh_s(r, "from"), "to",
                              wh_s(r, "to"), "rows", (json_int_t)n);
        wh_print_json(o);
        json_decref(o);
    } else {
        printf("%s: %s\n", what, path);
        printf(_("period: %s – %s\n"), wh_s(r, "from"), wh_s(r, "to"));
        if (!n)
            printf("%s\n", empty);
    }
    return WH_OK;
}

static void
s_donor_rows(json_t *r, struct prn_delivery *dv, struct prn_discrepancy *ds,
             struct prn_held_stock *hs, char (*days)[11])
{
    size_t i, k = 0;
    json_t *e;
    json_array_foreach(json_object_get(r, "deliveries"), i, e)
        dv[i] = (struct prn_delivery){wh_day(wh_s(e, "date"), days[k++]), wh_s(e, "shipment"),
                                      {wh_s(e, "community"), wh_s(e, "community_name"),
                                       wh_s(e, "region"), json_string_value(json_object_get(e, "district"))},
                                      wh_s(e, "item"), wh_s(e, "item_name"), wh_s(e, "unit"),
                                      (long)wh_i(e, "qty"), wh_s(e, "team"),
                                      json_is_true(json_object_get(e, "scanned")),
                                      json_is_true(json_object_get(e, "clock_suspect"))};
    json_array_foreach(json_object_get(r, "discrepancies"), i, e)
        ds[i] = (struct prn_discrepancy){wh_day(wh_s(e, "date"), days[k++]), wh_s(e, "shipment"),
                                         wh_s(e, "community_name"), wh_s(e, "item"),
                                         wh_s(e, "item_name"), (long)wh_i(e, "sent"),
                                         (long)wh_i(e, "received"),
                                         (enum prn_reason)s_reason(wh_s(e, "reason")), NULL};
    json_array_foreach(json_object_get(r, "held"), i, e)
        hs[i] = (struct prn_held_stock){wh_s(e, "item"), wh_s(e, "item_name"), wh_s(e, "lot"),
                                        json_string_value(json_object_get(e, "expiry")),
                                        wh_s(e, "location_name"), (long)wh_i(e, "qty")};
}

int
wh_run_report_donor(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    const char *out = wh_s(args, "output");
    json_t *r = NULL;
    int rc = s_period(w, c, args);
    if (rc == WH_OK)
        rc = wh_mkdirs_for(out);
    if (rc == WH_OK)
        rc = wh_call(w, "report.donor",
                     json_pack("{sOsOsO}", "donor", json_object_get(args, "donor"), "from",
                               json_object_get(args, "from"), "to", json_object_get(args, "to")),
                     &r);
    if (rc) {
        json_decref(args);
        return rc;
    }
    size_t nd = json_array_size(json_object_get(r, "deliveries"));
    size_t ns = json_array_size(json_object_get(r, "discrepancies"));
    size_t nh = json_array_size(json_object_get(r, "held"));
    struct prn_delivery *dv = xcalloc(nd + 1, sizeof *dv);
    struct prn_discrepancy *ds = xcalloc(ns + 1, sizeof *ds);
    struct prn_held_stock *hs = xcalloc(nh + 1, sizeof *hs);
    char(*days)[11] = xcalloc(nd + ns + 1, sizeof *days);
    s_donor_rows(r, dv, ds, hs, days);
    json_t *chain = json_object_get(r, "chain");
    struct prn_donor_report rep = {wh_s(json_object_get(r, "donor"), "name"), wh_org(),
                                   wh_s(r, "from"), wh_s(r, "to"), dv, nd, ds, ns, hs, nh,
                                   wh_s(chain, "hash"), (int64_t)wh_i(chain, "seq")};
    char err[512];
    rc = prn_donor_report_write(&rep, out, err, sizeof err);
    rc = s_write_done(w, rc, _("donor report"), out, err, r, nd,
                      _("no deliveries in this period"));
    free(dv);
    free(ds);
    free(hs);
    free(days);
    json_decref(r);
    json_decref(args);
    return rc;
}

/* The losses of one item and lot, from the report's loss rows. */
static size_t
s_losses(json_t *losses, json_t *row, struct prn_loss *out)
{
    size_t i, n = 0;
    json_t *l;
    json_array_foreach(losses, i, l) if (!strcmp(wh_s(l, "item"), wh_s(row, "item")) &&
                                         !strcmp(wh_s(l, "lot"), wh_s(row, "lot")))
        out[n++] = (struct prn_loss){(enum prn_reason)s_reason(wh_s(l, "reason")),
                                     (long)wh_i(l, "qty")};
    return n;
}

int
wh_run_report_stock(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    const char *out = wh_s(args, "output");
    json_t *r = NULL;
    int rc = s_period(w, c, args);
    if (rc == WH_OK)
        rc = wh_mkdirs_for(out);
    if (rc == WH_OK)
        rc = wh_call(w, "report.stock",
                     json_pack("{sOsOsO}", "at", json_object_get(args, "at"), "from",
                               json_object_get(args, "from"), "to", json_object_get(args, "to")),
                     &r);
    if (rc) {
        json_decref(args);
        return rc;
    }
    json_t *rows = json_object_get(r, "rows"), *losses = json_object_get(r, "losses"), *row;
    size_t n = json_array_size(rows), nl = json_array_size(losses), i, used = 0;
    struct prn_stock_row *pr = xcalloc(n + 1, sizeof *pr);
    struct prn_loss *pl = xcalloc(nl + 1, sizeof *pl);
    json_array_foreach(rows, i, row) {
        size_t k = s_losses(losses, row, pl + used);
        pr[i] = (struct prn_stock_row){wh_s(row, "item"), wh_s(row, "item_name"), NULL,
                                       wh_s(row, "unit"), wh_s(row, "lot"),
                                       json_string_value(json_object_get(row, "expiry")),
                                       wh_s(row, "donor"), (long)wh_i(row, "opening"),
                                       (long)wh_i(row, "in"), (long)wh_i(row, "out"),
                                       (long)wh_i(row, "losses"), (long)wh_i(row, "closing"),
                                       pl + used, k};
        used += k;
    }
    struct prn_stock_report rep = {wh_place(json_object_get(r, "location")), wh_org(),
                                   wh_s(r, "from"), wh_s(r, "to"), pr, n};
    char err[512];
    rc = prn_stock_report_write(&rep, out, err, sizeof err);
    rc = s_write_done(w, rc, _("stock report"), out, err, r, n,
                      _("no stock movements in this period"));
    free(pr);
    free(pl);
    json_decref(r);
    json_decref(args);
    return rc;
}
