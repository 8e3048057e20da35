/* prn_donor_tables.c: the donor report's tables — deliveries per community grouped
 * by region, discrepancies with their reasons, and stock still held for the donor.
 *
 * Deliveries are sorted here (region, community, date, shipment, item) so callers
 * may pass them in any order.  When a community runs onto a new page, the page
 * repeats its band marked "continuación / continued".
 */
#include "prn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define SHADE_REGION 0.80f
#define SHADE_COMMUNITY 0.92f

static const struct prn_col s_delivery_cols[] = {
    {"Confirmada", "Confirmed on", 50, PRN_LEFT},
    {"Envío", "Shipment", 84, PRN_LEFT},
    {"Artículo", "Item", 172, PRN_LEFT},
    {"Cantidad", "Quantity", 56, PRN_RIGHT},
    {"Equipo", "Team", 107, PRN_LEFT},
    {"Confirmación", "Confirmed by", 54, PRN_LEFT},
};

static const struct prn_col s_discrepancy_cols[] = {
    {"Fecha", "Date", 54, PRN_LEFT},
    {"Envío", "Shipment", 88, PRN_LEFT},
    {"Comunidad", "Community", 102, PRN_LEFT},
    {"Artículo", "Item", 98, PRN_LEFT},
    {"Enviado", "Sent", 42, PRN_RIGHT},
    {"Recibido", "Received", 45, PRN_RIGHT},
    {"Motivo", "Reason", 94, PRN_LEFT},
};

static const struct prn_col s_held_cols[] = {
    {"Artículo", "Item", 168, PRN_LEFT},
    {"Lote", "Lot", 92, PRN_LEFT},
    {"Vence", "Expires", 62, PRN_LEFT},
    {"Almacén", "Warehouse", 141, PRN_LEFT},
    {"Cantidad", "Quantity", 60, PRN_RIGHT},
};

#define NCOLS(a) ((int)(sizeof a / sizeof a[0]))

/* The group the rows being drawn belong to, for the band on continuation pages. */
struct s_group_state {
    const struct prn_delivery *cur; /* NULL between groups */
};

static int
s_cmp_delivery(const void *a, const void *b)
{
    const struct prn_delivery *x = *(const struct prn_delivery *const *)a;
    const struct prn_delivery *y = *(const struct prn_delivery *const *)b;
    int c = strcmp(x->community.region, y->community.region);
    if (!c)
        c = strcmp(x->community.name, y->community.name);
    if (!c)
        c = strcmp(x->community.code, y->community.code);
    if (!c)
        c = strcmp(x->date, y->date);
    if (!c)
        c = strcmp(x->shipment, y->shipment);
    if (!c)
        c = strcmp(x->item_code, y->item_code);
    return c ? c : (x < y ? -1 : x > y);
}

static void
s_region_band(struct prn_flow *f, struct prn_table *t, const char *region, const char *suffix)
{
    char buf[400];
    struct prn_cell c = {{PRN_P(NULL, PRN_BODY)}};
    snprintf(buf, sizeof buf, "Región / Region: %s%s", region, suffix);
    c.p[0] = PRN_P(buf, PRN_STYLE(9.5f, true, 0));
    prn__table_band(f, t, &c, SHADE_REGION);
}

static void
s_community_band(struct prn_flow *f, struct prn_table *t, const struct prn_delivery *v,
                 size_t count, const char *suffix)
{
    char buf[800], n[64];
    struct prn_cell c = {{PRN_P(NULL, PRN_BODY)}};
    if (count)
        snprintf(n, sizeof n, " — %zu %s", count, count == 1 ? "entrega / delivery"
                                                              : "entregas / deliveries");
    else
        n[0] = '\0';
    snprintf(buf, sizeof buf, "%s (%s)%s%s%s%s", v->community.name, v->community.code,
             v->community.district ? " · " : "", v->community.district ? v->community.district : "",
             n, suffix);
    c.p[0] = PRN_P(buf, PRN_STYLE(8.5f, true, 0));
    prn__table_band(f, t, &c, SHADE_COMMUNITY);
}

static void
s_cont(struct prn_flow *f, void *arg)
{
    struct s_group_state *g = arg;
    if (g->cur)
        s_community_band(f, f->table, g->cur, 0, " — continuación / continued");
}

/* One line per delivery: a report of thousands must stay a readable size. */
static void
s_delivery_row(struct prn_flow *f, struct prn_table *t, const struct prn_delivery *v, bool odd)
{
    char date[16], qty[200];
    struct prn_style st = PRN_STYLE(7.5f, false, 0);
    struct prn_cell c[6];
    memset(c, 0, sizeof c);
    prn__qty_unit(qty, sizeof qty, v->qty, v->unit);
    c[0].p[0] = PRN_P1(prn__date(date, sizeof date, v->date), st);
    c[1].p[0] = PRN_P1(v->shipment, st);
    c[2].p[0] = PRN_P1(v->item_name_es, st);
    c[3].p[0] = PRN_P1(qty, PRN_STYLE(7.5f, true, 0));
    c[4].p[0] = PRN_P1(v->team ? v->team : "—", st);
    c[5].p[0] = PRN_P1(v->by_scan ? "escaneo" : "manual", st);
    prn__table_row(f, t, c, odd ? 0.965f : 1.0f);
}

/* Rows from i with the same community as v[i]. */
static size_t
s_run(const struct prn_delivery **v, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && strcmp(v[j]->community.code, v[i]->community.code) == 0 &&
           strcmp(v[j]->community.region, v[i]->community.region) == 0)
        j++;
    return j - i;
}

void
prn__donor_deliveries(struct prn_flow *f, const struct prn_donor_report *r)
{
    size_t n = r->ndeliveries;
    const struct prn_delivery **v = xmalloc((n ? n : 1) * sizeof *v);
    struct s_group_state g = {NULL};
    struct prn_table t = {.cont = s_cont, .cont_arg = &g, .dense = true};
    for (size_t i = 0; i < n; i++)
        v[i] = &r->deliveries[i];
    qsort(v, n, sizeof *v, s_cmp_delivery);
    prn__section(f, "Entregas por comunidad", "Deliveries by community");
    f->y -= prn__para(f->d, f->pg, f->left, f->y, f->right - f->left, PRN_LEFT,
                      PRN_STYLE(7.5f, false, 0),
                      "Confirmación: «escaneo» si el equipo escaneó el QR del paquete al "
                      "entregarlo; «manual» si la entrega se registró a mano.", 0);
    f->y -= prn__para(f->d, f->pg, f->left, f->y, f->right - f->left, PRN_LEFT, PRN_SUB,
                      "Confirmed by: \"escaneo\" when the team scanned the package's QR on "
                      "delivery; \"manual\" when the delivery was entered by hand.", 0) + 6;
    prn__table_open(f, &t, s_delivery_cols, NCOLS(s_delivery_cols));
    for (size_t i = 0; i < n && prn__doc_ok(f->d);) {
        size_t run = s_run(v, n, i);
        g.cur = NULL;
        if (i == 0 || strcmp(v[i]->community.region, v[i - 1]->community.region) != 0) {
            prn__flow_need(f, 60);
            s_region_band(f, &t, v[i]->community.region, "");
        }
        s_community_band(f, &t, v[i], run, "");
        g.cur = v[i];
        for (size_t k = 0; k < run; k++)
            s_delivery_row(f, &t, v[i + k], k % 2 == 1);
        i += run;
    }
    if (n == 0) {
        struct prn_cell c = {{PRN_P("Sin entregas en el periodo / No deliveries in the period",
                               PRN_BODY)}};
        prn__table_band(f, &t, &c, 1.0f);
    }
    prn__table_close(f, &t);
    free(v);
    f->y -= 10;
}

void
prn__donor_discrepancies(struct prn_flow *f, const struct prn_donor_report *r)
{
    struct prn_table t = {0};
    prn__section(f, "Discrepancias", "Discrepancies");
    prn__table_open(f, &t, s_discrepancy_cols, NCOLS(s_discrepancy_cols));
    for (size_t i = 0; i < r->ndiscrepancies && prn__doc_ok(f->d); i++) {
        const struct prn_discrepancy *v = &r->discrepancies[i];
        char date[16], s[32], q[32];
        struct prn_cell c[7];
        memset(c, 0, sizeof c);
        c[0].p[0] = PRN_P(prn__date(date, sizeof date, v->date), PRN_BODY);
        c[1].p[0] = PRN_P(v->shipment, PRN_BODY);
        c[2].p[0] = (struct prn_para){v->community, PRN_BODY, 2};
        c[3].p[0] = (struct prn_para){v->item_name_es, PRN_BODY, 2};
        c[4].p[0] = PRN_P(prn__qty(s, sizeof s, v->sent), PRN_BODY);
        c[5].p[0] = PRN_P(prn__qty(q, sizeof q, v->received), PRN_BOLD);
        c[6].p[0] = PRN_P(prn__reason_es(v->reason), PRN_BOLD);
        c[6].p[1] = PRN_P(prn__reason_en(v->reason), PRN_SUB);
        c[6].p[2] = (struct prn_para){v->note, PRN_STYLE(7, false, 0.2f), 3};
        prn__table_row(f, &t, c, i % 2 ? 0.965f : 1.0f);
    }
    if (r->ndiscrepancies == 0) {
        struct prn_cell c = {{PRN_P("Ninguna en el periodo / None in the period", PRN_BODY)}};
        prn__table_band(f, &t, &c, 1.0f);
    }
    prn__table_close(f, &t);
    f->y -= 10;
}

void
prn__donor_held(struct prn_flow *f, const struct prn_donor_report *r)
{
    struct prn_table t = {0};
    prn__section(f, "Stock aún en poder del programa para el donante",
                 "Stock still held for the donor");
    prn__table_open(f, &t, s_held_cols, NCOLS(s_held_cols));
    for (size_t i = 0; i < r->nheld && prn__doc_ok(f->d); i++) {
        const struct prn_held_stock *v = &r->held[i];
        char date[16], q[32];
        struct prn_cell c[5];
        memset(c, 0, sizeof c);
        c[0].p[0] = PRN_P(v->item_name_es, PRN_BODY);
        c[0].p[1] = PRN_P(v->item_code, PRN_SUB);
        c[1].p[0] = PRN_P(v->lot ? v->lot : "—", PRN_BODY);
        c[2].p[0] = PRN_P(v->expiry ? prn__date(date, sizeof date, v->expiry) : "—",
                                      PRN_BODY);
        c[3].p[0] = PRN_P(v->warehouse, PRN_BODY);
        c[4].p[0] = PRN_P(prn__qty(q, sizeof q, v->qty), PRN_BOLD);
        prn__table_row(f, &t, c, i % 2 ? 0.965f : 1.0f);
    }
    if (r->nheld == 0) {
        struct prn_cell c = {{PRN_P("Ninguno / None", PRN_BODY)}};
        prn__table_band(f, &t, &c, 1.0f);
    }
    prn__table_close(f, &t);
    f->y -= 10;
}
