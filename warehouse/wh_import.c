/* wh_import.c: `import receipts|items|locations|donors FILE.csv`: many donations, or a
 * whole catalog, in one request.
 *
 * The file is read whole and checked by its kind's columns (wh_csv.c), then sent as one
 * request of the kind's batch op (stock.receive_batch, item.add_batch, ...), which the
 * core records in one transaction: all rows or none.  A file too big for one
 * request goes as an upload (docs/PROTOCOL.md section 4): parts that each fit, staged by
 * the core until the last, whose request records every row in one transaction.  Every
 * error names the file's line and the column.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "proto.h"
#include "wh.h"

#define S_MAX_FILE (64L * 1024 * 1024)
/* The rows of one request: its limit less room for the envelope and the upload's id. */
#define S_PART_BYTES ((size_t)PROTO_MAX_REQUEST - 4096)

/* The whole file in a new buffer, or NULL with err filled. */
static char *
s_slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, _("cannot open '%s': %s"), path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && cap < (size_t)S_MAX_FILE + 1)
            buf = xrealloc(buf, cap *= 2);
        if (n > (size_t)S_MAX_FILE) {
            snprintf(err, errlen, _("'%s' is over 64 MiB: split it"), path);
            free(buf);
            fclose(f);
            return NULL;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, _("cannot read '%s': %s"), path, strerror(errno));
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The encoded size of each row (and its comma) in a new array; NULL if a row is too big
 * for any request, after saying so, naming its line. */
static size_t *
s_row_sizes(const char *path, const struct wh_csv_kind *kind, json_t *rows, json_t *lines)
{
    size_t n = json_array_size(rows);
    size_t *len = xcalloc(n ? n : 1, sizeof *len);
    for (size_t i = 0; i < n; i++) {
        char *text = proto_dump(json_array_get(rows, i));
        len[i] = strlen(text) + 1;
        free(text);
        if (len[i] + 2 > S_PART_BYTES) {
            wh_error("%s: line %lld: the row is %.1f MiB, more than one request may carry "
                     "(%.1f MiB): %s; nothing was imported", path,
                     (long long)json_integer_value(json_array_get(lines, i)),
                     (double)len[i] / 1048576.0, (double)S_PART_BYTES / 1048576.0,
                     strcmp(kind->name, "receipts") ? "shorten its fields"
                                                    : "give it fewer serials");
            free(len);
            return NULL;
        }
    }
    return len;
}

/* Send rows (each len[i] bytes) as one request of op, or as an upload of parts of at most
 * S_PART_BYTES each; *result is the last reply's. */
static int
s_send(struct wh *w, const char *op, json_t *rows, const size_t *len, json_t **result)
{
    size_t n = json_array_size(rows), bytes = 2, i;
    for (i = 0; i < n; i++)
        bytes += len[i];
    if (bytes <= S_PART_BYTES)
        return wh_call(w, op, json_pack("{sO}", "rows", rows), result);
    unsigned char raw[16];
    char id[33];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(id, sizeof id, raw, sizeof raw);
    int rc = WH_OK;
    i = 0;
    for (long part = 0; i < n && rc == WH_OK; part++) {
        json_t *slice = json_array();
        for (bytes = 2; i < n && bytes + len[i] <= S_PART_BYTES; bytes += len[i++])
            json_array_append(slice, json_array_get(rows, i));
        json_t *up = json_pack("{sssIsb}", "id", id, "part", (json_int_t)part, "last", i == n);
        json_t *reply = NULL;
        rc = wh_call(w, op, json_pack("{soso}", "rows", slice, "upload", up), &reply);
        if (rc == WH_OK && i < n)
            json_decref(reply);
        else if (rc == WH_OK)
            *result = reply;
    }
    return rc;
}

int
wh_run_import(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    const struct wh_csv_kind *kind = wh_csv_kind(c->path + strlen("import "));
    assert(kind); /* every `import KIND` command has its kind in wh_csv.c */
    const char *path = json_string_value(json_object_get(args, "file"));
    json_t *rows = NULL, *lines = NULL;
    char err[512];
    size_t len = 0;
    char *data = s_slurp(path, &len, err, sizeof err);
    int rc = WH_OK;
    if (!data || wh_csv_read(data, len, path, kind, &rows, &lines, err, sizeof err) != 0) {
        wh_error("%s; nothing was imported", err);
        rc = WH_USAGE;
        goto out;
    }
    if (json_array_size(rows) > PROTO_MAX_LIST) {
        wh_error("'%s' holds %zu rows, more than the %d one import may: split it into files "
                 "of at most %d rows; nothing was imported", path, json_array_size(rows),
                 PROTO_MAX_LIST, PROTO_MAX_LIST);
        rc = WH_USAGE;
        goto out;
    }
    size_t *sizes = s_row_sizes(path, kind, rows, lines);
    if (!sizes) {
        rc = WH_USAGE;
        goto out;
    }
    json_t *result = NULL;
    w->quiet = true; /* one message, naming the file's line rather than the row's index */
    rc = s_send(w, kind->op, rows, sizes, &result);
    free(sizes);
    if (rc) {
        json_t *row = json_object_get(w->err.details, "row");
        const char *why = w->err.message;
        if (json_is_integer(row)) {
            /* The core names the row by its index ("rows[5]: "): the file's line says more. */
            const char *index = !strncmp(why, "rows[", 5) ? strstr(why, "]: ") : NULL;
            const char *field = json_string_value(json_object_get(w->err.details, "field"));
            json_t *line = json_array_get(lines, (size_t)json_integer_value(row));
            if (field)
                wh_error("%s: line %lld, column '%s': %s; nothing was imported", path,
                         (long long)json_integer_value(line), field, index ? index + 3 : why);
            else
                wh_error("%s: line %lld: %s; nothing was imported", path,
                         (long long)json_integer_value(line), index ? index + 3 : why);
        } else {
            wh_error("%s; nothing was imported", why);
        }
        goto out;
    }
    long long n = wh_i(result, kind->count);
    if (w->json) {
        wh_print_json(result);
    } else {
        /* the table's formats: "%lld ... '%s'" in both, and msgfmt checks their translations */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        printf(ayni_ntr(kind->done[0], kind->done[1], (unsigned long)n), n, path);
#pragma GCC diagnostic pop
        putchar('\n');
    }
    json_decref(result);
out:
    free(data);
    json_decref(rows);
    json_decref(lines);
    json_decref(args);
    return rc;
}
