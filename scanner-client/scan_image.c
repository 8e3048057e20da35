/* scan_image.c: `ayni-scan image`: the QR codes in PNG and JPEG photos.
 *
 * zbar's library does not read files, so the photo is decoded here (PNG with libpng's
 * simplified API, JPEG with libjpeg) into 8-bit grey, and zbar's image scanner, with
 * only QR codes enabled, finds every code in it.  Each code is then handled as a
 * scanned line is.  The file type is told by its first bytes, not its name.  A photo
 * larger than S_MAX_PIXELS is refused before anything is allocated for it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <zbar.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "scan.h"

#define S_MAX_SIDE 20000
#define S_MAX_PIXELS (64L * 1000 * 1000)

struct s_grey {
    unsigned char *pixels;
    unsigned width, height;
};

static int
s_too_big(const char *path, unsigned long w, unsigned long h, char *err, size_t errlen)
{
    if (w > 0 && h > 0 && w <= S_MAX_SIDE && h <= S_MAX_SIDE && w * h <= S_MAX_PIXELS)
        return 0;
    snprintf(err, errlen, _("'%s' is %lu×%lu pixels: too large (at most %ld megapixels); "
             "take a smaller photo"), path, w, h, S_MAX_PIXELS / 1000000);
    return AYNI_ETOOBIG;
}

/* ---- PNG ---- */

static int
s_read_png(const char *path, struct s_grey *g, char *err, size_t errlen)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        snprintf(err, errlen, _("cannot read PNG image '%s': %s"), path, img.message);
        return AYNI_EIO;
    }
    int rc = s_too_big(path, img.width, img.height, err, errlen);
    if (rc) {
        png_image_free(&img);
        return rc;
    }
    img.format = PNG_FORMAT_GRAY;
    g->width = img.width;
    g->height = img.height;
    g->pixels = xmalloc(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, NULL, g->pixels, 0, NULL)) {
        snprintf(err, errlen, _("cannot read PNG image '%s': %s"), path, img.message);
        free(g->pixels);
        g->pixels = NULL;
        return AYNI_EIO;
    }
    return 0;
}

/* ---- JPEG ---- */

struct s_jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void
s_jpeg_fail(j_common_ptr cinfo)
{
    struct s_jpeg_err *e = (struct s_jpeg_err *)cinfo->err;
    e->mgr.format_message(cinfo, e->message);
    longjmp(e->jump, 1);
}

static void
s_jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo; /* warnings about a slightly damaged file: decode what is there */
    (void)level;
}

/* Decode the rows; the caller has set up cinfo and the error jump. */
static int
s_jpeg_rows(struct jpeg_decompress_struct *cinfo, const char *path, struct s_grey *g,
            char *err, size_t errlen)
{
    jpeg_read_header(cinfo, TRUE);
    int rc = s_too_big(path, cinfo->image_width, cinfo->image_height, err, errlen);
    if (rc)
        return rc;
    cinfo->out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(cinfo);
    g->width = cinfo->output_width;
    g->height = cinfo->output_height;
    g->pixels = xmalloc((size_t)g->width * g->height);
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = g->pixels + (size_t)cinfo->output_scanline * g->width;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}

static int
s_read_jpeg(FILE *f, const char *path, struct s_grey *g, char *err, size_t errlen)
{
    struct jpeg_decompress_struct cinfo;
    struct s_jpeg_err e;
    cinfo.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = s_jpeg_fail;
    e.mgr.emit_message = s_jpeg_quiet;
    if (setjmp(e.jump)) {
        snprintf(err, errlen, _("cannot read JPEG image '%s': %s"), path, e.message);
        free(g->pixels);
        g->pixels = NULL;
        jpeg_destroy_decompress(&cinfo);
        return AYNI_EIO;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    int rc = s_jpeg_rows(&cinfo, path, g, err, errlen);
    jpeg_destroy_decompress(&cinfo);
    return rc;
}

/* ---- zbar ---- */

static json_t *
s_find_codes(const struct s_grey *g)
{
    json_t *codes = json_array();
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, g->width, g->height);
    zbar_image_set_data(img, g->pixels, (unsigned long)g->width * g->height, NULL);
    if (zbar_scan_image(sc, img) > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s;
             s = zbar_symbol_next(s))
            json_array_append_new(codes, json_stringn_nocheck(zbar_symbol_get_data(s),
                                                              zbar_symbol_get_data_length(s)));
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(sc);
    return codes;
}

/* ---- a file ---- */

static int
s_read_any(const char *path, struct s_grey *g, char *err, size_t errlen)
{
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, _("cannot open photo '%s': %s"), path, strerror(errno));
        return AYNI_EIO;
    }
    size_t n = fread(head, 1, sizeof head, f);
    int rc;
    if (n == sizeof head && !memcmp(head, png_magic, sizeof png_magic)) {
        fclose(f);
        return s_read_png(path, g, err, errlen);
    }
    if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) {
        rewind(f);
        rc = s_read_jpeg(f, path, g, err, errlen);
    } else {
        snprintf(err, errlen,
                 _("'%s' is not a PNG or JPEG image: take the photo as PNG or JPEG"), path);
        rc = AYNI_EINVAL;
    }
    fclose(f);
    return rc;
}

int
scan_image_decode(const char *path, json_t **codes, char *err, size_t errlen)
{
    struct s_grey g = {0};
    *codes = NULL;
    int rc = s_read_any(path, &g, err, errlen);
    if (rc)
        return rc;
    *codes = s_find_codes(&g);
    free(g.pixels);
    return 0;
}

int
scan_cmd_image(struct scan_run *r, char **files, int n)
{
    char err[512];
    for (int i = 0; i < n; i++) {
        json_t *codes = NULL, *code;
        size_t k;
        r->photo = files[i];
        if (scan_image_decode(files[i], &codes, err, sizeof err) != 0) {
            fprintf(r->out, _("✗ %s: unreadable image: %s\n"), files[i], err);
            scan_run_note(r, SCAN_REFUSED);
            scan_run_code(r, NULL, "unreadable_image");
            continue;
        }
        if (json_array_size(codes) == 0) {
            fprintf(r->out, _("✗ %s: no QR code was found: take the photo again, closer and in "
                              "focus\n"), files[i]);
            scan_run_note(r, SCAN_REFUSED);
            scan_run_code(r, NULL, "no_code_found");
        }
        json_array_foreach(codes, k, code) {
            fputs(i || k ? "\n" : "", r->out);
            fprintf(r->out, _("%s: code %zu of %zu\n"), files[i], k + 1, json_array_size(codes));
            scan_handle(r, json_string_value(code), json_string_length(code));
        }
        json_decref(codes);
        fflush(r->out);
    }
    r->photo = NULL;
    scan_run_summary(r);
    return r->exit;
}
