/* prn_text.c: measuring, wrapping and drawing UTF-8 text on a page.
 *
 * A string that CP1252 covers is converted and set in a built-in font; any other
 * is set in DejaVu Sans, embedded and loaded the first time one is needed.  Widths
 * come from per-glyph tables, so wrapping is linear in the length of the text.
 */
#include "prn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"

static enum prn_font_id
s_font_id(struct prn_doc *d, struct prn_style st, const char *s, size_t len)
{
    if (prn__is_cp1252(s, len))
        return st.mono ? PRN_F_COURIER : st.bold ? PRN_F_HELV_BOLD : PRN_F_HELV;
    enum prn_font_id id = st.bold ? PRN_F_DEJAVU_BOLD : PRN_F_DEJAVU;
    prn__font_ttf(d, id);
    return id;
}

/* Width of one character in 1/1000 em. */
static int
s_cw(struct prn_doc *d, enum prn_font_id id, uint32_t cp)
{
    if (id <= PRN_F_COURIER) {
        int b = prn__cp1252(cp);
        return b < 0 ? 0 : d->width[id][b];
    }
    if (!d->font[id])
        return 0;
    return HPDF_Font_GetUnicodeWidth(d->font[id], cp == '\t' || cp == '\n' ? ' ' : cp);
}

static float
s_width_id(struct prn_doc *d, enum prn_font_id id, float size, const char *s, size_t len)
{
    long sum = 0;
    const char *p = s, *end = s + len;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80 && id <= PRN_F_COURIER) {
            sum += d->width[id][c < 0x20 ? ' ' : c];
            p++;
        } else {
            sum += s_cw(d, id, prn__utf8_next(&p));
        }
    }
    return (float)sum * size / 1000.0f;
}

float
prn__width(struct prn_doc *d, struct prn_style st, const char *s, size_t len)
{
    return s_width_id(d, s_font_id(d, st, s, len), st.size, s, len);
}

float
prn__line_h(struct prn_style st)
{
    return st.size * 1.22f;
}

static void
s_push(struct prn_spans *out, const char *s, size_t len, struct prn_style st, enum prn_font_id id)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 32;
        out->v = xrealloc(out->v, out->cap * sizeof *out->v);
    }
    out->v[out->n++] = (struct prn_span){s, len, st, prn__line_h(st), (int)id};
}

size_t
prn__wrap(struct prn_doc *d, struct prn_style st, const char *s, float maxw, struct prn_spans *out)
{
    size_t before = out->n;
    enum prn_font_id id = s_font_id(d, st, s, strlen(s));
    float scale = st.size / 1000.0f, w = 0, wbrk = 0;
    const char *p = s, *line = s, *brk = NULL;
    while (*p) {
        const char *q = p;
        uint32_t cp = prn__utf8_next(&p);
        if (cp == '\n') {
            s_push(out, line, (size_t)(q - line), st, id);
            line = p, brk = NULL, w = 0;
            continue;
        }
        float cw = (float)s_cw(d, id, cp) * scale;
        if (cp != ' ' && cp != '\t' && w + cw > maxw && q > line) {
            if (brk) {
                s_push(out, line, (size_t)(brk - line), st, id);
                line = brk + 1, w -= wbrk;
            } else {
                s_push(out, line, (size_t)(q - line), st, id);
                line = q, w = 0;
            }
            brk = NULL;
        }
        w += cw;
        if (cp == ' ' || cp == '\t')
            brk = q, wbrk = w;
    }
    if (line < p || out->n == before)
        s_push(out, line, (size_t)(p - line), st, id);
    return out->n - before;
}

void
prn__spans_free(struct prn_spans *sp)
{
    free(sp->v);
    memset(sp, 0, sizeof *sp);
}

/* s[0..len) as the font wants it, NUL-terminated, in the doc's scratch buffer. */
static const char *
s_convert(struct prn_doc *d, enum prn_font_id id, const char *s, size_t len)
{
    if (d->bufcap < len + 1) {
        d->bufcap = len + 64;
        d->buf = xrealloc(d->buf, d->bufcap);
    }
    char *o = d->buf;
    const char *p = s, *end = s + len;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            *o++ = c < 0x20 ? ' ' : (char)c;
            p++;
        } else if (id <= PRN_F_COURIER) {
            *o++ = (char)prn__cp1252(prn__utf8_next(&p));
        } else {
            const char *q = p;
            prn__utf8_next(&p);
            memcpy(o, q, (size_t)(p - q));
            o += p - q;
        }
    }
    *o = '\0';
    return d->buf;
}

static void
s_draw(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al, struct prn_style st,
       enum prn_font_id id, const char *s, size_t len)
{
    if (d->rc || !pg || len == 0 || !d->font[id])
        return;
    if (al != PRN_LEFT) {
        float w = s_width_id(d, id, st.size, s, len);
        x -= al == PRN_RIGHT ? w : w / 2;
    }
    const char *txt = s_convert(d, id, s, len);
    if (d->st_page != pg)
        d->st_page = pg, d->st_font = NULL;
    HPDF_Page_BeginText(pg);
    if (d->st_font != d->font[id] || d->st_size != st.size) {
        HPDF_Page_SetFontAndSize(pg, d->font[id], st.size);
        d->st_font = d->font[id], d->st_size = st.size;
    }
    prn__grey_fill(pg, st.grey);
    HPDF_Page_TextOut(pg, x, y, txt);
    HPDF_Page_EndText(pg);
}

void
prn__text_n(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al,
            struct prn_style st, const char *s, size_t len)
{
    if (!s || len == 0)
        return;
    s_draw(d, pg, x, y, al, st, s_font_id(d, st, s, len), s, len);
}

void
prn__span_draw(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al,
               const struct prn_span *sp)
{
    s_draw(d, pg, x, y, al, sp->st, (enum prn_font_id)sp->font, sp->s, sp->len);
}

void
prn__text(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al,
          struct prn_style st, const char *s)
{
    if (s)
        prn__text_n(d, pg, x, y, al, st, s, strlen(s));
}

char *
prn__ellipsize(struct prn_doc *d, struct prn_style st, const char *s, size_t len, float w)
{
    static const char ell[] = "\xE2\x80\xA6"; /* U+2026 */
    char *t = xmalloc(len + sizeof ell);
    for (;;) {
        memcpy(t, s, len);
        memcpy(t + len, ell, sizeof ell);
        if (len == 0 || prn__width(d, st, t, len + 3) <= w)
            return t;
        do
            len--;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
    }
}

/* The last line, cut so that it and an ellipsis fit in w. */
static void
s_draw_cut(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, enum prn_align al,
           const struct prn_span *sp)
{
    char *t = prn__ellipsize(d, sp->st, sp->s, sp->len, w);
    float ax = al == PRN_LEFT ? x : al == PRN_RIGHT ? x + w : x + w / 2;
    prn__text(d, pg, ax, y, al, sp->st, t);
    free(t);
}

float
prn__para(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, enum prn_align al,
          struct prn_style st, const char *s, int maxlines)
{
    if (!s || !*s)
        return 0;
    struct prn_spans sp = {0};
    size_t n = prn__wrap(d, st, s, w, &sp);
    bool cut = maxlines > 0 && n > (size_t)maxlines;
    if (cut) {
        n = (size_t)maxlines;
        /* the last line shown runs on to the end of the text, then is cut */
        sp.v[n - 1].len = strlen(sp.v[n - 1].s);
    }
    float ax = al == PRN_LEFT ? x : al == PRN_RIGHT ? x + w : x + w / 2;
    float lh = prn__line_h(st), base = y - st.size * 0.95f;
    for (size_t i = 0; i < n; i++) {
        if (cut && i == n - 1)
            s_draw_cut(d, pg, x, base - (float)i * lh, w, al, &sp.v[i]);
        else
            prn__span_draw(d, pg, ax, base - (float)i * lh, al, &sp.v[i]);
    }
    prn__spans_free(&sp);
    return (float)n * lh;
}

float
prn__para_h(struct prn_doc *d, float w, struct prn_style st, const char *s, int maxlines)
{
    if (!s || !*s)
        return 0;
    struct prn_spans sp = {0};
    size_t n = prn__wrap(d, st, s, w, &sp);
    prn__spans_free(&sp);
    if (maxlines > 0 && n > (size_t)maxlines)
        n = (size_t)maxlines;
    return (float)n * prn__line_h(st);
}

float
prn__label(struct prn_doc *d, HPDF_Page pg, float x, float y, float size, const char *es,
           const char *en)
{
    struct prn_style ses = PRN_STYLE(size, true, 0.1f), sen = PRN_STYLE(size * 0.88f, false,
                                                                         PRN_GREY_SUB);
    float w = prn__width(d, ses, es, strlen(es));
    prn__text(d, pg, x, y, PRN_LEFT, ses, es);
    if (!en || !*en)
        return w;
    char buf[160];
    snprintf(buf, sizeof buf, " / %s", en);
    prn__text(d, pg, x + w, y, PRN_LEFT, sen, buf);
    return w + prn__width(d, sen, buf, strlen(buf));
}

/* The largest of sizes[0..n) at which s takes at most maxlines lines of width w;
 * the last one if none does. */
static float
s_fit_size(struct prn_doc *d, float w, struct prn_style st, const float *sizes, int n,
           int maxlines, const char *s)
{
    for (int i = 0; i < n - 1; i++) {
        st.size = sizes[i];
        if (prn__para_h(d, w, st, s, 0) <= (float)maxlines * prn__line_h(st) + 0.01f)
            return sizes[i];
    }
    return sizes[n - 1];
}

float
prn__para_fit(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, enum prn_align al,
              struct prn_style st, const float *sizes, int n, int maxlines, int lastmax,
              const char *s)
{
    if (!s || !*s)
        return 0;
    st.size = s_fit_size(d, w, st, sizes, n, maxlines, s);
    return prn__para(d, pg, x, y, w, al, st, s, lastmax);
}
