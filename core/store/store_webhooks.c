/* store_webhooks.c: the webhooks an admin registers (docs/WEB.md, "Webhooks") and their
 * delivery log.  ayni-web delivers; the store keeps each hook's URL, event types, secret
 * and cursor (the last seq handled), and one row per attempt.  Adding and removing are
 * ledger changes with their events; recording an attempt is bookkeeping and writes no
 * event, so that a delivery never makes an event to deliver.  It must not speak HTTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"
#include "url.h"

#define S_EVENTS_MAX 64

/* Whether pattern is a known type, or "PREFIX.*" with PREFIX before the dot of one. */
static bool
s_known_pattern(const char *pattern)
{
    size_t n = strlen(pattern);
    bool wild = n > 2 && !strcmp(pattern + n - 2, ".*");
    for (const char *const *t = core_event_types; *t; t++)
        if (wild ? !strncmp(*t, pattern, n - 1) : !strcmp(*t, pattern))
            return true;
    return false;
}

static int
s_check_events(core_store_t *s, json_t *events)
{
    json_t *d = json_pack("{ss}", "field", "events");
    if (!json_is_array(events) || json_array_size(events) < 1 ||
        json_array_size(events) > S_EVENTS_MAX)
        return core__fail(s, AYNI_EINVAL, d,
                          "events must be a list of 1 to 64 event types (or prefixes such as "
                          "\"delivery.*\"); leave it out for every event");
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        const char *p = json_string_value(e);
        if (!p || strlen(p) > 100 || !s_known_pattern(p)) {
            json_object_set_new(d, "index", json_integer((json_int_t)i));
            return core__fail(s, AYNI_EINVAL, d,
                              "events[%zu] '%s' is no event type: give a type such as "
                              "\"stock.received\" or a prefix such as \"delivery.*\" "
                              "(docs/PROTOCOL.md section 7 lists them)",
                              i, p ? p : "?");
        }
    }
    json_decref(d);
    return 0;
}

static int
s_check(core_store_t *s, const struct core_webhook *h)
{
    struct ayni_hook_url u;
    const char *why = ayni_hook_url(h->url, &u);
    if (why)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "url"),
                          "url is not a webhook URL: %s", _(why));
    if (h->events && s_check_events(s, h->events))
        return AYNI_EINVAL;
    return core__check_text(s, "name", h->name, false, 100);
}

/* What an event may say of a hook: its scheme, host and port, never the path or query,
 * which for many services (a chat bot, a spreadsheet script) is itself the credential. */
static json_t *
s_public(int64_t id, const char *url, const char *name, json_t *events)
{
    struct ayni_hook_url u;
    char origin[300] = "";
    if (!ayni_hook_url(url, &u))
        snprintf(origin, sizeof origin, "%s://%s%s%s:%u", u.tls ? "https" : "http",
                 strchr(u.host, ':') ? "[" : "", u.host, strchr(u.host, ':') ? "]" : "",
                 u.port);
    return json_pack("{sI ss s:s? s:O?}", "id", (json_int_t)id, "origin", origin, "name", name,
                     "events", events);
}

int
core_webhook_add(core_store_t *s, const struct core_webhook *h, json_t **result)
{
    core__clear_error(s);
    const char *name = h->name && *h->name ? h->name : NULL;
    int rc = s_check(s, h);
    if (rc || (rc = core__tx_begin(s)))
        return rc;
    unsigned char key[32];
    char secret[65], now[21];
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(secret, sizeof secret, key, sizeof key);
    sodium_memzero(key, sizeof key);
    core__now_iso(s, now);
    char *events = h->events ? json_dumps(h->events, JSON_COMPACT) : NULL;
    rc = core__run(s, ST_WH_INSERT, "tttttt", name, h->url, events, secret, now, s->actor);
    free(events);
    int64_t id = rc ? 0 : sqlite3_last_insert_rowid(s->db), head = 0;
    char hash[65];
    if (rc == 0)
        rc = core__event(s, "webhook.added",
                         json_pack("{so}", "webhook", s_public(id, h->url, name, h->events)));
    /* Its first event is the one after its own webhook.added. */
    if (rc == 0 && (rc = core_events_head(s, &head, hash)) == 0)
        rc = core__run(s, ST_WH_START, "II", id, head);
    json_t *res = rc ? NULL
                     : json_pack("{sI ss s:s? s:O? ss sI ss}", "id", (json_int_t)id, "url",
                                 h->url, "name", name, "events", h->events, "secret", secret,
                                 "delivered", (json_int_t)head, "created_at", now);
    sodium_memzero(secret, sizeof secret);
    return core__finish(s, rc, res, result);
}

/* A stored events column as JSON (null: every event). */
static json_t *
s_events_col(sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    json_t *e = text ? json_loads(text, 0, NULL) : NULL;
    return e ? e : json_null();
}

static json_t *
s_list_row(sqlite3_stmt *st)
{
    json_t *last = json_null();
    if (sqlite3_column_type(st, 6) != SQLITE_NULL)
        last = json_pack("{s:o sI sI sb s:o}", "at", core__jstr(st, 6), "seq",
                         (json_int_t)sqlite3_column_int64(st, 10), "status",
                         (json_int_t)sqlite3_column_int64(st, 7), "ok",
                         sqlite3_column_int(st, 8), "error", core__jstr(st, 9));
    return json_pack("{sI s:o s:o s:o s:o sI s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", core__jstr(st, 1), "url", core__jstr(st, 2), "events",
                     s_events_col(st, 3), "created_at", core__jstr(st, 4), "delivered",
                     (json_int_t)sqlite3_column_int64(st, 5), "last", last);
}

int
core_webhook_list(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    return core__rows(s, core__query(s, ST_WH_LIST, ""), s_list_row, result);
}

static json_t *
s_target_row(sqlite3_stmt *st)
{
    return json_pack("{sI s:o s:o s:o s:o sI}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "name", core__jstr(st, 1), "url", core__jstr(st, 2), "events",
                     s_events_col(st, 3), "secret", core__jstr(st, 4), "delivered",
                     (json_int_t)sqlite3_column_int64(st, 5));
}

int
core_webhook_targets(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    return core__rows(s, core__query(s, ST_WH_TARGETS, ""), s_target_row, result);
}

/* The hook with that id into *url, *name, *events (new strings or NULL, the caller's)
 * and *removed; not_found, said, if there is none. */
static int
s_get(core_store_t *s, int64_t id, char **url, char **name, char **events, bool *removed)
{
    sqlite3_stmt *st = core__query(s, ST_WH_GET, "I", id);
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return core__fail(s, AYNI_ENOTFOUND, json_pack("{sI}", "id", (json_int_t)id),
                          "no webhook %lld: list them with 'webhook list'", (long long)id);
    const char *u = (const char *)sqlite3_column_text(st, 0);
    const char *n = (const char *)sqlite3_column_text(st, 1);
    const char *e = (const char *)sqlite3_column_text(st, 2);
    *url = strdup(u ? u : "");
    *name = n ? strdup(n) : NULL;
    *events = e ? strdup(e) : NULL;
    *removed = sqlite3_column_type(st, 3) != SQLITE_NULL;
    core__reset(st);
    return 0;
}

int
core_webhook_remove(core_store_t *s, int64_t id, json_t **result)
{
    core__clear_error(s);
    int rc = core__tx_begin(s);
    if (rc)
        return rc;
    char *url = NULL, *name = NULL, *events = NULL, now[21];
    bool removed = false;
    rc = s_get(s, id, &url, &name, &events, &removed);
    if (rc == 0 && removed)
        rc = core__fail(s, AYNI_ESTATE, json_pack("{sI}", "id", (json_int_t)id),
                        "webhook %lld was removed already", (long long)id);
    core__now_iso(s, now);
    if (rc == 0)
        rc = core__run(s, ST_WH_REMOVE, "It", id, now);
    if (rc == 0)
        rc = core__event(s, "webhook.removed",
                         json_pack("{so}", "webhook", s_public(id, url, name, NULL)));
    json_t *res = rc ? NULL
                     : json_pack("{sI ss s:s? ss}", "id", (json_int_t)id, "url", url, "name",
                                 name, "removed_at", now);
    free(url);
    free(name);
    free(events);
    return core__finish(s, rc, res, result);
}

static json_t *
s_log_row(sqlite3_stmt *st)
{
    return json_pack("{sI sI s:o sI sb s:o}", "seq", (json_int_t)sqlite3_column_int64(st, 0),
                     "attempt", (json_int_t)sqlite3_column_int64(st, 1), "at",
                     core__jstr(st, 2), "status", (json_int_t)sqlite3_column_int64(st, 3), "ok",
                     sqlite3_column_int(st, 4), "error", core__jstr(st, 5));
}

int
core_webhook_log(core_store_t *s, int64_t id, int limit, json_t **result)
{
    core__clear_error(s);
    if (limit < 1 || limit > 1000)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "limit"),
                          "limit must be between 1 and 1000");
    char *url = NULL, *name = NULL, *events = NULL;
    bool removed = false;
    int rc = s_get(s, id, &url, &name, &events, &removed);
    free(url);
    free(name);
    free(events);
    if (rc)
        return rc;
    return core__rows(s, core__query(s, ST_WH_LOG, "Ii", id, limit), s_log_row, result);
}

static int
s_check_attempt(core_store_t *s, const struct core_webhook_attempt *at, int64_t head)
{
    if (at->seq < 1 || at->seq > head)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "seq"),
                          "seq %lld is no event of this ledger (its head is %lld)",
                          (long long)at->seq, (long long)head);
    if (at->attempt < 0 || at->attempt > 1000000000 || (at->attempt == 0 && !at->ok))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "attempt"),
                          "attempt must be 1 or more (0 only with ok, to pass events over)");
    if (at->status < 0 || at->status > 999)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "status"),
                          "status must be an HTTP status, or 0 for no answer");
    return core__check_text(s, "error", at->error, false, 500);
}

int
core_webhook_record(core_store_t *s, const struct core_webhook_attempt *at, json_t **result)
{
    core__clear_error(s);
    int rc = core__tx_begin(s);
    if (rc)
        return rc;
    char *url = NULL, *name = NULL, *events = NULL, now[21], hash[65];
    bool removed = false;
    int64_t head = 0, delivered = 0;
    rc = s_get(s, at->id, &url, &name, &events, &removed);
    free(url);
    free(name);
    free(events);
    if (rc == 0 && removed)
        rc = core__fail(s, AYNI_ESTATE, json_pack("{sI}", "id", (json_int_t)at->id),
                        "webhook %lld was removed: deliver nothing more to it",
                        (long long)at->id);
    if (rc == 0 && (rc = core_events_head(s, &head, hash)) == 0)
        rc = s_check_attempt(s, at, head);
    core__now_iso(s, now);
    if (rc == 0 && at->attempt > 0 &&
        (rc = core__run(s, ST_WH_LOG_INSERT, "IIltlit", at->id, at->seq, at->attempt, now,
                        at->status, at->ok ? 1 : 0, at->error && *at->error ? at->error : NULL)) ==
            0)
        rc = core__run(s, ST_WH_LOG_TRIM, "I", at->id);
    if (rc == 0 && at->ok)
        rc = core__run(s, ST_WH_ADVANCE, "II", at->id, at->seq);
    if (rc == 0)
        rc = core__scalar(s, &delivered, ST_WH_GET_DELIVERED, "I", at->id);
    json_t *res = rc ? NULL
                     : json_pack("{sI sI}", "id", (json_int_t)at->id, "delivered",
                                 (json_int_t)delivered);
    return core__finish(s, rc, res, result);
}
