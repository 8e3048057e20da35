/* store_events.c: the events outbox with its hash chain, and idempotency keys.
 *
 * An event is written in the same transaction as the change it reports, so that a
 * committed change always has its event and a rolled-back one never does.  Each
 * event's hash is SHA-256(previous hash || body), over the exact stored body text;
 * the first event's previous hash is 32 zero bytes.  Publishing is aynid's job.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mem.h"
#include "store_int.h"

static const char s_zero_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

const char *const core_event_types[] = {
    "item.added",         "location.added",     "donor.added",         "stock.received",
    "stock.transferred",  "stock.adjusted",     "stock.low",           "shipment.created",
    "shipment.line_added", "shipment.dispatched", "shipment.cancelled", "delivery.confirmed",
    "delivery.discrepancy", "shipment.delivered", "device.added",      "device.disabled",
    "device.enrol_code",  "device.enrolled",    "ledger.checkpoint",   "photo.stored",
    "webhook.added",      "webhook.removed",    "share.created",       "share.revoked",
    NULL};

#ifndef NDEBUG
static bool
s_known_type(const char *type)
{
    for (const char *const *t = core_event_types; *t; t++)
        if (!strcmp(*t, type))
            return true;
    return false;
}
#endif

static void
s_hash(const char prev_hex[65], const char *body, char out[65])
{
    unsigned char prev[32], digest[32];
    size_t n = 0;
    sodium_hex2bin(prev, sizeof prev, prev_hex, 64, NULL, &n, NULL);
    assert(n == 32);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, prev, sizeof prev);
    crypto_hash_sha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}

int
core_events_head(core_store_t *s, int64_t *seq, char hash[65])
{
    sqlite3_stmt *st = core__query(s, ST_EVT_HEAD, "");
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    *seq = 0;
    memcpy(hash, s_zero_hash, 65);
    if (rc == 1) {
        *seq = sqlite3_column_int64(st, 0);
        snprintf(hash, 65, "%s", sqlite3_column_text(st, 1));
        core__reset(st);
    }
    return 0;
}

int
core__event(core_store_t *s, const char *type, json_t *body)
{
    assert(body && json_is_object(body));
    assert(s_known_type(type)); /* a new type goes in core_event_types, for webhooks */
    int64_t seq;
    char prev[65], hash[65], at[21];
    int rc = core_events_head(s, &seq, prev);
    if (rc) {
        json_decref(body);
        return rc;
    }
    seq++;
    core__now_iso(s, at);
    json_object_set_new(body, "seq", json_integer(seq));
    json_object_set_new(body, "type", json_string(type));
    json_object_set_new(body, "at", json_string(at));
    if (!json_object_get(body, "actor"))
        json_object_set_new(body, "actor", json_string(s->actor));
    /* 15 digits: a position's tenths as they are ("-77.6"), as proto_dump writes them */
    char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
                                      JSON_REAL_PRECISION(15));
    json_decref(body);
    if (!text)
        return core__fail(s, AYNI_EINTERNAL, NULL, "cannot encode the '%s' event", type);
    s_hash(prev, text, hash);
    rc = core__run(s, ST_EVT_INSERT, "Itttt", seq, at, type, text, hash);
    free(text);
    return rc;
}

static int
s_corrupt(core_store_t *s, int64_t seq)
{
    return core__fail(s, AYNI_ECORRUPT, NULL,
                      "event %lld is not valid JSON: restore the database from a backup",
                      (long long)seq);
}

int
core_events_each(core_store_t *s, int64_t after, int limit, core_event_fn fn, void *arg)
{
    core__clear_error(s);
    sqlite3_stmt *st = core__query(s, ST_EVT_EACH, "Ii", after, limit);
    char *text = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        const char *body = (const char *)sqlite3_column_text(st, 2);
        const char *hash = (const char *)sqlite3_column_text(st, 3);
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        if (!type || !body || !hash || n < 2 || body[0] != '{' || body[n - 1] != '}') {
            core__reset(st);
            rc = s_corrupt(s, seq);
            break;
        }
        /* The body is an object: the hash goes in before its closing brace. */
        if (cap < n + 96) {
            cap = 2 * (n + 96);
            text = xrealloc(text, cap);
        }
        int len = snprintf(text, cap, "%.*s%s\"hash\":\"%s\"}", (int)(n - 1), body,
                           n > 2 ? "," : "", hash);
        int stop = fn(arg, seq, type, text, (size_t)len);
        if (stop != 0) {
            core__reset(st);
            rc = stop < 0 ? s_corrupt(s, seq) : 0;
            break;
        }
    }
    free(text);
    return rc < 0 ? rc : 0;
}

/* events_since's list: each published text decoded. */
static int
s_append(void *arg, int64_t seq, const char *type, const char *text, size_t len)
{
    (void)seq;
    (void)type;
    json_t *e = json_loadb(text, len, 0, NULL);
    if (!e)
        return -1;
    json_array_append_new(arg, e);
    return 0;
}

int
core_events_since(core_store_t *s, int64_t after, int limit, json_t **result)
{
    core__clear_error(s);
    if (limit < 1 || limit > 10000)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "limit"),
                          "limit must be between 1 and 10000");
    if (after < 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "since"),
                          "since must be a seq number, 0 or more");
    json_t *list = json_array();
    int rc = core_events_each(s, after, limit, s_append, list);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *result = list;
    return 0;
}

int
core__verify_chain(core_store_t *s, json_t *problems, int64_t *n)
{
    char prev[65], hash[65];
    memcpy(prev, s_zero_hash, 65);
    int64_t want = 1;
    *n = 0;
    sqlite3_stmt *st = core__query(s, ST_V_EVENTS, "");
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *body = (const char *)sqlite3_column_text(st, 1);
        const char *stored = (const char *)sqlite3_column_text(st, 2);
        (*n)++;
        if (seq != want)
            json_array_append_new(problems,
                                  json_pack("{ss sI sI ss}", "check", "event_seq", "expected",
                                            (json_int_t)want, "found", (json_int_t)seq,
                                            "message", _("event seq has a gap")));
        s_hash(prev, body ? body : "", hash);
        if (!stored || strcmp(hash, stored) != 0)
            json_array_append_new(problems,
                                  json_pack("{ss sI ss}", "check", "event_hash", "seq",
                                            (json_int_t)seq, "message",
                                            _("event hash does not match its body and the chain")));
        snprintf(prev, sizeof prev, "%s", stored ? stored : s_zero_hash);
        want = seq + 1;
    }
    return rc < 0 ? rc : 0;
}

int
core_idem_get(core_store_t *s, const char *key, const char *op, const char *digest,
              json_t **result)
{
    core__clear_error(s);
    int rc = core__check_text(s, "idem", key, true, 200);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_IDEM_GET, "t", key);
    rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : AYNI_ENOTFOUND;
    if (strcmp((const char *)sqlite3_column_text(st, 0), op) != 0) {
        rc = core__fail(s, AYNI_ECONFLICT, json_pack("{ss}", "field", "idem"),
                        "idempotency key '%s' was already used for '%s': use a new key for "
                        "each different request",
                        key, sqlite3_column_text(st, 0));
        core__reset(st);
        return rc;
    }
    const char *was = (const char *)sqlite3_column_text(st, 2);
    if (digest && was && strcmp(was, digest) != 0) {
        rc = core__fail(s, AYNI_ECONFLICT, json_pack("{ss}", "field", "idem"),
                        "idempotency key '%s' was already used for '%s' with other arguments: "
                        "nothing was done; use a new key for each different request", key, op);
        core__reset(st);
        return rc;
    }
    json_t *r = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
    core__reset(st);
    if (!r)
        return core__fail(s, AYNI_ECORRUPT, NULL,
                          "stored result of key '%s' is not JSON: restore the database from a "
                          "backup", key);
    *result = r;
    return 0;
}

int
core_idem_put(core_store_t *s, const char *key, const char *op, const char *digest,
              json_t *result)
{
    char now[21];
    core__now_iso(s, now);
    char *text = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return core__fail(s, AYNI_EINTERNAL, NULL, "cannot encode the result for key '%s'", key);
    int rc = core__run(s, ST_IDEM_PUT, "ttttt", key, op, text, now, digest);
    free(text);
    if (rc == AYNI_ECONFLICT)
        rc = core__fail(s, AYNI_ECONFLICT, json_pack("{ss}", "field", "idem"),
                        "idempotency key '%s' is already used", key);
    return rc;
}
