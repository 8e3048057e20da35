/* test_store_faults.c: every error the store can return, and what happens when things break.
 *
 * The domain errors with their messages; a full database (AYNI_EFULL, alone and inside a
 * group); another process holding the write lock (AYNI_EBUSY); a damaged file
 * (AYNI_ECORRUPT, never a crash); tampering that `ledger verify` must name precisely; the
 * append-only triggers; and actions that fail late, after writing, which must leave every
 * table exactly as it was.  Schema too new, not a database and an unwritable folder are in
 * test_store_catalog.c.
 *
 * These tests write the database behind the store's back with a second SQLite connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "error.h"
#include "mem.h"
#include "storefix.h"
#include "testutil.h"

#define FIX(state) ((struct storefix *)*(state))
#define SJL "ALM-LIMA-SJL"
#define PTO "ALM-PTO-MALDONADO"
#define ROSA "COM-SANTA-ROSA"
#define DAY 86400
#define SF_NOW 1795348800 /* the fixture's clock: 2026-11-22T12:00:00Z */

/* ---- helpers ---- */

static void
s_ok(core_store_t *s, int rc, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s: %s", what, ayni_err_code(rc), core_store_errmsg(s));
}

/* Assert that rc is code and the message holds text. */
static void
s_err(core_store_t *s, int rc, int code, const char *text)
{
    if (rc != code)
        fail_msg("expected %s, got %s: %s", ayni_err_code(code), rc ? ayni_err_code(rc) : "success",
                 core_store_errmsg(s));
    if (text && !strstr(core_store_errmsg(s), text))
        fail_msg("the %s message '%s' does not say '%s'", ayni_err_code(code),
                 core_store_errmsg(s), text);
}

static int
s_receive(core_store_t *s, const char *at, const char *item, const char *lot, const char *expiry,
          long qty)
{
    json_t *r = NULL;
    struct core_receive rcv = {.at = at, .donor = "CARE-PE", .item = item, .lot = lot,
                               .expiry = expiry, .qty = qty};
    int rc = core_stock_receive(s, &rcv, &r);
    json_decref(r);
    return rc;
}

static int
s_receive_serials(core_store_t *s, const char *item, const char *const *serials, size_t n)
{
    json_t *r = NULL;
    struct core_receive rcv = {.at = SJL, .donor = "AECID", .item = item, .serials = serials,
                               .nserials = n};
    int rc = core_stock_receive(s, &rcv, &r);
    json_decref(r);
    return rc;
}

static int
s_transfer(core_store_t *s, const char *from, const char *to, const char *item, long qty,
           const char *const *serials, size_t n)
{
    json_t *r = NULL;
    struct core_take t = {.item = item, .qty = qty, .serials = serials, .nserials = n};
    int rc = core_stock_transfer(s, from, to, &t, NULL, &r);
    json_decref(r);
    return rc;
}

static char *
s_new_shipment(core_store_t *s)
{
    json_t *r = NULL;
    struct core_shipment_new n = {.from = SJL, .to = ROSA, .team = "Equipo 1"};
    s_ok(s, core_shipment_create(s, &n, &r), "shipment create");
    char *code = xstrdup(json_string_value(json_object_get(r, "code")));
    json_decref(r);
    return code;
}

static int
s_add(core_store_t *s, const char *code, const char *item, long qty, const char *const *serials,
      size_t n, int packages)
{
    json_t *r = NULL;
    struct core_take t = {.item = item, .qty = qty, .serials = serials, .nserials = n};
    int rc = core_shipment_add_line(s, code, &t, packages, &r);
    json_decref(r);
    return rc;
}

static int
s_dispatch(core_store_t *s, const char *code)
{
    json_t *r = NULL;
    int rc = core_shipment_dispatch(s, code, &r);
    json_decref(r);
    return rc;
}

static long
s_head(core_store_t *s)
{
    int64_t seq;
    char hash[65];
    s_ok(s, core_events_head(s, &seq, hash), "event head");
    return (long)seq;
}

static sqlite3 *
s_raw(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        fail_msg("cannot open '%s': %s", path, sqlite3_errmsg(db));
    sqlite3_busy_timeout(db, 2000);
    return db;
}

static void
s_raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("'%s': %s", sql, msg);
}

static int64_t
s_raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("'%s': %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Every table's row count and a hash of every row: equal dumps, equal databases. */
static char *
s_dump(const char *path)
{
    sqlite3 *db = s_raw(path);
    sqlite3_stmt *tables, *rows;
    size_t cap = 4096, len = 0;
    char *out = xcalloc(1, cap);
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                           -1, &tables, NULL) != SQLITE_OK)
        fail_msg("dump: %s", sqlite3_errmsg(db));
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY 1, 2, 3", name);
        uint64_t h = 0xcbf29ce484222325ULL;
        long n = 0;
        if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK)
            fail_msg("dump '%s': %s", name, sqlite3_errmsg(db));
        while (sqlite3_step(rows) == SQLITE_ROW) {
            n++;
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                const unsigned char *v = sqlite3_column_text(rows, c);
                h = (h ^ (uint64_t)sqlite3_column_type(rows, c)) * 0x100000001b3ULL;
                for (; v && *v; v++)
                    h = (h ^ *v) * 0x100000001b3ULL;
            }
        }
        sqlite3_finalize(rows);
        sqlite3_free(sql);
        if (cap - len < 200)
            out = xrealloc(out, cap *= 2);
        len += (size_t)snprintf(out + len, cap - len, "%s:%ld:%016llx ", name, n,
                                (unsigned long long)h);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return out;
}

/* The store holds no open transaction (its next action could start one). */
static void
s_no_open_transaction(core_store_t *s)
{
    s_ok(s, core_store_begin(s), "begin after a failed action");
    core_store_rollback(s);
}

static void
s_same_dump(const char *path, const char *before, const char *what)
{
    char *after = s_dump(path);
    if (strcmp(before, after) != 0)
        fail_msg("%s changed the database:\nbefore %s\nafter  %s", what, before, after);
    free(after);
}

/* The sorted, distinct check names of ledger verify's problems, comma-separated, into out. */
static void
s_problems(core_store_t *s, char *out, size_t size, json_t **problems)
{
    json_t *r = NULL;
    s_ok(s, core_ledger_verify(s, &r), "ledger verify");
    const char *names[32];
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(json_object_get(r, "problems"), i, p) {
        const char *name = json_string_value(json_object_get(p, "check"));
        size_t j = 0;
        while (j < n && strcmp(names[j], name) < 0)
            j++;
        if ((j < n && !strcmp(names[j], name)) || n == 32)
            continue;
        memmove(&names[j + 1], &names[j], (n - j) * sizeof names[0]);
        names[j] = name;
        n++;
    }
    out[0] = '\0';
    for (size_t k = 0; k < n; k++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", k ? "," : "", names[k]);
    if (json_is_true(json_object_get(r, "ok")) != (n == 0))
        fail_msg("verify says ok=%d with problems '%s'", json_is_true(json_object_get(r, "ok")),
                 out);
    if (problems)
        *problems = json_incref(json_object_get(r, "problems"));
    json_decref(r);
}

static void
s_expect_problems(core_store_t *s, const char *want)
{
    char got[256];
    s_problems(s, got, sizeof got, NULL);
    if (strcmp(got, want) != 0)
        fail_msg("ledger verify reported '%s', expected '%s'", got, want);
}

static const char *const s_tabs[] = {"TAB-0001", "TAB-0002", "TAB-0003"};

/* A small ledger: lots at both warehouses, three tablets (TAB-0002 went to PTO and back),
 * and a dispatched shipment; returns its code. */
static char *
s_ledger(core_store_t *s)
{
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 100), "receive H1");
    s_ok(s, s_receive(s, SJL, "FOOD-KIT", "F1", "2027-06-30", 40), "receive F1");
    s_ok(s, s_receive_serials(s, "TABLET", s_tabs, 3), "receive tablets");
    s_ok(s, s_transfer(s, SJL, PTO, "HYGIENE-KIT", 20, NULL, 0), "transfer H1");
    s_ok(s, s_transfer(s, SJL, PTO, "TABLET", 0, &s_tabs[1], 1), "transfer TAB-0002");
    s_ok(s, s_transfer(s, PTO, SJL, "TABLET", 0, &s_tabs[1], 1), "transfer TAB-0002 back");
    char *code = s_new_shipment(s);
    s_ok(s, s_add(s, code, "HYGIENE-KIT", 10, NULL, 0, 2), "add line");
    s_ok(s, s_add(s, code, "TABLET", 0, &s_tabs[2], 1, 1), "add tablet");
    s_ok(s, s_dispatch(s, code), "dispatch");
    sf_verify_ok(s);
    return code;
}

/* ---- the domain errors ---- */

static void
test_error_codes(void **state)
{
    core_store_t *s = FIX(state)->store;
    json_t *r = NULL;
    char *code = s_ledger(s);
    long head = s_head(s);

    s_err(s, s_receive(s, SJL, "HYGIENE-KIT", "H2", NULL, 0), AYNI_EINVAL,
          "qty must be a whole number from 1");
    assert_string_equal(json_string_value(json_object_get(core_store_errdetails(s), "field")),
                        "qty");
    s_err(s, s_receive(s, SJL, "SOAP", "S1", NULL, 1), AYNI_ENOTFOUND, "unknown item 'SOAP'");
    struct core_donor dup = {"AECID", "again"};
    s_err(s, core_donor_add(s, &dup, &r), AYNI_EEXISTS, "'AECID' already exists");
    s_err(s, s_transfer(s, SJL, PTO, "HYGIENE-KIT", 1000, NULL, 0), AYNI_ESTOCK,
          "insufficient stock of 'HYGIENE-KIT' at 'ALM-LIMA-SJL': 1000 requested, 70 available");
    assert_int_equal(json_integer_value(json_object_get(core_store_errdetails(s), "available")),
                     70);
    s_err(s, s_receive(s, SJL, "FOOD-KIT", "F-OLD", "2026-11-01", 5), AYNI_EEXPIRED,
          "expired on 2026-11-01");
    s_err(s, s_dispatch(s, code), AYNI_ESTATE, "is dispatched");
    s_err(s, s_receive(s, SJL, "FOOD-KIT", "F1", "2027-07-31", 5), AYNI_ECONFLICT,
          "already recorded with expiry 2027-06-30");

    struct core_delivery d = {.scan_id = "scan-1", .shipment = code, .package = 1};
    s_ok(s, core_delivery_confirm(s, &d, &r), "deliver package 1");
    json_decref(r);
    r = NULL;
    head = s_head(s);
    d.scan_id = "scan-2";
    s_err(s, core_delivery_confirm(s, &d, &r), AYNI_EDELIVERED, "was already confirmed");
    assert_string_equal(
        json_string_value(json_object_get(core_store_errdetails(s), "scan_id")), "scan-1");
    d.scan_id = "scan-1";
    d.package = 2;
    s_err(s, core_delivery_confirm(s, &d, &r), AYNI_ECONFLICT, "already used for another package");

    s_ok(s, core_store_begin(s), "begin");
    s_err(s, core_store_begin(s), AYNI_ESTATE, "already open");
    core_store_rollback(s);
    s_err(s, core_events_since(s, 0, 0, &r), AYNI_EINVAL, "limit");
    s_err(s, core_shipment_list(s, "lost", &r), AYNI_EINVAL, "unknown");

    assert_null(r); /* untouched by every failure */
    assert_int_equal(s_head(s), head); /* and not one left an event */
    free(code);
    sf_verify_ok(s);
}

/* storage_error: a path that cannot be a database file. */
static void
test_storage_error(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), err[512] = "";
    core_store_t *s = NULL;
    assert_int_equal(core_store_open(&s, dir, err, sizeof err), AYNI_ESTORAGE);
    assert_null(s);
    assert_non_null(strstr(err, "cannot"));
    assert_non_null(strstr(err, dir));
    tu_rmtree(dir);
    free(dir);
}

/* ---- a full disk ---- */

static void
test_storage_full(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    char lot[32], err[256];
    long received = 0;
    int rc = 0;
    for (int i = 0; i < 5; i++) {
        snprintf(lot, sizeof lot, "BEFORE-%d", i);
        s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", lot, NULL, 10), "receive");
        received += 10;
    }
    s_ok(s, core_store_set_max_pages(s, 1), "set max pages"); /* SQLite keeps what is there */
    long head = 0;
    for (int i = 0; i < 100000; i++) {
        head = s_head(s);
        snprintf(lot, sizeof lot, "FULL-%d", i);
        if ((rc = s_receive(s, SJL, "HYGIENE-KIT", lot, NULL, 7)) != 0)
            break;
        received += 7;
    }
    s_err(s, rc, AYNI_EFULL, "free disk space, then retry");
    assert_int_equal(s_head(s), head);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), received);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", lot), 0); /* the failed one left nothing */
    s_no_open_transaction(s);
    s_err(s, s_receive(s, SJL, "HYGIENE-KIT", lot, NULL, 7), AYNI_EFULL, "free disk space");

    s_ok(s, core_store_set_max_pages(s, 0), "lift the cap");
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", lot, NULL, 7), "receive after space is freed");
    received += 7;
    core_store_destroy(&f->store);
    assert_int_equal(core_store_open(&f->store, f->path, err, sizeof err), 0);
    assert_int_equal(sf_qty(f->store, SJL, "HYGIENE-KIT", NULL), received);
    sf_verify_ok(f->store);
}

/* SQLite rolls a whole transaction back when the disk fills, savepoints and all: the group
 * must then be over, not quietly carry on committing action by action. */
static void
test_storage_full_in_group(void **state)
{
    core_store_t *s = FIX(state)->store;
    char lot[32];
    int rc = 0;
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 50), "receive");
    long head = s_head(s);
    char *before = s_dump(FIX(state)->path);
    s_ok(s, core_store_begin(s), "begin");
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "IN-GROUP", NULL, 5), "receive in the group");
    s_ok(s, s_transfer(s, SJL, PTO, "HYGIENE-KIT", 3, NULL, 0), "transfer in the group");
    s_ok(s, core_store_set_max_pages(s, 1), "set max pages");
    for (int i = 0; i < 100000 && rc == 0; i++) {
        snprintf(lot, sizeof lot, "FULL-%d", i);
        rc = s_receive(s, SJL, "HYGIENE-KIT", lot, NULL, 7);
    }
    s_err(s, rc, AYNI_EFULL, "everything since the transaction began was rolled back");
    s_ok(s, core_store_set_max_pages(s, 0), "lift the cap");
    /* the group is gone: what follows must not commit on its own */
    s_err(s, s_receive(s, SJL, "HYGIENE-KIT", "AFTER", NULL, 9), AYNI_ESTATE,
          "roll it back, then begin again");
    s_err(s, core_store_commit(s), AYNI_EFULL, "nothing was committed");
    s_same_dump(FIX(state)->path, before, "a group lost to a full disk");
    assert_int_equal(s_head(s), head);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", "AFTER"), 0);
    assert_int_equal(sf_qty(s, PTO, "HYGIENE-KIT", NULL), 0);
    /* and the store works again, alone or in a group */
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "AFTER", NULL, 9), "receive");
    s_ok(s, core_store_begin(s), "begin");
    s_ok(s, s_transfer(s, SJL, PTO, "HYGIENE-KIT", 3, NULL, 0), "transfer");
    s_ok(s, core_store_commit(s), "commit");
    assert_int_equal(sf_qty(s, PTO, "HYGIENE-KIT", NULL), 3);
    free(before);
    sf_verify_ok(s);
}

/* The same loss, rolled back by the caller: a new group starts clean. */
static void
test_storage_full_in_group_rollback(void **state)
{
    core_store_t *s = FIX(state)->store;
    char lot[32];
    int rc = 0;
    s_ok(s, core_store_begin(s), "begin");
    s_ok(s, core_store_set_max_pages(s, 1), "set max pages");
    for (int i = 0; i < 100000 && rc == 0; i++) {
        snprintf(lot, sizeof lot, "FULL-%d", i);
        rc = s_receive(s, SJL, "HYGIENE-KIT", lot, NULL, 7);
    }
    s_err(s, rc, AYNI_EFULL, NULL);
    core_store_rollback(s);
    s_ok(s, core_store_set_max_pages(s, 0), "lift the cap");
    s_ok(s, core_store_begin(s), "begin again");
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 4), "receive");
    s_ok(s, core_store_commit(s), "commit");
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 4);
    sf_verify_ok(s);
}

/* ---- another process holds the lock ---- */

static double
s_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_busy(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    json_t *r = NULL;
    struct timespec t0;
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 30), "receive");
    long head = s_head(s);
    char *before = s_dump(f->path);
    core_store_set_busy_timeout(s, 100);

    sqlite3 *other = s_raw(f->path);
    s_raw_exec(other, "BEGIN IMMEDIATE");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    s_err(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 5), AYNI_EBUSY,
          "another process holds the database; stop it or retry");
    double waited = s_since(&t0);
    assert_true(waited >= 0.05 && waited < 3.0); /* the timeout, not forever */
    s_err(s, s_transfer(s, SJL, PTO, "HYGIENE-KIT", 5, NULL, 0), AYNI_EBUSY, "cannot");
    s_err(s, core_store_begin(s), AYNI_EBUSY, "another process");
    /* reading still works while the other process writes (WAL) */
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 30);
    s_ok(s, core_shipment_list(s, NULL, &r), "shipment list");
    json_decref(r);
    s_raw_exec(other, "ROLLBACK");
    s_same_dump(f->path, before, "a busy store");
    assert_int_equal(s_head(s), head);

    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 5), "receive after the rollback");
    /* the other process commits something: the store goes on, and sees it */
    s_raw_exec(other, "BEGIN IMMEDIATE");
    s_err(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 5), AYNI_EBUSY, NULL);
    s_raw_exec(other, "INSERT INTO donors (code, name, created_at)"
                      " VALUES ('UNICEF', 'UNICEF', '2026-11-22T12:00:00Z'); COMMIT");
    json_t *res = NULL;
    struct core_receive rcv = {.at = SJL, .donor = "UNICEF", .item = "HYGIENE-KIT", .lot = "U1",
                               .qty = 8};
    s_ok(s, core_stock_receive(s, &rcv, &res), "receive after the commit");
    json_decref(res);
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 43);
    sqlite3_close(other);
    free(before);
    sf_verify_ok(s);
}

/* ---- a damaged file ---- */

static uint64_t
s_mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A database with some hundreds of rows in every ledger table, closed. */
static void
s_big_ledger(struct storefix *f)
{
    core_store_t *s = f->store;
    char lot[32], serial[32];
    for (int i = 0; i < 40; i++) {
        snprintf(lot, sizeof lot, "L-%03d", i);
        s_ok(s, s_receive(s, i % 2 ? SJL : PTO, "HYGIENE-KIT", lot, NULL, 50 + i), "receive");
        snprintf(serial, sizeof serial, "SN-%03d", i);
        const char *one[] = {serial};
        s_ok(s, s_receive_serials(s, "TABLET", one, 1), "receive serial");
    }
    for (int i = 0; i < 10; i++) {
        char *code = s_new_shipment(s);
        s_ok(s, s_add(s, code, "HYGIENE-KIT", 30, NULL, 0, 3), "add");
        s_ok(s, s_dispatch(s, code), "dispatch");
        json_t *r = NULL;
        char scan[32];
        snprintf(scan, sizeof scan, "scan-%d", i);
        struct core_delivery d = {.scan_id = scan, .shipment = code};
        s_ok(s, core_delivery_confirm(s, &d, &r), "deliver");
        json_decref(r);
        free(code);
    }
    core_store_destroy(&f->store);
}

/* Overwrite len bytes at off with garbage. */
static void
s_scribble(const char *path, long off, long len, uint64_t seed)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, off, SEEK_SET), 0);
    for (long i = 0; i < len; i++)
        fputc((int)(s_mix(&seed) & 0xff), fp);
    fclose(fp);
}

static bool
s_storage_error(core_store_t *s, int rc, const char *what)
{
    if (rc == 0)
        return false;
    if (rc != AYNI_ECORRUPT && rc != AYNI_ESTORAGE)
        fail_msg("%s on a damaged file: %s (%s), not corrupt or storage_error", what,
                 ayni_err_code(rc), core_store_errmsg(s));
    if (rc == AYNI_ECORRUPT && !strstr(core_store_errmsg(s), "restore the database from a backup"))
        fail_msg("%s: the corrupt message '%s' does not say what to do", what,
                 core_store_errmsg(s));
    return true;
}

/* Every read and a write on a damaged file: true if one of them noticed the damage. */
static bool
s_use_damaged(const char *path)
{
    core_store_t *s = NULL;
    char err[512] = "";
    json_t *r = NULL;
    int rc = core_store_open(&s, path, err, sizeof err);
    if (rc != 0) {
        if (rc != AYNI_ECORRUPT && rc != AYNI_ESTORAGE)
            fail_msg("open of a damaged file: %s (%s)", ayni_err_code(rc), err);
        assert_non_null(strstr(err, "ayni.db"));
        return true;
    }
    bool noticed = false;
    struct core_stock_query q = {.expiring_days = -1};
    noticed |= s_storage_error(s, rc = core_ledger_verify(s, &r), "ledger verify");
    if (rc == 0)
        noticed |= !json_is_true(json_object_get(r, "ok"));
    json_decref(r);
    r = NULL;
    noticed |= s_storage_error(s, core_stock_levels(s, &q, &r), "stock levels");
    json_decref(r);
    r = NULL;
    noticed |= s_storage_error(s, core_events_since(s, 0, 10000, &r), "events since");
    json_decref(r);
    r = NULL;
    noticed |= s_storage_error(s, core_shipment_list(s, NULL, &r), "shipment list");
    json_decref(r);
    r = NULL;
    noticed |= s_storage_error(s, core_item_list(s, &r), "item list");
    json_decref(r);
    r = NULL;
    rc = s_receive(s, SJL, "HYGIENE-KIT", "AFTER-DAMAGE", NULL, 1);
    if (rc != 0 && rc != AYNI_ENOTFOUND && rc != AYNI_EINVAL) /* catalog rows may be gone */
        noticed |= s_storage_error(s, rc, "receive");
    core_store_destroy(&s);
    return noticed;
}

static void
test_corrupt(void **state)
{
    struct storefix *f = FIX(state);
    s_big_ledger(f);
    struct stat st;
    char *wal = xasprintf("%s-wal", f->path), *copy = xasprintf("%s.orig", f->path);
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(stat(wal, &st) != 0 || st.st_size == 0); /* everything is in the main file */
    assert_int_equal(stat(f->path, &st), 0);
    long size = (long)st.st_size, page = 4096;
    assert_true(size >= 40 * page);
    char *cmd = xasprintf("cp '%s' '%s'", f->path, copy);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    cmd = xasprintf("cp '%s' '%s'", copy, f->path);
    /* the middle third of the file: whatever is there, it must be noticed */
    s_scribble(f->path, size / 3 / page * page, size / 3, 1);
    assert_true(s_use_damaged(f->path));
    /* single pages and stray bytes anywhere past the header: never a crash */
    int noticed = 0, tries = 0;
    for (long off = page; off < size; off += page * 3, tries++) {
        assert_int_equal(system(cmd), 0);
        s_scribble(f->path, off + (tries % 4) * 512, tries % 2 ? page : 64, (uint64_t)off);
        noticed += s_use_damaged(f->path);
    }
    printf("[ corrupt  ] %d of %d damaged pages were noticed by a read\n", noticed, tries);
    assert_true(noticed > 0);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(core_store_open(&f->store, f->path, NULL, 0), 0); /* the copy is fine */
    sf_verify_ok(f->store);
    free(cmd);
    free(wal);
    free(copy);
}

/* Rows whose JSON is damaged: named, with what to do (the seq was once read after the
 * statement was reset, and every damaged event was "event 0"). */
static void
test_corrupt_json_rows(void **state)
{
    core_store_t *s = FIX(state)->store;
    char *code = s_ledger(s);
    json_t *r = NULL;
    struct core_delivery d = {.scan_id = "scan-1", .shipment = code, .package = 1};
    s_ok(s, core_delivery_confirm(s, &d, &r), "deliver");
    json_decref(r);
    r = NULL;
    json_t *res = json_pack("{si}", "qty", 5);
    s_ok(s, core_idem_put(s, "key-1", "stock.receive", NULL, res), "idem put");
    json_decref(res);
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "DROP TRIGGER events_append_only_u;"
                   " UPDATE events SET body = '{\"seq\":' WHERE seq = 5;"
                   " UPDATE deliveries SET result = 'garbage' WHERE scan_id = 'scan-1';"
                   " UPDATE idempotency SET result = '[1,' WHERE key = 'key-1'");
    sqlite3_close(db);
    s_err(s, core_events_since(s, 0, 100, &r), AYNI_ECORRUPT,
          "event 5 is not valid JSON: restore the database from a backup");
    s_err(s, core_delivery_confirm(s, &d, &r), AYNI_ECORRUPT,
          "stored delivery 'scan-1' is not JSON: restore the database from a backup");
    s_err(s, core_idem_get(s, "key-1", "stock.receive", NULL, &r), AYNI_ECORRUPT,
          "restore the database from a backup");
    assert_null(r);
    s_expect_problems(s, "event_hash");
    free(code);
}

/* ---- tampering that ledger verify must name ---- */

static void
test_tamper_balance(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "UPDATE balances SET qty = qty + 1 WHERE lot_id ="
                   " (SELECT id FROM lots WHERE code = 'H1') AND location_id ="
                   " (SELECT id FROM locations WHERE code = 'ALM-PTO-MALDONADO')");
    sqlite3_close(db);
    json_t *problems = NULL;
    char got[256];
    s_problems(s, got, sizeof got, &problems);
    assert_string_equal(got, "balance");
    json_t *p = json_array_get(problems, 0);
    assert_int_equal(json_array_size(problems), 1);
    assert_string_equal(json_string_value(json_object_get(p, "location")), PTO);
    assert_int_equal(json_integer_value(json_object_get(p, "balance")), 21);
    assert_int_equal(json_integer_value(json_object_get(p, "movements")), 20);
    json_decref(problems);
}

static void
test_tamper_movement_deleted(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "DROP TRIGGER movements_append_only_d;"
                   " DELETE FROM movements WHERE id = (SELECT MIN(id) FROM movements"
                   " WHERE kind = 'transfer' AND unit_id IS NULL)");
    sqlite3_close(db);
    json_t *problems = NULL;
    char got[256];
    s_problems(s, got, sizeof got, &problems);
    assert_string_equal(got, "balance");
    assert_int_equal(json_array_size(problems), 2); /* both ends of the transfer */
    json_decref(problems);
}

static void
test_tamper_serial_moved(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "UPDATE units SET location_id ="
                   " (SELECT id FROM locations WHERE code = 'ALM-PTO-MALDONADO')"
                   " WHERE serial = 'TAB-0001'");
    sqlite3_close(db);
    s_expect_problems(s, "serial_count,serial_place");
}

/* TAB-0002 went SJL -> PTO -> SJL; swapping the two legs keeps every balance and the unit's
 * place, but the first leg no longer starts where the unit was, and the last one no
 * longer ends where it is. */
static void
test_tamper_serial_chain(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "DROP TRIGGER movements_append_only_u;"
                   " UPDATE movements SET from_id = to_id, to_id = from_id"
                   " WHERE kind = 'transfer' AND unit_id ="
                   " (SELECT id FROM units WHERE serial = 'TAB-0002')");
    sqlite3_close(db);
    s_expect_problems(s, "serial_chain,serial_place");
}

static void
test_tamper_transit(void **state)
{
    core_store_t *s = FIX(state)->store;
    char *code = s_ledger(s);
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "UPDATE shipments SET state = 'delivered' WHERE state = 'dispatched'");
    sqlite3_close(db);
    json_t *problems = NULL;
    char got[256];
    s_problems(s, got, sizeof got, &problems);
    assert_string_equal(got, "transit");
    assert_string_equal(json_string_value(json_object_get(json_array_get(problems, 0), "shipment")),
                        code);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(problems, 0), "qty")), 11);
    json_decref(problems);
    free(code);
}

static void
test_tamper_event_body(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "DROP TRIGGER events_append_only_u;"
                   " UPDATE events SET body = replace(body, '\"qty\":100', '\"qty\":10')"
                   " WHERE type = 'stock.received'");
    assert_int_equal(sqlite3_changes(db), 3);
    int64_t seq = s_raw_int(db, "SELECT seq FROM events WHERE body LIKE '%\"lot\":\"H1\"%'"
                                " AND type = 'stock.received'");
    sqlite3_close(db);
    json_t *problems = NULL;
    char got[256];
    s_problems(s, got, sizeof got, &problems);
    assert_string_equal(got, "event_hash");
    assert_int_equal(json_array_size(problems), 1); /* only the altered one */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(problems, 0), "seq")), seq);
    json_decref(problems);
}

static void
test_tamper_event_deleted(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    sqlite3 *db = s_raw(FIX(state)->path);
    s_raw_exec(db, "DROP TRIGGER events_append_only_d; DELETE FROM events WHERE seq = 12");
    sqlite3_close(db);
    json_t *problems = NULL;
    char got[256];
    s_problems(s, got, sizeof got, &problems);
    assert_string_equal(got, "event_hash,event_seq");
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        const char *check = json_string_value(json_object_get(p, "check"));
        if (!strcmp(check, "event_seq")) {
            assert_int_equal(json_integer_value(json_object_get(p, "expected")), 12);
            assert_int_equal(json_integer_value(json_object_get(p, "found")), 13);
        } else {
            assert_int_equal(json_integer_value(json_object_get(p, "seq")), 13);
        }
    }
    assert_int_equal(json_array_size(problems), 2);
    json_decref(problems);
}

/* ---- the rules the schema keeps itself ---- */

static void
test_append_only_and_checks(void **state)
{
    core_store_t *s = FIX(state)->store;
    free(s_ledger(s));
    char *before = s_dump(FIX(state)->path);
    sqlite3 *db = s_raw(FIX(state)->path);
    static const struct {
        const char *sql, *why;
    } refused[] = {
        {"UPDATE movements SET qty = qty + 1 WHERE id = 1", "the ledger is append-only"},
        {"DELETE FROM movements WHERE id = 1", "the ledger is append-only"},
        {"DELETE FROM movements", "the ledger is append-only"},
        {"UPDATE events SET body = '{}' WHERE seq = 1", "the event log is append-only"},
        {"DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)",
         "the event log is append-only"},
        {"UPDATE balances SET qty = -1", "CHECK constraint failed"}, /* verify's 'negative' */
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char *msg = NULL;
        int rc = sqlite3_exec(db, refused[i].sql, NULL, NULL, &msg);
        if (rc == SQLITE_OK || !msg || !strstr(msg, refused[i].why))
            fail_msg("'%s' was not refused with '%s' (%s)", refused[i].sql, refused[i].why,
                     msg ? msg : "no error");
        assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
        sqlite3_free(msg);
    }
    sqlite3_close(db);
    s_same_dump(FIX(state)->path, before, "refused raw writes");
    free(before);
    sf_verify_ok(s);
}

/* ---- actions that fail late leave every table as it was ---- */

static void
test_late_dispatch_expired(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 100), "receive");
    s_ok(s, s_receive(s, SJL, "FOOD-KIT", "F-SOON", "2026-11-25", 20), "receive");
    char *code = s_new_shipment(s);
    s_ok(s, s_add(s, code, "HYGIENE-KIT", 10, NULL, 0, 2), "add hygiene"); /* moves first */
    s_ok(s, s_add(s, code, "FOOD-KIT", 5, NULL, 0, 1), "add food");
    core_store_set_now(s, SF_NOW + 5 * DAY); /* F-SOON expired after it was packed */
    char *before = s_dump(f->path);
    json_t *r = NULL;
    s_err(s, core_shipment_dispatch(s, code, &r), AYNI_EEXPIRED,
          "line 2: lot 'F-SOON' of 'FOOD-KIT' expired on 2026-11-25");
    assert_null(r);
    s_same_dump(f->path, before, "a dispatch refused for an expired lot");
    s_no_open_transaction(s);
    free(before);
    free(code);
    sf_verify_ok(s);
}

static void
test_late_dispatch_unit_gone(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H1", NULL, 100), "receive");
    s_ok(s, s_receive_serials(s, "TABLET", s_tabs, 3), "receive tablets");
    char *code = s_new_shipment(s);
    s_ok(s, s_add(s, code, "HYGIENE-KIT", 10, NULL, 0, 1), "add hygiene");
    s_ok(s, s_add(s, code, "TABLET", 0, s_tabs, 2, 2), "add tablets");
    /* a packed tablet breaks in the warehouse: a loss is a fact, reservations or not */
    json_t *r = NULL;
    struct core_take broken = {.item = "TABLET", .qty = -1, .serials = &s_tabs[1], .nserials = 1};
    s_ok(s, core_stock_adjust(s, SJL, &broken, "damaged", "pantalla rota", &r), "adjust");
    json_decref(r);
    r = NULL;
    char *before = s_dump(f->path);
    s_err(s, core_shipment_dispatch(s, code, &r), AYNI_ESTOCK, "line 2: 'TABLET'");
    s_same_dump(f->path, before, "a dispatch of a unit no longer there");
    s_no_open_transaction(s);
    free(before);
    free(code);
    sf_verify_ok(s);
}

static void
test_late_delivery_bad_line(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    char *code = s_ledger(s);
    char *before = s_dump(f->path);
    json_t *r = NULL;
    struct core_delivery_line lines[] = {{1, 10, NULL}, {99, 1, "missing"}};
    struct core_delivery d = {.scan_id = "scan-late", .shipment = code, .package = 0,
                              .lines = lines, .nlines = 2};
    s_err(s, core_delivery_confirm(s, &d, &r), AYNI_EINVAL, "line 99 is not in");
    lines[1] = (struct core_delivery_line){2, 2, "damaged"}; /* line 2 sent 1 */
    s_err(s, core_delivery_confirm(s, &d, &r), AYNI_EINVAL, "2 received but only 1 were sent");
    lines[1] = (struct core_delivery_line){2, 0, NULL};
    s_err(s, core_delivery_confirm(s, &d, &r), AYNI_EINVAL, "give the reason for the shortfall");
    assert_null(r);
    s_same_dump(f->path, before, "a refused delivery");
    s_no_open_transaction(s);
    lines[1].reason = "missing"; /* the same scan id, now right, is not a repeat */
    s_ok(s, core_delivery_confirm(s, &d, &r), "the corrected delivery");
    assert_int_equal(json_integer_value(json_object_get(r, "qty_received")), 10);
    json_decref(r);
    free(before);
    free(code);
    sf_verify_ok(s);
}

static void
test_late_third_serial_exists(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    s_ok(s, s_receive_serials(s, "TABLET", s_tabs, 3), "receive tablets");
    char *before = s_dump(f->path);
    const char *again[] = {"TAB-0010", "TAB-0011", "TAB-0002", "TAB-0012"};
    s_err(s, s_receive_serials(s, "TABLET", again, 4), AYNI_EEXISTS,
          "'TABLET' serial 'TAB-0002' is already recorded");
    s_same_dump(f->path, before, "a receipt with a known serial");
    s_no_open_transaction(s);
    free(before);
    sf_verify_ok(s);
}

/* Inside a group, a late failure leaves the other actions. */
static void
test_late_failure_in_group(void **state)
{
    struct storefix *f = FIX(state);
    core_store_t *s = f->store;
    s_ok(s, s_receive_serials(s, "TABLET", s_tabs, 3), "receive tablets");
    long head = s_head(s);
    const char *again[] = {"TAB-0010", "TAB-0011", "TAB-0002"};
    s_ok(s, core_store_begin(s), "begin");
    s_ok(s, s_receive(s, SJL, "HYGIENE-KIT", "H2", NULL, 5), "receive");
    s_err(s, s_receive_serials(s, "TABLET", again, 3), AYNI_EEXISTS, NULL);
    s_ok(s, s_transfer(s, SJL, PTO, "HYGIENE-KIT", 3, NULL, 0), "transfer");
    s_err(s, s_transfer(s, SJL, PTO, "TABLET", 0, again, 1), AYNI_ENOTFOUND, "TAB-0010");
    s_ok(s, core_store_commit(s), "commit");
    assert_int_equal(sf_qty(s, SJL, "HYGIENE-KIT", NULL), 2);
    assert_int_equal(sf_qty(s, PTO, "HYGIENE-KIT", NULL), 3);
    assert_int_equal(sf_qty(s, SJL, "TABLET", NULL), 3);
    assert_int_equal(s_head(s), head + 2); /* received, transferred */
    sqlite3 *db = s_raw(f->path);
    assert_int_equal(s_raw_int(db, "SELECT COUNT(*) FROM units"), 3);
    assert_int_equal(s_raw_int(db, "SELECT COUNT(*) FROM receipts"), 2);
    sqlite3_close(db);
    sf_verify_ok(s);
}

/* ---- an I/O error: a VFS that fails every write while asked to ---- */

static sqlite3_vfs *s_real_vfs;
static sqlite3_vfs s_faulty_vfs;
static int s_fail_writes; /* while set, every write and sync fails with SQLITE_IOERR */

struct s_ffile {
    sqlite3_file base;
    sqlite3_file *real; /* the real file, right after this struct */
};

#define REAL(f) (((struct s_ffile *)(f))->real)

static int s_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int s_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int s_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return s_fail_writes ? SQLITE_IOERR_WRITE : REAL(f)->pMethods->xWrite(REAL(f), b, n, o); }
static int s_truncate(sqlite3_file *f, sqlite3_int64 n) { return s_fail_writes ? SQLITE_IOERR_TRUNCATE : REAL(f)->pMethods->xTruncate(REAL(f), n); }
static int s_sync(sqlite3_file *f, int fl) { return s_fail_writes ? SQLITE_IOERR_FSYNC : REAL(f)->pMethods->xSync(REAL(f), fl); }
static int s_size(sqlite3_file *f, sqlite3_int64 *n) { return REAL(f)->pMethods->xFileSize(REAL(f), n); }
static int s_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int s_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int s_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int s_control(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int s_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int s_chars(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int s_shm_map(sqlite3_file *f, int i, int sz, int ext, void volatile **p) { return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p); }
static int s_shm_lock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void s_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int s_shm_unmap(sqlite3_file *f, int d) { return REAL(f)->pMethods->xShmUnmap(REAL(f), d); }

static const sqlite3_io_methods s_faulty_io = {
    2, s_close, s_read, s_write, s_truncate, s_sync, s_size, s_lock, s_unlock, s_reserved,
    s_control, s_sector, s_chars, s_shm_map, s_shm_lock, s_shm_barrier, s_shm_unmap,
    NULL, NULL,
};

static int
s_open_file(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    struct s_ffile *ff = (struct s_ffile *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    int rc = s_real_vfs->xOpen(s_real_vfs, name, ff->real, flags, out);
    f->pMethods = rc == SQLITE_OK ? &s_faulty_io : NULL;
    return rc;
}

/* Make the faulty VFS the default (so the store opens through it). */
static void
s_use_faulty_vfs(void)
{
    if (!s_real_vfs) {
        s_real_vfs = sqlite3_vfs_find(NULL);
        s_faulty_vfs = *s_real_vfs;
        s_faulty_vfs.zName = "ayni-faulty";
        s_faulty_vfs.szOsFile = (int)sizeof(struct s_ffile) + s_real_vfs->szOsFile;
        s_faulty_vfs.xOpen = s_open_file;
    }
    assert_int_equal(sqlite3_vfs_register(&s_faulty_vfs, 1), SQLITE_OK);
}

/* storage_error on an I/O error mid-action: a clear message, nothing half-written, and
 * everything committed before is still there once the disk works again. */
static void
test_io_error(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = tu_path(dir, "ayni.db"), err[512];
    core_store_t *s = NULL;
    s_use_faulty_vfs();
    assert_int_equal(core_store_open(&s, path, err, sizeof err), 0);
    struct core_location wh = {"ALM-LIMA-SJL", "warehouse", "Almacén SJL", "Lima", NULL};
    struct core_donor d = {"CARE-PE", "CARE Perú"};
    struct core_item it = {"HYGIENE-KIT", "Kit de higiene", "Hygiene kit", NULL, "lot", false, 0};
    json_t *r = NULL;
    int rc = core_location_add(s, &wh, &r);
    assert_int_equal(rc, 0);
    json_decref(r);
    rc = core_donor_add(s, &d, &r);
    assert_int_equal(rc, 0);
    json_decref(r);
    rc = core_item_add(s, &it, &r);
    assert_int_equal(rc, 0);
    json_decref(r);
    sf_receive(s, "ALM-LIMA-SJL", "CARE-PE", "HYGIENE-KIT", "H1", NULL, 30);
    int64_t seq;
    char hash[65];
    assert_int_equal(core_events_head(s, &seq, hash), 0);

    s_fail_writes = 1;
    r = NULL;
    struct core_receive rcv = {.at = "ALM-LIMA-SJL", .donor = "CARE-PE", .item = "HYGIENE-KIT",
                               .lot = "H2", .qty = 5};
    rc = core_stock_receive(s, &rcv, &r);
    s_fail_writes = 0;
    assert_int_equal(rc, AYNI_ESTORAGE);
    assert_null(r);
    assert_non_null(strstr(core_store_errmsg(s), "cannot"));
    core_store_destroy(&s);
    sqlite3_vfs_unregister(&s_faulty_vfs);

    assert_int_equal(core_store_open(&s, path, err, sizeof err), 0);
    assert_int_equal(sf_qty(s, "ALM-LIMA-SJL", "HYGIENE-KIT", NULL), 30); /* H2 is not there */
    int64_t seq2;
    assert_int_equal(core_events_head(s, &seq2, hash), 0);
    assert_int_equal(seq2, seq);
    sf_verify_ok(s);
    core_store_destroy(&s);
    tu_rmtree(dir);
    free(dir);
    free(path);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, sf_setup, sf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_error_codes),
        cmocka_unit_test(test_storage_error),
        cmocka_unit_test(test_io_error),
        T(test_storage_full),
        T(test_storage_full_in_group),
        T(test_storage_full_in_group_rollback),
        T(test_busy),
        T(test_corrupt),
        T(test_corrupt_json_rows),
        T(test_tamper_balance),
        T(test_tamper_movement_deleted),
        T(test_tamper_serial_moved),
        T(test_tamper_serial_chain),
        T(test_tamper_transit),
        T(test_tamper_event_body),
        T(test_tamper_event_deleted),
        T(test_append_only_and_checks),
        T(test_late_dispatch_expired),
        T(test_late_dispatch_unit_gone),
        T(test_late_delivery_bad_line),
        T(test_late_third_serial_exists),
        T(test_late_failure_in_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
