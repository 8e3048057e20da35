/* wh_docs.c: `slip`, `slips --dispatched`, `report donor` and `report stock`: the core's
 * figures (shipment.get, report.donor, report.stock) turned into printer structs and
 * rendered to PDF here, on the staff's machine, by the printer library.
 *
 * The structs borrow strings from the JSON results: a result outlives its struct.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mem.h"
#include "printer.h"
#include "wh.h"

static const char *
s_org(void)
{
    const char *v = getenv("AYNI_ORG");
    return v && *v ? v : "Ayni · distribución de ayuda humanitaria";
}

static struct prn_place
s_place(json_t *p)
{
    return (struct prn_place){wh_s(p, "code"), wh_s(p, "name"),
                              json_string_value(json_object_get(p, "region")),
                              json_string_value(json_object_get(p, "district"))};
}

/* "YYYY-MM-DD" of an ISO time, in buf. */
static const char *
s_day(const char *iso, char buf[11])
{
    snprintf(buf, 11, "%s", iso && strlen(iso) >= 10 ? iso : "");
    return buf;
}

static int
s_reason(const char *code)
{
    if (code && !strcmp(code, "refused"))
        return PRN_REASON_REJECTED;
    int r = prn_reason_from_code(code);
    return r ? r : PRN_REASON_OTHER;
}

/* ---- slips ---- */

/* Everything a slip needs, held together so that one free releases it. */
struct s_slip {
    struct prn_slip slip;
    struct prn_slip_line *lines;
    struct prn_package *packages;
    const char **serials;
    char **owned; /* strings made here */
    size_t nowned;
    char date[11];
};

static const char *
s_own(struct s_slip *s, char *str)
{
    s->owned = xrealloc(s->owned, (s->nowned + 1) * sizeof *s->owned);
    s->owned[s->nowned++] = str;
    return str;
}

/* One slip line from one shipment line: its lots joined, its serials, its donors. */
static void
s_slip_line(struct s_slip *s, json_t *l, struct prn_slip_line *out, size_t *nser)
{
    json_t *lots = json_object_get(l, "lots"), *lot;
    size_t i;
    char *lot_text = xstrdup(""), *donors = xstrdup("");
    *out = (struct prn_slip_line){.line_no = (int)wh_i(l, "line"), .item_code = wh_s(l, "item"),
                                  .item_name_es = wh_s(l, "item_name_es"),
                                  .item_name_en = wh_s(l, "item_name_en"), .unit = wh_s(l, "unit"),
                                  .qty = (long)wh_i(l, "qty"), .packages = (int)wh_i(l, "packages"),
                                  .serials = s->serials + *nser};
    json_array_foreach(lots, i, lot) {
        json_t *serials = json_object_get(lot, "serials"), *sn;
        size_t k;
        json_array_foreach(serials, k, sn) s->serials[(*nser)++] = json_string_value(sn);
        out->nserials += json_array_size(serials);
        if (!serials) {
            char *t = json_array_size(lots) > 1
                          ? xasprintf("%s%s%s (%lld)", lot_text, i ? ", " : "", wh_s(lot, "lot"),
                                      wh_i(lot, "qty"))
                          : xasprintf("%s", wh_s(lot, "lot"));
            free(lot_text);
            lot_text = t;
            if (json_array_size(lots) == 1 && json_is_string(json_object_get(lot, "expiry")))
                out->expiry = wh_s(lot, "expiry");
        }
        if (!strstr(donors, wh_s(lot, "donor_name"))) {
            char *t = xasprintf("%s%s%s", donors, *donors ? ", " : "", wh_s(lot, "donor_name"));
            free(donors);
            donors = t;
        }
    }
    out->lot = *lot_text ? s_own(s, lot_text) : (free(lot_text), NULL);
    out->donor = s_own(s, donors);
}

static void
s_slip_free(struct s_slip *s)
{
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->lines);
    free(s->packages);
    free(s->serials);
}

static void
s_slip_from(struct s_slip *s, json_t *sh)
{
    memset(s, 0, sizeof *s);
    json_t *lines = json_object_get(sh, "lines"), *packages = json_object_get(sh, "packages");
    size_t nlines = json_array_size(lines), npk = json_array_size(packages), total = 0, i;
    json_t *l, *p;
    json_array_foreach(lines, i, l) total += (size_t)wh_i(l, "qty");
    s->lines = xcalloc(nlines + 1, sizeof *s->lines);
    s->packages = xcalloc(npk + 1, sizeof *s->packages);
    s->serials = xcalloc(total + 1, sizeof *s->serials);
    size_t nser = 0;
    json_array_foreach(lines, i, l) s_slip_line(s, l, &s->lines[i], &nser);
    json_array_foreach(packages, i, p)
        s->packages[i] = (struct prn_package){(int)wh_i(p, "number"), (int)npk,
                                              (int)wh_i(p, "line"), (long)wh_i(p, "qty"), NULL,
                                              wh_s(p, "token")};
    s->slip = (struct prn_slip){.code = wh_s(sh, "code"),
                                .date = s_day(wh_s(sh, "dispatched_at"), s->date),
                                .org_name = s_org(), .origin = s_place(json_object_get(sh, "from")),
                                .dest = s_place(json_object_get(sh, "to")),
                                .team = json_string_value(json_object_get(sh, "team")),
                                .vehicle = json_string_value(json_object_get(sh, "vehicle")),
                                .lines = s->lines, .nlines = nlines, .token = wh_s(sh, "token"),
                                .packages = s->packages, .npackages = npk};
}

static int
s_layout(json_t *args, enum prn_label_layout *out)
{
    const char *v = json_string_value(json_object_get(args, "labels"));
    *out = PRN_LABELS_A6;
    if (!v || !strcmp(v, "a6"))
        return WH_OK;
    if (!strcmp(v, "a4")) {
        *out = PRN_LABELS_A4;
        return WH_OK;
    }
    wh_error("--labels must be a6 (one label a page) or a4 (four a page), not '%s'", v);
    return WH_USAGE;
}

/* Fetch one shipment and write its slip and labels to path. */
static int
s_print_shipment(struct wh *w, const char *code, enum prn_label_layout layout, const char *path)
{
    json_t *sh = NULL;
    int rc = wh_call(w, "shipment.get", json_pack("{ss}", "shipment", code), &sh);
    if (rc)
        return rc;
    const char *state = wh_s(sh, "state");
    if (!strcmp(state, "draft") || !strcmp(state, "cancelled")) {
        wh_error("shipment '%s' is %s: slips are printed for dispatched shipments (dispatch it "
                 "with 'shipment dispatch %s')", code, state, code);
        json_decref(sh);
        return WH_REFUSED;
    }
    struct s_slip s;
    char err[512];
    s_slip_from(&s, sh);
    rc = prn_shipment_write(&s.slip, layout, path, err, sizeof err);
    s_slip_free(&s);
    json_decref(sh);
    if (rc) {
        wh_error("cannot print the slip of '%s': %s", code, err);
        return rc == AYNI_EIO ? WH_USAGE : WH_REFUSED;
    }
    return WH_OK;
}

int
wh_run_slip(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    enum prn_label_layout layout;
    const char *code = wh_s(args, "shipment"), *out = wh_s(args, "output");
    int rc = s_layout(args, &layout);
    if (rc == WH_OK && (rc = s_print_shipment(w, code, layout, out)) == WH_OK) {
        if (w->json) {
            json_t *r = json_pack("{ssss}", "shipment", code, "file", out);
            wh_print_json(r);
            json_decref(r);
        } else {
            printf("guía y etiquetas de %s: %s\n", code, out);
        }
    }
    json_decref(args);
    return rc;
}

static void
s_progress(size_t done, size_t total, const char *code)
{
    if (!isatty(STDERR_FILENO))
        return;
    int width = 30, fill = total ? (int)(done * (size_t)width / total) : width;
    /* \033[K clears what a longer line before left on the right ("listo" after a code). */
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu %s\033[K%s", fill, "##############################",
            width - fill, "", done, total, done == total ? "listo" : code,
            done == total ? "\n" : "");
    fflush(stderr);
}

int
wh_run_slips(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    enum prn_label_layout layout;
    const char *dir = wh_s(args, "output");
    json_t *list = NULL, *printed = json_array(), *s;
    int rc = s_layout(args, &layout);
    if (rc == WH_OK && mkdir(dir, 0755) != 0 && errno != EEXIST) {
        wh_error("cannot create folder '%s': %s", dir, strerror(errno));
        rc = WH_USAGE;
    }
    if (rc == WH_OK)
        rc = wh_call(w, "shipment.list", json_pack("{ss}", "state", "dispatched"), &list);
    size_t i, n = json_array_size(list);
    json_array_foreach(list, i, s) {
        if (rc)
            break;
        s_progress(i, n, wh_s(s, "code"));
        char *path = xasprintf("%s/%s.pdf", dir, wh_s(s, "code"));
        if ((rc = s_print_shipment(w, wh_s(s, "code"), layout, path)) == WH_OK)
            json_array_append_new(printed, json_string(path));
        free(path);
    }
    if (rc == WH_OK) {
        s_progress(n, n, "");
        if (w->json)
            wh_print_json(printed);
        else
            printf("%zu guía%s con etiquetas en %s%s\n", n, n == 1 ? "" : "s", dir,
                   dir[strlen(dir) - 1] == '/' ? "" : "/");
    }
    json_decref(printed);
    json_decref(list);
    json_decref(args);
    return rc;
}

/* ---- reports ---- */

static int
s_write_done(struct wh *w, int rc, const char *what, const char *path, const char *err)
{
    if (rc) {
        wh_error("cannot print the %s: %s", what, err);
        return rc == AYNI_EIO ? WH_USAGE : WH_REFUSED;
    }
    if (w->json) {
        json_t *r = json_pack("{ss}", "file", path);
        wh_print_json(r);
        json_decref(r);
    } else {
        printf("%s: %s\n", what, path);
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
        dv[i] = (struct prn_delivery){s_day(wh_s(e, "date"), days[k++]), wh_s(e, "shipment"),
                                      {wh_s(e, "community"), wh_s(e, "community_name"),
                                       wh_s(e, "region"), json_string_value(json_object_get(e, "district"))},
                                      wh_s(e, "item"), wh_s(e, "item_name"), wh_s(e, "unit"),
                                      (long)wh_i(e, "qty"), wh_s(e, "team"),
                                      json_is_true(json_object_get(e, "scanned"))};
    json_array_foreach(json_object_get(r, "discrepancies"), i, e)
        ds[i] = (struct prn_discrepancy){s_day(wh_s(e, "date"), days[k++]), wh_s(e, "shipment"),
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
    (void)c;
    const char *out = wh_s(args, "output");
    json_t *r = NULL;
    int rc = wh_call(w, "report.donor",
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
    struct prn_donor_report rep = {wh_s(json_object_get(r, "donor"), "name"), s_org(),
                                   wh_s(r, "from"), wh_s(r, "to"), dv, nd, ds, ns, hs, nh,
                                   wh_s(chain, "hash"), (int64_t)wh_i(chain, "seq")};
    char err[512];
    rc = prn_donor_report_write(&rep, out, err, sizeof err);
    rc = s_write_done(w, rc, "reporte del donante / donor report", out, err);
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
    (void)c;
    const char *out = wh_s(args, "output");
    json_t *r = NULL;
    int rc = wh_call(w, "report.stock",
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
    struct prn_stock_report rep = {s_place(json_object_get(r, "location")), s_org(),
                                   wh_s(r, "from"), wh_s(r, "to"), pr, n};
    char err[512];
    rc = prn_stock_report_write(&rep, out, err, sizeof err);
    rc = s_write_done(w, rc, "reporte de stock / stock report", out, err);
    free(pr);
    free(pl);
    json_decref(r);
    json_decref(args);
    return rc;
}
