/* bench_sqlite.c: what SQLite alone does on this disk, the yardstick of the confirmations.
 *
 * The same settings as the ledger (WAL, synchronous=FULL): one-row transactions one after
 * another, as fast as they go, and rows in transactions of 1,000.  Prepared statements,
 * no JSON, no network: the raw limit.
 *
 * Results: sqlite.tx1 (one-row transactions/s), sqlite.batch (rows/s in batches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"

static int
s_check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "bench-sqlite: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
    return rc;
}

static void
s_step(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
    s_check(db, sqlite3_step(st), what);
    sqlite3_reset(st);
}

/* Rows per second, inserting total rows in transactions of per_tx rows, into table t (a
 * trigger may write more rows elsewhere). */
static double
s_rate(sqlite3 *db, const char *table, long total, long per_tx)
{
    sqlite3_stmt *begin, *insert, *commit;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO %s (at, body) VALUES (?, ?)", table);
    s_check(db, sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL), "prepare");
    s_check(db, sqlite3_prepare_v2(db, sql, -1, &insert, NULL), "prepare");
    s_check(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), "prepare");
    static const char body[] = "{\"scan_id\":\"bench-1\",\"shipment\":\"ENV-2026-000001\","
                               "\"package\":1,\"qty\":10}";
    double t0 = bench_now();
    for (long i = 0; i < total; i += per_tx) {
        s_step(db, begin, "begin");
        for (long j = 0; j < per_tx; j++) {
            sqlite3_bind_double(insert, 1, bench_now());
            sqlite3_bind_text(insert, 2, body, -1, SQLITE_STATIC);
            s_step(db, insert, "insert");
        }
        s_step(db, commit, "commit");
    }
    double t = bench_now() - t0;
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
    return (double)total / t;
}

int
main(int argc, char **argv)
{
    if (argc != 3 || atol(argv[2]) < 1) {
        fprintf(stderr, "usage: ayni-bench-sqlite DB-PATH TRANSACTIONS\n"
                        "Measures one-row synchronous=FULL transactions in a new database at\n"
                        "DB-PATH (removed first), on the disk the ledger uses.\n");
        return 2;
    }
    const char *path = argv[1];
    long n = atol(argv[2]);
    char wal[4096], shm[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "bench-sqlite: cannot open '%s': %s\n", path, sqlite3_errmsg(db));
        return 1;
    }
    s_check(db, sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                 "CREATE TABLE t (id INTEGER PRIMARY KEY, at REAL, body TEXT);",
                             NULL, NULL, NULL), "set up");
    s_rate(db, "t", n / 10 + 1, 1); /* warm up the file and the WAL */
    bench_result("sqlite.tx1", s_rate(db, "t", n, 1), "tx/s");
    bench_result("sqlite.batch", s_rate(db, "t", n * 100, 1000), "rows/s");
    /* A transaction as big as a confirmation's: one row in t20, which a trigger copies
     * into twenty tables, so that it writes about as many pages (measured: about 22). */
    for (int i = 0; i < 20; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "CREATE TABLE t%d (id INTEGER PRIMARY KEY, at REAL, body TEXT)",
                 i);
        s_check(db, sqlite3_exec(db, sql, NULL, NULL, NULL), "set up");
    }
    char trigger[4096] = "CREATE TABLE t20 (id INTEGER PRIMARY KEY, at REAL, body TEXT);"
                         "CREATE TRIGGER t20_fan AFTER INSERT ON t20 BEGIN ";
    for (int i = 0; i < 20; i++) {
        size_t len = strlen(trigger);
        snprintf(trigger + len, sizeof trigger - len,
                 "INSERT INTO t%d (at, body) VALUES (new.at, new.body);", i);
    }
    strcat(trigger, "END;");
    s_check(db, sqlite3_exec(db, trigger, NULL, NULL, NULL), "set up");
    s_rate(db, "t20", n / 10 + 1, 1);
    bench_result("sqlite.tx20", s_rate(db, "t20", n, 1), "tx/s");
    sqlite3_close(db);
    unlink(path);
    unlink(wal);
    unlink(shm);
    return 0;
}
