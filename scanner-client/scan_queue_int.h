/* scan_queue_int.h: what scan_queue*.c share and nothing else may use.
 *
 * The queue's struct, its one table of SQL statements (prepared once when the queue
 * opens), and the helpers every queue operation goes through.
 */
#ifndef AYNI_SCAN_QUEUE_INT_H
#define AYNI_SCAN_QUEUE_INT_H

#include <sqlite3.h>

#include "scan.h"

/* X(NAME, SQL).  Parameters are numbered; see each user for what they bind. */
#define SCAN_STATEMENTS(X)                                                                     \
    X(SET_GET, "SELECT value FROM settings WHERE key = ?1")                                    \
    X(SET_PUT, "INSERT INTO settings (key, value) VALUES (?1, ?2)"                             \
               " ON CONFLICT (key) DO UPDATE SET value = excluded.value")                      \
    X(SET_DEL, "DELETE FROM settings WHERE key = ?1")                                          \
    X(MAN_CLEAR, "DELETE FROM manifests")                                                      \
    X(MAN_PUT, "INSERT INTO manifests (shipment, dest, team, package_count, body, fetched_at)" \
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                            \
    X(MAN_GET, "SELECT body FROM manifests WHERE shipment = ?1")                               \
    X(MAN_COUNT, "SELECT COUNT(*) FROM manifests WHERE ?1 IS NULL OR team = ?1")               \
    X(SCAN_PUT, "INSERT INTO scans (scan_id, token, shipment, package, package_count, dest,"   \
                " team, device, device_time, lines, flags, created_at)"                        \
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")                 \
    /* the scan (not refused) covering package ?2 of ?1: its own, or the whole shipment */   \
    X(SCAN_COVERING, "SELECT * FROM scans WHERE shipment = ?1 AND state <> 'refused'"          \
                     " AND (package = ?2 OR package = 0 OR ?2 = 0)"                            \
                     " ORDER BY package = ?2 DESC, id LIMIT 1")                                \
    X(SCAN_COVERED, "SELECT package FROM scans WHERE shipment = ?1 AND state <> 'refused'"     \
                    " ORDER BY package")                                                       \
    X(SCAN_NEXT, "SELECT * FROM scans WHERE state = 'queued' AND id > ?1 ORDER BY id LIMIT 1") \
    X(SCAN_ATTEMPT, "UPDATE scans SET attempts = attempts + 1 WHERE scan_id = ?1")             \
    X(SCAN_SETTLE, "UPDATE scans SET state = ?2, error_code = ?3, last_error = ?4,"            \
                   " result = ?5, settled_at = ?6, next_attempt_at = NULL"                     \
                   " WHERE scan_id = ?1 AND state = 'queued'")                                 \
    X(SCAN_LATER, "UPDATE scans SET error_code = ?2, last_error = ?3, next_attempt_at = ?4"    \
                  " WHERE scan_id = ?1 AND state = 'queued'")                                  \
    X(SCAN_ATTEMPTS, "SELECT attempts FROM scans WHERE scan_id = ?1")                          \
    X(SCAN_COUNTS, "SELECT state, COUNT(*) FROM scans GROUP BY state")                         \
    X(SCAN_LIST, "SELECT * FROM scans WHERE ?1 IS NULL OR state = ?1 ORDER BY id")

enum scan_stmt {
#define SCAN_STMT_ENUM_(name, sql) SQ_##name,
    SCAN_STATEMENTS(SCAN_STMT_ENUM_)
#undef SCAN_STMT_ENUM_
    SQ__COUNT
};

struct scan_queue {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[SQ__COUNT];
    char errmsg[512];
};

/* Bind by fmt ('t' text or NULL, 'i' int, 'I' int64_t) and return the statement. */
sqlite3_stmt *scan__query(scan_queue_t *q, enum scan_stmt id, const char *fmt, ...);
/* 1 for a row, 0 when done (reset), or a negative AYNI_E code (reset, errmsg set). */
int scan__step(scan_queue_t *q, sqlite3_stmt *st);
/* Run a statement to its end: 0 or a negative AYNI_E code. */
int scan__run(scan_queue_t *q, enum scan_stmt id, const char *fmt, ...);
/* The current row as an object of its columns (text, integer or null). */
json_t *scan__row(sqlite3_stmt *st);
/* Keep the error fmt (translated: a keyword of po/po) for scan_queue_errmsg; code. */
int scan__fail(scan_queue_t *q, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The error of SQLite's rc while doing (a message marked N_, "read the queue"); its
 * AYNI_E code. */
int scan__dberr(scan_queue_t *q, int rc, const char *doing);
int scan__begin(scan_queue_t *q);
/* Inside a transaction: the core answered just now. */
int scan__contact_ok(scan_queue_t *q);
/* Commit if rc is 0, else roll back; the result of the whole. */
int scan__end(scan_queue_t *q, int rc);

#endif
