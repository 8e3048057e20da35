/* prn_label.c: one label per package — a big QR, where it goes, "Paquete 3 de 12",
 * what is in it — on A6 pages or four to an A4 page with cut marks; and the
 * shipment document that puts the slip and its labels in one PDF.
 *
 * A label has a fixed size, so a long text is set smaller rather than cut, and the
 * QR takes the space left (about 3.7 pt per module for a core token).
 */
#include "prn_int.h"

#include <stdio.h>
#include <string.h>

#define LM 18.0f     /* label margin: A4 printers leave ~5 mm at the edges */
#define QR_MAX 210.0f
#define QR_MIN_MOD 1.5f /* the smallest that reads at 150 dpi; used only for extreme texts */

struct s_labels {
    const struct prn_slip *s;
    enum prn_label_layout layout;
};

static const struct prn_slip_line *
s_line(const struct prn_slip *s, int line_no)
{
    for (size_t i = 0; line_no > 0 && i < s->nlines; i++)
        if (s->lines[i].line_no == line_no)
            return &s->lines[i];
    return NULL;
}

/* What the package holds, in words, into buf; *en gets the English item name. */
static const char *
s_contents(const struct prn_slip *s, const struct prn_package *p, char *buf, size_t n,
           const char **en)
{
    const struct prn_slip_line *l = s_line(s, p->line_no);
    char q[160];
    *en = l ? l->item_name_en : NULL;
    if (p->contents)
        return p->contents;
    if (!l)
        return "Contenido mixto (ver guía) / Mixed contents (see slip)";
    if (p->qty > 0)
        snprintf(buf, n, "%s — %s", prn__qty_unit(q, sizeof q, p->qty, l->unit),
                 l->item_name_es);
    else
        snprintf(buf, n, "%s", l->item_name_es);
    return buf;
}

/* The top block: destination.  Returns its height; with pg NULL only measures. */
static float
s_dest(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, const struct prn_slip *s)
{
    float y0 = y;
    prn__label(d, pg, x, y - 8, 8, "DESTINO", "Destination");
    y -= 12;
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(15, true, 0),
                       PRN_SIZES(15, 12.5f, 10.5f, 9), 3, 0, s->dest.name);
    char where[512];
    snprintf(where, sizeof where, "%s%s%s", s->dest.district ? s->dest.district : "",
             s->dest.district && s->dest.region ? " · " : "",
             s->dest.region ? s->dest.region : "");
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(10, false, 0),
                       PRN_SIZES(10, 8.5f, 7.5f), 2, 0, where);
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(7.5f, false, 0.3f),
                       PRN_SIZES(7.5f, 6.5f, 5.5f), 1, 0, s->dest.code);
    return y0 - y;
}

/* The bottom block: package number, contents, shipment and origin. */
static float
s_info(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, const struct prn_slip *s,
       const struct prn_package *p)
{
    char es[64], en[64], buf[512], ship[256], orig[600];
    const char *item_en;
    const char *what = s_contents(s, p, buf, sizeof buf, &item_en);
    float y0 = y, cx = x + w / 2;
    snprintf(es, sizeof es, "Paquete %d de %d", p->number, p->count);
    snprintf(en, sizeof en, "Package %d of %d", p->number, p->count);
    prn__text(d, pg, cx, y - 15, PRN_CENTER, PRN_STYLE(16, true, 0), es);
    prn__text(d, pg, cx, y - 26, PRN_CENTER, PRN_STYLE(9, false, PRN_GREY_SUB), en);
    y -= 32;
    prn__label(d, pg, x, y - 7, 7, "Contenido", "Contents");
    y -= 10;
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(9.5f, true, 0),
                       PRN_SIZES(9.5f, 8, 7), 2, 0, what);
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_SUB, PRN_SIZES(6.8f, 6), 1, 0, item_en);
    y -= 3;
    snprintf(ship, sizeof ship, "Envío / Shipment: %s", s->code);
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(7.5f, true, 0),
                       PRN_SIZES(7.5f, 6.5f), 1, 0, ship);
    snprintf(orig, sizeof orig, "Origen / Origin: %s (%s)", s->origin.name, s->origin.code);
    y -= prn__para_fit(d, pg, x, y, w, PRN_LEFT, PRN_STYLE(7, false, 0.2f), PRN_SIZES(7, 6),
                       2, 0, orig);
    return y0 - y;
}

/* One label in the box whose top-left corner is x, top; w by h. */
static void
s_label(struct prn_doc *d, HPDF_Page pg, float x, float top, float w, float h,
        const struct prn_slip *s, const struct prn_package *p)
{
    float iw = w - 2 * LM;
    float h1 = s_dest(d, NULL, 0, 0, iw, s), h3 = s_info(d, NULL, 0, 0, iw, s, p);
    float room = h - 2 * LM - h1 - h3 - 6, side = room < iw ? room : iw;
    side = side > QR_MAX ? QR_MAX : side;
    float mod = prn__qr_module(d, p->token, side, QR_MIN_MOD);
    float qside = prn__qr_side(d, p->token, mod);
    float qtop = top - LM - h1 - 3 - (room - qside) / 2;
    s_dest(d, pg, x + LM, top - LM, iw, s);
    prn__qr(d, pg, x + (w - qside) / 2, qtop, mod, p->token);
    s_info(d, pg, x + LM, top - h + LM + h3, iw, s, p);
}

static void
s_cut_marks(HPDF_Page pg)
{
    float w = PRN_A4_W, h = PRN_A4_H, cx = w / 2, cy = h / 2, t = 12;
    prn__dash_rule(pg, cx, t, cx, h - t, 0.6f);
    prn__dash_rule(pg, t, cy, w - t, cy, 0.6f);
    prn__rule(pg, cx, 0, cx, t, 0.6f, 0);
    prn__rule(pg, cx, h - t, cx, h, 0.6f, 0);
    prn__rule(pg, 0, cy, t, cy, 0.6f, 0);
    prn__rule(pg, w - t, cy, w, cy, 0.6f, 0);
    prn__rule(pg, cx - 6, cy, cx + 6, cy, 0.6f, 0);
    prn__rule(pg, cx, cy - 6, cx, cy + 6, 0.6f, 0);
}

void
prn__draw_labels(struct prn_doc *d, const struct prn_slip *s, enum prn_label_layout layout)
{
    HPDF_Page pg = NULL;
    float w = PRN_A4_W / 2, h = PRN_A4_H / 2;
    for (size_t i = 0; i < s->npackages && prn__doc_ok(d); i++) {
        const struct prn_package *p = &s->packages[i];
        if (layout == PRN_LABELS_A6) {
            pg = prn__doc_page(d, PRN_A6_W, PRN_A6_H);
            s_label(d, pg, 0, PRN_A6_H, PRN_A6_W, PRN_A6_H, s, p);
            continue;
        }
        size_t k = i % 4;
        if (k == 0) {
            pg = prn__doc_page(d, PRN_A4_W, PRN_A4_H);
            s_cut_marks(pg);
        }
        s_label(d, pg, (float)(k % 2) * w, PRN_A4_H - (float)(k / 2) * h, w, h, s, p);
    }
}

static void
s_draw_labels(struct prn_doc *d, const void *arg)
{
    const struct s_labels *a = arg;
    prn__draw_labels(d, a->s, a->layout);
}

static void
s_draw_shipment(struct prn_doc *d, const void *arg)
{
    const struct s_labels *a = arg;
    prn__draw_slip(d, a->s);
    prn__draw_labels(d, a->s, a->layout);
}

static int
s_check_out(unsigned char **pdf, size_t *len, char *err, size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (prn__check_out(&c, pdf, "output buffer 'pdf'") || prn__check_out(&c, len, "'len'"))
        return c.rc;
    *pdf = NULL;
    return 0;
}

static int
s_check_shipment(const struct prn_slip *s, enum prn_label_layout layout, char *err, size_t errlen)
{
    int rc = prn__check_slip(s, err, errlen);
    return rc ? rc : prn__check_labels(s, layout, err, errlen);
}

#define S_TITLE(buf, what, s) (snprintf(buf, sizeof buf, "%s %s", what, s->code), buf)

int
prn_labels_render(const struct prn_slip *slip, enum prn_label_layout layout,
                  unsigned char **pdf, size_t *len, char *err, size_t errlen)
{
    char title[200];
    struct s_labels a = {slip, layout};
    int rc = s_check_out(pdf, len, err, errlen);
    if (rc || (rc = prn__check_labels(slip, layout, err, errlen)))
        return rc;
    return prn__render(s_draw_labels, &a, S_TITLE(title, "Etiquetas", slip), pdf, len, err,
                       errlen);
}

int
prn_labels_write(const struct prn_slip *slip, enum prn_label_layout layout, const char *path,
                 char *err, size_t errlen)
{
    char title[200];
    struct s_labels a = {slip, layout};
    int rc = prn__check_labels(slip, layout, err, errlen);
    if (rc)
        return rc;
    return prn__write(s_draw_labels, &a, S_TITLE(title, "Etiquetas", slip), path, err, errlen);
}

int
prn_shipment_render(const struct prn_slip *slip, enum prn_label_layout layout,
                    unsigned char **pdf, size_t *len, char *err, size_t errlen)
{
    char title[200];
    struct s_labels a = {slip, layout};
    int rc = s_check_out(pdf, len, err, errlen);
    if (rc || (rc = s_check_shipment(slip, layout, err, errlen)))
        return rc;
    return prn__render(s_draw_shipment, &a, S_TITLE(title, "Guía y etiquetas", slip), pdf, len,
                       err, errlen);
}

int
prn_shipment_write(const struct prn_slip *slip, enum prn_label_layout layout, const char *path,
                   char *err, size_t errlen)
{
    char title[200];
    struct s_labels a = {slip, layout};
    int rc = s_check_shipment(slip, layout, err, errlen);
    if (rc)
        return rc;
    return prn__write(s_draw_shipment, &a, S_TITLE(title, "Guía y etiquetas", slip), path, err,
                      errlen);
}
