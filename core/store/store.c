/* store.c: opening the ledger database, migrations, statements, transactions.
 *
 * The one place that talks to SQLite's connection-level API.  Operations live in the
 * other store_*.c files and reach the database only through the helpers here; how a
 * failure is recorded is below all of them, in store_error.c.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "store_int.h"

extern const char core_schema_sql[];

static const char *const s_sql[ST__COUNT] = {
#define CORE_STMT_SQL_(name, sql) sql,
    CORE_STATEMENTS(CORE_STMT_SQL_)
#undef CORE_STMT_SQL_
};

#define S_BUSY_TIMEOUT_MS 5000
#define S_MIGRATION_MARK "\n-- @migration "

/* ---- statements ---- */

static void
s_bind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    for (int i = 1; fmt && *fmt; fmt++, i++) {
        switch (*fmt) {
        case 't': {
            const char *v = va_arg(ap, const char *);
            if (v)
                sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, i);
            break;
        }
        case 'i':
            sqlite3_bind_int(st, i, va_arg(ap, int));
            break;
        case 'l':
            sqlite3_bind_int64(st, i, va_arg(ap, long));
            break;
        case 'I':
            sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
            break;
        case 'N': {
            int64_t v = va_arg(ap, int64_t);
            if (v)
                sqlite3_bind_int64(st, i, v);
            else
                sqlite3_bind_null(st, i);
            break;
        }
        case 'b': {
            const void *v = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            sqlite3_bind_blob64(st, i, v, (sqlite3_uint64)n, SQLITE_TRANSIENT);
            break;
        }
        default:
            assert(!"bad bind format");
        }
    }
}

static sqlite3_stmt *
s_prepared(core_store_t *s, enum core_stmt id)
{
    assert(id >= 0 && id < ST__COUNT);
    sqlite3_stmt *st = s->stmt[id];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

sqlite3_stmt *
core__query(core_store_t *s, enum core_stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = s_prepared(s, id);
    va_list ap;
    va_start(ap, fmt);
    s_bind(st, fmt, ap);
    va_end(ap);
    return st;
}

void
core__reset(sqlite3_stmt *st)
{
    sqlite3_reset(st);
}

int
core__step(core_store_t *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    return core__dberr(s, rc, N_("read the ledger"));
}

static int
s_run(core_store_t *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    return core__dberr(s, rc, N_("write the ledger"));
}

int
core__run(core_store_t *s, enum core_stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = s_prepared(s, id);
    va_list ap;
    va_start(ap, fmt);
    s_bind(st, fmt, ap);
    va_end(ap);
    return s_run(s, st);
}

int
core__scalar(core_store_t *s, int64_t *out, enum core_stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = s_prepared(s, id);
    va_list ap;
    va_start(ap, fmt);
    s_bind(st, fmt, ap);
    va_end(ap);
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    *out = rc ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return 0;
}

int
core__rows(core_store_t *s, sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st), json_t **result)
{
    json_t *list = json_array();
    int rc;
    while ((rc = core__step(s, st)) == 1)
        json_array_append_new(list, row(st));
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *result = list;
    return 0;
}

json_t *
core__jstr(sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v ? json_string((const char *)v) : json_null();
}

/* ---- transactions ---- */

static int
s_exec(core_store_t *s, const char *sql, const char *doing)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : core__dberr(s, rc, doing);
}

/* Transaction control, prepared once like every other statement: compiled anew, each
 * savepoint and release cost as much as a confirmation's insert. */
static int
s_tx(core_store_t *s, enum core_stmt id)
{
    sqlite3_stmt *st = s->stmt[id];
    sqlite3_step(st);
    return sqlite3_reset(st);
}

static int
s_tx_checked(core_store_t *s, enum core_stmt id, const char *doing)
{
    int rc = s_tx(s, id);
    return rc == SQLITE_OK ? 0 : core__dberr(s, rc, doing);
}

int
core__tx_begin(core_store_t *s)
{
    core__clear_error(s);
    if (sqlite3_get_autocommit(s->db)) {
        assert(s->tx_depth == 0);
        /* Without this, the actions after a lost group would each commit on their own. */
        if (s->tx_own)
            return core__fail(s, AYNI_ESTATE, NULL,
                              "the transaction opened with begin was rolled back when an action "
                              "failed (%s): roll it back, then begin again",
                              ayni_err_code(s->tx_lost));
        return s_tx_checked(s, ST_TX_BEGIN, N_("start a transaction"));
    }
    int rc = s_tx_checked(s, ST_SP_BEGIN, N_("start a savepoint"));
    if (rc == 0)
        s->tx_depth++;
    return rc;
}

int
core__tx_end(core_store_t *s, int rc)
{
    if (s->tx_depth > 0) {
        s->tx_depth--;
        if (rc != 0 && sqlite3_get_autocommit(s->db)) {
            /* SQLite rolled back the whole transaction (it does on SQLITE_FULL, IOERR,
             * NOMEM): the savepoint is gone, and every action since core_store_begin. */
            size_t n = strlen(s->errmsg);
            snprintf(s->errmsg + n, sizeof s->errmsg - n, "%s",
                     _("; everything since the transaction began was rolled back"));
            s->tx_lost = rc;
            return rc;
        }
        if (rc != 0)
            s_tx(s, ST_SP_UNDO);
        int rrc = s_tx(s, ST_SP_RELEASE);
        if (rc == 0 && rrc != SQLITE_OK)
            return core__dberr(s, rrc, N_("release a savepoint"));
        return rc;
    }
    if (rc != 0) {
        if (!sqlite3_get_autocommit(s->db))
            s_tx(s, ST_TX_ROLLBACK);
        return rc;
    }
    int crc = s_tx(s, ST_TX_COMMIT);
    if (crc != SQLITE_OK) {
        rc = core__dberr(s, crc, N_("commit"));
        if (!sqlite3_get_autocommit(s->db))
            s_tx(s, ST_TX_ROLLBACK);
    }
    return rc;
}

int
core__finish(core_store_t *s, int rc, json_t *res, json_t **result)
{
    rc = core__tx_end(s, rc);
    if (rc == 0 && res)
        *result = res;
    else
        json_decref(res);
    return rc;
}

int
core_store_begin(core_store_t *s)
{
    core__clear_error(s);
    if (!sqlite3_get_autocommit(s->db))
        return core__fail(s, AYNI_ESTATE, NULL, "a transaction is already open");
    int rc = s_tx_checked(s, ST_TX_BEGIN, N_("start a transaction"));
    s->tx_own = rc == 0;
    s->tx_lost = 0;
    return rc;
}

int
core_store_commit(core_store_t *s)
{
    assert(s->tx_own && s->tx_depth == 0);
    s->tx_own = false;
    if (s->tx_lost) {
        int lost = s->tx_lost;
        s->tx_lost = 0;
        return core__fail(s, lost, NULL,
                          "nothing was committed: the transaction was rolled back when an action "
                          "failed (%s); do its actions again", ayni_err_code(lost));
    }
    return core__tx_end(s, 0);
}

void
core_store_rollback(core_store_t *s)
{
    s->tx_own = false;
    s->tx_depth = 0;
    s->tx_lost = 0;
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
core_store_savepoint(core_store_t *s)
{
    assert(s->tx_own);
    return core__tx_begin(s);
}

int
core_store_savepoint_end(core_store_t *s, int rc)
{
    assert(s->tx_own && s->tx_depth > 0);
    return core__tx_end(s, rc);
}

/* ---- clock, actor, limits ---- */

void
core_store_set_busy_timeout(core_store_t *s, int ms)
{
    sqlite3_busy_timeout(s->db, ms);
}

int
core_store_set_max_pages(core_store_t *s, long pages)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld", pages > 0 ? pages : 1073741823L);
    return s_exec(s, sql, N_("set the page limit"));
}

void
core_store_set_actor(core_store_t *s, const char *actor)
{
    snprintf(s->actor, sizeof s->actor, "%s", actor && *actor ? actor : "local");
}

void
core_store_set_now(core_store_t *s, time_t now)
{
    s->now = now;
}

time_t
core_store_now(const core_store_t *s)
{
    return s->now ? s->now : time(NULL);
}

void
core_store_today(const core_store_t *s, char out[11])
{
    time_t t = core_store_now(s);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void
core__now_iso(core_store_t *s, char out[21])
{
    time_t t = core_store_now(s);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- opening and migrations ---- */

static int
s_count_migrations(void)
{
    int n = 0;
    for (const char *p = core_schema_sql; (p = strstr(p, S_MIGRATION_MARK)); p++)
        n++;
    return n;
}

int
core_store_schema_version(void)
{
    return s_count_migrations();
}

/* The text of migration number n (1-based), as a new string. */
static char *
s_migration(int n)
{
    const char *p = core_schema_sql;
    for (int i = 0; i < n; i++) {
        p = strstr(p, S_MIGRATION_MARK);
        assert(p);
        p += strlen(S_MIGRATION_MARK);
    }
    p += strcspn(p, "\n"); /* the rest of the marker's line is its number */
    const char *end = strstr(p, S_MIGRATION_MARK);
    return xstrndup(p, end ? (size_t)(end - p) : strlen(p));
}

static int
s_migrate(core_store_t *s)
{
    int64_t have = 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return core__dberr(s, rc, N_("read the schema version"));
    if (sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);

    int want = core_store_schema_version();
    if (have > want)
        return core__fail(s, AYNI_ESCHEMA, NULL,
                          "the database has schema version %lld but this aynid knows only up to "
                          "%d: run a newer Ayni, or restore a backup made by this version",
                          (long long)have, want);
    for (int n = (int)have + 1; n <= want; n++) {
        char *sql = s_migration(n);
        char *full = xasprintf("BEGIN IMMEDIATE;\n%s\nPRAGMA user_version = %d;\nCOMMIT;", sql, n);
        char *msg = NULL;
        rc = sqlite3_exec(s->db, full, NULL, NULL, &msg);
        free(full);
        free(sql);
        if (rc != SQLITE_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            int code = core__fail(s, core__map_rc(rc), NULL, "cannot apply migration %d: %s", n,
                                  msg && !strcmp(ayni_lang(), "en") ? msg
                                                                    : core__sqlite_text(s, rc));
            sqlite3_free(msg);
            return code;
        }
    }
    return 0;
}

static int
s_configure(core_store_t *s)
{
    sqlite3_busy_timeout(s->db, S_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    /* journal_mode returns a row; the others do not.  Big sorts (ledger verify over a million
     * movements) spill to a temporary file: held in memory they took aynid to 118 MiB. */
    char *msg = NULL;
    int rc = sqlite3_exec(s->db,
                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                          " PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int code = core__fail(s, core__map_rc(rc), NULL, "cannot configure the database: %s",
                              msg && !strcmp(ayni_lang(), "en") ? msg : core__sqlite_text(s, rc));
        sqlite3_free(msg);
        return code;
    }
    return 0;
}

static int
s_prepare_all(core_store_t *s)
{
    for (int i = 0; i < ST__COUNT; i++) {
        int rc = sqlite3_prepare_v3(s->db, s_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                                    NULL);
        if (rc != SQLITE_OK)
            return core__fail(s, core__map_rc(rc), NULL, "cannot prepare statement %d: %s", i,
                              sqlite3_errmsg(s->db));
    }
    return 0;
}

int
core_store_open(core_store_t **store_p, const char *path, char *err, size_t errlen)
{
    assert(store_p && path);
    *store_p = NULL;
    core_store_t *s = xcalloc(1, sizeof *s);
    core_store_set_actor(s, NULL);
    bool opening = false; /* the file itself failed: the message names it already */
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = core__fail(s, core__map_rc(rc), NULL, "cannot open '%s': %s", path,
                        core__sqlite_text(s, rc));
        opening = true;
        goto out_fail;
    }
    if ((rc = s_configure(s)) || (rc = s_migrate(s)) || (rc = s_prepare_all(s)))
        goto out_fail;
    *store_p = s;
    return 0;

out_fail:
    if (err && errlen) {
        if (opening)
            snprintf(err, errlen, "%s", s->errmsg);
        else
            snprintf(err, errlen, _("database '%s': %s"), path, s->errmsg);
    }
    core_store_destroy(&s);
    return rc;
}

void
core_store_destroy(core_store_t **store_p)
{
    if (!store_p || !*store_p)
        return;
    core_store_t *s = *store_p;
    core__checkpointer_stop(s);
    for (int i = 0; i < ST__COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(s->db);
    json_decref(s->errdetails);
    free(s);
    *store_p = NULL;
}
