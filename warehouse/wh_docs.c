/* wh_docs.c: `report donor` and `report stock`: the core's figures (report.donor,
 * report.stock) rendered to PDF here, on the staff's machine, by the printer library.
 * Slips are in wh_slips.c.
 *
 * The JSON becomes the printer's structs in printer/prn_json.c, which ayni-web's
 * downloads share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "prn_json.h"
#include "wh.h"
#include "zone.h"

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
    char err[512];
    unsigned char *pdf = NULL;
    size_t len = 0;
    rc = prn_json_donor_report_render(r, &pdf, &len, err, sizeof err);
    if (rc == 0)
        rc = prn_file_write(pdf, len, out, true, err, sizeof err);
    free(pdf);
    rc = s_write_done(w, rc, _("donor report"), out, err, r, nd,
                      _("no deliveries in this period"));
    json_decref(r);
    json_decref(args);
    return rc;
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
    size_t n = json_array_size(json_object_get(r, "rows"));
    char err[512];
    unsigned char *pdf = NULL;
    size_t len = 0;
    rc = prn_json_stock_report_render(r, &pdf, &len, err, sizeof err);
    if (rc == 0)
        rc = prn_file_write(pdf, len, out, true, err, sizeof err);
    free(pdf);
    rc = s_write_done(w, rc, _("stock report"), out, err, r, n,
                      _("no stock movements in this period"));
    json_decref(r);
    json_decref(args);
    return rc;
}
