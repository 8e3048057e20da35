/* prn_int.h: the printer's internals, shared by its files and its unit tests.
 *
 * A prn_doc wraps one libharu document: its fonts, its pages and the first error
 * anything met while drawing.  Drawing calls never return errors; once doc->rc is
 * set they do nothing, and the document's save returns the error.  A prn_flow lays
 * out content top-down over pages with a repeated page header; a prn_table draws
 * rows of wrapped cells on a flow and splits only rows taller than a page.
 * Nothing here validates caller input: the public functions do that first.
 */
#ifndef AYNI_PRN_INT_H
#define AYNI_PRN_INT_H

#include <hpdf.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "printer.h"

/* Page sizes in points. */
#define PRN_A4_W 595.276f
#define PRN_A4_H 841.89f
#define PRN_A6_W 297.638f
#define PRN_A6_H 419.528f

/* Greys: 0 is black, 1 white. */
#define PRN_GREY_SUB 0.42f  /* English sub-labels */
#define PRN_GREY_RULE 0.72f /* table rules */
#define PRN_GREY_FILL 0.90f /* table headers, bands */

struct prn_style {
    float size;
    bool bold;
    bool mono; /* Courier: hashes and codes that must line up */
    float grey;
};

#define PRN_STYLE(sz, b, g) ((struct prn_style){(sz), (b), false, (g)})
#define PRN_BODY PRN_STYLE(8.5f, false, 0.0f)
#define PRN_BOLD PRN_STYLE(8.5f, true, 0.0f)
#define PRN_SUB PRN_STYLE(6.8f, false, PRN_GREY_SUB)
#define PRN_MONO ((struct prn_style){8.0f, false, true, 0.0f})

enum prn_align { PRN_LEFT, PRN_RIGHT, PRN_CENTER };

enum prn_font_id {
    PRN_F_HELV,
    PRN_F_HELV_BOLD,
    PRN_F_COURIER,
    PRN_F_DEJAVU,
    PRN_F_DEJAVU_BOLD,
    PRN_F_COUNT
};

struct prn_doc {
    HPDF_Doc pdf;
    int rc;       /* first error, 0 while all is well */
    char *err;    /* where its message goes */
    size_t errlen;
    HPDF_Font font[PRN_F_COUNT]; /* the DejaVu ones are loaded on first use */
    short width[3][256];         /* CP1252 glyph widths of the built-in fonts, 1/1000 em */
    HPDF_Page *pages;            /* every page, in order */
    size_t npages, cap;
    HPDF_Page st_page;           /* text state last set, to skip repeating it */
    HPDF_Font st_font;
    float st_size, st_grey;
    char *buf;                   /* scratch for text converted for the page */
    size_t bufcap;
    bool utf8;                   /* libharu's UTF-8 encoders are set up */
    QRcode *qr;                  /* the last QR symbol encoded, and its text */
    char *qr_text;
};

/* A piece of text on one line: s[0..len) of a caller's string. */
struct prn_span {
    const char *s;
    size_t len;
    struct prn_style st;
    float h;  /* line height */
    int font; /* enum prn_font_id, chosen for the whole paragraph */
};

struct prn_spans {
    struct prn_span *v;
    size_t n, cap;
};

/* prn_state.c: what drawing records in the document. */
/* Record the first error; later ones are dropped (they are usually its echo). */
void prn__doc_fail(struct prn_doc *d, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool prn__doc_ok(const struct prn_doc *d);
/* Set up libharu's UTF-8 encoders, which the embedded fonts need, once. */
void prn__doc_utf8(struct prn_doc *d);

/* prn_doc.c: the document. */
int prn__doc_open(struct prn_doc *d, const char *title, char *err, size_t errlen);
void prn__doc_close(struct prn_doc *d);
HPDF_Page prn__doc_page(struct prn_doc *d, float w, float h);
/* Free the QR symbol the doc keeps (prn_draw.c). */
void prn__doc_qr_forget(struct prn_doc *d);
/* Deflate the content streams of pages[0..n) at PRN_DEFLATE_LEVEL, as libharu would
 * at its fixed level 6 when they are saved (docs/BENCHMARKS.md): 0, or -1.  Needs only
 * libharu and zlib: bench/bench_draw.c uses it too. */
#ifndef PRN_DEFLATE_LEVEL
#define PRN_DEFLATE_LEVEL 1
#endif
int prn__deflate_pages(HPDF_Page *pages, size_t n);
/* Finish: the PDF in a new buffer, or the first error met. */
int prn__doc_save(struct prn_doc *d, unsigned char **pdf, size_t *len);
/* "Página N de M / Page N of M" at the foot of pages [first, first + count). */
void prn__doc_number_pages(struct prn_doc *d, size_t first, size_t count, const char *left);

/* prn_file_write with the file's mode (before the umask): 0600 for a page that holds
 * a secret, such as an enrolment sheet. */
int prn__file_write_mode(const unsigned char *buf, size_t len, const char *path, bool sync,
                         mode_t mode, char *err, size_t errlen);

/* A whole document: draw it on d, which the caller opens, saves and closes. */
typedef void prn_draw_fn(struct prn_doc *d, const void *arg);
int prn__render(prn_draw_fn *draw, const void *arg, const char *title, unsigned char **pdf,
                size_t *len, char *err, size_t errlen);
int prn__write(prn_draw_fn *draw, const void *arg, const char *title, const char *path,
               char *err, size_t errlen);

/* prn_font.c: the fonts. */
/* Load the built-in fonts and table their widths. */
void prn__font_builtin(struct prn_doc *d);
/* DejaVu Sans (PRN_F_DEJAVU or PRN_F_DEJAVU_BOLD), loaded on first use; NULL with the
 * error recorded if it cannot be. */
HPDF_Font prn__font_ttf(struct prn_doc *d, enum prn_font_id id);

/* prn_utf8.c: UTF-8 and Windows-1252. */
/* True if s is valid UTF-8 without control characters other than tab and newline;
 * *bad gets the offset of the first offending byte. */
bool prn__utf8_valid(const char *s, size_t *bad);
/* The code point at *p, advancing *p (s must be valid UTF-8). */
uint32_t prn__utf8_next(const char **p);
/* The CP1252 byte for a code point, or -1. */
int prn__cp1252(uint32_t cp);
/* The code point of CP1252 byte b (b itself where CP1252 assigns none). */
uint32_t prn__cp1252_ucs(int b);
/* True if every character of s[0..len) has a CP1252 byte. */
bool prn__is_cp1252(const char *s, size_t len);

/* prn_text.c: measuring, wrapping and drawing text. */
float prn__width(struct prn_doc *d, struct prn_style st, const char *s, size_t len);
float prn__line_h(struct prn_style st);
/* Break s into lines no wider than maxw (at spaces, inside a word only if it must),
 * appended to out.  Returns the number of lines added (at least 1). */
size_t prn__wrap(struct prn_doc *d, struct prn_style st, const char *s, float maxw,
                 struct prn_spans *out);
void prn__spans_free(struct prn_spans *sp);
/* Draw s[0..len) with its baseline at y: left from x, right to x, or centred on x. */
void prn__text_n(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al,
                 struct prn_style st, const char *s, size_t len);
void prn__text(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al,
               struct prn_style st, const char *s);
/* "ES / en" on one line from x at baseline y: es bold, en smaller and grey.  Returns
 * the width drawn. */
float prn__label(struct prn_doc *d, HPDF_Page pg, float x, float y, float size, const char *es,
                 const char *en);
/* Draw a line that prn__wrap made, in the font chosen for its paragraph. */
void prn__span_draw(struct prn_doc *d, HPDF_Page pg, float x, float y, enum prn_align al,
                    const struct prn_span *sp);
/* Draw s wrapped in a box of width w from top y down; returns the height used.
 * At most maxlines lines (0: no limit); a cut last line ends in "...". */
float prn__para(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, enum prn_align al,
                struct prn_style st, const char *s, int maxlines);
/* Draw s in the largest of sizes[0..n) (replacing st.size) at which it takes at
 * most maxlines lines; at the smallest size it takes the lines it needs, or at most
 * lastmax (0: no limit, so nothing is cut).  Returns the height used; with pg NULL
 * only measures. */
float prn__para_fit(struct prn_doc *d, HPDF_Page pg, float x, float y, float w, enum prn_align al,
                    struct prn_style st, const float *sizes, int n, int maxlines, int lastmax,
                    const char *s);
/* Sizes to shrink through: PRN_SIZES(15, 12, 10) */
#define PRN_SIZES(...) (const float[]){__VA_ARGS__}, (int)(sizeof((const float[]){__VA_ARGS__}) / sizeof(float))
/* s[0..len) cut so that it and an ellipsis fit in w, as a new string. */
char *prn__ellipsize(struct prn_doc *d, struct prn_style st, const char *s, size_t len, float w);
/* The height prn__para would use. */
float prn__para_h(struct prn_doc *d, float w, struct prn_style st, const char *s, int maxlines);

/* prn_draw.c: lines, boxes and QR codes. */
void prn__rule(HPDF_Page pg, float x1, float y1, float x2, float y2, float width, float grey);
/* Vertical rules at xs[0..n) from y1 to y2, in one path. */
void prn__vrules(HPDF_Page pg, const float *xs, int n, float y1, float y2, float width,
                 float grey);
/* The fill grey for what follows (set only if it differs). */
void prn__grey_fill(HPDF_Page pg, float grey);
void prn__box(HPDF_Page pg, float x, float y, float w, float h, float width, float grey);
void prn__fill(HPDF_Page pg, float x, float y, float w, float h, float grey);
void prn__dash_rule(HPDF_Page pg, float x1, float y1, float x2, float y2, float grey);
/* The side, in points, of the QR for text with modules of mod points (quiet zone
 * included), or 0 with the error recorded if text cannot be encoded. */
float prn__qr_side(struct prn_doc *d, const char *text, float mod);
/* The module size that makes the QR for text about side points wide, never below min. */
float prn__qr_module(struct prn_doc *d, const char *text, float side, float min);
/* Draw the QR for text with its top-left corner (quiet zone included) at x, y. */
void prn__qr(struct prn_doc *d, HPDF_Page pg, float x, float y, float mod, const char *text);
/* Draw symbol q so, in black, as one self-contained path (q ... Q) written into pg's
 * content stream; pg must be outside any path or text object.  0, or -1 if it is not
 * or libharu failed.  Needs only libharu and libqrencode: bench/bench_draw.c uses it too. */
int prn__qr_path(HPDF_Page pg, const QRcode *q, float x, float y, float mod);

/* prn_format.c: numbers and dates as printed. */
/* "1,200" into buf. */
char *prn__qty(char *buf, size_t n, long v);
/* "1,200 kits", "1 kit": the quantity and its unit, in the plural unless v is 1. */
char *prn__qty_unit(char *buf, size_t n, long v, const char *unit);
/* The unit alone as it reads under the quantity v: "kits" under 222, "kit" under 1;
 * "" if unit is NULL. */
const char *prn__unit(char *buf, size_t n, long v, const char *unit);
/* A share (0..1) as a percentage with Spanish's decimal comma, "93,5 %", into buf. */
char *prn__percent(char *buf, size_t n, double share);
/* "2025-03-15" as "15/03/2025" into buf. */
char *prn__date(char *buf, size_t n, const char *iso);
/* "dañado / damaged" */
const char *prn__reason_es(enum prn_reason r);
const char *prn__reason_en(enum prn_reason r);

/* prn_check.c: input checks; each returns 0 or AYNI_EINVAL with err set. */
struct prn_check {
    char *err;
    size_t errlen;
    int rc;
};
int prn__check_fail(struct prn_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* field is a printf format for the field name, as are the following arguments. */
int prn__check_str(struct prn_check *c, const char *s, bool required, const char *field, ...)
    __attribute__((format(printf, 4, 5)));
/* As prn__check_str, for names and codes shown in headers and on labels: shorter. */
int prn__check_name(struct prn_check *c, const char *s, bool required, const char *field, ...)
    __attribute__((format(printf, 4, 5)));
int prn__check_date(struct prn_check *c, const char *s, bool required, const char *field, ...)
    __attribute__((format(printf, 4, 5)));
int prn__check_min(struct prn_check *c, long v, long min, const char *field, ...)
    __attribute__((format(printf, 4, 5)));
int prn__check_place(struct prn_check *c, const struct prn_place *p, bool need_region,
                     const char *field);
int prn__check_token(struct prn_check *c, const char *s, const char *field, ...)
    __attribute__((format(printf, 3, 4)));
int prn__check_reason(struct prn_check *c, enum prn_reason r, const char *field, ...)
    __attribute__((format(printf, 3, 4)));
int prn__check_out(struct prn_check *c, const void *out, const char *what);

/* prn_flow.c: content flowing top-down over pages. */
struct prn_table;
struct prn_flow {
    struct prn_doc *d;
    HPDF_Page pg;
    float w, h;                 /* page size */
    float left, right, bottom;  /* the body: x from left to right, y down to bottom */
    float y;                    /* where the next content starts */
    size_t first_page;          /* index of this flow's first page in the doc */
    void (*header)(struct prn_flow *f, void *arg); /* draws a page's header, sets y */
    void *arg;
    struct prn_table *table;    /* the open table, whose header repeats */
    float top_y;                /* y where content starts on the current page */
    bool in_page;               /* drawing a page's header: no page breaks */
};
void prn__flow_init(struct prn_flow *f, struct prn_doc *d, float w, float h, float margin,
                    void (*header)(struct prn_flow *, void *), void *arg);
void prn__flow_page(struct prn_flow *f);
/* Start a new page unless h more points fit on this one. */
void prn__flow_need(struct prn_flow *f, float h);
size_t prn__flow_pages(const struct prn_flow *f);

/* prn_flow.c: tables of wrapped cells. */
#define PRN_CELL_PARAS 4
struct prn_col {
    const char *es, *en; /* header */
    float w;
    enum prn_align al;
};
struct prn_para {
    const char *s; /* NULL or "" draws nothing */
    struct prn_style st;
    int maxlines;  /* 0: as many as it takes; else cut with an ellipsis */
};
struct prn_cell {
    struct prn_para p[PRN_CELL_PARAS];
};
/* A paragraph of s in style st; PRN_P1 cuts it to one line. */
#define PRN_P(s, st) ((struct prn_para){(s), (st), 0})
#define PRN_P1(s, st) ((struct prn_para){(s), (st), 1})
struct prn_table {
    const struct prn_col *cols;
    int ncols;
    float x, w;
    /* called on a continuation page after the header row, e.g. to repeat a group band */
    void (*cont)(struct prn_flow *f, void *arg);
    void *cont_arg;
    bool grid;             /* rule the columns too, for forms written on by hand */
    bool dense;            /* less space around rows, for long listings */
};
void prn__table_open(struct prn_flow *f, struct prn_table *t, const struct prn_col *cols,
                     int ncols);
/* A row; shade is its background grey (1 for none). */
void prn__table_row(struct prn_flow *f, struct prn_table *t, const struct prn_cell *cells,
                    float shade);
/* A full-width band (a group heading) kept with at least one row after it. */
void prn__table_band(struct prn_flow *f, struct prn_table *t, const struct prn_cell *cell,
                     float shade);
void prn__table_close(struct prn_flow *f, struct prn_table *t);
/* A section heading "ES / en" with a rule, kept with some room after it. */
void prn__section(struct prn_flow *f, const char *es, const char *en);

/* prn_chart.c: a horizontal bar chart. */
struct prn_bar {
    const char *label;
    long value;
};
/* Draw the chart in the flow's width, title es/en; returns nothing, advances f->y. */
void prn__bar_chart(struct prn_flow *f, const char *es, const char *en, const struct prn_bar *bars,
                    size_t n);

/* Documents, drawn on an open doc (input already checked). */
void prn__draw_slip(struct prn_doc *d, const void *slip);
void prn__draw_labels(struct prn_doc *d, const struct prn_slip *s, enum prn_label_layout layout);
int prn__check_slip(const struct prn_slip *s, char *err, size_t errlen);
int prn__check_labels(const struct prn_slip *s, enum prn_label_layout layout, char *err,
                      size_t errlen);
int prn__check_donor(const struct prn_donor_report *r, char *err, size_t errlen);
int prn__check_stock(const struct prn_stock_report *r, char *err, size_t errlen);

/* prn_donor_tables.c: the donor report's tables. */
void prn__donor_deliveries(struct prn_flow *f, const struct prn_donor_report *r);
void prn__donor_discrepancies(struct prn_flow *f, const struct prn_donor_report *r);
void prn__donor_held(struct prn_flow *f, const struct prn_donor_report *r);
/* The proof of prn_donor_proof.c: the signed statement's QR and figures, and the annex of
 * every delivery (r->proof must not be NULL). */
void prn__donor_proof(struct prn_flow *f, const struct prn_donor_report *r);
void prn__donor_annex(struct prn_flow *f, const struct prn_donor_report *r);

#endif
