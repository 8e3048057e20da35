/* scan_term.c: what ayni-scan prints on a terminal fits its width (scan.h, "the
 * terminal").
 *
 * A delivery team reads ayni-scan on a phone or a small tablet, down to 40 columns.  A
 * line wider than that would be cut by the terminal wherever it ends, in the middle of a
 * word; so output to a terminal goes through a stream (fopencookie) that breaks its lines
 * at spaces, before the word that would not fit, and indents the continuation under the
 * line's text.  The width is the terminal's (TIOCGWINSZ), else COLUMNS, and at least
 * AYNI_MIN_COLUMNS, as ayni-warehouse's tables do.  A word wider than the line (a long
 * path) is left whole for the terminal to fold.  Calls nothing else of ayni-scan.
 */
#define _GNU_SOURCE /* fopencookie */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "scan.h"
#include "term.h"

#define S_WORD_MAX 2048 /* longer words are written as they come */
#define S_ANSWER_ROOM 8 /* columns left after a question for its answer */

struct s_wrap {
    int fd;
    size_t width;
    size_t col;      /* where the cursor is on the terminal's line */
    size_t lead;     /* leading spaces of this line so far */
    size_t indent;   /* of this line's continuations */
    size_t spaces;   /* between the last word and the next, not yet written */
    bool in_lead;    /* nothing but spaces on this line yet */
    bool first_word; /* the next word is the line's first */
    char word[S_WORD_MAX];
    size_t wlen, wcols;
};

static void
s_put(struct s_wrap *w, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, s, n);
        if (k <= 0)
            return; /* the terminal is gone: nothing more to show */
        s += k;
        n -= (size_t)k;
    }
}

static void
s_put_spaces(struct s_wrap *w, size_t n)
{
    static const char blanks[] = "                                        ";
    while (n > 0) {
        size_t k = n < sizeof blanks - 1 ? n : sizeof blanks - 1;
        s_put(w, blanks, k);
        n -= k;
    }
}

/* A line's first word of one column that is no letter ("✗", "·", "…") marks the
 * line: its continuations go under the text after it. */
static bool
s_is_marker(const struct s_wrap *w)
{
    return w->wcols == 1 && !isalnum((unsigned char)w->word[0]) && w->word[0] != '(';
}

/* Write the word in hand: on this line after the spaces before it if it fits, else on a
 * new line at the indent. */
static void
s_word(struct s_wrap *w)
{
    if (w->wlen == 0)
        return;
    if (w->col > w->indent && w->col + w->spaces + w->wcols > w->width) {
        s_put(w, "\n", 1);
        s_put_spaces(w, w->indent);
        w->col = w->indent;
    } else {
        s_put_spaces(w, w->spaces);
        w->col += w->spaces;
    }
    if (w->first_word) {
        w->indent = w->lead + (s_is_marker(w) ? w->wcols + 1 : 0);
        if (w->indent > w->width / 2)
            w->indent = w->width / 2;
        w->first_word = false;
    }
    s_put(w, w->word, w->wlen);
    w->col += w->wcols;
    if (w->col > w->width) /* wider than the line: the terminal folded it */
        w->col %= w->width;
    w->spaces = 0;
    w->wlen = w->wcols = 0;
}

static void
s_line_start(struct s_wrap *w)
{
    w->col = w->lead = w->indent = w->spaces = 0;
    w->in_lead = w->first_word = true;
}

static void
s_char(struct s_wrap *w, char c)
{
    if (c == '\n') {
        s_word(w);
        s_put(w, "\n", 1);
        s_line_start(w);
    } else if (c == ' ' || c == '\t') {
        if (w->in_lead) {
            w->lead++;
            w->spaces++;
        } else {
            s_word(w);
            w->spaces++;
        }
    } else {
        w->in_lead = false;
        if (w->wlen == sizeof w->word)
            s_word(w);
        w->word[w->wlen++] = c;
        w->wcols += ((unsigned char)c & 0xc0) != 0x80 && !iscntrl((unsigned char)c);
    }
}

/* The streams scan_term_open made, to find a stream's state by its FILE. */
static struct {
    FILE *f;
    struct s_wrap *w;
} s_open[4];

static ssize_t
s_write(void *cookie, const char *buf, size_t size)
{
    struct s_wrap *w = cookie;
    for (size_t i = 0; i < size; i++)
        s_char(w, buf[i]);
    /* The caller flushed: what it wrote is whole (a question waits for its answer). */
    s_word(w);
    if (w->spaces && w->col + w->spaces <= w->width) {
        s_put_spaces(w, w->spaces);
        w->col += w->spaces;
        w->spaces = 0;
    }
    if (w->col > w->indent && w->col + S_ANSWER_ROOM > w->width) {
        s_put(w, "\n", 1); /* the answer typed after a question goes on a line of its own */
        s_put_spaces(w, w->indent);
        w->col = w->indent;
    }
    return (ssize_t)size;
}

static int
s_close(void *cookie)
{
    struct s_wrap *w = cookie;
    s_word(w);
    for (size_t i = 0; i < sizeof s_open / sizeof s_open[0]; i++)
        if (s_open[i].w == w)
            s_open[i].f = NULL, s_open[i].w = NULL;
    free(w);
    return 0;
}

FILE *
scan_term_open(FILE *f)
{
    int fd = fileno(f);
    size_t width = fd >= 0 && isatty(fd) ? ayni_term_width(fd) : 0, slot = 0;
    while (slot < sizeof s_open / sizeof s_open[0] && s_open[slot].f)
        slot++;
    if (width == 0 || slot == sizeof s_open / sizeof s_open[0])
        return f;
    struct s_wrap *w = xcalloc(1, sizeof *w);
    w->fd = fd;
    w->width = width;
    s_line_start(w);
    cookie_io_functions_t io = {.write = s_write, .close = s_close};
    fflush(f);
    FILE *out = fopencookie(w, "w", io);
    if (!out) {
        free(w);
        return f;
    }
    setvbuf(out, NULL, _IOLBF, 0); /* as a terminal's stdout: each line as it is done */
    s_open[slot].f = out;
    s_open[slot].w = w;
    return out;
}

void
scan_term_close(FILE **f_p, FILE *under)
{
    if (*f_p && *f_p != under)
        fclose(*f_p);
    *f_p = under;
}

void
scan_term_answered(FILE *f)
{
    for (size_t i = 0; i < sizeof s_open / sizeof s_open[0]; i++)
        if (s_open[i].f == f && f) {
            fflush(f);
            s_line_start(s_open[i].w);
        }
}
