/* wh_import.c: `import receipts FILE.csv`: many donations in one request.
 *
 * The file is read whole and checked here (header, columns, numbers, UTF-8), then sent
 * as one stock.receive_batch, which the core records in one transaction: all rows or
 * none.  Every error names the file's line and the column.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "error.h"
#include "mem.h"
#include "wh.h"

#define S_MAX_FILE (64L * 1024 * 1024)

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
    if (r->col < 16)
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
        for (char *t = strtok_r(copy, " ;,\t", &save); t; t = strtok_r(NULL, " ;,\t", &save))
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
    r->row_line = r->line + 1;
}

/* Read and check the whole file into r->rows; 0, or an error in r->error. */
static int
s_read(struct s_reader *r)
{
    FILE *f = fopen(r->path, "rb");
    if (!f) {
        snprintf(r->error, sizeof r->error, "cannot open '%s': %s", r->path, strerror(errno));
        return -1;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    long total = 0;
    r->line = 0;
    r->row_line = 1;
    while (!r->error[0] && (n = getline(&buf, &cap, f)) > 0) {
        r->line++;
        total += n;
        if (total > S_MAX_FILE)
            s_fail(r, NULL, "the file is over 64 MiB: split it");
        else if (csv_parse(&p, buf, (size_t)n, s_on_field, s_on_row, r) != (size_t)n)
            s_fail(r, NULL, "%s", csv_strerror(csv_error(&p)));
    }
    if (!r->error[0] && csv_fini(&p, s_on_field, s_on_row, r) != 0)
        s_fail(r, NULL, "%s (an opening quote is never closed)", csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(buf);
    fclose(f);
    if (!r->error[0] && !json_array_size(r->rows))
        snprintf(r->error, sizeof r->error, "%s: no rows under the header: nothing to import",
                 r->path);
    return r->error[0] ? -1 : 0;
}

int
wh_run_import(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    struct s_reader r = {.path = json_string_value(json_object_get(args, "file")),
                         .rows = json_array(), .lines = json_array()};
    memset(r.map, -1, sizeof r.map);
    int rc = WH_OK;
    if (s_read(&r) != 0) {
        wh_error("%s; nothing was imported", r.error);
        rc = WH_USAGE;
        goto out;
    }
    json_t *result = NULL;
    rc = wh_call(w, "stock.receive_batch", json_pack("{sO}", "rows", r.rows), &result);
    if (rc) {
        json_t *row = json_object_get(w->err.details, "row");
        if (json_is_integer(row)) {
            json_t *field = json_object_get(w->err.details, "field");
            wh_error("%s: line %lld%s%s%s: the core refused it; nothing was imported", r.path,
                     (long long)json_integer_value(json_array_get(r.lines, (size_t)json_integer_value(row))),
                     field ? ", column '" : "", field ? json_string_value(field) : "", field ? "'" : "");
        } else {
            wh_error("nothing was imported");
        }
        goto out;
    }
    if (w->json)
        wh_print_json(result);
    else
        printf("importadas %lld recepciones de '%s'\n", wh_i(result, "received"), r.path);
    json_decref(result);
out:
    json_decref(r.rows);
    json_decref(r.lines);
    json_decref(r.row);
    json_decref(args);
    return rc;
}
