/* prn_json.c: the core's JSON results as the printer's structs, and their PDFs
 * (prn_json.h).  The structs borrow strings from the results; what is made here (lot
 * lists, donor lists, local days) is owned by the struct's holder and freed with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "prn_json.h"
#include "statement.h"
#include "zone.h"

static const char *
s_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static const char *
s_opt(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long
s_int(json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

const char *
prn_org_name(void)
{
    const char *v = getenv("AYNI_ORG");
    return v && *v ? v : "Ayni · distribución de ayuda humanitaria";
}

struct prn_place
prn_json_place(json_t *p)
{
    return (struct prn_place){s_str(p, "code"), s_str(p, "name"), s_opt(p, "region"),
                              s_opt(p, "district")};
}

/* A shortfall's reason code as the printer's; "refused" is the scanners' word for it. */
static enum prn_reason
s_reason(const char *code)
{
    if (code && !strcmp(code, "refused"))
        return PRN_REASON_REJECTED;
    int r = prn_reason_from_code(code);
    return r ? (enum prn_reason)r : PRN_REASON_OTHER;
}

/* ---- a shipment ---- */

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
    *out = (struct prn_slip_line){.line_no = (int)s_int(l, "line"), .item_code = s_str(l, "item"),
                                  .item_name_es = s_str(l, "item_name_es"),
                                  .item_name_en = s_str(l, "item_name_en"),
                                  .unit = s_str(l, "unit"), .qty = s_int(l, "qty"),
                                  .packages = (int)s_int(l, "packages"),
                                  .serials = s->serials + *nser};
    json_array_foreach(lots, i, lot) {
        json_t *serials = json_object_get(lot, "serials"), *sn;
        size_t k;
        json_array_foreach(serials, k, sn) s->serials[(*nser)++] = json_string_value(sn);
        out->nserials += json_array_size(serials);
        if (!serials) {
            char *t = json_array_size(lots) > 1
                          ? xasprintf("%s%s%s (%ld)", lot_text, i ? ", " : "", s_str(lot, "lot"),
                                      s_int(lot, "qty"))
                          : xasprintf("%s", s_str(lot, "lot"));
            free(lot_text);
            lot_text = t;
            if (json_array_size(lots) == 1 && json_is_string(json_object_get(lot, "expiry")))
                out->expiry = s_str(lot, "expiry");
        }
        if (!strstr(donors, s_str(lot, "donor_name"))) {
            char *t = xasprintf("%s%s%s", donors, *donors ? ", " : "", s_str(lot, "donor_name"));
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
    json_array_foreach(lines, i, l) total += (size_t)s_int(l, "qty");
    s->lines = xcalloc(nlines + 1, sizeof *s->lines);
    s->packages = xcalloc(npk + 1, sizeof *s->packages);
    s->serials = xcalloc(total + 1, sizeof *s->serials);
    size_t nser = 0;
    json_array_foreach(lines, i, l) s_slip_line(s, l, &s->lines[i], &nser);
    json_array_foreach(packages, i, p)
        s->packages[i] = (struct prn_package){(int)s_int(p, "number"), (int)npk,
                                              (int)s_int(p, "line"), s_int(p, "qty"), NULL,
                                              s_str(p, "token")};
    s->slip = (struct prn_slip){.code = s_str(sh, "code"),
                                .date = ayni_local_day(s_str(sh, "dispatched_at"), s->date),
                                .org_name = prn_org_name(),
                                .origin = prn_json_place(json_object_get(sh, "from")),
                                .dest = prn_json_place(json_object_get(sh, "to")),
                                .team = s_opt(sh, "team"), .vehicle = s_opt(sh, "vehicle"),
                                .lines = s->lines, .nlines = nlines, .token = s_str(sh, "token"),
                                .packages = s->packages, .npackages = npk};
}

int
prn_json_shipment_render(json_t *sh, enum prn_label_layout layout, unsigned char **pdf,
                         size_t *len, char *err, size_t errlen)
{
    struct s_slip s;
    s_slip_from(&s, sh);
    int rc = prn_shipment_render(&s.slip, layout, pdf, len, err, errlen);
    s_slip_free(&s);
    return rc;
}

/* ---- reports ---- */

static void
s_donor_rows(json_t *r, struct prn_delivery *dv, struct prn_discrepancy *ds,
             struct prn_held_stock *hs, char (*days)[11])
{
    size_t i, k = 0;
    json_t *e;
    json_array_foreach(json_object_get(r, "deliveries"), i, e)
        dv[i] = (struct prn_delivery){ayni_local_day(s_str(e, "date"), days[k++]),
                                      s_str(e, "shipment"),
                                      {s_str(e, "community"), s_str(e, "community_name"),
                                       s_str(e, "region"), s_opt(e, "district")},
                                      s_str(e, "item"), s_str(e, "item_name"), s_str(e, "unit"),
                                      s_int(e, "qty"), s_str(e, "team"),
                                      json_is_true(json_object_get(e, "scanned")),
                                      json_is_true(json_object_get(e, "clock_suspect"))};
    json_array_foreach(json_object_get(r, "discrepancies"), i, e)
        ds[i] = (struct prn_discrepancy){ayni_local_day(s_str(e, "date"), days[k++]),
                                         s_str(e, "shipment"), s_str(e, "community_name"),
                                         s_str(e, "item"), s_str(e, "item_name"),
                                         s_int(e, "sent"), s_int(e, "received"),
                                         s_reason(s_opt(e, "reason")), NULL};
    json_array_foreach(json_object_get(r, "held"), i, e)
        hs[i] = (struct prn_held_stock){s_str(e, "item"), s_str(e, "item_name"), s_str(e, "lot"),
                                        s_opt(e, "expiry"), s_str(e, "location_name"),
                                        s_int(e, "qty")};
}

/* The signed statement's figures and the annex, held together so that one free releases
 * them; their strings are borrowed from the result, but for the times made here. */
struct s_proof {
    struct prn_proof proof;
    struct core_statement st;
    struct prn_proof_item items[CORE_STATEMENT_ITEMS_MAX];
    struct prn_annex_row *annex;
    char (*when)[40];
    char fpr[2 * CORE_STATEMENT_FPR_LEN + 1];
};

static int
s_by_when(const void *a, const void *b)
{
    const struct prn_annex_row *x = a, *y = b;
    int c = strcmp(x->when, y->when);
    return c ? c : strcmp(x->shipment, y->shipment);
}

/* One annex row per delivery (scan id) of the rows, in the order they were scanned. */
static void
s_annex(struct s_proof *p, json_t *rows)
{
    json_t *seen = json_object(), *e;
    size_t i, n = 0;
    p->annex = xcalloc(json_array_size(rows) + 1, sizeof *p->annex);
    p->when = xcalloc(json_array_size(rows) + 1, sizeof *p->when);
    json_array_foreach(rows, i, e) {
        const char *id = s_opt(e, "scan_id");
        if (id && json_object_get(seen, id))
            continue;
        if (id)
            json_object_set_new(seen, id, json_true());
        const char *at = s_opt(e, "scanned_at") ? s_opt(e, "scanned_at") : s_str(e, "date");
        char local[40];
        ayni_when(at, local, sizeof local);
        /* sortable: YYYY-MM-DD HH:MM from the local DD/MM/YYYY HH:MM */
        snprintf(p->when[n], sizeof p->when[n], "%.4s-%.2s-%.2s %s", local + 6, local + 3, local,
                 local + 11);
        p->annex[n] = (struct prn_annex_row){s_str(e, "shipment"), s_int(e, "package"),
                                             s_str(e, "community"), p->when[n], s_opt(e, "team"),
                                             s_str(e, "device")};
        n++;
    }
    json_decref(seen);
    qsort(p->annex, n, sizeof *p->annex, s_by_when);
    p->proof.annex = p->annex;
    p->proof.nannex = n;
}

/* r's statement as the page's proof; false (nothing to free) if r has none. */
static bool
s_proof_from(struct s_proof *p, json_t *r)
{
    json_t *statement = json_object_get(r, "statement");
    memset(p, 0, sizeof *p);
    if (!json_is_object(statement) ||
        core_statement_from_report(r, json_object_get(r, "checkpoint"), &p->st) != 0)
        return false;
    for (size_t i = 0; i < p->st.n_items; i++)
        p->items[i] = (struct prn_proof_item){p->st.items[i].code, (long)p->st.items[i].qty};
    snprintf(p->fpr, sizeof p->fpr, "%s", s_str(statement, "key_fingerprint"));
    const char *url = getenv("AYNI_KEY_URL");
    p->proof = (struct prn_proof){s_str(statement, "text"), p->st.donor, p->items, p->st.n_items,
                                  (long)p->st.deliveries, (long)p->st.scanned,
                                  (long)p->st.communities, p->st.checkpoint_seq,
                                  p->st.checkpoint_hash, p->fpr, url && *url ? url : NULL,
                                  NULL, 0};
    s_annex(p, json_object_get(r, "deliveries"));
    return true;
}

int
prn_json_donor_report_render(json_t *r, unsigned char **pdf, size_t *len, char *err,
                             size_t errlen)
{
    struct s_proof proof;
    bool signed_ = s_proof_from(&proof, r);
    size_t nd = json_array_size(json_object_get(r, "deliveries"));
    size_t ns = json_array_size(json_object_get(r, "discrepancies"));
    size_t nh = json_array_size(json_object_get(r, "held"));
    struct prn_delivery *dv = xcalloc(nd + 1, sizeof *dv);
    struct prn_discrepancy *ds = xcalloc(ns + 1, sizeof *ds);
    struct prn_held_stock *hs = xcalloc(nh + 1, sizeof *hs);
    char(*days)[11] = xcalloc(nd + ns + 1, sizeof *days);
    s_donor_rows(r, dv, ds, hs, days);
    json_t *chain = json_object_get(r, "chain");
    struct prn_donor_report rep = {s_str(json_object_get(r, "donor"), "name"), prn_org_name(),
                                   s_str(r, "from"), s_str(r, "to"), dv, nd, ds, ns, hs, nh,
                                   s_str(chain, "hash"), (int64_t)s_int(chain, "seq"),
                                   signed_ ? &proof.proof : NULL};
    int rc = prn_donor_report_render(&rep, pdf, len, err, errlen);
    if (signed_) {
        free(proof.annex);
        free(proof.when);
    }
    free(dv);
    free(ds);
    free(hs);
    free(days);
    return rc;
}

/* The losses of one item and lot, from the report's loss rows. */
static size_t
s_losses(json_t *losses, json_t *row, struct prn_loss *out)
{
    size_t i, n = 0;
    json_t *l;
    json_array_foreach(losses, i, l) if (!strcmp(s_str(l, "item"), s_str(row, "item")) &&
                                         !strcmp(s_str(l, "lot"), s_str(row, "lot")))
        out[n++] = (struct prn_loss){s_reason(s_opt(l, "reason")), s_int(l, "qty")};
    return n;
}

int
prn_json_stock_report_render(json_t *r, unsigned char **pdf, size_t *len, char *err,
                             size_t errlen)
{
    json_t *rows = json_object_get(r, "rows"), *losses = json_object_get(r, "losses"), *row;
    size_t n = json_array_size(rows), nl = json_array_size(losses), i, used = 0;
    struct prn_stock_row *pr = xcalloc(n + 1, sizeof *pr);
    struct prn_loss *pl = xcalloc(nl + 1, sizeof *pl);
    json_array_foreach(rows, i, row) {
        size_t k = s_losses(losses, row, pl + used);
        pr[i] = (struct prn_stock_row){s_str(row, "item"), s_str(row, "item_name"), NULL,
                                       s_str(row, "unit"), s_str(row, "lot"),
                                       s_opt(row, "expiry"), s_str(row, "donor"),
                                       s_int(row, "opening"), s_int(row, "in"),
                                       s_int(row, "out"), s_int(row, "losses"),
                                       s_int(row, "closing"), pl + used, k};
        used += k;
    }
    struct prn_stock_report rep = {prn_json_place(json_object_get(r, "location")),
                                   prn_org_name(), s_str(r, "from"), s_str(r, "to"), pr, n};
    int rc = prn_stock_report_render(&rep, pdf, len, err, errlen);
    free(pr);
    free(pl);
    return rc;
}
