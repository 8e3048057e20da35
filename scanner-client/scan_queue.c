/* scan_queue.c: ayni-scan's queue database: opening it, its schema, statements,
 * transactions, the settings and the manifests.  The scans themselves are in
 * scan_queue_scans.c.
 *
 * WAL and synchronous=FULL: a scan the person saw as "guardado" survives a power cut,
 * and every change of state is one transaction, so killing the client at any moment
 * leaves the queue as it was before or after a change, never half-way.  This file must
 * not talk to the network.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "scan_queue_int.h"

extern const char scan_schema_sql[];

#define S_SCHEMA_VERSION 1
#define S_BUSY_TIMEOUT_MS 10000
#define S_BACKOFF_FIRST_S 5
#define S_BACKOFF_MAX_S 300

static const char *const s_sql[SQ__COUNT] = {
#define SCAN_STMT_SQL_(name, sql) sql,
    SCAN_STATEMENTS(SCAN_STMT_SQL_)
#undef SCAN_STMT_SQL_
};

/* ---- errors ---- */

int
scan__fail(scan_queue_t *q, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->errmsg, sizeof q->errmsg, ayni_tr(fmt), ap);
    va_end(ap);
    return code;
}

int
scan__dberr(scan_queue_t *q, int rc, const char *doing)
{
    doing = ayni_tr(doing);
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return scan__fail(q, AYNI_EFULL, "cannot %s in '%s': the disk is full: free some space",
                          doing, q->path);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return scan__fail(q, AYNI_EBUSY, "cannot %s in '%s': another ayni-scan holds the queue; "
                          "wait for it or stop it", doing, q->path);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return scan__fail(q, AYNI_ECORRUPT, "cannot %s: '%s' is damaged or not a scan queue",
                          doing, q->path);
    case SQLITE_CONSTRAINT:
        return scan__fail(q, AYNI_EEXISTS, "cannot %s: %s", doing, sqlite3_errmsg(q->db));
    default:
        return scan__fail(q, AYNI_ESTORAGE, "cannot %s in '%s': %s", doing, q->path,
                          sqlite3_errmsg(q->db));
    }
}

const char *
scan_queue_errmsg(const scan_queue_t *q)
{
    return q->errmsg[0] ? q->errmsg : C_("scan queue", "no error");
}

const char *
scan_queue_path(const scan_queue_t *q)
{
    return q->path;
}

/* ---- statements ---- */

static void
s_bind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    for (int i = 1; fmt && *fmt; fmt++, i++) {
        if (*fmt == 't') {
            const char *v = va_arg(ap, const char *);
            if (v)
                sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, i);
        } else if (*fmt == 'i') {
            sqlite3_bind_int(st, i, va_arg(ap, int));
        } else {
            sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
        }
    }
}

sqlite3_stmt *
scan__query(scan_queue_t *q, enum scan_stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = q->stmt[id];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    va_list ap;
    va_start(ap, fmt);
    s_bind(st, fmt, ap);
    va_end(ap);
    return st;
}

int
scan__step(scan_queue_t *q, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : scan__dberr(q, rc, N_("read the queue"));
}

int
scan__run(scan_queue_t *q, enum scan_stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = q->stmt[id];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    va_list ap;
    va_start(ap, fmt);
    s_bind(st, fmt, ap);
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : scan__dberr(q, rc, N_("write the queue"));
}

json_t *
scan__row(sqlite3_stmt *st)
{
    json_t *o = json_object();
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        const char *name = sqlite3_column_name(st, i);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            json_object_set_new(o, name, json_integer(sqlite3_column_int64(st, i)));
            break;
        case SQLITE_NULL:
            json_object_set_new(o, name, json_null());
            break;
        default:
            json_object_set_new(o, name, json_string((const char *)sqlite3_column_text(st, i)));
        }
    }
    return o;
}

/* ---- transactions ---- */

int
scan__begin(scan_queue_t *q)
{
    int rc = sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : scan__dberr(q, rc, N_("start a transaction on the queue"));
}

int
scan__end(scan_queue_t *q, int rc)
{
    if (rc != 0) {
        if (!sqlite3_get_autocommit(q->db))
            sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    int crc = sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
    if (crc == SQLITE_OK)
        return 0;
    rc = scan__dberr(q, crc, N_("commit to the queue"));
    if (!sqlite3_get_autocommit(q->db))
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- opening ---- */

/* Create every missing folder above path's file, mode 0700. */
static int
s_make_folders(const char *path, char *err, size_t errlen)
{
    char *dir = xstrdup(path);
    int rc = 0;
    for (char *p = dir + 1; *p && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, _("cannot create folder '%s' for the scan queue: %s"), dir,
                     strerror(errno));
            rc = AYNI_EIO;
        }
        *p = '/';
    }
    free(dir);
    return rc;
}

/* The file exists before SQLite opens it, with mode 0600: the queue is this team's. */
static int
s_create_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, _("cannot open scan queue '%s': %s"), path, strerror(errno));
        return AYNI_EIO;
    }
    close(fd);
    return 0;
}

static int
s_exec(scan_queue_t *q, const char *sql, const char *doing)
{
    int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : scan__dberr(q, rc, doing);
}

static int
s_user_version(scan_queue_t *q, int *version)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return scan__dberr(q, rc, N_("read the queue's version"));
    rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : scan__dberr(q, rc, N_("read the queue's version"));
}

static int
s_migrate(scan_queue_t *q)
{
    int version, rc;
    if ((rc = s_user_version(q, &version)))
        return rc;
    if (version > S_SCHEMA_VERSION)
        return scan__fail(q, AYNI_ESCHEMA, "scan queue '%s' was written by a newer ayni-scan "
                          "(version %d): update ayni-scan", q->path, version);
    if (version == S_SCHEMA_VERSION)
        return 0;
    if ((rc = scan__begin(q)))
        return rc;
    rc = s_exec(q, scan_schema_sql, N_("create the queue"));
    if (rc == 0)
        rc = s_exec(q, "PRAGMA user_version = 1", N_("mark the queue's version"));
    return scan__end(q, rc);
}

static int
s_prepare(scan_queue_t *q)
{
    for (int i = 0; i < SQ__COUNT; i++) {
        int rc = sqlite3_prepare_v3(q->db, s_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->stmt[i],
                                    NULL);
        if (rc != SQLITE_OK)
            return scan__dberr(q, rc, N_("prepare the queue's statements"));
    }
    return 0;
}

static int
s_setup(scan_queue_t *q)
{
    int rc = sqlite3_open_v2(q->path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return q->db ? scan__dberr(q, rc, N_("open the queue"))
                     : scan__fail(q, AYNI_ESTORAGE, "cannot open scan queue '%s'", q->path);
    sqlite3_busy_timeout(q->db, S_BUSY_TIMEOUT_MS);
    if ((rc = s_exec(q, "PRAGMA journal_mode = WAL", N_("use write-ahead logging"))) ||
        (rc = s_exec(q, "PRAGMA synchronous = FULL", N_("set synchronous writes"))) ||
        (rc = s_migrate(q)))
        return rc;
    return s_prepare(q);
}

scan_queue_t *
scan_queue_open(const char *path, char *err, size_t errlen)
{
    if (s_make_folders(path, err, errlen) || s_create_file(path, err, errlen))
        return NULL;
    scan_queue_t *q = xcalloc(1, sizeof *q);
    q->path = xstrdup(path);
    if (s_setup(q) != 0) {
        snprintf(err, errlen, "%s", q->errmsg);
        scan_queue_close(&q);
    }
    return q;
}

void
scan_queue_close(scan_queue_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    scan_queue_t *q = *self_p;
    for (int i = 0; i < SQ__COUNT; i++)
        sqlite3_finalize(q->stmt[i]);
    sqlite3_close(q->db);
    free(q->path);
    free(q);
    *self_p = NULL;
}

/* ---- settings ---- */

char *
scan_queue_get(scan_queue_t *q, const char *key)
{
    sqlite3_stmt *st = scan__query(q, SQ_SET_GET, "t", key);
    if (scan__step(q, st) != 1)
        return NULL;
    char *v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return v;
}

int
scan_queue_set(scan_queue_t *q, const char *key, const char *value)
{
    if (!value)
        return scan__run(q, SQ_SET_DEL, "t", key);
    return scan__run(q, SQ_SET_PUT, "tt", key, value);
}

bool
scan_queue_curve(scan_queue_t *q, struct proto_curve *keys)
{
    static const char *const names[] = {"curve_server", "curve_public", "curve_secret"};
    unsigned char *out[] = {keys->server_key, keys->public_key, keys->secret_key};
    bool ok = true;
    for (int i = 0; i < 3; i++) {
        char *hex = scan_queue_get(q, names[i]);
        size_t n = 0;
        ok = ok && hex && sodium_hex2bin(out[i], 32, hex, strlen(hex), NULL, &n, NULL) == 0 &&
             n == 32;
        if (hex)
            sodium_memzero(hex, strlen(hex));
        free(hex);
    }
    if (!ok)
        sodium_memzero(keys, sizeof *keys);
    return ok;
}

static long
s_get_long(scan_queue_t *q, const char *key)
{
    char *v = scan_queue_get(q, key);
    long n = v ? strtol(v, NULL, 10) : 0;
    free(v);
    return n;
}

int
scan__contact_ok(scan_queue_t *q)
{
    char now[21];
    scan_now_utc(now);
    int rc = scan_queue_set(q, "last_contact", now);
    if (rc == 0 && (rc = scan_queue_set(q, "contact_failures", NULL)) == 0)
        rc = scan_queue_set(q, "next_contact_at", NULL);
    return rc;
}


/* 5 s after the first failure, doubling, at most 5 min. */
static long
s_backoff(long failures)
{
    long s = S_BACKOFF_FIRST_S;
    for (long i = 1; i < failures && s < S_BACKOFF_MAX_S; i++)
        s *= 2;
    return s < S_BACKOFF_MAX_S ? s : S_BACKOFF_MAX_S;
}

int
scan_queue_contact_failed(scan_queue_t *q)
{
    int rc = scan__begin(q);
    if (rc)
        return rc;
    long failures = s_get_long(q, "contact_failures") + 1;
    char n[24], when[21];
    time_t next = time(NULL) + s_backoff(failures);
    struct tm tm;
    gmtime_r(&next, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(n, sizeof n, "%ld", failures);
    if ((rc = scan_queue_set(q, "contact_failures", n)) == 0)
        rc = scan_queue_set(q, "next_contact_at", when);
    return scan__end(q, rc);
}

bool
scan_queue_contact_due(scan_queue_t *q)
{
    char *next = scan_queue_get(q, "next_contact_at");
    time_t t = next ? scan_parse_time(next) : -1;
    free(next);
    return t < 0 || time(NULL) >= t;
}

/* ---- manifests ---- */

static int
s_put_manifest(scan_queue_t *q, json_t *s, const char *now)
{
    json_t *to = json_object_get(s, "to");
    const char *code = json_string_value(json_object_get(s, "code"));
    const char *dest = json_string_value(json_object_get(to, "code"));
    if (!code || !dest)
        return scan__fail(q, AYNI_EBADREQ, "the core sent a shipment without code or "
                          "destination: update aynid or ayni-scan");
    char *body = json_dumps(s, JSON_COMPACT);
    int rc = scan__run(q, SQ_MAN_PUT, "tttitt", code, dest,
                       json_string_value(json_object_get(s, "team")),
                       (int)json_array_size(json_object_get(s, "packages")), body, now);
    free(body);
    return rc;
}

int
scan_queue_init_commit(scan_queue_t *q, json_t *settings, json_t *shipments)
{
    char now[21];
    scan_now_utc(now);
    int rc = scan__begin(q);
    if (rc == 0)
        rc = scan__run(q, SQ_MAN_CLEAR, "");
    size_t i;
    json_t *s;
    json_array_foreach(shipments, i, s) {
        if (rc == 0)
            rc = s_put_manifest(q, s, now);
    }
    const char *key;
    json_t *v;
    json_object_foreach(settings, key, v) {
        if (rc == 0)
            rc = scan_queue_set(q, key, json_string_value(v));
    }
    if (rc == 0 && (rc = scan_queue_set(q, "manifests_at", now)) == 0)
        rc = scan__contact_ok(q);
    return scan__end(q, rc);
}

json_t *
scan_queue_manifest(scan_queue_t *q, const char *shipment)
{
    sqlite3_stmt *st = scan__query(q, SQ_MAN_GET, "t", shipment);
    if (scan__step(q, st) != 1)
        return NULL;
    json_t *m = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
    sqlite3_reset(st);
    return m;
}

long
scan_queue_manifest_count(scan_queue_t *q, const char *team)
{
    sqlite3_stmt *st = scan__query(q, SQ_MAN_COUNT, "t", team);
    if (scan__step(q, st) != 1)
        return 0;
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}
