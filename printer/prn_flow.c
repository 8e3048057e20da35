/* prn_flow.c: content flowing top-down over pages, and tables of wrapped cells on it.
 *
 * A new page gets the document's header and, while a table is open, the table's
 * header row (and whatever the table's cont callback adds, such as the group it is
 * in).  A row that fits on a fresh page is never split; only a row taller than a
 * whole page (hundreds of serial numbers) is continued line by line on the next.
 */
#include "prn_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define PRN_PAD_X 3.0f
#define PRN_PAD_Y 2.6f
#define PRN_PAD_Y_DENSE 1.6f
#define PRN_MAX_COLS 12

/* The lines of one row: for each cell, its first span, how many it has and how
 * many are drawn.  Each row has its own, as a page break in the middle of a row
 * draws other rows (the table header) before the rest of it. */
struct s_layout {
    struct prn_spans sp;
    char **cut; /* lines cut short, owned */
    size_t ncut, capcut;
    size_t first[PRN_MAX_COLS], n[PRN_MAX_COLS], done[PRN_MAX_COLS];
};

static void s_head(struct prn_flow *f, struct prn_table *t);

void
prn__flow_init(struct prn_flow *f, struct prn_doc *d, float w, float h, float margin,
               void (*header)(struct prn_flow *, void *), void *arg)
{
    memset(f, 0, sizeof *f);
    f->d = d;
    f->w = w, f->h = h;
    f->left = margin, f->right = w - margin, f->bottom = 44.0f;
    f->header = header, f->arg = arg;
    f->first_page = d->npages;
}

void
prn__flow_page(struct prn_flow *f)
{
    if (f->in_page)
        return;
    f->in_page = true;
    f->pg = prn__doc_page(f->d, f->w, f->h);
    f->y = f->h - 36.0f;
    if (f->header)
        f->header(f, f->arg);
    if (f->table) {
        s_head(f, f->table);
        if (f->table->cont)
            f->table->cont(f, f->table->cont_arg);
    }
    f->top_y = f->y;
    f->in_page = false;
}

void
prn__flow_need(struct prn_flow *f, float h)
{
    if (!f->pg || f->y - h < f->bottom)
        prn__flow_page(f);
}

size_t
prn__flow_pages(const struct prn_flow *f)
{
    return f->d->npages - f->first_page;
}

static float
s_pad_y(const struct prn_table *t)
{
    return t->dense ? PRN_PAD_Y_DENSE : PRN_PAD_Y;
}

static void
s_layout_free(struct s_layout *lay)
{
    for (size_t i = 0; i < lay->ncut; i++)
        free(lay->cut[i]);
    free(lay->cut);
    prn__spans_free(&lay->sp);
}

/* Wrap a paragraph into lay->sp, cut to its line limit. */
static void
s_para(struct prn_flow *f, struct s_layout *lay, const struct prn_para *p, float w)
{
    size_t first = lay->sp.n, n = prn__wrap(f->d, p->st, p->s, w, &lay->sp);
    if (p->maxlines <= 0 || n <= (size_t)p->maxlines)
        return;
    lay->sp.n = first + (size_t)p->maxlines;
    struct prn_span *last = &lay->sp.v[lay->sp.n - 1];
    char *cut = prn__ellipsize(f->d, p->st, last->s, strlen(last->s), w);
    if (lay->ncut == lay->capcut) {
        lay->capcut = lay->capcut ? lay->capcut * 2 : 4;
        lay->cut = xrealloc(lay->cut, lay->capcut * sizeof *lay->cut);
    }
    lay->cut[lay->ncut++] = cut;
    last->s = cut, last->len = strlen(cut);
}

static float
s_layout(struct prn_flow *f, struct prn_table *t, const struct prn_col *cols, int ncols,
         const struct prn_cell *cells, struct s_layout *lay)
{
    float hmax = 0;
    memset(lay, 0, sizeof *lay);
    for (int i = 0; i < ncols; i++) {
        float h = 0;
        lay->first[i] = lay->sp.n;
        for (int k = 0; k < PRN_CELL_PARAS; k++) {
            const struct prn_para *p = &cells[i].p[k];
            if (p->s && *p->s)
                s_para(f, lay, p, cols[i].w - 2 * PRN_PAD_X);
        }
        lay->n[i] = lay->sp.n - lay->first[i];
        for (size_t k = 0; k < lay->n[i]; k++)
            h += lay->sp.v[lay->first[i] + k].h;
        hmax = h > hmax ? h : hmax;
    }
    return hmax + 2 * s_pad_y(t);
}

/* Height of the lines of cell i not yet drawn, or that fit in room if fit is set. */
static float
s_rest(const struct s_layout *lay, int i, float room, size_t *fit)
{
    float h = 0;
    size_t k = lay->done[i];
    for (; k < lay->n[i]; k++) {
        float lh = lay->sp.v[lay->first[i] + k].h;
        if (fit && h + lh > room && k > lay->done[i])
            break;
        h += lh;
    }
    if (fit)
        *fit = k;
    return h;
}

/* The column rules of a row drawn from top down to f->y. */
static void
s_grid(struct prn_flow *f, const struct prn_table *t, const struct prn_col *cols, int ncols,
       float top)
{
    float xs[PRN_MAX_COLS + 1], x = t->x;
    for (int i = 0; i <= ncols; i++) {
        xs[i] = x;
        if (i < ncols)
            x += cols[i].w;
    }
    prn__vrules(f->pg, xs, ncols + 1, top, f->y, 0.3f, PRN_GREY_RULE);
}

/* On a page that continues a row, its first cell's first line again, in grey, so
 * the reader knows whose lines these are. */
static void
s_repeat_key(struct prn_flow *f, const struct prn_table *t, const struct prn_col *cols,
             const struct s_layout *lay, float y)
{
    struct prn_span sp = lay->sp.v[lay->first[0]];
    float x = cols[0].al == PRN_LEFT    ? t->x + PRN_PAD_X
              : cols[0].al == PRN_RIGHT ? t->x + cols[0].w - PRN_PAD_X
                                        : t->x + cols[0].w / 2;
    sp.st.grey = 0.55f;
    prn__span_draw(f->d, f->pg, x, y - sp.st.size * 0.95f, cols[0].al, &sp);
}

/* Draw, from the top of the room left, as many lines of each cell as fit. */
static void
s_chunk(struct prn_flow *f, struct prn_table *t, const struct prn_col *cols, int ncols,
        struct s_layout *lay, float shade)
{
    float pad = s_pad_y(t), room = f->y - f->bottom - 2 * pad, hmax = 0;
    size_t upto[PRN_MAX_COLS];
    for (int i = 0; i < ncols; i++) {
        float h = s_rest(lay, i, room, &upto[i]);
        hmax = h > hmax ? h : hmax;
    }
    float top = f->y, hrow = hmax + 2 * pad, x = t->x;
    if (shade < 1.0f)
        prn__fill(f->pg, t->x, top - hrow, t->w, hrow, shade);
    if (ncols > 1 && lay->n[0] > 0 && lay->done[0] == lay->n[0])
        s_repeat_key(f, t, cols, lay, top - pad);
    for (int i = 0; i < ncols; i++) {
        float y = top - pad;
        float ax = cols[i].al == PRN_LEFT    ? x + PRN_PAD_X
                   : cols[i].al == PRN_RIGHT ? x + cols[i].w - PRN_PAD_X
                                             : x + cols[i].w / 2;
        for (size_t k = lay->done[i]; k < upto[i]; k++) {
            const struct prn_span *sp = &lay->sp.v[lay->first[i] + k];
            prn__span_draw(f->d, f->pg, ax, y - sp->st.size * 0.95f, cols[i].al, sp);
            y -= sp->h;
        }
        lay->done[i] = upto[i];
        x += cols[i].w;
    }
    f->y = top - hrow;
    prn__rule(f->pg, t->x, f->y, t->x + t->w, f->y, 0.3f, PRN_GREY_RULE);
    if (t->grid)
        s_grid(f, t, cols, ncols, top);
}

static bool
s_all_done(const struct s_layout *lay, int ncols)
{
    for (int i = 0; i < ncols; i++)
        if (lay->done[i] < lay->n[i])
            return false;
    return true;
}

static void
s_row(struct prn_flow *f, struct prn_table *t, const struct prn_col *cols, int ncols,
      const struct prn_cell *cells, float shade)
{
    struct s_layout lay;
    assert(ncols <= PRN_MAX_COLS);
    s_layout(f, t, cols, ncols, cells, &lay);
    if (!f->pg)
        prn__flow_page(f);
    do {
        float rest = 0;
        for (int i = 0; i < ncols; i++) {
            float h = s_rest(&lay, i, 0, NULL);
            rest = h > rest ? h : rest;
        }
        bool fits = rest + 2 * s_pad_y(t) <= f->y - f->bottom;
        if (!fits && f->y < f->top_y && !f->in_page) {
            prn__flow_page(f); /* try it whole on a fresh page first */
            continue;
        }
        s_chunk(f, t, cols, ncols, &lay, shade);
        if (!s_all_done(&lay, ncols))
            prn__flow_page(f);
    } while (!s_all_done(&lay, ncols) && f->d->rc == 0);
    s_layout_free(&lay);
}

static void
s_head(struct prn_flow *f, struct prn_table *t)
{
    struct prn_cell cells[PRN_MAX_COLS];
    struct prn_col cols[PRN_MAX_COLS];
    memset(cells, 0, sizeof cells);
    for (int i = 0; i < t->ncols; i++) {
        cols[i] = t->cols[i];
        cells[i].p[0] = PRN_P(t->cols[i].es, PRN_STYLE(7.2f, true, 0));
        cells[i].p[1] = PRN_P(t->cols[i].en, PRN_STYLE(6.2f, false, PRN_GREY_SUB));
    }
    s_row(f, t, cols, t->ncols, cells, PRN_GREY_FILL);
    prn__rule(f->pg, t->x, f->y, t->x + t->w, f->y, 0.6f, 0.35f);
}

void
prn__table_open(struct prn_flow *f, struct prn_table *t, const struct prn_col *cols, int ncols)
{
    struct prn_table keep = *t;
    memset(t, 0, sizeof *t);
    t->cont = keep.cont, t->cont_arg = keep.cont_arg, t->grid = keep.grid, t->dense = keep.dense;
    t->cols = cols, t->ncols = ncols, t->x = f->left;
    for (int i = 0; i < ncols; i++)
        t->w += cols[i].w;
    prn__flow_need(f, 60.0f); /* the header and a row or two */
    s_head(f, t);
    f->table = t;
}

void
prn__table_row(struct prn_flow *f, struct prn_table *t, const struct prn_cell *cells, float shade)
{
    s_row(f, t, t->cols, t->ncols, cells, shade);
}

void
prn__table_band(struct prn_flow *f, struct prn_table *t, const struct prn_cell *cell, float shade)
{
    struct prn_col col = {NULL, NULL, t->w, PRN_LEFT};
    struct s_layout lay;
    float h = s_layout(f, t, &col, 1, cell, &lay);
    s_layout_free(&lay);
    /* keep the band with a row after it; a band inside a page header never breaks */
    if (!f->in_page)
        prn__flow_need(f, h + prn__line_h(PRN_BODY) * 2 + 4 * s_pad_y(t));
    s_row(f, t, &col, 1, cell, shade);
}

void
prn__table_close(struct prn_flow *f, struct prn_table *t)
{
    if (f->table == t)
        f->table = NULL;
}

void
prn__section(struct prn_flow *f, const char *es, const char *en)
{
    prn__flow_need(f, 90.0f);
    f->y -= 6;
    prn__label(f->d, f->pg, f->left, f->y - 12, 12, es, en);
    f->y -= 17;
    prn__rule(f->pg, f->left, f->y, f->right, f->y, 0.8f, 0.2f);
    f->y -= 6;
}
