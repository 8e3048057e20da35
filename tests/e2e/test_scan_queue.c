/* test_scan_queue.c: ayni-scan's queue on its own (scanner-client/scan_queue*.c).
 *
 * No aynid: the file and folder modes, one scan per package (and the slip covering
 * the rest), the states queued -> sent | refused and their guards, back-off, and the
 * clear refusals of a file that is not a queue or comes from a newer ayni-scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "error.h"
#include "mem.h"
#include "scan.h"

struct fx {
    char dir[64];
    char *path;
    scan_queue_t *q;
};

static int
s_setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ayni-scanq-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/a/b/scan.db", f->dir);
    char err[512];
    f->q = scan_queue_open(f->path, err, sizeof err);
    if (!f->q)
        fail_msg("%s", err);
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    scan_queue_close(&f->q);
    char *cmd = xasprintf("rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f->path);
    free(f);
    return 0;
}

static int
s_add(struct fx *f, const char *id, int package, json_t **existing)
{
    char scan_id[SCAN_ID_LEN + 1];
    snprintf(scan_id, sizeof scan_id, "%032d", atoi(id));
    struct scan_new n = {scan_id, "AYNITOKEN", "ENV-1", "COM-1", "Equipo", "dev",
                         "2026-11-22T01:00:00-05:00", package, 5, NULL, NULL};
    return scan_queue_add(f->q, &n, existing);
}

static void
test_modes(void **state)
{
    struct fx *f = *state;
    struct stat st;
    char *dir = xasprintf("%s/a/b", f->dir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(dir);
}

static void
test_one_scan_per_package(void **state)
{
    struct fx *f = *state;
    json_t *existing = NULL;
    assert_int_equal(s_add(f, "1", 3, &existing), 0);
    assert_int_equal(s_add(f, "2", 3, &existing), AYNI_EEXISTS);
    assert_int_equal(json_integer_value(json_object_get(existing, "package")), 3);
    json_decref(existing);
    assert_int_equal(s_add(f, "3", 0, &existing), 0); /* the slip covers the rest */
    assert_int_equal(s_add(f, "4", 4, &existing), AYNI_EEXISTS);
    assert_int_equal(json_integer_value(json_object_get(existing, "package")), 0);
    json_decref(existing);
    assert_int_equal(s_add(f, "5", 0, &existing), AYNI_EEXISTS);
    json_decref(existing);
    json_t *covered = scan_queue_covered(f->q, "ENV-1");
    assert_int_equal(json_array_size(covered), 2);
    json_decref(covered);

    /* A refused scan does not block a new one of the same package. */
    char id[33];
    snprintf(id, sizeof id, "%032d", 1);
    assert_int_equal(scan_queue_mark_refused(f->q, id, "invalid_state", "cancelado", NULL), 0);
    assert_int_equal(scan_queue_mark_refused(f->q, id, "invalid_state", "otra vez", NULL),
                     AYNI_ESTATE);
    assert_int_equal(scan_queue_mark_sent(f->q, id, NULL), AYNI_ESTATE);
    assert_int_equal(s_add(f, "6", 3, &existing), AYNI_EEXISTS); /* the slip still covers it */
    json_decref(existing);
    json_t *counts = scan_queue_counts(f->q);
    assert_int_equal(json_integer_value(json_object_get(counts, "queued")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "refused")), 1);
    json_decref(counts);
}

static void
test_order_and_retry(void **state)
{
    struct fx *f = *state;
    json_t *existing = NULL;
    for (int p = 1; p <= 3; p++) {
        char n[4];
        snprintf(n, sizeof n, "%d", p);
        assert_int_equal(s_add(f, n, p, &existing), 0);
    }
    json_t *s = scan_queue_next(f->q, 0);
    assert_int_equal(json_integer_value(json_object_get(s, "package")), 1);
    char id[SCAN_ID_LEN + 1];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(s, "scan_id")));
    assert_int_equal(scan_queue_attempt(f->q, id), 0);
    assert_int_equal(scan_queue_retry_later(f->q, id, "unavailable", "sin respuesta"), 0);
    json_decref(s);
    s = scan_queue_next(f->q, 0);
    assert_int_equal(json_integer_value(json_object_get(s, "attempts")), 1);
    assert_string_equal(json_string_value(json_object_get(s, "last_error")), "sin respuesta");
    assert_true(scan_parse_time(json_string_value(json_object_get(s, "next_attempt_at"))) >
                time(NULL));
    json_t *answer = json_pack("{sb}", "repeat", 1);
    if (scan_queue_mark_sent(f->q, id, answer) != 0)
        fail_msg("%s", scan_queue_errmsg(f->q));
    json_decref(answer);
    json_decref(s);
    s = scan_queue_next(f->q, 0);
    assert_int_equal(json_integer_value(json_object_get(s, "package")), 2);
    json_decref(s);
    char *last = scan_queue_get(f->q, "last_contact");
    assert_non_null(last);
    free(last);

    assert_true(scan_queue_contact_due(f->q));
    assert_int_equal(scan_queue_contact_failed(f->q), 0);
    assert_false(scan_queue_contact_due(f->q));
}

static void
test_not_a_queue(void **state)
{
    struct fx *f = *state;
    char err[512];
    char *junk = xasprintf("%s/junk.db", f->dir), *newer = xasprintf("%s/newer.db", f->dir);
    FILE *j = fopen(junk, "w");
    fputs("esto no es una base de datos, solo texto de relleno para llenar la cabecera\n", j);
    fclose(j);
    assert_null(scan_queue_open(junk, err, sizeof err));
    assert_non_null(strstr(err, "is damaged or not a scan queue"));
    sqlite3 *db;
    assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(scan_queue_open(newer, err, sizeof err));
    assert_non_null(strstr(err, "was written by a newer ayni-scan"));
    free(junk);
    free(newer);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_modes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_one_scan_per_package, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_order_and_retry, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_not_a_queue, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
