/* fuzz_csv.c: libFuzzer target for the import CSV reader of ayni-warehouse
 * (warehouse/wh_csv.c, wh_csv_read), compiled in directly with libcsv.
 *
 * The input is the file's bytes, read as each kind of import in turn (receipts, items,
 * locations, donors).  Checks, besides no crash or sanitizer report: a file
 * that is read gives as many line numbers as rows, each row an object with only known
 * columns, each line number within the file; a file that is refused gets a message that
 * names the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh.h"

#define S_NAME "recibos.csv"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void
s_fail(const char *what)
{
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

static bool
s_known(const struct wh_csv_kind *kind, const char *column)
{
    for (size_t i = 0; kind->columns[i].name; i++)
        if (!strcmp(kind->columns[i].name, column))
            return true;
    return false;
}

static void
s_check_rows(const struct wh_csv_kind *kind, json_t *rows, json_t *lines, size_t size)
{
    json_t *row;
    size_t i;
    if (!json_is_array(rows) || !json_is_array(lines) ||
        json_array_size(rows) != json_array_size(lines) || json_array_size(rows) == 0)
        s_fail("rows and their line numbers do not match");
    json_array_foreach(rows, i, row) {
        const char *column;
        json_t *v;
        json_int_t line = json_integer_value(json_array_get(lines, i));
        if (!json_is_object(row) || line < 1 || (size_t)line > size)
            s_fail("a row that is not an object, or a line number outside the file");
        json_object_foreach(row, column, v)
            if (!s_known(kind, column))
                s_fail("a row with a column the header cannot name");
    }
    free(json_dumps(rows, JSON_COMPACT));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (const struct wh_csv_kind *kind = wh_csv_kinds; kind->name; kind++) {
        json_t *rows = NULL, *lines = NULL;
        char err[512] = "";
        if (wh_csv_read((const char *)data, size, S_NAME, kind, &rows, &lines, err,
                        sizeof err) == 0) {
            s_check_rows(kind, rows, lines, size);
            json_decref(rows);
            json_decref(lines);
        } else if (strncmp(err, S_NAME ": ", strlen(S_NAME) + 2) != 0) {
            s_fail("a refusal that does not name the file");
        }
    }
    return 0;
}
