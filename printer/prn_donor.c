/* prn_donor.c: the donor delivery report — cover with totals, charts by item and by
 * region, then the tables (prn_donor_tables.c), then the signed statement's QR with its
 * figures and the annex of deliveries (prn_donor_proof.c), or, without a statement, the
 * head of the event hash chain as text and QR.
 *
 * Totals are computed here from the delivery rows, so the cover can never disagree
 * with the tables that follow it.  Input is checked in prn_report_check.c.
 */
#include "prn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define M 36.0f
#define MAX_BARS 24

struct s_group {
    const struct prn_delivery *first; /* a row of the group, for its names */
    long qty;                         /* units delivered */
    long count;                       /* deliveries */
};

struct s_totals {
    struct s_group *items, *regions;
    size_t nitems, nregions, communities, shipments, by_scan;
    size_t clock_suspect; /* rows whose device clock was not believed */
};

#define S_CMP(name, field)                                                                      \
    static int name(const void *a, const void *b)                                              \
    {                                                                                          \
        const struct prn_delivery *x = *(const struct prn_delivery *const *)a;                 \
        const struct prn_delivery *y = *(const struct prn_delivery *const *)b;                 \
        return strcmp(x->field, y->field);                                                     \
    }
S_CMP(s_by_item, item_code)
S_CMP(s_by_region, community.region)
S_CMP(s_by_community, community.code)
S_CMP(s_by_shipment, shipment)

/* Sort v by cmp and sum each run of equal keys into out (if not NULL); the number
 * of runs. */
static size_t
s_group_by(const struct prn_delivery **v, size_t n, int (*cmp)(const void *, const void *),
           struct s_group *out)
{
    size_t k = 0;
    qsort(v, n, sizeof *v, cmp);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || cmp(&v[i - 1], &v[i]) != 0) {
            if (out)
                out[k] = (struct s_group){v[i], 0, 0};
            k++;
        }
        if (out)
            out[k - 1].qty += v[i]->qty, out[k - 1].count++;
    }
    return k;
}

static int
s_by_qty_desc(const void *a, const void *b)
{
    const struct s_group *x = a, *y = b;
    return (x->qty < y->qty) - (x->qty > y->qty);
}

static int
s_by_count_desc(const void *a, const void *b)
{
    const struct s_group *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

static void
s_totals(const struct prn_donor_report *r, struct s_totals *t)
{
    size_t n = r->ndeliveries;
    const struct prn_delivery **v = xmalloc((n ? n : 1) * sizeof *v);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        v[i] = &r->deliveries[i];
        t->by_scan += r->deliveries[i].by_scan;
        t->clock_suspect += r->deliveries[i].clock_suspect;
    }
    t->items = xmalloc((n ? n : 1) * sizeof *t->items);
    t->regions = xmalloc((n ? n : 1) * sizeof *t->regions);
    t->nitems = s_group_by(v, n, s_by_item, t->items);
    t->nregions = s_group_by(v, n, s_by_region, t->regions);
    t->communities = s_group_by(v, n, s_by_community, NULL);
    t->shipments = s_group_by(v, n, s_by_shipment, NULL);
    qsort(t->items, t->nitems, sizeof *t->items, s_by_qty_desc);
    qsort(t->regions, t->nregions, sizeof *t->regions, s_by_count_desc);
    free(v);
}

static void
s_header(struct prn_flow *f, void *arg)
{
    const struct prn_donor_report *r = arg;
    char buf[512], from[16], to[16];
    if (prn__flow_pages(f) == 1)
        return;
    float w = prn__label(f->d, f->pg, f->left, f->y - 9, 9, "INFORME DE ENTREGAS AL DONANTE",
                         "Donor delivery report");
    snprintf(buf, sizeof buf, "%s · %s – %s", r->donor, prn__date(from, sizeof from, r->from),
             prn__date(to, sizeof to, r->to));
    prn__para_fit(f->d, f->pg, f->left + w + 12, f->y - 1.5f, f->right - f->left - w - 12,
                  PRN_RIGHT, PRN_STYLE(8.5f, true, 0), PRN_SIZES(8.5f, 7, 6), 1, 1, buf);
    f->y -= 14;
    prn__rule(f->pg, f->left, f->y, f->right, f->y, 0.8f, 0.2f);
    f->y -= 8;
}

static void
s_tile(struct prn_flow *f, float x, float w, const char *value, const char *es, const char *en)
{
    float top = f->y, h = 62, cx = x + w / 2;
    prn__box(f->pg, x, top - h, w, h, 0.6f, 0.45f);
    prn__text(f->d, f->pg, cx, top - 26, PRN_CENTER, PRN_STYLE(20, true, 0), value);
    prn__para(f->d, f->pg, x + 4, top - 33, w - 8, PRN_CENTER, PRN_STYLE(7.5f, true, 0), es, 2);
    prn__text(f->d, f->pg, cx, top - h + 6, PRN_CENTER, PRN_SUB, en);
}

/* How many deliveries had a device clock that could not be right: they are dated by the
 * time the core received them (docs/RELIABILITY.md). */
static void
s_clock_note(struct prn_flow *f, const struct s_totals *t)
{
    char es[200], en[200];
    float w = f->right - f->left;
    snprintf(es, sizeof es, "Entregas con la hora del dispositivo dudosa: %zu (fechadas con la "
             "hora en que el sistema las recibió)", t->clock_suspect);
    snprintf(en, sizeof en, "Deliveries with a doubtful device clock: %zu (dated by the time "
             "the system received them)", t->clock_suspect);
    f->y -= prn__para(f->d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_STYLE(9, false, 0), es, 0);
    f->y -= prn__para(f->d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_SUB, en, 0) + 10;
}

static void
s_tiles(struct prn_flow *f, const struct prn_donor_report *r, const struct s_totals *t)
{
    char v[4][32];
    float gap = 8, w = (f->right - f->left - 3 * gap) / 4;
    /* With a statement, its deliveries (each scan once), as the figures it signs. */
    long all = r->proof ? r->proof->deliveries : (long)r->ndeliveries;
    long by_scan = r->proof ? r->proof->scanned : (long)t->by_scan;
    prn__qty(v[0], sizeof v[0], all);
    prn__qty(v[1], sizeof v[1], (long)t->communities);
    prn__qty(v[2], sizeof v[2], (long)t->shipments);
    if (all)
        prn__percent(v[3], sizeof v[3], (double)by_scan / (double)all);
    else
        snprintf(v[3], sizeof v[3], "—");
    s_tile(f, f->left, w, v[0], "Entregas confirmadas", "Confirmed deliveries");
    s_tile(f, f->left + (w + gap), w, v[1], "Comunidades atendidas", "Communities reached");
    s_tile(f, f->left + 2 * (w + gap), w, v[2], "Envíos", "Shipments");
    s_tile(f, f->left + 3 * (w + gap), w, v[3], "Confirmadas por escaneo QR",
           "Confirmed by QR scan");
    f->y -= 62 + 14;
    s_clock_note(f, t);
}

static void
s_cover(struct prn_flow *f, const struct prn_donor_report *r, const struct s_totals *t)
{
    struct prn_doc *d = f->d;
    float w = f->right - f->left;
    char period[64], from[16], to[16];
    f->y -= prn__para(d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_STYLE(9, true, 0.3f), r->org_name,
                      0) + 6;
    prn__text(d, f->pg, f->left, f->y - 20, PRN_LEFT, PRN_STYLE(21, true, 0),
              "INFORME DE ENTREGAS AL DONANTE");
    prn__text(d, f->pg, f->left, f->y - 35, PRN_LEFT, PRN_STYLE(11, false, PRN_GREY_SUB),
              "Donor delivery report");
    f->y -= 52;
    prn__label(d, f->pg, f->left, f->y - 7, 7.5f, "Donante", "Donor");
    f->y -= 11;
    f->y -= prn__para(d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_STYLE(18, true, 0), r->donor, 0);
    f->y -= 6;
    prn__label(d, f->pg, f->left, f->y - 7, 7.5f, "Periodo", "Period");
    snprintf(period, sizeof period, "%s – %s", prn__date(from, sizeof from, r->from),
             prn__date(to, sizeof to, r->to));
    prn__text(d, f->pg, f->left, f->y - 22, PRN_LEFT, PRN_STYLE(12, false, 0), period);
    f->y -= 38;
    s_tiles(f, r, t);
    if (r->ndeliveries == 0) { /* an empty report must not look like a failed one */
        prn__text(d, f->pg, f->left, f->y - 12, PRN_LEFT, PRN_STYLE(12, true, 0),
                  "Sin entregas en este período");
        prn__text(d, f->pg, f->left, f->y - 26, PRN_LEFT, PRN_STYLE(9, false, PRN_GREY_SUB),
                  "No deliveries in this period");
        f->y -= 40;
    }
}

static const struct prn_col s_item_cols[] = {
    {"Artículo", "Item", 263, PRN_LEFT},
    {"Código", "Code", 120, PRN_LEFT},
    {"Cantidad entregada", "Quantity delivered", 140, PRN_RIGHT},
};

static void
s_items(struct prn_flow *f, const struct s_totals *t)
{
    struct prn_table tab = {0};
    prn__section(f, "Entregado por artículo", "Delivered by item");
    prn__table_open(f, &tab, s_item_cols, 3);
    for (size_t i = 0; i < t->nitems; i++) {
        const struct prn_delivery *v = t->items[i].first;
        char q[32], u[160];
        struct prn_cell c[3];
        memset(c, 0, sizeof c);
        c[0].p[0] = PRN_P(v->item_name_es, PRN_BOLD);
        c[1].p[0] = PRN_P(v->item_code, PRN_BODY);
        c[2].p[0] = PRN_P(prn__qty(q, sizeof q, t->items[i].qty), PRN_BOLD);
        c[2].p[1] = PRN_P(prn__unit(u, sizeof u, t->items[i].qty, v->unit), PRN_SUB);
        prn__table_row(f, &tab, c, i % 2 ? 0.965f : 1.0f);
    }
    if (t->nitems == 0) {
        struct prn_cell c[3] = {
            {{PRN_P("Sin entregas en el periodo / No deliveries in the period", PRN_BODY)}}};
        prn__table_row(f, &tab, c, 1.0f);
    }
    prn__table_close(f, &tab);
    f->y -= 10;
}

/* A chart of groups (items by quantity, or regions by number of deliveries): the
 * biggest MAX_BARS - 1, and the rest summed as "Otros".  Regions are counted, not
 * summed, as their deliveries mix units (kits, tablets). */
static void
s_chart(struct prn_flow *f, const char *es, const char *en, const struct s_group *g, size_t n,
        bool by_region)
{
    struct prn_bar bars[MAX_BARS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct prn_delivery *v = g[i].first;
        if (k == MAX_BARS - 1 && n > MAX_BARS) {
            bars[k].label = "Otros / Others", bars[k].value = 0;
            for (size_t j = i; j < n; j++)
                bars[k].value += by_region ? g[j].count : g[j].qty;
            k++;
            break;
        }
        bars[k].label = by_region ? v->community.region : v->item_name_es;
        bars[k++].value = by_region ? g[i].count : g[i].qty;
    }
    prn__bar_chart(f, es, en, bars, k);
}

static void
s_verification(struct prn_flow *f, const struct prn_donor_report *r)
{
    struct prn_doc *d = f->d;
    char qr[128], seq[48], es[700], en[700];
    float w = f->right - f->left, mod = 2.0f;
    prn_chain_qr_text(qr, sizeof qr, r->chain_seq, r->chain_head);
    float side = prn__qr_side(d, qr, mod), tw = w - side - 12;
    prn__flow_need(f, 40 + side + 10);
    prn__section(f, "Verificación", "Verification");
    float top = f->y;
    prn__qr(d, f->pg, f->right - side, top, mod, qr);
    prn__label(d, f->pg, f->left, f->y - 8, 8, "Cabeza de la cadena de eventos",
               "Head of the event hash chain");
    snprintf(seq, sizeof seq, "Evento Nº / Event seq: %lld", (long long)r->chain_seq);
    prn__text(d, f->pg, f->left, f->y - 22, PRN_LEFT, PRN_STYLE(9, true, 0), seq);
    f->y -= 28;
    f->y -= prn__para(d, f->pg, f->left, f->y, tw, PRN_LEFT, PRN_MONO, qr + strlen(qr) - 64, 0);
    f->y -= 8;
    snprintf(es, sizeof es,
             "Estas cifras salen del registro de movimientos de Ayni hasta el evento Nº %lld. "
             "Para comprobarlas, recalcule la cadena de hashes de eventos del registro hasta ese "
             "evento (cada hash = H(hash anterior || evento)) y compare el resultado con este "
             "valor: si coinciden, ningún evento fue borrado ni alterado.",
             (long long)r->chain_seq);
    snprintf(en, sizeof en,
             "These figures come from Ayni's ledger up to event %lld. To check them, recompute "
             "the ledger's event hash chain up to that event (each hash = H(previous hash || "
             "event)) and compare the result with this value: if they match, no event was "
             "removed or altered.",
             (long long)r->chain_seq);
    f->y -= prn__para(d, f->pg, f->left, f->y, tw, PRN_LEFT, PRN_STYLE(8, false, 0), es, 0) + 3;
    f->y -= prn__para(d, f->pg, f->left, f->y, tw, PRN_LEFT, PRN_SUB, en, 0);
    if (f->y > top - side)
        f->y = top - side;
}

static void
s_draw(struct prn_doc *d, const void *arg)
{
    const struct prn_donor_report *r = arg;
    struct prn_flow f;
    struct s_totals t;
    s_totals(r, &t);
    prn__flow_init(&f, d, PRN_A4_W, PRN_A4_H, M, s_header, (void *)r);
    prn__flow_page(&f);
    s_cover(&f, r, &t);
    s_items(&f, &t);
    if (r->proof) /* on the first page, where ayni-scan verify looks for it */
        prn__donor_proof(&f, r);
    s_chart(&f, "Cantidad entregada por artículo", "Quantity delivered by item", t.items,
            t.nitems, false);
    s_chart(&f, "Entregas por región (número de entregas)", "Deliveries by region", t.regions,
            t.nregions, true);
    prn__flow_page(&f);
    prn__donor_deliveries(&f, r);
    prn__donor_discrepancies(&f, r);
    prn__donor_held(&f, r);
    if (r->proof)
        prn__donor_annex(&f, r);
    else
        s_verification(&f, r);
    char left[300];
    snprintf(left, sizeof left, "Informe al donante · %s · Ayni", r->donor);
    prn__doc_number_pages(d, f.first_page, prn__flow_pages(&f), left);
    free(t.items);
    free(t.regions);
}

static const char *
s_title(char *buf, size_t n, const struct prn_donor_report *r)
{
    snprintf(buf, n, "Informe de entregas: %s, %s a %s", r->donor, r->from, r->to);
    return buf;
}

int
prn_donor_report_render(const struct prn_donor_report *r, unsigned char **pdf, size_t *len,
                        char *err, size_t errlen)
{
    char title[400];
    struct prn_check c = {err, errlen, 0};
    if (prn__check_out(&c, pdf, "output buffer 'pdf'") || prn__check_out(&c, len, "'len'"))
        return c.rc;
    *pdf = NULL;
    int rc = prn__check_donor(r, err, errlen);
    if (rc)
        return rc;
    return prn__render(s_draw, r, s_title(title, sizeof title, r), pdf, len, err, errlen);
}

int
prn_donor_report_write(const struct prn_donor_report *r, const char *path, char *err,
                       size_t errlen)
{
    char title[400];
    int rc = prn__check_donor(r, err, errlen);
    if (rc)
        return rc;
    return prn__write(s_draw, r, s_title(title, sizeof title, r), path, err, errlen);
}
