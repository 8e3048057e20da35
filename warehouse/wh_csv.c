/* wh_csv.c: reading an import CSV (see `import receipts --help`, `import items --help`)
 * from memory into the rows of its batch request (stock.receive_batch, item.add_batch,
 * location.add_batch, donor.add_batch), by the columns of its kind.  Checks the header,
 * the columns, numbers, yes/no and UTF-8; every error names the line and the column.
 * No I/O: wh_import.c reads the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "lang.h"
#include "mem.h"
#include "wh.h"

#define S_END {NULL, 0, false}

/* The columns of each kind: the op's own argument names, so a row is the op's arguments. */
static const struct wh_csv_column s_receipts[] = {
    {"at", 'u', true},   {"donor", 'u', true}, {"item", 'u', true},    {"lot", 's', false},
    {"expiry", 's', false}, {"qty", 'i', false}, {"serials", 'l', false}, {"note", 's', false},
    S_END};
static const struct wh_csv_column s_items[] = {
    {"code", 'u', true},     {"name_es", 's', true},    {"name_en", 's', true},
    {"tracking", 's', true}, {"perishable", 'b', false}, {"unit", 's', false},
    {"low", 'i', false},     S_END};
static const struct wh_csv_column s_locations[] = {
    {"code", 'u', true},    {"kind", 's', true},      {"name", 's', true},
    {"region", 's', false}, {"district", 's', false}, S_END};
static const struct wh_csv_column s_donors[] = {{"code", 'u', true}, {"name", 's', true}, S_END};

const struct wh_csv_kind wh_csv_kinds[] = {
    {"receipts", "stock.receive_batch", "received",
     {NN_("imported %lld receipt from '%s'", "imported %lld receipts from '%s'")}, s_receipts},
    {"items", "item.add_batch", "added",
     {NN_("imported %lld item from '%s'", "imported %lld items from '%s'")}, s_items},
    {"locations", "location.add_batch", "added",
     {NN_("imported %lld location from '%s'", "imported %lld locations from '%s'")},
     s_locations},
    {"donors", "donor.add_batch", "added",
     {NN_("imported %lld donor from '%s'", "imported %lld donors from '%s'")}, s_donors},
    {NULL, NULL, NULL, {NULL, NULL}, NULL},
};

const struct wh_csv_kind *
wh_csv_kind(const char *name)
{
    const struct wh_csv_kind *k = wh_csv_kinds;
    while (k->name && strcmp(k->name, name))
        k++;
    return k->name ? k : NULL;
}

struct s_reader {
    const char *path;
    const struct wh_csv_column *columns;
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
s_column(const struct s_reader *r, const char *name)
{
    for (int i = 0; r->columns[i].name; i++)
        if (!strcmp(r->columns[i].name, name))
            return i;
    return -1;
}

/* The name of the column of the current field, or NULL (past the header's columns). */
static const char *
s_field_column(const struct s_reader *r)
{
    return r->header_done && r->col < r->ncols ? r->columns[r->map[r->col]].name : NULL;
}

static void __attribute__((format(printf, 3, 4)))
s_fail(struct s_reader *r, const char *column, const char *fmt, ...)
{
    if (r->error[0])
        return;
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, ayni_tr(fmt), ap);
    va_end(ap);
    if (column)
        snprintf(r->error, sizeof r->error, _("%s: line %d, column '%s': %s"), r->path,
                 r->row_line, column, what);
    else
        snprintf(r->error, sizeof r->error, _("%s: line %d: %s"), r->path, r->row_line, what);
}

static void
s_header_field(struct s_reader *r, const char *f)
{
    int c = s_column(r, f);
    if (c < 0) {
        char names[200] = "";
        size_t n = 0;
        for (int i = 0; r->columns[i].name && n < sizeof names; i++)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
                                  r->columns[i].name);
        s_fail(r, f, "unknown column: use %s", names);
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

/* yes/no as a spreadsheet may write it; -1 for anything else. */
static int
s_yes_no(const char *f)
{
    static const char *const yes[] = {"yes", "sí", "si", "true", "1", "x", NULL};
    static const char *const no[] = {"no", "false", "0", NULL};
    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(f, yes[i]))
            return 1;
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(f, no[i]))
            return 0;
    return -1;
}

static void
s_list(struct s_reader *r, const char *name, const char *f)
{
    json_t *list = json_array();
    char *copy = xstrdup(f), *save = NULL;
    /* One per line of the cell is how a spreadsheet keeps a list, too. */
    for (char *t = strtok_r(copy, " ;,\t\r\n", &save); t; t = strtok_r(NULL, " ;,\t\r\n", &save))
        json_array_append_new(list, json_string(t));
    free(copy);
    json_object_set_new(r->row, name, list);
}

static void
s_value(struct s_reader *r, const struct wh_csv_column *c, const char *f)
{
    const char *name = c->name;
    if (!*f)
        return;
    if (c->type == 'i') {
        char *end;
        long long n = strtoll(f, &end, 10);
        if (*end) {
            s_fail(r, name, "'%s' is not a whole number", f);
            return;
        }
        json_object_set_new(r->row, name, json_integer(n));
    } else if (c->type == 'b') {
        int yes = s_yes_no(f);
        if (yes < 0) {
            s_fail(r, name, "'%s' is neither yes nor no: write yes (sí) or no", f);
            return;
        }
        json_object_set_new(r->row, name, json_boolean(yes));
    } else if (c->type == 'l') {
        s_list(r, name, f);
    } else {
        json_t *v = json_string(f);
        if (!v) {
            s_fail(r, name, "not valid UTF-8 text");
            return;
        }
        if (c->type == 'u')
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
        s_fail(r, s_field_column(r), "a field holds a NUL byte (0x00): save the file again as text (CSV UTF-8)");
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
        s_value(r, &r->columns[r->map[r->col]], f);
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
        for (int k = 0; r->columns[k].name; k++) {
            bool found = !r->columns[k].required;
            for (int i = 0; i < r->ncols && i < 16; i++)
                found |= r->map[i] == k;
            if (!found)
                s_fail(r, r->columns[k].name, "the header has no '%s' column",
                       r->columns[k].name);
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
wh_csv_read(const char *data, size_t len, const char *name, const struct wh_csv_kind *kind,
            json_t **rows, json_t **lines, char *err, size_t errlen)
{
    struct s_reader r = {.path = name, .columns = kind->columns, .rows = json_array(), .lines = json_array(), .row_line = 1};
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
        snprintf(r.error, sizeof r.error, _("%s: no rows under the header: nothing to import"),
                 name);
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
