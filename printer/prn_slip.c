/* prn_slip.c: the delivery slip (guía de remisión), A4, one per shipment.
 *
 * Page 1 has the full header (title, number, date, the shipment QR, origin,
 * destination, transport); later pages a short one.  The lines table repeats its
 * header on each page; the dispatch, receipt and remarks blocks are kept together
 * at the end.  Every page says "Página N de M".  Input is checked in
 * prn_slip_check.c before anything here runs.
 */
#include "prn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define M 36.0f          /* page margin */
#define QR_SIDE 116.0f   /* the shipment QR, quiet zone included */
#define BOX_H 196.0f     /* dispatch and receipt boxes */

static const struct prn_col s_cols[] = {
    {"Nº", "No.", 20, PRN_CENTER},
    {"Artículo", "Item", 112, PRN_LEFT},
    {"Lote · vence / series", "Lot · expires / serials", 150, PRN_LEFT},
    {"Cantidad", "Quantity", 52, PRN_RIGHT},
    {"Bultos", "Packages", 38, PRN_RIGHT},
    {"Donante", "Donor", 61, PRN_LEFT},
    {"Recibido", "Received", 44, PRN_CENTER},
    {"Falta y motivo", "Short, reason", 46, PRN_CENTER},
};
#define NCOLS ((int)(sizeof s_cols / sizeof s_cols[0]))

/* A label over a value: "Fecha / Date" then "15/03/2025".  Returns the height used;
 * with pg NULL it only measures. */
static float
s_field(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, const char *es,
        const char *en, const char *value, struct prn_style vst)
{
    prn__label(d, pg, x, y - 6.5f, 6.5f, es, en);
    float h = prn__para(d, pg, x, y - 10.0f, w, PRN_LEFT, vst, value && *value ? value : "—", 0);
    return 10.0f + h;
}

/* A place box's content: heading, name, code, district and region. */
static float
s_place(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, const char *es,
        const char *en, const struct prn_place *p)
{
    float y0 = y;
    prn__label(d, pg, x, y - 7.5f, 7.5f, es, en);
    y -= 12.0f;
    y -= prn__para(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(10.5f, true, 0), p->name, 0);
    y -= prn__para(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(7.5f, false, 0.25f), p->code, 0);
    char where[512];
    snprintf(where, sizeof where, "%s%s%s", p->district ? p->district : "",
             p->district && p->region ? " · " : "", p->region ? p->region : "");
    y -= prn__para(d, pg, x, y, w, PRN_LEFT, PRN_BODY, where, 0);
    return y0 - y;
}

static void
s_places(struct prn_flow *f, const struct prn_slip *s)
{
    float w = (f->right - f->left - 10.0f) / 2, pad = 6.0f, iw = w - 2 * pad;
    float h1 = s_place(f->d, NULL, 0, 0, iw, "ORIGEN", "Origin", &s->origin);
    float h2 = s_place(f->d, NULL, 0, 0, iw, "DESTINO", "Destination", &s->dest);
    float h = (h1 > h2 ? h1 : h2) + 2 * pad, x2 = f->left + w + 10.0f;
    prn__box(f->pg, f->left, f->y - h, w, h, 0.6f, 0.4f);
    prn__box(f->pg, x2, f->y - h, w, h, 1.2f, 0.1f);
    s_place(f->d, f->pg, f->left + pad, f->y - pad, iw, "ORIGEN", "Origin", &s->origin);
    s_place(f->d, f->pg, x2 + pad, f->y - pad, iw, "DESTINO", "Destination", &s->dest);
    f->y -= h + 8.0f;
}

static void
s_transport(struct prn_flow *f, const struct prn_slip *s)
{
    float w = (f->right - f->left) / 3, hmax = 0;
    const char *es[3] = {"Equipo", "Vehículo", "Conductor"};
    const char *en[3] = {"Team", "Vehicle", "Driver"};
    const char *v[3] = {s->team, s->vehicle, s->driver};
    for (int i = 0; i < 3; i++) {
        float h = s_field(f->d, f->pg, f->left + (float)i * w, f->y, w - 8, es[i], en[i], v[i],
                          PRN_BODY);
        hmax = h > hmax ? h : hmax;
    }
    f->y -= hmax + 10.0f;
}

static void
s_first_header(struct prn_flow *f, const struct prn_slip *s)
{
    struct prn_doc *d = f->d;
    float top = f->y, mod = prn__qr_module(d, s->token, QR_SIDE, 1.5f);
    float side = prn__qr_side(d, s->token, mod), q = 4 * mod;
    float qx = f->right - side + q, cx = qx + side / 2;
    prn__qr(d, f->pg, qx, top + q, mod, s->token);
    float yq = top - side + 2 * q;
    prn__text(d, f->pg, cx, yq - 8, PRN_CENTER, PRN_STYLE(7, true, 0), "Escanear al recibir");
    prn__text(d, f->pg, cx, yq - 16, PRN_CENTER, PRN_SUB, "Scan on receipt");
    yq -= 22;

    float y = top, tw = qx - f->left - 12;
    if (s->org_name)
        y -= prn__para(d, f->pg, f->left, y, tw, PRN_LEFT, PRN_STYLE(8.5f, true, 0.3f),
                       s->org_name, 0) + 4;
    prn__text(d, f->pg, f->left, y - 19, PRN_LEFT, PRN_STYLE(20, true, 0), "GUÍA DE REMISIÓN");
    prn__text(d, f->pg, f->left, y - 33, PRN_LEFT, PRN_STYLE(11, false, PRN_GREY_SUB),
              "Delivery slip");
    y -= 44;
    char date[32];
    float h1 = s_field(d, f->pg, f->left, y, tw * 0.6f, "Número", "Number", s->code,
                       PRN_STYLE(13, true, 0));
    s_field(d, f->pg, f->left + tw * 0.62f, y, tw * 0.38f, "Fecha", "Date",
            prn__date(date, sizeof date, s->date), PRN_STYLE(13, true, 0));
    y -= h1 + 8;
    f->y = (y < yq ? y : yq) - 4;
    s_places(f, s);
    s_transport(f, s);
}

static void
s_cont_header(struct prn_flow *f, const struct prn_slip *s)
{
    static const char cont[] = "continuación / continued";
    struct prn_doc *d = f->d;
    char right[256], date[32];
    float full = f->right - f->left;
    float tw = prn__label(d, f->pg, f->left, f->y - 12, 12, "GUÍA DE REMISIÓN", "Delivery slip");
    snprintf(right, sizeof right, "Nº %s · %s", s->code, prn__date(date, sizeof date, s->date));
    prn__para_fit(d, f->pg, f->left + tw + 12, f->y - 2, full - tw - 12, PRN_RIGHT,
                  PRN_STYLE(9.5f, true, 0), PRN_SIZES(9.5f, 8, 6.5f), 1, 1, right);
    float y = f->y - 18, cw = prn__width(d, PRN_SUB, cont, sizeof cont - 1) + 12;
    float w = prn__label(d, f->pg, f->left, y - 8, 7, "Destino", "Destination");
    prn__para_fit(d, f->pg, f->left + w + 6, y - 1, full - w - 6 - cw, PRN_LEFT, PRN_BODY,
                  PRN_SIZES(8.5f, 7, 6), 1, 1, s->dest.name);
    prn__text(d, f->pg, f->right, y - 8, PRN_RIGHT, PRN_SUB, cont);
    y -= 14;
    prn__rule(f->pg, f->left, y, f->right, y, 0.8f, 0.2f);
    f->y = y - 8;
}

static void
s_header(struct prn_flow *f, void *arg)
{
    const struct prn_slip *s = arg;
    if (prn__flow_pages(f) == 1)
        s_first_header(f, s);
    else
        s_cont_header(f, s);
}

/* "SN1, SN2, ..." in a new string. */
static char *
s_join(const char *const *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 2;
    char *out = xmalloc(len), *o = out;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(v[i]);
        memcpy(o, v[i], k);
        o += k;
        if (i + 1 < n)
            *o++ = ',', *o++ = ' ';
    }
    *o = '\0';
    return out;
}

static void
s_line_row(struct prn_flow *f, struct prn_table *t, const struct prn_slip_line *l, bool odd)
{
    char no[16], qty[32], pk[16], lot[256], exp[64], nser[64], date[32], item[400], unit[160];
    char *serials = NULL;
    struct prn_cell c[NCOLS];
    memset(c, 0, sizeof c);
    snprintf(no, sizeof no, "%d", l->line_no);
    c[0].p[0] = PRN_P(no, PRN_BODY);
    snprintf(item, sizeof item, "%s%s%s", l->item_name_en ? l->item_name_en : "",
             l->item_name_en ? " · " : "", l->item_code);
    c[1].p[0] = PRN_P(l->item_name_es, PRN_BOLD);
    c[1].p[1] = PRN_P(item, PRN_SUB);
    if (l->nserials) {
        snprintf(nser, sizeof nser, "Series / Serials (%zu):", l->nserials);
        serials = s_join(l->serials, l->nserials);
        c[2].p[0] = PRN_P(nser, PRN_SUB);
        c[2].p[1] = PRN_P(serials, PRN_STYLE(7, false, 0));
    } else if (l->lot) {
        snprintf(lot, sizeof lot, "Lote / Lot: %s", l->lot);
        c[2].p[0] = PRN_P(lot, PRN_BODY);
    }
    if (l->expiry) {
        snprintf(exp, sizeof exp, "Vence / Expires: %s", prn__date(date, sizeof date, l->expiry));
        c[2].p[2] = PRN_P(exp, PRN_BODY);
    }
    if (!c[2].p[0].s && !l->expiry)
        c[2].p[0] = PRN_P("—", PRN_BODY);
    c[3].p[0] = PRN_P(prn__qty(qty, sizeof qty, l->qty), PRN_BOLD);
    c[3].p[1] = PRN_P(prn__unit(unit, sizeof unit, l->qty, l->unit), PRN_SUB);
    snprintf(pk, sizeof pk, "%d", l->packages);
    c[4].p[0] = PRN_P(pk, PRN_BODY);
    c[5].p[0] = PRN_P(l->donor, PRN_BODY);
    prn__table_row(f, t, c, odd ? 0.965f : 1.0f);
    free(serials);
}

/* The totals row: lines, packages, and the quantity when all lines share a unit. */
static void
s_total_row(struct prn_flow *f, struct prn_table *t, const struct prn_slip *s)
{
    long qty = 0, pk = 0;
    bool same = true;
    const char *unit = s->lines[0].unit ? s->lines[0].unit : "";
    for (size_t i = 0; i < s->nlines; i++) {
        qty += s->lines[i].qty, pk += s->lines[i].packages;
        same = same && strcmp(unit, s->lines[i].unit ? s->lines[i].unit : "") == 0;
    }
    char nl[64], q[32], p[32], u[160];
    struct prn_cell c[NCOLS];
    memset(c, 0, sizeof c);
    snprintf(nl, sizeof nl, "%zu líneas / lines", s->nlines);
    c[1].p[0] = PRN_P("Total", PRN_BOLD);
    c[1].p[1] = PRN_P(nl, PRN_SUB);
    if (same) {
        c[3].p[0] = PRN_P(prn__qty(q, sizeof q, qty), PRN_BOLD);
        c[3].p[1] = PRN_P(prn__unit(u, sizeof u, qty, unit), PRN_SUB);
    }
    c[4].p[0] = PRN_P(prn__qty(p, sizeof p, pk), PRN_BOLD);
    prn__table_row(f, t, c, PRN_GREY_FILL);
}

/* A line to write on, with its label under it; prefill is printed on the line. */
static float
s_write_line(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, const char *es,
             const char *en, const char *prefill)
{
    if (prefill)
        prn__para_fit(d, pg, x + 2, y - 12, w - 4, PRN_LEFT, PRN_STYLE(9.5f, false, 0),
                      PRN_SIZES(9.5f, 8, 7, 6), 1, 2, prefill);
    prn__rule(pg, x, y - 25, x + w, y - 25, 0.5f, 0.3f);
    prn__label(d, pg, x, y - 32, 6.5f, es, en);
    return 36.0f;
}

static void
s_dispatch_box(struct prn_flow *f, const struct prn_slip *s, float x, float w)
{
    struct prn_doc *d = f->d;
    float y = f->y, in = x + 8, iw = w - 16;
    prn__box(f->pg, x, y - BOX_H, w, BOX_H, 0.8f, 0.2f);
    prn__label(d, f->pg, in, y - 14, 10, "DESPACHO", "Dispatch");
    prn__para(d, f->pg, in, y - 20, iw, PRN_LEFT, PRN_SUB,
              "Entregado completo al conductor. / Handed over in full to the driver.", 2);
    y -= 44;
    y -= s_write_line(d, f->pg, in, y, iw, "Conductor", "Driver", s->driver);
    y -= s_write_line(d, f->pg, in, y, iw, "Firma", "Signature", NULL);
    y -= s_write_line(d, f->pg, in, y, iw, "Fecha y hora", "Date and time", NULL);
    y -= s_write_line(d, f->pg, in, y, iw, "Responsable del almacén", "Warehouse officer", NULL);
}

static void
s_checkbox(struct prn_doc *d, HPDF_Page pg, float x, float y, const char *text)
{
    prn__box(pg, x, y - 1, 7, 7, 0.6f, 0);
    prn__text(d, pg, x + 10, y, PRN_LEFT, PRN_STYLE(7.5f, false, 0), text);
}

static void
s_receipt_box(struct prn_flow *f, float x, float w)
{
    struct prn_doc *d = f->d;
    float y = f->y, in = x + 8, iw = w - 16, stamp = 84;
    prn__box(f->pg, x, y - BOX_H, w, BOX_H, 1.2f, 0.1f);
    prn__label(d, f->pg, in, y - 14, 10, "RECEPCIÓN", "Receipt");
    y -= 20;
    y -= prn__para(d, f->pg, in, y, iw, PRN_LEFT, PRN_STYLE(7, false, 0),
                   "Anote en cada línea la cantidad recibida. Si falta algo, anote cuánto y el "
                   "motivo: D dañado, F faltante, V vencido, R rechazado.", 3);
    y -= prn__para(d, f->pg, in, y, iw, PRN_LEFT, PRN_SUB,
                   "Write the quantity received on each line. For any shortfall, write how many "
                   "and the reason: D damaged, F missing, V expired, R rejected.", 3);
    y -= 12;
    float w1 = prn__label(d, f->pg, in, y, 7.5f, "¿Recibió todo conforme?", "All received?");
    s_checkbox(d, f->pg, in + w1 + 10, y, "Sí / Yes");
    s_checkbox(d, f->pg, in + w1 + 60, y, "No");
    y -= 4;
    float lw = iw - stamp - 10;
    y -= s_write_line(d, f->pg, in, y, lw, "Dirigente de la comunidad", "Community leader", NULL);
    y -= s_write_line(d, f->pg, in, y, lw, "Firma", "Signature", NULL);
    s_write_line(d, f->pg, in, y, lw, "Fecha y hora", "Date and time", NULL);
    float sx = x + w - 8 - stamp, sy = y - 30;
    prn__dash_rule(f->pg, sx, sy, sx + stamp, sy, 0.4f);
    prn__dash_rule(f->pg, sx, sy + stamp, sx + stamp, sy + stamp, 0.4f);
    prn__dash_rule(f->pg, sx, sy, sx, sy + stamp, 0.4f);
    prn__dash_rule(f->pg, sx + stamp, sy, sx + stamp, sy + stamp, 0.4f);
    prn__text(d, f->pg, sx + stamp / 2, sy + stamp / 2 + 2, PRN_CENTER, PRN_STYLE(8, true, 0.5f),
              "Sello");
    prn__text(d, f->pg, sx + stamp / 2, sy + stamp / 2 - 7, PRN_CENTER, PRN_SUB, "Stamp");
}

static float
s_remarks_h(struct prn_doc *d, const struct prn_slip *s, float w)
{
    return 22 + prn__para_h(d, w, PRN_BODY, s->remarks, 0) + 4 * 18 + 8;
}

static void
s_remarks(struct prn_flow *f, const struct prn_slip *s)
{
    struct prn_doc *d = f->d;
    float w = f->right - f->left, h = s_remarks_h(d, s, w - 16), y = f->y;
    prn__box(f->pg, f->left, y - h, w, h, 0.6f, 0.4f);
    prn__label(d, f->pg, f->left + 8, y - 14, 10, "OBSERVACIONES", "Remarks");
    y -= 22;
    y -= prn__para(d, f->pg, f->left + 8, y, w - 16, PRN_LEFT, PRN_BODY, s->remarks, 0);
    for (int i = 1; i <= 4; i++)
        prn__rule(f->pg, f->left + 8, y - 18.0f * (float)i, f->right - 8, y - 18.0f * (float)i,
                  0.4f, PRN_GREY_RULE);
    f->y -= h;
}

/* The blocks for signatures and remarks, never split across pages. */
static void
s_signatures(struct prn_flow *f, const struct prn_slip *s)
{
    float w = f->right - f->left, wd = 200, gap = 10;
    float need = 22 + BOX_H + gap + s_remarks_h(f->d, s, w - 16);
    f->y -= 12;
    prn__flow_need(f, need);
    prn__label(f->d, f->pg, f->left, f->y - 9, 8.5f,
               "¡Importante! Firme solo después de contar los bultos.",
               "Sign only after counting the packages.");
    f->y -= 22;
    s_dispatch_box(f, s, f->left, wd);
    s_receipt_box(f, f->left + wd + gap, w - wd - gap);
    f->y -= BOX_H + gap;
    s_remarks(f, s);
}

void
prn__draw_slip(struct prn_doc *d, const void *arg)
{
    const struct prn_slip *s = arg;
    struct prn_flow f;
    struct prn_table t = {0};
    prn__flow_init(&f, d, PRN_A4_W, PRN_A4_H, M, s_header, (void *)s);
    prn__flow_page(&f);
    t.grid = true;
    prn__table_open(&f, &t, s_cols, NCOLS);
    for (size_t i = 0; i < s->nlines && prn__doc_ok(d); i++)
        s_line_row(&f, &t, &s->lines[i], i % 2 == 1);
    s_total_row(&f, &t, s);
    prn__table_close(&f, &t);
    s_signatures(&f, s);
    char left[160];
    snprintf(left, sizeof left, "Guía de remisión %s · Ayni", s->code);
    prn__doc_number_pages(d, f.first_page, prn__flow_pages(&f), left);
}

static const char *
s_title(char *buf, size_t n, const char *what, const struct prn_slip *s)
{
    snprintf(buf, n, "%s %s", what, s && s->code ? s->code : "");
    return buf;
}

int
prn_slip_render(const struct prn_slip *slip, unsigned char **pdf, size_t *len, char *err,
                size_t errlen)
{
    char title[200];
    struct prn_check c = {err, errlen, 0};
    if (prn__check_out(&c, pdf, "output buffer 'pdf'") || prn__check_out(&c, len, "'len'"))
        return c.rc;
    *pdf = NULL;
    int rc = prn__check_slip(slip, err, errlen);
    if (rc)
        return rc;
    return prn__render(prn__draw_slip, slip, s_title(title, sizeof title, "Guía de remisión", slip),
                       pdf, len, err, errlen);
}

int
prn_slip_write(const struct prn_slip *slip, const char *path, char *err, size_t errlen)
{
    char title[200];
    int rc = prn__check_slip(slip, err, errlen);
    if (rc)
        return rc;
    return prn__write(prn__draw_slip, slip, s_title(title, sizeof title, "Guía de remisión", slip),
                      path, err, errlen);
}
