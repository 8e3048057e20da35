/* prn_font.c: the fonts — Helvetica, Helvetica-Bold and Courier in WinAnsiEncoding
 * with their glyph widths tabled once per process, and DejaVu Sans embedded on
 * first need.
 *
 * libharu 2.3.0 gives an embedded UTF-8 font a ToUnicode CMap that is not one
 * (it holds a "cidrange" from its encoding CMap), so viewers warn and some cannot
 * copy or search the text.  We replace it with a real identity map from the
 * font's two-byte codes (libharu's UTF-8 encoder emits the code point) to Unicode.
 * That pokes at one libharu record (hpdf_objects.h, shipped with libhpdf-dev).
 */
#include "prn_int.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

#define PRN_FONT_DIR "/usr/share/fonts/truetype/dejavu"

static const char *const s_builtin[3] = {"Helvetica", "Helvetica-Bold", "Courier"};

/* The widths never change, so they are tabled once per process: querying libharu's
 * AFM tables for 3 x 224 glyphs cost more than drawing a label's text. */
static short s_width[3][256];
static bool s_width_ok;
static pthread_once_t s_width_once = PTHREAD_ONCE_INIT;

static void
s_width_init(void)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    for (int f = 0; pdf && f < 3; f++) {
        HPDF_Font font = HPDF_GetFont(pdf, s_builtin[f], "WinAnsiEncoding");
        if (!font) {
            HPDF_Free(pdf);
            return;
        }
        for (int b = 0x20; b < 0x100; b++)
            s_width[f][b] = (short)HPDF_Font_GetUnicodeWidth(font, prn__cp1252_ucs(b));
    }
    s_width_ok = pdf != NULL;
    if (pdf)
        HPDF_Free(pdf);
}

void
prn__font_builtin(struct prn_doc *d)
{
    pthread_once(&s_width_once, s_width_init);
    if (!s_width_ok) {
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot load the built-in fonts: libharu failed");
        return;
    }
    for (int f = 0; f < 3; f++)
        if (!(d->font[f] = HPDF_GetFont(d->pdf, s_builtin[f], "WinAnsiEncoding")))
            return;
    memcpy(d->width, s_width, sizeof d->width);
}

static void
s_put(HPDF_Stream st, const char *s)
{
    HPDF_Stream_WriteStr(st, s);
}

/* A ToUnicode CMap mapping each two-byte code to the same UTF-16 value, in blocks
 * of at most 100 ranges as the CMap format wants; surrogates are left out. */
static void
s_fix_to_unicode(HPDF_Font font)
{
    HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    if (!cmap || !cmap->stream)
        return;
    HPDF_Stream st = cmap->stream;
    HPDF_MemStream_FreeData(st);
    s_put(st, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
              "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    int hi[256], n = 0;
    for (int h = 0; h < 256; h++)
        if (h < 0xD8 || h > 0xDF)
            hi[n++] = h;
    for (int i = 0; i < n; i += 100) {
        char line[64];
        int k = n - i < 100 ? n - i : 100;
        snprintf(line, sizeof line, "%d beginbfrange\n", k);
        s_put(st, line);
        for (int j = i; j < i + k; j++) {
            snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi[j], hi[j], hi[j]);
            s_put(st, line);
        }
        s_put(st, "endbfrange\n");
    }
    s_put(st, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

HPDF_Font
prn__font_ttf(struct prn_doc *d, enum prn_font_id id)
{
    if (d->font[id] || d->rc)
        return d->font[id];
    const char *dir = getenv("AYNI_FONT_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : PRN_FONT_DIR,
             id == PRN_F_DEJAVU ? "DejaVuSans.ttf" : "DejaVuSans-Bold.ttf");
    if (access(path, R_OK) != 0) {
        prn__doc_fail(d, AYNI_EIO, "cannot read font '%s' (install fonts-dejavu-core)", path);
        return NULL;
    }
    prn__doc_utf8(d);
    const char *name = HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);
    HPDF_Font font = name && !d->rc ? HPDF_GetFont(d->pdf, name, "UTF-8") : NULL;
    if (!font || d->rc) {
        d->rc = 0; /* replace libharu's bare code with a message that names the file */
        prn__doc_fail(d, AYNI_EINTERNAL, "cannot load font '%s': not a usable TrueType font",
                      path);
        return NULL;
    }
    s_fix_to_unicode(font);
    d->font[id] = font;
    return font;
}
