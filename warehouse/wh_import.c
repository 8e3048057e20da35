/* wh_import.c: `import receipts FILE.csv`: many donations in one request.
 *
 * The file is read whole and checked (wh_csv.c), then sent as one stock.receive_batch,
 * which the core records in one transaction: all rows or none.  Every error names the
 * file's line and the column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "wh.h"

#define S_MAX_FILE (64L * 1024 * 1024)

/* The whole file in a new buffer, or NULL with err filled. */
static char *
s_slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && cap < (size_t)S_MAX_FILE + 1)
            buf = xrealloc(buf, cap *= 2);
        if (n > (size_t)S_MAX_FILE) {
            snprintf(err, errlen, "'%s' is over 64 MiB: split it", path);
            free(buf);
            fclose(f);
            return NULL;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int
wh_run_import(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    const char *path = json_string_value(json_object_get(args, "file"));
    json_t *rows = NULL, *lines = NULL;
    char err[512];
    size_t len = 0;
    char *data = s_slurp(path, &len, err, sizeof err);
    int rc = WH_OK;
    if (!data || wh_csv_receipts(data, len, path, &rows, &lines, err, sizeof err) != 0) {
        wh_error("%s; nothing was imported", err);
        rc = WH_USAGE;
        goto out;
    }
    json_t *result = NULL;
    w->quiet = true; /* one message, naming the file's line rather than the row's index */
    rc = wh_call(w, "stock.receive_batch", json_pack("{sO}", "rows", rows), &result);
    if (rc) {
        json_t *row = json_object_get(w->err.details, "row");
        const char *why = w->err.message;
        if (json_is_integer(row)) {
            /* The core names the row by its index ("rows[5]: "): the file's line says more. */
            const char *index = !strncmp(why, "rows[", 5) ? strstr(why, "]: ") : NULL;
            const char *field = json_string_value(json_object_get(w->err.details, "field"));
            json_t *line = json_array_get(lines, (size_t)json_integer_value(row));
            wh_error("%s: line %lld%s%s%s: %s; nothing was imported", path,
                     (long long)json_integer_value(line), field ? ", column '" : "",
                     field ? field : "", field ? "'" : "", index ? index + 3 : why);
        } else {
            wh_error("%s; nothing was imported", why);
        }
        goto out;
    }
    long long n = wh_i(result, "received");
    if (w->json)
        wh_print_json(result);
    else
        printf("%s %lld %s de '%s'\n", n == 1 ? "importada" : "importadas", n,
               n == 1 ? "recepción" : "recepciones", path);
    json_decref(result);
out:
    free(data);
    json_decref(rows);
    json_decref(lines);
    json_decref(args);
    return rc;
}
