/* bench_draw.h: the pages ayni-bench-draw draws (bench_draw_pages.c), with libharu and
 * libqrencode alone.  Benchmark-only code.
 */
#ifndef AYNI_BENCH_DRAW_H
#define AYNI_BENCH_DRAW_H

#include <hpdf.h>
#include <jansson.h>

/* One PDF being drawn: its document, its two fonts (Helvetica and Helvetica-Bold in
 * WinAnsiEncoding, loaded by the caller), the page being drawn and all its pages. */
struct draw_doc {
    HPDF_Doc pdf;
    HPDF_Font f[2];
    HPDF_Page pg;
    HPDF_Page *pages; /* room for the slip's page and one a package */
    size_t npages;
    char buf[4096];   /* text in CP1252 */
};

/* UTF-8 text in CP1252, in d->buf (cut at its size); '?' for what CP1252 lacks. */
const char *draw_cp1252(struct draw_doc *d, const char *utf8);
/* Draw shipment sh (as shipment.get returns it): its slip on one A4 page, then one A6
 * label page per package. */
void draw_shipment(struct draw_doc *d, json_t *sh);

#endif
