/* test_store_checkpoint.c: the write-ahead log checkpointed by a thread of its own.
 *
 * With the checkpointer the commits no longer checkpoint; the thread must, or the log
 * would grow without bound.  Also run under ASan and valgrind, which watch the thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define RECEIPTS 1500
#define S_BOUND ((long)RECEIPTS * 6 * 4096) /* bytes */

static long
s_wal_bytes(const char *db)
{
    char *wal = xasprintf("%s-wal", db);
    struct stat st;
    long n = stat(wal, &st) == 0 ? (long)st.st_size : 0;
    free(wal);
    return n;
}

/* The log's size after RECEIPTS receipts, one transaction each. */
static long
s_log_after_receipts(struct storefix *f)
{
    char lot[32];
    for (int i = 0; i < RECEIPTS; i++) {
        snprintf(lot, sizeof lot, "CK-%d", i);
        sf_receive(f->store, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", lot, NULL, 1);
    }
    return s_wal_bytes(f->path);
}

static void
test_log_stays_bounded(void **state)
{
    struct storefix *f = FIX(state);
    assert_int_equal(core_store_checkpoint_in_background(f->store), 0);
    assert_int_equal(core_store_checkpoint_in_background(f->store), 0); /* once is enough */
    long bytes = s_log_after_receipts(f);
    /* Unchecked, each receipt adds over ten pages of 4 KiB: this is far below that. */
    if (bytes > S_BOUND)
        fail_msg("the log grew to %ld bytes: nothing checkpointed it", bytes);
    assert_int_equal(sf_qty(f->store, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), RECEIPTS);
    sf_verify_ok(f->store);
}

/* The yardstick of the test above: while a reader holds an old snapshot no checkpoint can
 * pass it, and the log does outgrow the bound. */
static void
test_log_grows_when_held(void **state)
{
    struct storefix *f = FIX(state);
    assert_int_equal(core_store_checkpoint_in_background(f->store), 0);
    sqlite3 *reader;
    assert_int_equal(sqlite3_open(f->path, &reader), SQLITE_OK);
    assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT COUNT(*) FROM movements;", NULL, NULL,
                                  NULL), SQLITE_OK);
    long bytes = s_log_after_receipts(f);
    sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(reader);
    if (bytes <= S_BOUND)
        fail_msg("the log is only %ld bytes: the bound of test_log_stays_bounded proves nothing",
                 bytes);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_stays_bounded, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_log_grows_when_held, sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
