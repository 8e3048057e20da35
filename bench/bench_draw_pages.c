/* bench_draw_pages.c: the slip and label pages of ayni-bench-draw, drawn with libharu
 * and libqrencode alone: fixed positions taken from the printer's own pages, the same
 * texts, fonts, sizes, rules, boxes and QR sizes; a cell wraps with libharu's
 * HPDF_Font_MeasureText.  The slip is one page: the benchmark's shipments have at most
 * three lines.  The QR path is the printer's prn__qr_path, so that floor and printer
 * write the same operators.  Benchmark-only code.
 */
#include <qrencode.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bench_draw.h"
#include "prn_int.h" /* prn__qr_path, prn__utf8_next, prn__cp1252 */

#define W4 595.276f
#define H4 841.89f
#define W6 297.638f
#define H6 419.528f
#define M 36.0f
#define R (W4 - M)
#define GREY_SUB 0.42f

enum { HELV, BOLD };

static const char *
s_s(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static long
s_i(json_t *o, const char *k)
{
    return (long)json_integer_value(json_object_get(o, k));
}

const char *
draw_cp1252(struct draw_doc *d, const char *s)
{
    size_t k = 0;
    while (*s && k + 1 < sizeof d->buf) {
        int b = prn__cp1252(prn__utf8_next(&s));
        d->buf[k++] = (char)(b < 0 ? '?' : b);
    }
    d->buf[k] = '\0';
    return d->buf;
}

/* Text at x, y: align 'l', 'r' (ending at x) or 'c' (centred on x).  Returns its width. */
static float
s_text(struct draw_doc *d, int font, float size, float grey, float x, float y, char align,
       const char *utf8)
{
    const char *t = draw_cp1252(d, utf8);
    HPDF_Page_BeginText(d->pg);
    HPDF_Page_SetFontAndSize(d->pg, d->f[font], size);
    HPDF_Page_SetGrayFill(d->pg, grey);
    float w = HPDF_Page_TextWidth(d->pg, t);
    HPDF_Page_TextOut(d->pg, align == 'r' ? x - w : align == 'c' ? x - w / 2 : x, y, t);
    HPDF_Page_EndText(d->pg);
    return w;
}

/* "ES / en": es bold, en smaller and grey.  Returns the width. */
static float
s_label(struct draw_doc *d, float x, float y, float size, const char *es, const char *en)
{
    float w = s_text(d, BOLD, size, 0.1f, x, y, 'l', es);
    char b[160];
    snprintf(b, sizeof b, " / %s", en);
    return w + s_text(d, HELV, size * 0.88f, GREY_SUB, x + w, y, 'l', b);
}

/* s wrapped in width w from baseline y down; returns the number of lines. */
static int
s_para(struct draw_doc *d, int font, float size, float grey, float x, float y, float w,
       const char *utf8, bool draw)
{
    char text[4096];
    snprintf(text, sizeof text, "%s", draw_cp1252(d, utf8));
    HPDF_UINT len = (HPDF_UINT)strlen(text), at = 0;
    int n = 0;
    while (at < len) {
        HPDF_UINT k = HPDF_Font_MeasureText(d->f[font], (HPDF_BYTE *)text + at, len - at, w,
                                            size, 0, 0, HPDF_TRUE, NULL);
        if (k == 0)
            k = HPDF_Font_MeasureText(d->f[font], (HPDF_BYTE *)text + at, len - at, w, size, 0,
                                      0, HPDF_FALSE, NULL);
        k = k ? k : 1;
        if (draw) {
            char save = text[at + k];
            text[at + k] = '\0';
            HPDF_Page_BeginText(d->pg);
            HPDF_Page_SetFontAndSize(d->pg, d->f[font], size);
            HPDF_Page_SetGrayFill(d->pg, grey);
            HPDF_Page_TextOut(d->pg, x, y - (float)n * size * 1.22f, text + at);
            HPDF_Page_EndText(d->pg);
            text[at + k] = save;
        }
        for (at += k; at < len && text[at] == ' '; at++)
            ;
        n++;
    }
    return n;
}

static void
s_line(struct draw_doc *d, float x1, float y1, float x2, float y2, float width, float grey)
{
    HPDF_Page_SetLineWidth(d->pg, width);
    HPDF_Page_SetGrayStroke(d->pg, grey);
    HPDF_Page_MoveTo(d->pg, x1, y1);
    HPDF_Page_LineTo(d->pg, x2, y2);
    HPDF_Page_Stroke(d->pg);
}

static void
s_rect(struct draw_doc *d, float x, float y, float w, float h, float width, float grey, bool fill)
{
    if (fill)
        HPDF_Page_SetGrayFill(d->pg, grey);
    else
        HPDF_Page_SetLineWidth(d->pg, width), HPDF_Page_SetGrayStroke(d->pg, grey);
    HPDF_Page_Rectangle(d->pg, x, y, w, h);
    if (fill)
        HPDF_Page_Fill(d->pg);
    else
        HPDF_Page_Stroke(d->pg);
}

/* The QR of text, side points wide with its quiet zone, whose top-left corner is at x,
 * top (moved right and up by the quiet zone if shift, to align the symbol itself). */
static float
s_qr(struct draw_doc *d, const char *text, float side, float x, float top, bool shift)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return 0;
    float mod = side / (float)(q->width + 8), quiet = shift ? 4 * mod : 0;
    prn__qr_path(d->pg, q, x + quiet, top + quiet, mod);
    QRcode_free(q);
    return mod;
}

static const char *
s_date(const char *iso, char *b)
{
    if (strlen(iso) < 10)
        return "";
    snprintf(b, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return b;
}

/* ---- the slip ---- */

static const struct {
    const char *es, *en;
    float w;
    char al;
} s_cols[8] = {{"Nº", "No.", 20, 'c'},
               {"Artículo", "Item", 112, 'l'},
               {"Lote · vence / series", "Lot · expires / serials", 150, 'l'},
               {"Cantidad", "Quantity", 52, 'r'},
               {"Bultos", "Packages", 38, 'r'},
               {"Donante", "Donor", 61, 'l'},
               {"Recibido", "Received", 44, 'c'},
               {"Falta y\nmotivo", "Short, reason", 46, 'c'}};

/* Where column c's text is anchored, for a column starting at x. */
static float
s_anchor(int c, float x)
{
    return s_cols[c].al == 'l' ? x + 3 : s_cols[c].al == 'r' ? x + s_cols[c].w - 3
                                                            : x + s_cols[c].w / 2;
}

struct s_para {
    const char *s;
    int font;
    float size, grey;
};

/* One table row of up to three paragraphs a cell, shaded, with its grid; returns its
 * height.  A left-aligned paragraph wraps; the others are one line. */
static float
s_row(struct draw_doc *d, float top, struct s_para cell[8][3], float shade)
{
    float h = 0;
    int lines[8][3] = {{0}};
    for (int c = 0; c < 8; c++) {
        float ch = 0;
        for (int k = 0; k < 3 && cell[c][k].s; k++) {
            struct s_para *p = &cell[c][k];
            lines[c][k] = s_cols[c].al == 'l' ? s_para(d, p->font, p->size, 0, 0, 0,
                                                       s_cols[c].w - 6, p->s, false) : 1;
            ch += (float)lines[c][k] * p->size * 1.22f;
        }
        h = ch > h ? ch : h;
    }
    h += 5.2f;
    if (shade < 1)
        s_rect(d, M, top - h, R - M - 0.276f, h, 0, shade, true);
    float x = M;
    for (int c = 0; c < 8; c++) {
        float y = top - 2.6f, ax = s_anchor(c, x);
        for (int k = 0; k < 3 && cell[c][k].s; k++) {
            struct s_para *p = &cell[c][k];
            if (s_cols[c].al == 'l')
                s_para(d, p->font, p->size, p->grey, ax, y - p->size * 0.95f, s_cols[c].w - 6,
                       p->s, true);
            else
                s_text(d, p->font, p->size, p->grey, ax, y - p->size * 0.95f, s_cols[c].al, p->s);
            y -= (float)lines[c][k] * p->size * 1.22f;
        }
        s_line(d, x, top, x, top - h, 0.3f, 0.72f);
        x += s_cols[c].w;
    }
    s_line(d, x, top, x, top - h, 0.3f, 0.72f);
    s_line(d, M, top - h, x, top - h, 0.3f, 0.72f);
    return h;
}

static float
s_table_head(struct draw_doc *d, float top)
{
    float x = M, h = 30.332f;
    s_rect(d, M, top - h, 523, h, 0, 0.9f, true);
    for (int c = 0; c < 8; c++) {
        char es[64];
        float y = top - 9.44f, ax = s_anchor(c, x);
        snprintf(es, sizeof es, "%s", s_cols[c].es);
        for (char *line = strtok(es, "\n"); line; line = strtok(NULL, "\n"), y -= 8.78f)
            s_text(d, BOLD, 7.2f, 0, ax, y, s_cols[c].al, line);
        s_text(d, HELV, 6.2f, GREY_SUB, ax, y + 0.95f, s_cols[c].al, s_cols[c].en);
        s_line(d, x, top, x, top - h, 0.3f, 0.72f);
        x += s_cols[c].w;
    }
    s_line(d, x, top, x, top - h, 0.3f, 0.72f);
    s_line(d, M, top - h, x, top - h, 0.6f, 0.35f);
    return h;
}

/* A line's texts: lots or serials, expiry, donors. */
static void
s_line_texts(json_t *l, char *lot, char *exp, char *donors, size_t n)
{
    json_t *lots = json_object_get(l, "lots"), *lt, *sn;
    size_t i, k, at = 0, dat = 0;
    lot[0] = exp[0] = donors[0] = '\0';
    json_array_foreach(lots, i, lt) {
        json_array_foreach(json_object_get(lt, "serials"), k, sn)
            at += (size_t)snprintf(lot + at, n - at, "%s%s", at ? ", " : "", json_string_value(sn));
        if (!json_object_get(lt, "serials"))
            at += json_array_size(lots) > 1
                      ? (size_t)snprintf(lot + at, n - at, "%s%s (%ld)", i ? ", " : "",
                                         s_s(lt, "lot"), s_i(lt, "qty"))
                      : (size_t)snprintf(lot + at, n - at, "%s", s_s(lt, "lot"));
        char date[11];
        if (json_array_size(lots) == 1 && json_is_string(json_object_get(lt, "expiry")))
            snprintf(exp, 64, "Vence / Expires: %s", s_date(s_s(lt, "expiry"), date));
        if (!strstr(donors, s_s(lt, "donor_name")))
            dat += (size_t)snprintf(donors + dat, n - dat, "%s%s", dat ? ", " : "",
                                    s_s(lt, "donor_name"));
        at = at < n ? at : n - 1;
        dat = dat < n ? dat : n - 1;
    }
}

static float
s_lines(struct draw_doc *d, json_t *sh, float y)
{
    json_t *l, *lines = json_object_get(sh, "lines");
    size_t i;
    long qty = 0, pk = 0;
    bool same = true;
    y -= s_table_head(d, y);
    json_array_foreach(lines, i, l) {
        char no[16], item[300], lot[2048], lott[2100], exp[64], donors[600], q[32], p[16], ns[64];
        bool serial = !strcmp(s_s(l, "tracking"), "serial");
        s_line_texts(l, lot, exp, donors, sizeof lot);
        snprintf(no, sizeof no, "%ld", s_i(l, "line"));
        snprintf(item, sizeof item, "%s · %s", s_s(l, "item_name_en"), s_s(l, "item"));
        snprintf(lott, sizeof lott, "Lote / Lot: %s", lot);
        snprintf(ns, sizeof ns, "Series / Serials (%ld):", s_i(l, "qty"));
        snprintf(q, sizeof q, "%ld", s_i(l, "qty"));
        snprintf(p, sizeof p, "%ld", s_i(l, "packages"));
        qty += s_i(l, "qty"), pk += s_i(l, "packages");
        same = same && !strcmp(s_s(l, "unit"), s_s(json_array_get(lines, 0), "unit"));
        struct s_para cell[8][3] = {
            {{no, HELV, 8.5f, 0}},
            {{s_s(l, "item_name_es"), BOLD, 8.5f, 0}, {item, HELV, 6.8f, GREY_SUB}},
            {serial ? (struct s_para){ns, HELV, 6.8f, GREY_SUB}
                    : (struct s_para){lott, HELV, 8.5f, 0},
             serial ? (struct s_para){lot, HELV, 7, 0}
                    : (struct s_para){exp[0] ? exp : NULL, HELV, 8.5f, 0}},
            {{q, BOLD, 8.5f, 0}, {s_s(l, "unit"), HELV, 6.8f, GREY_SUB}},
            {{p, HELV, 8.5f, 0}},
            {{donors, HELV, 8.5f, 0}}};
        y -= s_row(d, y, cell, i % 2 ? 0.965f : 1);
    }
    char nl[64], q[32], p[32];
    snprintf(nl, sizeof nl, "%zu líneas / lines", json_array_size(lines));
    snprintf(q, sizeof q, "%ld", qty);
    snprintf(p, sizeof p, "%ld", pk);
    struct s_para cell[8][3] = {
        {{NULL}}, {{"Total", BOLD, 8.5f, 0}, {nl, HELV, 6.8f, GREY_SUB}}, {{NULL}},
        {{same ? q : NULL, BOLD, 8.5f, 0},
         {s_s(json_array_get(lines, 0), "unit"), HELV, 6.8f, GREY_SUB}},
        {{p, BOLD, 8.5f, 0}}};
    return y - s_row(d, y, cell, 0.9f);
}

static void
s_write_line(struct draw_doc *d, float x, float y, float w, const char *es, const char *en)
{
    s_line(d, x, y - 25, x + w, y - 25, 0.5f, 0.3f);
    s_label(d, x, y - 32, 6.5f, es, en);
}

static void
s_dash(struct draw_doc *d, float x1, float y1, float x2, float y2)
{
    static const HPDF_UINT16 dash[2] = {3, 3};
    HPDF_Page_SetDash(d->pg, dash, 2, 0);
    s_line(d, x1, y1, x2, y2, 0.5f, 0.4f);
    HPDF_Page_SetDash(d->pg, NULL, 0, 0);
}

static void
s_signatures(struct draw_doc *d, float y)
{
    static const char *const des[4] = {"Conductor", "Firma", "Fecha y hora",
                                       "Responsable del almacén"};
    static const char *const den[4] = {"Driver", "Signature", "Date and time", "Warehouse officer"};
    s_label(d, M, y - 9, 8.5f, "¡Importante! Firme solo después de contar los bultos.",
            "Sign only after counting the packages.");
    y -= 22;
    s_rect(d, M, y - 196, 200, 196, 0.8f, 0.2f, false);
    s_label(d, 44, y - 14, 10, "DESPACHO", "Dispatch");
    s_para(d, HELV, 6.8f, GREY_SUB, 44, y - 26.46f, 184,
           "Entregado completo al conductor. / Handed over in full to the driver.", true);
    for (int i = 0; i < 4; i++)
        s_write_line(d, 44, y - 44 - 36.0f * (float)i, 184, des[i], den[i]);
    float x = 246, w = R - x, yy = y - 20;
    s_rect(d, x, y - 196, w, 196, 1.2f, 0.1f, false);
    s_label(d, x + 8, y - 14, 10, "RECEPCIÓN", "Receipt");
    yy -= 8.54f * (float)s_para(d, HELV, 7, 0, x + 8, yy - 6.65f, w - 16,
                                "Anote en cada línea la cantidad recibida. Si falta algo, "
                                "anote cuánto y el motivo: D dañado, F faltante, V vencido, "
                                "R rechazado.", true);
    yy -= 8.3f * (float)s_para(d, HELV, 6.8f, GREY_SUB, x + 8, yy - 6.46f, w - 16,
                               "Write the quantity received on each line. For any shortfall, "
                               "write how many and the reason: D damaged, F missing, V expired, "
                               "R rejected.", true);
    yy -= 12;
    float w1 = s_label(d, x + 8, yy, 7.5f, "¿Recibió todo conforme?", "All received?");
    for (int i = 0; i < 2; i++) {
        float bx = x + 8 + w1 + 10 + 50.0f * (float)i;
        s_rect(d, bx, yy - 1, 7, 7, 0.6f, 0, false);
        s_text(d, HELV, 7.5f, 0, bx + 10, yy, 'l', i ? "No" : "Sí / Yes");
    }
    yy -= 4;
    s_write_line(d, x + 8, yy, w - 110, "Dirigente de la comunidad", "Community leader");
    s_write_line(d, x + 8, yy - 36, w - 110, "Firma", "Signature");
    s_write_line(d, x + 8, yy - 72, w - 110, "Fecha y hora", "Date and time");
    float sx = R - 92, sy = yy - 102;
    s_dash(d, sx, sy, sx + 84, sy), s_dash(d, sx, sy + 84, sx + 84, sy + 84);
    s_dash(d, sx, sy, sx, sy + 84), s_dash(d, sx + 84, sy, sx + 84, sy + 84);
    s_text(d, BOLD, 8, 0.5f, sx + 42, sy + 44, 'c', "Sello");
    s_text(d, HELV, 6.8f, GREY_SUB, sx + 42, sy + 35, 'c', "Stamp");
    y -= 206;
    s_rect(d, M, y - 102, R - M, 102, 0.6f, 0.4f, false);
    s_label(d, 44, y - 14, 10, "OBSERVACIONES", "Remarks");
    for (int i = 1; i <= 4; i++)
        s_line(d, 44, y - 22 - 18.0f * (float)i, R - 8, y - 22 - 18.0f * (float)i, 0.4f, 0.72f);
}

static void
s_place(struct draw_doc *d, float x, const char *es, const char *en, json_t *p, float bw, float bg)
{
    char where[300];
    s_rect(d, x, 625.07f, 256.638f, 56.33f, bw, bg, false);
    s_label(d, x + 6, 667.9f, 7.5f, es, en);
    s_text(d, BOLD, 10.5f, 0, x + 6, 653.42f, 'l', s_s(p, "name"));
    s_text(d, HELV, 7.5f, 0.25f, x + 6, 643.46f, 'l', s_s(p, "code"));
    snprintf(where, sizeof where, "%s · %s", s_s(p, "district"), s_s(p, "region"));
    s_text(d, HELV, 8.5f, 0, x + 6, 633.36f, 'l', where);
}

static void
s_slip(struct draw_doc *d, json_t *sh)
{
    static const char *const tes[3] = {"Equipo", "Vehículo", "Conductor"};
    static const char *const ten[3] = {"Team", "Vehicle", "Driver"};
    const char *tv[3] = {s_s(sh, "team"), s_s(sh, "vehicle"), ""};
    char date[11], left[200], en[64] = "  /  Page 1 of 1";
    d->pg = d->pages[d->npages++] = HPDF_AddPage(d->pdf);
    HPDF_Page_SetWidth(d->pg, W4);
    HPDF_Page_SetHeight(d->pg, H4);
    float mod = s_qr(d, s_s(sh, "token"), 116, R - 116, H4 - M, true);
    float q = 4 * mod, qx = R - 116 + q;
    s_text(d, BOLD, 7, 0, qx + 58, H4 - M - 116 + 2 * q - 8, 'c', "Escanear al recibir");
    s_text(d, HELV, 6.8f, GREY_SUB, qx + 58, H4 - M - 116 + 2 * q - 16, 'c', "Scan on receipt");
    s_text(d, BOLD, 8.5f, 0.3f, M, 797.815f, 'l', "Ayni · distribución de ayuda humanitaria");
    s_text(d, BOLD, 20, 0, M, 772.52f, 'l', "GUÍA DE REMISIÓN");
    s_text(d, HELV, 11, GREY_SUB, M, 758.52f, 'l', "Delivery slip");
    s_label(d, M, 741.02f, 6.5f, "Número", "Number");
    s_text(d, BOLD, 13, 0, M, 725.17f, 'l', s_s(sh, "code"));
    s_label(d, 286.5f, 741.02f, 6.5f, "Fecha", "Date");
    s_text(d, BOLD, 13, 0, 286.5f, 725.17f, 'l', s_date(s_s(sh, "dispatched_at"), date));
    s_place(d, M, "ORIGEN", "Origin", json_object_get(sh, "from"), 0.6f, 0.4f);
    s_place(d, 302.638f, "DESTINO", "Destination", json_object_get(sh, "to"), 1.2f, 0.1f);
    for (int i = 0; i < 3; i++) {
        s_label(d, M + 174.425f * (float)i, 610.57f, 6.5f, tes[i], ten[i]);
        s_text(d, HELV, 8.5f, 0, M + 174.425f * (float)i, 599.0f, 'l', *tv[i] ? tv[i] : "—");
    }
    s_signatures(d, s_lines(d, sh, 586.7f) - 12);
    s_line(d, M, 32, R, 32, 0.4f, 0.72f);
    HPDF_Page_SetFontAndSize(d->pg, d->f[HELV], 6.8f);
    s_text(d, BOLD, 7.5f, 0, R - HPDF_Page_TextWidth(d->pg, en), 22, 'r', "Página 1 de 1");
    s_text(d, HELV, 6.8f, GREY_SUB, R, 22, 'r', en);
    snprintf(left, sizeof left, "Guía de remisión %s · Ayni", s_s(sh, "code"));
    s_text(d, HELV, 6.8f, GREY_SUB, M, 22, 'l', left);
}

/* ---- a label ---- */

static void
s_label_page(struct draw_doc *d, json_t *sh, json_t *p, size_t count)
{
    json_t *to = json_object_get(sh, "to"), *from = json_object_get(sh, "from"), *l = NULL, *x;
    char buf[600], what[400];
    size_t i;
    json_array_foreach(json_object_get(sh, "lines"), i, x)
        if (s_i(x, "line") == s_i(p, "line"))
            l = x;
    d->pg = d->pages[d->npages++] = HPDF_AddPage(d->pdf);
    HPDF_Page_SetWidth(d->pg, W6);
    HPDF_Page_SetHeight(d->pg, H6);
    snprintf(what, sizeof what, "%ld %s — %s", s_i(p, "qty"), s_s(l, "unit"),
             s_s(l, "item_name_es"));
    snprintf(buf, sizeof buf, "Origen / Origin: %s (%s)", s_s(from, "name"), s_s(from, "code"));
    /* the blocks above and below the QR, which takes the room left, up to 210 points */
    int nn = s_para(d, BOLD, 15, 0, 0, 0, 261.638f, s_s(to, "name"), false);
    int nw = s_para(d, BOLD, 9.5f, 0, 0, 0, 261.638f, what, false);
    int no = s_para(d, HELV, 7, 0.2f, 0, 0, 261.638f, buf, false);
    float h1 = 33.35f + 18.3f * (float)nn, h3 = 62.446f + 11.59f * (float)nw + 8.54f * (float)no;
    float room = H6 - 42 - h1 - h3, side = room < 210 ? room : 210;
    s_qr(d, s_s(p, "token"), side, (W6 - side) / 2, H6 - 21 - h1 - (room - side) / 2, false);
    s_label(d, 18, 393.528f, 8, "DESTINO", "Destination");
    s_para(d, BOLD, 15, 0, 18, 375.278f, 261.638f, s_s(to, "name"), true);
    float y = 389.528f - 18.3f * (float)nn;
    char where[300];
    snprintf(where, sizeof where, "%s · %s", s_s(to, "district"), s_s(to, "region"));
    s_text(d, HELV, 10, 0, 18, y - 9.5f, 'l', where);
    s_text(d, HELV, 7.5f, 0.3f, 18, y - 19.325f, 'l', s_s(to, "code"));
    y = 18 + h3;
    char es[64], en[64], ship[200];
    snprintf(es, sizeof es, "Paquete %ld de %zu", s_i(p, "number"), count);
    snprintf(en, sizeof en, "Package %ld of %zu", s_i(p, "number"), count);
    s_text(d, BOLD, 16, 0, W6 / 2, y - 15, 'c', es);
    s_text(d, HELV, 9, GREY_SUB, W6 / 2, y - 26, 'c', en);
    s_label(d, 18, y - 39, 7, "Contenido", "Contents");
    y -= 42 + 11.59f * (float)s_para(d, BOLD, 9.5f, 0, 18, y - 51.03f, 261.638f, what, true);
    s_text(d, HELV, 6.8f, GREY_SUB, 18, y - 6.46f, 'l', s_s(l, "item_name_en"));
    snprintf(ship, sizeof ship, "Envío / Shipment: %s", s_s(sh, "code"));
    s_text(d, BOLD, 7.5f, 0, 18, y - 18.425f, 'l', ship);
    s_para(d, HELV, 7, 0.2f, 18, y - 27.1f, 261.638f, buf, true);
}

void
draw_shipment(struct draw_doc *d, json_t *sh)
{
    size_t i;
    json_t *p, *packages = json_object_get(sh, "packages");
    s_slip(d, sh);
    json_array_foreach(packages, i, p) s_label_page(d, sh, p, json_array_size(packages));
}
