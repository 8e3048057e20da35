/* store_upload.c: lists too long for one request, staged part by part (store.h).
 *
 * A part is kept as the JSON text of its items; the last part's request reads them back
 * in order and deletes them in its own transaction, so that the op it carries sees one
 * list and makes one change: all items or none.  Nothing here is stock: no event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* What is staged under id. */
struct s_upload {
    long parts, items, bytes;
};

/* The actor's open upload id for op, expecting part number part; else the error. */
static int
s_find(core_store_t *s, const char *id, const char *op, long part, struct s_upload *u)
{
    sqlite3_stmt *st = core__query(s, ST_UP_GET, "t", id);
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    bool mine = rc == 1 && !strcmp((const char *)sqlite3_column_text(st, 0), op) &&
                !strcmp((const char *)sqlite3_column_text(st, 1), s->actor);
    if (mine) {
        u->parts = sqlite3_column_int64(st, 2);
        u->items = sqlite3_column_int64(st, 3);
        u->bytes = sqlite3_column_int64(st, 4);
    }
    if (rc == 1)
        core__reset(st);
    if (!mine)
        return core__fail(s, AYNI_ENOTFOUND, json_pack("{ssss}", "field", "upload", "upload", id),
                          "no upload '%s' of '%s' is open for this device: it was never "
                          "begun (part 0), a part of it failed, or it lay untouched for an "
                          "hour; send the whole list again, from part 0", id, op);
    if (part != u->parts)
        return core__fail(s, AYNI_ESTATE,
                          json_pack("{sssssIsI}", "field", "part", "upload", id, "expected",
                                    (json_int_t)u->parts, "part", (json_int_t)part),
                          "upload '%s' expects part %ld next, not part %ld: send the parts in "
                          "order, each once", id, u->parts, part);
    return 0;
}

/* Begin upload id: drop the expired ones, then count the actor's. */
static int
s_begin(core_store_t *s, const char *id, const char *op, const char *now)
{
    time_t cut = core_store_now(s) - CORE_UPLOAD_TTL;
    struct tm tm;
    char before[21];
    gmtime_r(&cut, &tm);
    strftime(before, sizeof before, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int64_t open = 0;
    int rc = core__run(s, ST_UP_EXPIRE, "t", before);
    if (rc == 0)
        rc = core__scalar(s, &open, ST_UP_OPEN, "t", s->actor);
    if (rc == 0 && open >= CORE_UPLOAD_MAX_OPEN)
        return core__fail(s, AYNI_ESTATE, json_pack("{sssI}", "field", "upload", "open",
                                                    (json_int_t)open),
                          "this device has %lld uploads open, the most it may: finish them, "
                          "or wait an hour until they lapse", (long long)open);
    if (rc == 0)
        rc = core__run(s, ST_UP_INSERT, "tttt", id, op, s->actor, now);
    if (rc == AYNI_ECONFLICT)
        rc = core__fail(s, AYNI_EEXISTS, json_pack("{ssss}", "field", "upload", "upload", id),
                        "an upload '%s' already exists: give each upload a new random id", id);
    return rc;
}

int
core_upload_put(core_store_t *s, const char *id, const char *op, long part, json_t *items,
                size_t max_items, long *staged)
{
    core__clear_error(s);
    int rc = core__check_lot_code(s, "upload", id);
    if (rc || (rc = core__tx_begin(s)))
        return rc;
    char now[21];
    core__now_iso(s, now);
    struct s_upload u = {0};
    if (part == 0)
        rc = s_begin(s, id, op, now);
    if (rc == 0)
        rc = s_find(s, id, op, part, &u);
    char *text = rc ? NULL : json_dumps(items, JSON_COMPACT);
    long n = (long)json_array_size(items), bytes = text ? (long)strlen(text) : 0;
    if (rc == 0 && !text)
        rc = core__fail(s, AYNI_EINTERNAL, NULL, "cannot encode part %ld of upload '%s'", part,
                        id);
    if (rc == 0 && u.items + n > (long)max_items)
        rc = core__fail(s, AYNI_EINVAL,
                        json_pack("{sssIsI}", "field", "upload", "count",
                                  (json_int_t)(u.items + n), "max", (json_int_t)max_items),
                        "upload '%s' would hold %ld entries, more than the %zu one list may: "
                        "split the list into several uploads", id, u.items + n, max_items);
    if (rc == 0 && u.bytes + bytes > CORE_UPLOAD_MAX_BYTES)
        rc = core__fail(s, AYNI_EINVAL,
                        json_pack("{sssIsI}", "field", "upload", "size",
                                  (json_int_t)(u.bytes + bytes), "limit",
                                  (json_int_t)CORE_UPLOAD_MAX_BYTES),
                        "upload '%s' would hold %.1f MiB, more than the %ld MiB one upload "
                        "may: split the list into several uploads", id,
                        (double)(u.bytes + bytes) / 1048576.0, CORE_UPLOAD_MAX_BYTES >> 20);
    if (rc == 0)
        rc = core__run(s, ST_UP_PART_INSERT, "tlt", id, part, text);
    if (rc == 0)
        rc = core__run(s, ST_UP_ADD, "tllt", id, n, bytes, now);
    free(text);
    *staged = u.items + n;
    return core__tx_end(s, rc);
}

int
core_upload_take(core_store_t *s, const char *id, const char *op, long part, json_t **items)
{
    core__clear_error(s);
    *items = NULL;
    int rc = core__check_lot_code(s, "upload", id);
    if (rc || (rc = core__tx_begin(s)))
        return rc;
    struct s_upload u;
    rc = s_find(s, id, op, part, &u);
    json_t *all = json_array();
    sqlite3_stmt *st = rc ? NULL : core__query(s, ST_UP_PARTS, "t", id);
    while (st && (rc = core__step(s, st)) == 1) {
        json_t *one = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
        if (!json_is_array(one)) {
            json_decref(one);
            core__reset(st);
            rc = core__fail(s, AYNI_ECORRUPT, NULL,
                            "a staged part of upload '%s' is not JSON: send the list again",
                            id);
            break;
        }
        json_array_extend(all, one);
        json_decref(one);
    }
    if (rc == 0)
        rc = core__run(s, ST_UP_DROP, "tt", id, s->actor);
    if (rc == 0)
        *items = all;
    else
        json_decref(all);
    return core__tx_end(s, rc);
}

int
core_upload_drop(core_store_t *s, const char *id)
{
    core__clear_error(s);
    int rc = core__tx_begin(s);
    if (rc == 0)
        rc = core__run(s, ST_UP_DROP, "tt", id, s->actor);
    return core__tx_end(s, rc);
}
