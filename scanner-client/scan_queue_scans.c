/* scan_queue_scans.c: the scans in ayni-scan's queue and their states.
 *
 * queued → sent (the core acknowledged it; its answer is kept) or queued → refused
 * (the core said no; the reason is kept).  A scan is never deleted, and each change is
 * one transaction, so what was scanned is never lost.  A package is queued at most once
 * from this device while its scan is not refused (a unique index enforces it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "scan_queue_int.h"

#define S_RETRY_FIRST_S 5
#define S_RETRY_MAX_S 3600

/* The scan covering (shipment, package), or NULL; call inside or outside a transaction. */
json_t *
scan_queue_covering(scan_queue_t *q, const char *shipment, int package)
{
    sqlite3_stmt *st = scan__query(q, SQ_SCAN_COVERING, "ti", shipment, package);
    if (scan__step(q, st) != 1)
        return NULL;
    json_t *row = scan__row(st);
    sqlite3_reset(st);
    return row;
}

json_t *
scan_queue_covered(scan_queue_t *q, const char *shipment)
{
    json_t *list = json_array();
    sqlite3_stmt *st = scan__query(q, SQ_SCAN_COVERED, "t", shipment);
    while (scan__step(q, st) == 1)
        json_array_append_new(list, json_integer(sqlite3_column_int(st, 0)));
    return list;
}

/* A whole-shipment scan covers every package; a package scan covers its own. */
static json_t *
s_conflict(scan_queue_t *q, const struct scan_new *n)
{
    json_t *row = scan_queue_covering(q, n->shipment, n->package);
    if (row && n->package == 0 &&
        json_integer_value(json_object_get(row, "package")) != 0) {
        json_decref(row); /* package scans leave the rest of the shipment to a slip scan */
        row = NULL;
    }
    return row;
}

int
scan_queue_add(scan_queue_t *q, const struct scan_new *n, json_t **existing)
{
    char now[21];
    scan_now_utc(now);
    *existing = NULL;
    int rc = scan__begin(q);
    if (rc)
        return rc;
    if ((*existing = s_conflict(q, n)) != NULL)
        return scan__end(q, AYNI_EEXISTS);
    rc = scan__run(q, SQ_SCAN_PUT, "tttiitttttt" "t", n->scan_id, n->token, n->shipment,
                   n->package, n->count, n->dest, n->team, n->device, n->device_time, n->lines,
                   n->flags, now);
    return scan__end(q, rc);
}

json_t *
scan_queue_next(scan_queue_t *q, int64_t after_id)
{
    sqlite3_stmt *st = scan__query(q, SQ_SCAN_NEXT, "I", after_id);
    if (scan__step(q, st) != 1)
        return NULL;
    json_t *row = scan__row(st);
    sqlite3_reset(st);
    return row;
}

int
scan_queue_attempt(scan_queue_t *q, const char *scan_id)
{
    return scan__run(q, SQ_SCAN_ATTEMPT, "t", scan_id);
}

static int
s_settle(scan_queue_t *q, const char *scan_id, const char *state, const char *code,
         const char *message, json_t *result)
{
    char now[21];
    scan_now_utc(now);
    char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    int rc = scan__begin(q);
    if (rc == 0)
        rc = scan__run(q, SQ_SCAN_SETTLE, "tttttt", scan_id, state, code, message, text, now);
    free(text);
    if (rc == 0 && sqlite3_changes(q->db) == 0)
        rc = scan__fail(q, AYNI_ESTATE, "scan '%s' is no longer queued", scan_id);
    if (rc == 0)
        rc = scan__contact_ok(q);
    return scan__end(q, rc);
}

int
scan_queue_mark_sent(scan_queue_t *q, const char *scan_id, json_t *result)
{
    return s_settle(q, scan_id, "sent", NULL, NULL, result);
}

int
scan_queue_mark_refused(scan_queue_t *q, const char *scan_id, const char *code,
                        const char *message, json_t *error)
{
    return s_settle(q, scan_id, "refused", code, message, error);
}

/* 5 s after the first attempt, doubling, at most an hour. */
static long
s_retry_after(long attempts)
{
    long s = S_RETRY_FIRST_S;
    for (long i = 1; i < attempts && s < S_RETRY_MAX_S; i++)
        s *= 2;
    return s < S_RETRY_MAX_S ? s : S_RETRY_MAX_S;
}

int
scan_queue_retry_later(scan_queue_t *q, const char *scan_id, const char *code,
                       const char *message)
{
    long attempts = 1;
    sqlite3_stmt *st = scan__query(q, SQ_SCAN_ATTEMPTS, "t", scan_id);
    if (scan__step(q, st) == 1) {
        attempts = (long)sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    time_t next = time(NULL) + s_retry_after(attempts);
    struct tm tm;
    char when[21];
    gmtime_r(&next, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return scan__run(q, SQ_SCAN_LATER, "tttt", scan_id, code, message, when);
}

json_t *
scan_queue_counts(scan_queue_t *q)
{
    json_t *counts = json_pack("{sisisi}", "queued", 0, "sent", 0, "refused", 0);
    sqlite3_stmt *st = scan__query(q, SQ_SCAN_COUNTS, "");
    while (scan__step(q, st) == 1)
        json_object_set_new(counts, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    return counts;
}

json_t *
scan_queue_list(scan_queue_t *q, const char *state)
{
    json_t *list = json_array();
    sqlite3_stmt *st = scan__query(q, SQ_SCAN_LIST, "t", state);
    while (scan__step(q, st) == 1)
        json_array_append_new(list, scan__row(st));
    return list;
}
