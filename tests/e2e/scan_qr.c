/* scan_qr.c: photos of QR codes for the ayni-scan image tests (scan_cli.h).
 *
 * Renders tokens with libqrencode, side by side on white with a quiet zone, and
 * writes 8-bit grey PNG (libpng's simplified API) or JPEG (libjpeg).  Test-only.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>
#include <png.h>
#include <qrencode.h>

#include "mem.h"
#include "scan_cli.h"

#define S_SCALE 4
#define S_QUIET 4 /* modules of white around each code */

struct s_canvas {
    unsigned char *px;
    int w, h;
};

static void
s_draw(struct s_canvas *c, const QRcode *qr, int left)
{
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++) {
            if (!(qr->data[y * qr->width + x] & 1))
                continue;
            for (int dy = 0; dy < S_SCALE; dy++)
                memset(c->px + (size_t)((S_QUIET + y) * S_SCALE + dy) * c->w + left +
                           (S_QUIET + x) * S_SCALE,
                       0, S_SCALE);
        }
}

static void
s_write_png(const char *path, const struct s_canvas *c)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)c->w;
    img.height = (png_uint_32)c->h;
    img.format = PNG_FORMAT_GRAY;
    if (!png_image_write_to_file(&img, path, 0, c->px, 0, NULL))
        fail_msg("cannot write PNG '%s': %s", path, img.message);
}

static void
s_write_jpeg(const char *path, const struct s_canvas *c)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = (JDIMENSION)c->w;
    cinfo.image_height = (JDIMENSION)c->h;
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 90, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = c->px + (size_t)cinfo.next_scanline * (size_t)c->w;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    fclose(f);
}

void
scan_qr_photo(const char *path, const char *const *texts, int n, bool jpeg)
{
    QRcode *qr[8];
    struct s_canvas c = {0};
    assert_true(n >= 0 && n <= 8);
    c.w = c.h = n ? 0 : 64; /* no code: a white photo */
    for (int i = 0; i < n; i++) {
        qr[i] = QRcode_encodeString(texts[i], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!qr[i])
            fail_msg("cannot encode a QR code: %s", strerror(errno));
        int side = (qr[i]->width + 2 * S_QUIET) * S_SCALE;
        c.w += side;
        c.h = side > c.h ? side : c.h;
    }
    c.px = xmalloc((size_t)c.w * (size_t)c.h);
    memset(c.px, 255, (size_t)c.w * (size_t)c.h);
    for (int i = 0, left = 0; i < n; i++) {
        s_draw(&c, qr[i], left);
        left += (qr[i]->width + 2 * S_QUIET) * S_SCALE;
        QRcode_free(qr[i]);
    }
    if (jpeg)
        s_write_jpeg(path, &c);
    else
        s_write_png(path, &c);
    free(c.px);
}
