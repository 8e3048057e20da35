/* prn_doc.c: one PDF document — libharu set up with our error handler, the fonts,
 * metadata and compression; its pages; page numbers; saving to memory or a file.
 *
 * libharu reports failures through a callback; ours records the first one in the
 * document (prn_state.c) so that drawing code stays free of error branches and the
 * save returns it.  This file must not know about any particular document.
 *
 * Page contents are deflated here, at zlib level 1, before libharu saves them: at its
 * fixed level 6, with a new zlib state for each page, compression took 40% of a slip's
 * time for 15% smaller files (docs/BENCHMARKS.md).  That pokes at libharu's page and
 * dict records (hpdf_pages.h, hpdf_objects.h), as prn_font.c does.
 */
#include "prn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "mem.h"

static void
s_on_error(HPDF_STATUS status, HPDF_STATUS detail, void *arg)
{
    struct prn_doc *d = arg;
    prn__doc_fail(d, AYNI_EINTERNAL, "libharu error 0x%04X (detail %u)", (unsigned)status,
                  (unsigned)detail);
}

/* The creation date: now, or SOURCE_DATE_EPOCH for reproducible output. */
static HPDF_Date
s_now(void)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t t = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    HPDF_Date date = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec, 'Z', 0, 0};
    return date;
}

/* title in Latin-1, which PDFDocEncoding shares, into out; false if it has any other
 * character (or is too long). */
static bool
s_latin1(const char *title, char *out, size_t n)
{
    const char *p = title;
    size_t k = 0;
    while (*p && k + 1 < n) {
        uint32_t cp = prn__utf8_next(&p);
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp > 0xFF)
            return false;
        out[k++] = (char)cp;
    }
    out[k] = '\0';
    return *p == '\0';
}

int
prn__doc_open(struct prn_doc *d, const char *title, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->err = err;
    d->errlen = errlen;
    d->pdf = HPDF_New(s_on_error, d);
    if (!d->pdf) {
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot create a PDF document: libharu failed");
        return d->rc;
    }
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    /* A title in Latin-1 goes in as it is; only another needs the UTF-8 encoder,
     * whose set-up costs as much as drawing half a label. */
    char latin1[256];
    if (s_latin1(title, latin1, sizeof latin1)) {
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, latin1);
    } else {
        prn__doc_utf8(d);
        HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
        HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, title);
    }
    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "Ayni");
    HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, s_now());
    prn__font_builtin(d);
    return d->rc;
}

void
prn__doc_close(struct prn_doc *d)
{
    prn__doc_qr_forget(d);
    if (d->pdf)
        HPDF_Free(d->pdf);
    free(d->pages);
    free(d->buf);
    memset(d, 0, sizeof *d);
}

HPDF_Page
prn__doc_page(struct prn_doc *d, float w, float h)
{
    HPDF_Page pg = HPDF_AddPage(d->pdf);
    if (!pg) {
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot add page %zu to the PDF", d->npages + 1);
        return NULL;
    }
    HPDF_Page_SetWidth(pg, w);
    HPDF_Page_SetHeight(pg, h);
    if (d->npages == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->pages = xrealloc(d->pages, d->cap * sizeof *d->pages);
    }
    d->pages[d->npages++] = pg;
    return pg;
}

void
prn__doc_number_pages(struct prn_doc *d, size_t first, size_t count, const char *left)
{
    for (size_t i = 0; i < count && first + i < d->npages; i++) {
        HPDF_Page pg = d->pages[first + i];
        float w = HPDF_Page_GetWidth(pg), m = 36.0f, y = 22.0f;
        char es[64], en[64];
        snprintf(es, sizeof es, "Página %zu de %zu", i + 1, count);
        snprintf(en, sizeof en, "  /  Page %zu of %zu", i + 1, count);
        float wen = prn__width(d, PRN_SUB, en, strlen(en));
        prn__rule(pg, m, y + 10, w - m, y + 10, 0.4f, PRN_GREY_RULE);
        prn__text(d, pg, w - m - wen, y, PRN_RIGHT, PRN_STYLE(7.5f, true, 0), es);
        prn__text(d, pg, w - m, y, PRN_RIGHT, PRN_SUB, en);
        if (left)
            prn__text(d, pg, m, y, PRN_LEFT, PRN_SUB, left);
    }
}

/* libharu writes "/Filter /FlateDecode" for a stream it deflates; for one deflated here
 * this writes it (a dict's write_fn runs after its entries). */
static HPDF_STATUS
s_flate_entry(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

int
prn__deflate_pages(HPDF_Page *pages, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit(&z, PRN_DEFLATE_LEVEL) != Z_OK)
        return -1;
    unsigned char *out = NULL;
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        HPDF_PageAttr attr = (HPDF_PageAttr)pages[i]->attr;
        HPDF_Stream st = attr->stream;
        HPDF_UINT size = HPDF_Stream_Size(st), got = 0, k = 0, len;
        if (size == 0 || !(attr->contents->filter & HPDF_STREAM_FILTER_FLATE_DECODE))
            continue;
        size_t bound = deflateBound(&z, size);
        if (bound > cap)
            out = xrealloc(out, cap = bound);
        int zrc = Z_OK;
        deflateReset(&z);
        z.next_out = out, z.avail_out = (uInt)cap;
        while (got < size && zrc == Z_OK) { /* the stream's buffers, in order */
            z.next_in = HPDF_MemStream_GetBufPtr(st, k++, &len);
            z.avail_in = len;
            got += len;
            if (!z.next_in || len == 0)
                break;
            zrc = deflate(&z, got < size ? Z_NO_FLUSH : Z_FINISH);
        }
        if (zrc != Z_STREAM_END || z.total_in != size) {
            rc = -1;
            break;
        }
        HPDF_MemStream_FreeData(st);
        if (HPDF_Stream_Write(st, out, (HPDF_UINT)z.total_out) != HPDF_OK)
            rc = -1;
        attr->contents->filter = HPDF_STREAM_FILTER_NONE;
        attr->contents->write_fn = s_flate_entry;
    }
    deflateEnd(&z);
    free(out);
    return rc;
}

int
prn__doc_save(struct prn_doc *d, unsigned char **pdf, size_t *len)
{
    if (d->rc)
        return d->rc;
    if (prn__deflate_pages(d->pages, d->npages) != 0) {
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot compress the PDF's pages");
        return d->rc;
    }
    if (HPDF_SaveToStream(d->pdf) != HPDF_OK || d->rc) {
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot save the PDF: libharu failed");
        return d->rc;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(d->pdf), got = size;
    unsigned char *buf = xmalloc(size);
    if (HPDF_ReadFromStream(d->pdf, buf, &got) != HPDF_OK || got != size || d->rc) {
        free(buf);
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot read the PDF back from libharu");
        return d->rc;
    }
    *pdf = buf;
    *len = size;
    return 0;
}

static int
s_write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int
prn_file_write(const unsigned char *buf, size_t len, const char *path, bool sync, char *err,
               size_t errlen)
{
    return prn__file_write_mode(buf, len, path, sync, 0666, err, errlen);
}

int
prn__file_write_mode(const unsigned char *buf, size_t len, const char *path, bool sync,
                     mode_t mode, char *err, size_t errlen)
{
    if (!path || !*path || !buf) {
        snprintf(err, errlen, "missing %s", buf ? "output path" : "PDF to write");
        return AYNI_EINVAL;
    }
    char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return AYNI_EIO;
    }
    if (s_write_all(fd, buf, len) != 0 || (sync && fsync(fd) != 0)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = AYNI_EIO;
    }
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = AYNI_EIO;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = AYNI_EIO;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int
prn__render(prn_draw_fn *draw, const void *arg, const char *title, unsigned char **pdf,
            size_t *len, char *err, size_t errlen)
{
    struct prn_doc d;
    int rc = prn__doc_open(&d, title, err, errlen);
    if (rc == 0) {
        draw(&d, arg);
        rc = prn__doc_save(&d, pdf, len);
    }
    prn__doc_close(&d);
    return rc;
}

int
prn__write(prn_draw_fn *draw, const void *arg, const char *title, const char *path, char *err,
           size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "missing output path");
        return AYNI_EINVAL;
    }
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = prn__render(draw, arg, title, &pdf, &len, err, errlen);
    if (rc == 0)
        rc = prn_file_write(pdf, len, path, true, err, errlen);
    free(pdf);
    return rc;
}
