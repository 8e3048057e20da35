/* prn_draw.c: rules, boxes and QR codes.
 *
 * A QR code is drawn as filled rectangles, one per run of dark modules in a row,
 * all in one path, so a symbol costs a few hundred path operators and no image.
 * Symbols use error correction level M; upper-case Base32 tokens come out in
 * alphanumeric mode, which keeps them small.
 */
#include "prn_int.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "error.h"

#define PRN_QR_QUIET 4 /* modules of white around the symbol */

void
prn__rule(HPDF_Page pg, float x1, float y1, float x2, float y2, float width, float grey)
{
    if (!pg)
        return;
    HPDF_Page_SetLineWidth(pg, width);
    HPDF_Page_SetGrayStroke(pg, grey);
    HPDF_Page_MoveTo(pg, x1, y1);
    HPDF_Page_LineTo(pg, x2, y2);
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
    HPDF_Page_SetLineWidth(pg, width);
    HPDF_Page_SetGrayStroke(pg, grey);
    HPDF_Page_Rectangle(pg, x, y, w, h);
    HPDF_Page_Stroke(pg);
}

void
prn__fill(HPDF_Page pg, float x, float y, float w, float h, float grey)
{
    if (!pg)
        return;
    HPDF_Page_SetGrayFill(pg, grey);
    HPDF_Page_Rectangle(pg, x, y, w, h);
    HPDF_Page_Fill(pg);
}

static QRcode *
s_encode(struct prn_doc *d, const char *text)
{
    if (d->rc)
        return NULL;
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        prn__doc_fail(d, AYNI_EINVAL, "cannot encode '%.24s...' as a QR code: %s", text,
                      errno == ERANGE ? "too long" : strerror(errno));
    return q;
}

float
prn__qr_side(struct prn_doc *d, const char *text, float mod)
{
    QRcode *q = s_encode(d, text);
    if (!q)
        return 0;
    float side = (float)(q->width + 2 * PRN_QR_QUIET) * mod;
    QRcode_free(q);
    return side;
}

float
prn__qr_module(struct prn_doc *d, const char *text, float side, float min)
{
    QRcode *q = s_encode(d, text);
    if (!q)
        return min;
    float mod = side / (float)(q->width + 2 * PRN_QR_QUIET);
    QRcode_free(q);
    return mod < min ? min : mod;
}

void
prn__qr(struct prn_doc *d, HPDF_Page pg, float x, float y, float mod, const char *text)
{
    QRcode *q = s_encode(d, text);
    if (!q || !pg)
        goto out;
    int w = q->width;
    float x0 = x + PRN_QR_QUIET * mod, y0 = y - PRN_QR_QUIET * mod;
    HPDF_Page_SetGrayFill(pg, 0);
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
            HPDF_Page_Rectangle(pg, x0 + (float)start * mod, y0 - (float)(r + 1) * mod,
                                (float)(c - start) * mod, mod);
        }
    }
    HPDF_Page_Fill(pg);
out:
    if (q)
        QRcode_free(q);
}
