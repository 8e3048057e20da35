/* wh_table.c: plain-text tables whose columns line up with accented names (widths are
 * counted in characters, not bytes), and quantity columns whose numbers and units line
 * up.  Rows are copied. */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "wh.h"

struct wh_table {
    int ncols;
    char **cells; /* rows * ncols, row 0 the headers */
    size_t rows, cap;
    char align[16]; /* 'l' left, 'r' right, 'q' quantity ("120 kit") per column */
};

size_t
wh_width(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80; /* count lead bytes only */
    return n;
}

struct wh_table *
wh_table_new(int ncols, const char *const *headers, const char *align)
{
    struct wh_table *t = xcalloc(1, sizeof *t);
    t->ncols = ncols < 16 ? ncols : 15;
    snprintf(t->align, sizeof t->align, "%s", align ? align : "");
    wh_table_row(t, headers);
    return t;
}

void
wh_table_row(struct wh_table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cells = xrealloc(t->cells, t->cap * (size_t)t->ncols * sizeof *t->cells);
    }
    for (int c = 0; c < t->ncols; c++)
        t->cells[t->rows * (size_t)t->ncols + (size_t)c] = xstrdup(cells[c] ? cells[c] : "");
    t->rows++;
}

/* Column c holds quantities ("120 kit", "3 unidad"): pad each number on the left so
 * that the numbers end in one place and the units start in one place. */
static void
s_align_quantities(struct wh_table *t, int c)
{
    size_t most = 0;
    for (size_t r = 1; r < t->rows; r++) {
        const char *cell = t->cells[r * (size_t)t->ncols + (size_t)c];
        cell += strspn(cell, " ");
        size_t n = strcspn(cell, " ");
        most = n > most ? n : most;
    }
    for (size_t r = 1; r < t->rows; r++) {
        char **cell = &t->cells[r * (size_t)t->ncols + (size_t)c];
        const char *text = *cell + strspn(*cell, " ");
        char *padded = xasprintf("%*s%s", (int)(most - strcspn(text, " ")), "", text);
        free(*cell);
        *cell = padded;
    }
}

void
wh_table_print(struct wh_table *t, FILE *out)
{
    for (int c = 0; c < t->ncols; c++)
        if (t->align[c] == 'q')
            s_align_quantities(t, c);
    size_t width[16] = {0};
    for (size_t r = 0; r < t->rows; r++)
        for (int c = 0; c < t->ncols; c++) {
            size_t w = wh_width(t->cells[r * (size_t)t->ncols + (size_t)c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * (size_t)t->ncols + (size_t)c];
            size_t pad = width[c] - wh_width(cell);
            bool right = t->align[c] == 'r' && r > 0;
            bool last = c == t->ncols - 1;
            fprintf(out, "%*s%s%*s%s", right ? (int)pad : 0, "", cell,
                    right || last ? 0 : (int)pad, "", last ? "\n" : "  ");
        }
    }
}

void
wh_table_free(struct wh_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->rows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}
