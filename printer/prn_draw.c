/* prn_draw.c: rules, boxes and QR codes.
 *
 * A QR code is drawn as filled rectangles, one per run of dark modules in a row,
 * all in one path, so a symbol costs a few hundred path operators and no image.
 * The path is written in module units under one "cm" straight into the page's
 * content stream: through HPDF_Page_Rectangle each rectangle cost a 512-byte memset
 * and four float conversions, and its long coordinates tripled what deflate had to
 * compress (docs/BENCHMARKS.md).  The rectangles are the same, so the symbol looks
 * the same.
 * Symbols use error correction level M; upper-case Base32 tokens come out in
 * alphanumeric mode, which keeps them small.
 */
#include "prn_int.h"

#include <errno.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"

#define PRN_QR_QUIET 4 /* modules of white around the symbol */

/* Set what differs from the page's graphics state (which libharu tracks): a table
 * repeats the same width and grey for every rule, and each operator costs bytes to
 * write and to compress. */
static void
s_stroke(HPDF_Page pg, float width, float grey)
{
    if (HPDF_Page_GetLineWidth(pg) != width)
        HPDF_Page_SetLineWidth(pg, width);
    if (HPDF_Page_GetStrokingColorSpace(pg) != HPDF_CS_DEVICE_GRAY ||
        HPDF_Page_GetGrayStroke(pg) != grey)
        HPDF_Page_SetGrayStroke(pg, grey);
}

void
prn__grey_fill(HPDF_Page pg, float grey)
{
    if (HPDF_Page_GetFillingColorSpace(pg) != HPDF_CS_DEVICE_GRAY ||
        HPDF_Page_GetGrayFill(pg) != grey)
        HPDF_Page_SetGrayFill(pg, grey);
}

void
prn__rule(HPDF_Page pg, float x1, float y1, float x2, float y2, float width, float grey)
{
    if (!pg)
        return;
    s_stroke(pg, width, grey);
    HPDF_Page_MoveTo(pg, x1, y1);
    HPDF_Page_LineTo(pg, x2, y2);
    HPDF_Page_Stroke(pg);
}

void
prn__vrules(HPDF_Page pg, const float *xs, int n, float y1, float y2, float width, float grey)
{
    if (!pg || n <= 0)
        return;
    s_stroke(pg, width, grey);
    for (int i = 0; i < n; i++) {
        HPDF_Page_MoveTo(pg, xs[i], y1);
        HPDF_Page_LineTo(pg, xs[i], y2);
    }
    HPDF_Page_Stroke(pg);
}

void
prn__dash_rule(HPDF_Page pg, float x1, float y1, float x2, float y2, float grey)
{
    static const HPDF_UINT16 dash[2] = {3, 3};
    if (!pg)
        return;
    HPDF_Page_SetDash(pg, dash, 2, 0);
    prn__rule(pg, x1, y1, x2, y2, 0.5f, grey);
    HPDF_Page_SetDash(pg, NULL, 0, 0);
}

void
prn__box(HPDF_Page pg, float x, float y, float w, float h, float width, float grey)
{
    if (!pg)
        return;
    s_stroke(pg, width, grey);
    HPDF_Page_Rectangle(pg, x, y, w, h);
    HPDF_Page_Stroke(pg);
}

void
prn__fill(HPDF_Page pg, float x, float y, float w, float h, float grey)
{
    if (!pg)
        return;
    prn__grey_fill(pg, grey);
    HPDF_Page_Rectangle(pg, x, y, w, h);
    HPDF_Page_Fill(pg);
}

/* The symbol for text.  A page asks for the same symbol to size it and then to draw
 * it, so the last one is kept in the doc (freed by prn__doc_close): encoding, with
 * its eight mask evaluations, is the dearest step of a label. */
static const QRcode *
s_encode(struct prn_doc *d, const char *text)
{
    if (d->rc)
        return NULL;
    if (d->qr && strcmp(d->qr_text, text) == 0)
        return d->qr;
    prn__doc_qr_forget(d);
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        prn__doc_fail(d, AYNI_EINVAL, "cannot encode '%.24s...' as a QR code: %s", text,
                      errno == ERANGE ? "too long" : strerror(errno));
        return NULL;
    }
    d->qr = q;
    d->qr_text = xstrdup(text);
    return q;
}

float
prn__qr_side(struct prn_doc *d, const char *text, float mod)
{
    const QRcode *q = s_encode(d, text);
    return q ? (float)(q->width + 2 * PRN_QR_QUIET) * mod : 0;
}

float
prn__qr_module(struct prn_doc *d, const char *text, float side, float min)
{
    const QRcode *q = s_encode(d, text);
    if (!q)
        return min;
    float mod = side / (float)(q->width + 2 * PRN_QR_QUIET);
    return mod < min ? min : mod;
}

/* Append the decimal digits of v (>= 0) at o; returns the end. */
static char *
s_uint(char *o, int v)
{
    char tmp[12];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n > 0)
        *o++ = tmp[--n];
    return o;
}

int
prn__qr_path(HPDF_Page pg, const QRcode *q, float x, float y, float mod)
{
    if (HPDF_Page_GetGMode(pg) != HPDF_GMODE_PAGE_DESCRIPTION)
        return -1;
    int w = q->width;
    /* "q 0 g", the cm, then at most w/2+1 runs a row of "CCC RRR LLL 1 re\n" */
    size_t cap = 128 + (size_t)w * (size_t)(w / 2 + 1) * 18;
    char *buf = xmalloc(cap), *o = buf;
    o += snprintf(o, 128, "q 0 g %.5f 0 0 %.5f %.5f %.5f cm\n", (double)mod, (double)-mod,
                  (double)(x + PRN_QR_QUIET * mod), (double)(y - PRN_QR_QUIET * mod));
    for (int r = 0; r < w; r++) {
        const unsigned char *row = q->data + (size_t)r * (size_t)w;
        for (int c = 0; c < w;) {
            if (!(row[c] & 1)) {
                c++;
                continue;
            }
            int start = c;
            while (c < w && (row[c] & 1))
                c++;
            o = s_uint(o, start), *o++ = ' ';
            o = s_uint(o, r), *o++ = ' ';
            o = s_uint(o, c - start);
            memcpy(o, " 1 re\n", 6), o += 6;
        }
    }
    memcpy(o, "f Q\n", 4), o += 4;
    HPDF_STATUS st = HPDF_Stream_Write(((HPDF_PageAttr)pg->attr)->stream, (HPDF_BYTE *)buf,
                                       (HPDF_UINT)(o - buf));
    free(buf);
    return st == HPDF_OK ? 0 : -1;
}

void
prn__qr(struct prn_doc *d, HPDF_Page pg, float x, float y, float mod, const char *text)
{
    const QRcode *q = s_encode(d, text);
    if (q && pg && prn__qr_path(pg, q, x, y, mod) != 0)
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot draw the QR code for '%.24s...'", text);
}

void
prn__doc_qr_forget(struct prn_doc *d)
{
    if (d->qr)
        QRcode_free(d->qr);
    free(d->qr_text);
    d->qr = NULL;
    d->qr_text = NULL;
}
