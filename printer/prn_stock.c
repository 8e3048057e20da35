/* prn_stock.c: the stock movement report for one warehouse and period, A4 landscape.
 *
 * Rows are grouped by item (sorted here by item, lot, donor): a band names the
 * item, one row per lot gives opening, in, out, losses with reasons and closing,
 * and a total row closes the item.  The header repeats on every page, and so does
 * the band of an item that runs onto a new page.  Checked in prn_report_check.c.
 */
#include "prn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define M 36.0f
#define NCOLS 9

static const struct prn_col s_cols[NCOLS] = {
    {"Lote", "Lot", 115, PRN_LEFT},
    {"Vence", "Expires", 65, PRN_LEFT},
    {"Donante", "Donor", 145, PRN_LEFT},
    {"Saldo inicial", "Opening", 70, PRN_RIGHT},
    {"Entradas", "In", 66, PRN_RIGHT},
    {"Salidas", "Out", 66, PRN_RIGHT},
    {"Pérdidas", "Losses", 62, PRN_RIGHT},
    {"Motivos de pérdida", "Loss reasons", 115, PRN_LEFT},
    {"Saldo final", "Closing", 66, PRN_RIGHT},
};

struct s_item_state {
    const struct prn_stock_row *cur; /* the item being listed, NULL between items */
};

/* Sums of one item's rows. */
struct s_sum {
    long opening, in, out, lost, closing;
    long by_reason[PRN_REASON_OTHER + 1];
};

static int
s_cmp_row(const void *a, const void *b)
{
    const struct prn_stock_row *x = *(const struct prn_stock_row *const *)a;
    const struct prn_stock_row *y = *(const struct prn_stock_row *const *)b;
    int c = strcmp(x->item_code, y->item_code);
    if (!c)
        c = strcmp(x->lot ? x->lot : "", y->lot ? y->lot : "");
    if (!c)
        c = strcmp(x->donor, y->donor);
    return c ? c : (x < y ? -1 : x > y);
}

static void
s_header(struct prn_flow *f, void *arg)
{
    const struct prn_stock_report *r = arg;
    struct prn_doc *d = f->d;
    char buf[600], from[16], to[16];
    float w = f->right - f->left;
    float tw = prn__label(d, f->pg, f->left, f->y - 14, 15, "MOVIMIENTO DE STOCK",
                          "Stock movement report");
    prn__para_fit(d, f->pg, f->left + tw + 20, f->y - 4, w - tw - 20, PRN_RIGHT,
                  PRN_STYLE(8.5f, true, 0.3f), PRN_SIZES(8.5f, 7, 6), 1, 1, r->org_name);
    f->y -= 22;
    snprintf(buf, sizeof buf, "%s (%s)%s%s%s%s", r->warehouse.name, r->warehouse.code,
             r->warehouse.district ? " · " : "", r->warehouse.district ? r->warehouse.district : "",
             r->warehouse.region ? " · " : "", r->warehouse.region ? r->warehouse.region : "");
    float lw = prn__label(d, f->pg, f->left, f->y - 8, 7.5f, "Almacén", "Warehouse");
    prn__para_fit(d, f->pg, f->left + lw + 6, f->y - 0.5f, w * 0.62f - lw, PRN_LEFT,
                  PRN_STYLE(9.5f, true, 0), PRN_SIZES(9.5f, 8, 6.5f), 1, 1, buf);
    snprintf(buf, sizeof buf, "%s – %s", prn__date(from, sizeof from, r->from),
             prn__date(to, sizeof to, r->to));
    float pw = prn__width(d, PRN_STYLE(9.5f, true, 0), buf, strlen(buf));
    prn__text(d, f->pg, f->right, f->y - 8, PRN_RIGHT, PRN_STYLE(9.5f, true, 0), buf);
    prn__label(d, f->pg, f->right - pw - 84, f->y - 8, 7.5f, "Periodo", "Period");
    f->y -= 14;
    prn__rule(f->pg, f->left, f->y, f->right, f->y, 0.8f, 0.2f);
    f->y -= 8;
}

static void
s_band(struct prn_flow *f, struct prn_table *t, const struct prn_stock_row *v, const char *suffix)
{
    char buf[800];
    struct prn_cell c = {{PRN_P(NULL, PRN_BODY)}};
    snprintf(buf, sizeof buf, "%s · %s%s%s%s%s%s", v->item_code, v->item_name_es,
             v->item_name_en ? " / " : "", v->item_name_en ? v->item_name_en : "",
             v->unit ? " · " : "", v->unit ? v->unit : "", suffix);
    c.p[0] = PRN_P(buf, PRN_STYLE(9, true, 0));
    prn__table_band(f, t, &c, 0.85f);
}

static void
s_cont(struct prn_flow *f, void *arg)
{
    struct s_item_state *st = arg;
    if (st->cur)
        s_band(f, f->table, st->cur, " — continuación / continued");
}

/* "dañado / damaged: 3" lines for the losses by reason, into a new string. */
static char *
s_reasons(const long by_reason[PRN_REASON_OTHER + 1])
{
    size_t cap = 256, len = 0;
    char *out = xmalloc(cap);
    out[0] = '\0';
    for (int r = PRN_REASON_DAMAGED; r <= PRN_REASON_OTHER; r++) {
        char q[32];
        if (!by_reason[r])
            continue;
        int n = snprintf(out + len, cap - len, "%s%s / %s: %s", len ? "\n" : "",
                         prn__reason_es(r), prn__reason_en(r), prn__qty(q, sizeof q, by_reason[r]));
        if (n > 0 && (size_t)n < cap - len)
            len += (size_t)n;
    }
    return out;
}

static void
s_numbers(struct prn_cell *c, char q[5][32], long opening, long in, long out, long lost,
          long closing, struct prn_style st)
{
    c[3].p[0] = PRN_P(prn__qty(q[0], 32, opening), st);
    c[4].p[0] = PRN_P(prn__qty(q[1], 32, in), st);
    c[5].p[0] = PRN_P(prn__qty(q[2], 32, out), st);
    c[6].p[0] = PRN_P(prn__qty(q[3], 32, lost), st);
    c[8].p[0] = PRN_P(prn__qty(q[4], 32, closing), PRN_BOLD);
}

static void
s_row(struct prn_flow *f, struct prn_table *t, const struct prn_stock_row *v, bool odd,
      struct s_sum *sum)
{
    char date[16], q[5][32];
    long by_reason[PRN_REASON_OTHER + 1] = {0};
    struct prn_cell c[NCOLS];
    memset(c, 0, sizeof c);
    for (size_t k = 0; k < v->nlosses; k++) {
        by_reason[v->losses[k].reason] += v->losses[k].qty;
        sum->by_reason[v->losses[k].reason] += v->losses[k].qty;
    }
    char *reasons = s_reasons(by_reason);
    c[0].p[0] = PRN_P(v->lot ? v->lot : "—", PRN_BODY);
    c[1].p[0] = PRN_P(v->expiry ? prn__date(date, sizeof date, v->expiry) : "—",
                                  PRN_BODY);
    c[2].p[0] = PRN_P(v->donor, PRN_BODY);
    s_numbers(c, q, v->opening, v->in, v->out, v->lost, v->closing, PRN_BODY);
    c[7].p[0] = PRN_P(reasons, PRN_STYLE(7, false, 0));
    prn__table_row(f, t, c, odd ? 0.965f : 1.0f);
    free(reasons);
    sum->opening += v->opening, sum->in += v->in, sum->out += v->out;
    sum->lost += v->lost, sum->closing += v->closing;
}

static void
s_total(struct prn_flow *f, struct prn_table *t, const struct prn_stock_row *v,
        const struct s_sum *sum)
{
    char q[5][32];
    struct prn_cell c[NCOLS];
    memset(c, 0, sizeof c);
    char *reasons = s_reasons(sum->by_reason);
    c[0].p[0] = PRN_P("Total del artículo", PRN_BOLD);
    c[0].p[1] = PRN_P("Item total", PRN_SUB);
    s_numbers(c, q, sum->opening, sum->in, sum->out, sum->lost, sum->closing, PRN_BOLD);
    c[7].p[0] = PRN_P(reasons, PRN_STYLE(7, true, 0));
    prn__table_row(f, t, c, PRN_GREY_FILL);
    free(reasons);
}

static void
s_draw(struct prn_doc *d, const void *arg)
{
    const struct prn_stock_report *r = arg;
    size_t n = r->nrows;
    const struct prn_stock_row **v = xmalloc((n ? n : 1) * sizeof *v);
    struct prn_flow f;
    struct s_item_state st = {NULL};
    struct prn_table t = {.cont = s_cont, .cont_arg = &st};
    for (size_t i = 0; i < n; i++)
        v[i] = &r->rows[i];
    qsort(v, n, sizeof *v, s_cmp_row);
    prn__flow_init(&f, d, PRN_A4_H, PRN_A4_W, M, s_header, (void *)r);
    prn__flow_page(&f);
    prn__table_open(&f, &t, s_cols, NCOLS);
    for (size_t i = 0; i < n && prn__doc_ok(d);) {
        struct s_sum sum;
        size_t j = i;
        memset(&sum, 0, sizeof sum);
        st.cur = NULL;
        s_band(&f, &t, v[i], "");
        st.cur = v[i];
        for (; j < n && strcmp(v[j]->item_code, v[i]->item_code) == 0; j++)
            s_row(&f, &t, v[j], (j - i) % 2 == 1, &sum);
        s_total(&f, &t, v[i], &sum);
        i = j;
    }
    if (n == 0) {
        struct prn_cell c = {{PRN_P("Sin movimientos en el periodo / No movements in the period",
                               PRN_BODY)}};
        prn__table_band(&f, &t, &c, 1.0f);
    }
    prn__table_close(&f, &t);
    char left[300];
    snprintf(left, sizeof left, "Movimiento de stock · %s · Ayni", r->warehouse.code);
    prn__doc_number_pages(d, f.first_page, prn__flow_pages(&f), left);
    free(v);
}

static const char *
s_title(char *buf, size_t n, const struct prn_stock_report *r)
{
    snprintf(buf, n, "Movimiento de stock: %s, %s a %s", r->warehouse.code, r->from, r->to);
    return buf;
}

int
prn_stock_report_render(const struct prn_stock_report *r, unsigned char **pdf, size_t *len,
                        char *err, size_t errlen)
{
    char title[300];
    struct prn_check c = {err, errlen, 0};
    if (prn__check_out(&c, pdf, "output buffer 'pdf'") || prn__check_out(&c, len, "'len'"))
        return c.rc;
    *pdf = NULL;
    int rc = prn__check_stock(r, err, errlen);
    if (rc)
        return rc;
    return prn__render(s_draw, r, s_title(title, sizeof title, r), pdf, len, err, errlen);
}

int
prn_stock_report_write(const struct prn_stock_report *r, const char *path, char *err,
                       size_t errlen)
{
    char title[300];
    int rc = prn__check_stock(r, err, errlen);
    if (rc)
        return rc;
    return prn__write(s_draw, r, s_title(title, sizeof title, r), path, err, errlen);
}
