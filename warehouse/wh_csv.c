/* wh_csv.c: reading a receipts CSV (see `import receipts --help`) from memory into the
 * rows of a stock.receive_batch request.  Checks the header, the columns, numbers and
 * UTF-8; every error names the line and the column.  No I/O: wh_import.c reads the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "mem.h"
#include "wh.h"

static const char *const s_columns[] = {"at", "donor", "item", "lot", "expiry", "qty", "serials",
                                        "note", NULL};

struct s_reader {
    const char *path;
    int line;        /* physical line being read (1-based) */
    int row_line;    /* the line where the current row started */
    int col;         /* field index in the current row */
    int map[16];     /* field index -> column index, -1 unused */
    int ncols;
    bool header_done;
    json_t *row;     /* the row being built */
    json_t *rows;
    json_t *lines;   /* the file line of each row */
    char error[512];
};

static int
s_column(const char *name)
{
    for (int i = 0; s_columns[i]; i++)
        if (!strcmp(s_columns[i], name))
            return i;
    return -1;
}

static void __attribute__((format(printf, 3, 4)))
s_fail(struct s_reader *r, const char *column, const char *fmt, ...)
{
    if (r->error[0])
        return;
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->error, sizeof r->error, "%s: line %d%s%s%s: %s", r->path, r->row_line,
             column ? ", column '" : "", column ? column : "", column ? "'" : "", what);
}

static void
s_header_field(struct s_reader *r, const char *f)
{
    int c = s_column(f);
    if (c < 0) {
        s_fail(r, f, "unknown column: use at, donor, item, lot, expiry, qty, serials, note");
        return;
    }
    if (r->col >= 16) {
        s_fail(r, f, "too many columns: the header names at most %d", 16);
        return;
    }
    for (int i = 0; i < r->col; i++)
        if (r->map[i] == c) {
            s_fail(r, f, "the column is named twice in the header");
            return;
        }
    r->map[r->col] = c;
    r->ncols = r->col + 1;
}

static void
s_value(struct s_reader *r, const char *name, const char *f)
{
    if (!*f)
        return;
    if (!strcmp(name, "qty")) {
        char *end;
        long long n = strtoll(f, &end, 10);
        if (*end) {
            s_fail(r, name, "'%s' is not a whole number", f);
            return;
        }
        json_object_set_new(r->row, name, json_integer(n));
    } else if (!strcmp(name, "serials")) {
        json_t *list = json_array();
        char *copy = xstrdup(f), *save = NULL;
        /* One per line of the cell is how a spreadsheet keeps a list, too. */
        for (char *t = strtok_r(copy, " ;,\t\r\n", &save); t;
             t = strtok_r(NULL, " ;,\t\r\n", &save))
            json_array_append_new(list, json_string(t));
        free(copy);
        json_object_set_new(r->row, name, list);
    } else {
        json_t *v = json_string(f);
        if (!v) {
            s_fail(r, name, "not valid UTF-8 text");
            return;
        }
        if (strcmp(name, "lot") && strcmp(name, "note") && strcmp(name, "expiry"))
            for (char *p = (char *)json_string_value(v); *p; p++) /* codes are upper-case */
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
        json_object_set_new(r->row, name, v);
    }
}

static void
s_on_field(void *data, size_t len, void *user)
{
    struct s_reader *r = user;
    /* Refused already: libcsv still hands over the rest of this chunk, which may hold
     * more rows (a CR ends a row too), and a header column that was refused has no
     * column index in map[] to read a value against. */
    if (r->error[0]) {
        r->col++;
        return;
    }
    if (data && memchr(data, '\0', len)) { /* a C string would end there, silently */
        s_fail(r, r->header_done && r->col < r->ncols ? s_columns[r->map[r->col]] : NULL,
               "a field holds a NUL byte (0x00): save the file again as text (CSV UTF-8)");
        r->col++;
        return;
    }
    char *f = xstrndup(data ? data : "", data ? len : 0);
    if (r->col == 0 && !r->row)
        r->row = json_object();
    if (!r->header_done)
        s_header_field(r, f);
    else if (r->col >= r->ncols)
        s_fail(r, NULL, "more fields than the header has columns (quote a field that holds "
                        "a comma)");
    else
        s_value(r, s_columns[r->map[r->col]], f);
    free(f);
    r->col++;
}

static void
s_on_row(int term, void *user)
{
    struct s_reader *r = user;
    (void)term;
    if (!r->header_done) {
        r->header_done = true;
        static const char *const needed[] = {"at", "donor", "item"};
        for (size_t k = 0; k < 3; k++) {
            bool found = false;
            for (int i = 0; i < r->ncols && i < 16; i++)
                found |= r->map[i] >= 0 && !strcmp(s_columns[r->map[i]], needed[k]);
            if (!found)
                s_fail(r, needed[k], "the header has no '%s' column", needed[k]);
        }
    } else if (json_object_size(r->row)) {
        json_array_append(r->rows, r->row);
        json_array_append_new(r->lines, json_integer(r->row_line));
    }
    json_decref(r->row);
    r->row = NULL;
    r->col = 0;
}

int
wh_csv_receipts(const char *data, size_t len, const char *name, json_t **rows, json_t **lines,
                char *err, size_t errlen)
{
    struct s_reader r = {.path = name, .rows = json_array(), .lines = json_array(), .row_line = 1};
    memset(r.map, -1, sizeof r.map);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
    /* A spreadsheet's "CSV UTF-8" starts with a byte-order mark: not part of the header. */
    size_t at = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (at < len && !r.error[0]) {
        const char *nl = memchr(data + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (data + at)) + 1 : len - at;
        r.line++;
        /* No row under way (libcsv's ROW_NOT_BEGUN): the next row starts on this line or
         * later; blank lines in between make no row, so count them here. */
        if (r.col == 0 && p.pstate == 0)
            r.row_line = r.line;
        if (csv_parse(&p, data + at, n, s_on_field, s_on_row, &r) != n)
            s_fail(&r, NULL, "%s", csv_strerror(csv_error(&p)));
        at += n;
    }
    if (!r.error[0] && csv_fini(&p, s_on_field, s_on_row, &r) != 0)
        s_fail(&r, NULL, "%s (an opening quote is never closed)", csv_strerror(csv_error(&p)));
    csv_free(&p);
    json_decref(r.row);
    if (!r.error[0] && !json_array_size(r.rows))
        snprintf(r.error, sizeof r.error, "%s: no rows under the header: nothing to import", name);
    if (r.error[0]) {
        snprintf(err, errlen, "%s", r.error);
        json_decref(r.rows);
        json_decref(r.lines);
        return -1;
    }
    *rows = r.rows;
    *lines = r.lines;
    return 0;
}
