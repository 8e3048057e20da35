/* wh_table.c: plain-text tables whose columns line up with accented names (widths are
 * counted in characters, not bytes), and quantity columns whose numbers and units line
 * up.  Rows are copied.  A table wider than the terminal (ayni_term_width) wraps its
 * widest text columns at spaces into continuation lines; one that cannot fit so is shown
 * a record at a time, a "HEADER  value" line per column.  A word is never cut, a number
 * or a code never split.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "term.h"
#include "wh.h"

struct wh_table {
    int ncols;
    char **cells; /* rows * ncols, row 0 the headers */
    size_t rows, cap;
    char align[16]; /* 'l' left, 'r' right, 'q' quantity ("120 kit") per column */
};

/* U+0300..U+036F, combining accents (a decomposed "á"), take no column of their own. */
static bool
s_combining(const unsigned char *p)
{
    return (p[0] == 0xcc && p[1] >= 0x80) || (p[0] == 0xcd && p[1] >= 0x80 && p[1] <= 0xaf);
}

size_t
wh_widthn(const char *s, size_t len)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; s && i < len && p[i]; i++)
        n += (p[i] & 0xc0) != 0x80 && !(i + 1 < len && s_combining(p + i));
    return n;
}

size_t
wh_width(const char *s)
{
    return s ? wh_widthn(s, strlen(s)) : 0;
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

/* The next line, at most width columns, of the text at *p, broken at spaces: its start
 * and length in bytes; false when no text is left.  A word wider than width makes a line
 * of its own, whole. */
static bool
s_next_line(const char **p, size_t width, const char **start, size_t *len)
{
    const char *s = *p + strspn(*p, " ");
    if (!*s)
        return false;
    const char *end = s;
    size_t used = 0;
    for (;;) {
        const char *w = end + strspn(end, " ");
        size_t n = strcspn(w, " ");
        size_t wn = wh_widthn(w, n), gap = used ? wh_widthn(end, (size_t)(w - end)) : 0;
        if (!n || (used && used + gap + wn > width))
            break;
        used += gap + wn;
        end = w + n;
    }
    *start = s;
    *len = (size_t)(end - s);
    *p = end;
    return true;
}

/* The widest word of text: the narrowest it can wrap to. */
static size_t
s_widest_word(const char *text)
{
    size_t most = 0;
    for (const char *w = text; *w;) {
        w += strspn(w, " ");
        size_t n = strcspn(w, " ");
        size_t wn = wh_widthn(w, n);
        most = wn > most ? wn : most;
        w += n;
    }
    return most;
}

/* Print n bytes of text after the spaces still owed: spaces owed at the end of a line are
 * never printed. */
static void
s_put(FILE *out, size_t *owed, const char *text, size_t n)
{
    if (!n)
        return;
    fprintf(out, "%*s%.*s", (int)*owed, "", (int)n, text);
    *owed = 0;
}

/* Narrow the widest text columns, one column at a time, until the table fits in limit
 * (0: no limit) or none can narrow further; true if it fits. */
static bool
s_fit(const struct wh_table *t, size_t *width, size_t limit)
{
    size_t least[16] = {0}, total = 2 * (size_t)(t->ncols - 1);
    for (int c = 0; c < t->ncols; c++) {
        bool text = t->align[c] != 'r' && t->align[c] != 'q';
        least[c] = text ? wh_width(t->cells[c]) : width[c]; /* headers stay whole */
        for (size_t r = 1; text && r < t->rows; r++) {
            size_t w = s_widest_word(t->cells[r * (size_t)t->ncols + (size_t)c]);
            least[c] = w > least[c] ? w : least[c];
        }
        total += width[c];
    }
    while (limit && total > limit) {
        int widest = -1;
        for (int c = 0; c < t->ncols; c++)
            if (width[c] > least[c] && (widest < 0 || width[c] > width[widest]))
                widest = c;
        if (widest < 0)
            return false;
        width[widest]--, total--;
    }
    return true;
}

/* One row, its text cells wrapped to width into as many lines as the longest needs. */
static void
s_print_row(const struct wh_table *t, size_t r, const size_t *width, FILE *out)
{
    const char *rest[16];
    for (int c = 0; c < t->ncols; c++)
        rest[c] = t->cells[r * (size_t)t->ncols + (size_t)c];
    for (bool more = true, first = true; more; first = false) {
        size_t owed = 0;
        more = false;
        for (int c = 0; c < t->ncols; c++) {
            const char *start = "";
            size_t len = 0;
            bool right = t->align[c] == 'r' && r > 0;
            if (right || t->align[c] == 'q') { /* whole, on the first line */
                start = first ? rest[c] : "";
                len = strlen(start);
            } else if (s_next_line(&rest[c], width[c], &start, &len)) {
                more |= *(rest[c] + strspn(rest[c], " ")) != '\0';
            }
            size_t pad = width[c] - wh_widthn(start, len);
            owed += right ? pad : 0;
            s_put(out, &owed, start, len);
            owed += (right ? 0 : pad) + 2;
        }
        fputc('\n', out);
    }
}

/* Too wide for the terminal even wrapped: each row as "HEADER  value" lines. */
static void
s_print_records(const struct wh_table *t, size_t limit, FILE *out)
{
    size_t label = 0;
    for (int c = 0; c < t->ncols; c++) {
        size_t w = wh_width(t->cells[c]);
        label = w > label ? w : label;
    }
    size_t room = limit > label + 2 ? limit - label - 2 : 1;
    for (size_t r = 1; r < t->rows; r++) {
        if (r > 1)
            fputc('\n', out);
        for (int c = 0; c < t->ncols; c++) {
            const char *rest = t->cells[r * (size_t)t->ncols + (size_t)c], *start;
            size_t len, owed = 0;
            s_put(out, &owed, t->cells[c], strlen(t->cells[c]));
            owed = label - wh_width(t->cells[c]) + 2;
            for (bool first = true; s_next_line(&rest, room, &start, &len); first = false) {
                if (!first) {
                    fputc('\n', out);
                    owed = label + 2;
                }
                s_put(out, &owed, start, len);
            }
            fputc('\n', out);
        }
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
    size_t limit = ayni_term_width(fileno(out));
    if (!s_fit(t, width, limit)) {
        s_print_records(t, limit, out);
        return;
    }
    for (size_t r = 0; r < t->rows; r++)
        s_print_row(t, r, width, out);
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
