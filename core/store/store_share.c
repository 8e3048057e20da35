/* store_share.c: read-only share links: which donor, which period, until when, revoked or
 * not.  The link a person gets is a token signed by aynid over what a row here says; this
 * file never sees the key nor the token, so no secret is ever kept in the ledger.  Must
 * not decide what a share may read: aynid does (core/service/api_share.c).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"

/* A new id: 10 random bytes as 16 characters of upper-case Base32 (RFC 4648 alphabet). */
static void
s_new_id(char out[17])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char bytes[10];
    randombytes_buf(bytes, sizeof bytes);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < sizeof bytes; i++) {
        acc = (acc << 8) | bytes[i];
        for (bits += 8; bits >= 5; bits -= 5)
            out[o++] = alphabet[(acc >> (bits - 5)) & 31];
    }
    assert(o == 16 && bits == 0);
    out[o] = '\0';
}

static void
s_iso(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
s_check(core_store_t *s, const char *from, const char *to, long hours)
{
    int rc;
    if ((rc = core__check_date(s, "from", from)) || (rc = core__check_date(s, "to", to)))
        return rc;
    if (strcmp(from, to) > 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "to"),
                          "the period ends (%s) before it starts (%s)", to, from);
    if (hours < 1 || hours > CORE_SHARE_HOURS_MAX)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss si}", "field", "hours", "max",
                                                    CORE_SHARE_HOURS_MAX),
                          "hours must be 1 to %d (90 days): how long the link works",
                          CORE_SHARE_HOURS_MAX);
    return 0;
}

int
core_share_create(core_store_t *s, const char *donor, const char *from, const char *to,
                  long hours, json_t **result)
{
    core__clear_error(s);
    int64_t donor_id;
    int rc = s_check(s, from, to, hours);
    if (rc || (rc = core__donor(s, "donor", donor, &donor_id)))
        return rc;
    if ((rc = core__tx_begin(s)))
        return rc;
    char id[17], now[21], expires[21];
    s_new_id(id);
    core__now_iso(s, now);
    time_t exp = core_store_now(s) + (time_t)hours * 3600;
    s_iso(exp, expires);
    json_t *res = NULL;
    rc = core__run(s, ST_SHARE_INSERT, "tIttttIt", id, donor_id, from, to, now, expires,
                   (int64_t)exp, s->actor);
    if (rc == 0) {
        res = json_pack("{ss ss ss ss ss sI}", "id", id, "donor", donor, "from", from, "to", to,
                        "expires_at", expires, "exp", (json_int_t)exp);
        /* what the link shows, never the link: the event stream is read by many */
        rc = core__event(s, "share.created",
                         json_pack("{ss ss ss ss ss}", "share", id, "donor", donor, "from", from,
                                   "to", to, "expires_at", expires));
    }
    return core__finish(s, rc, res, result);
}

/* "active", "expired" or "revoked", by the store's clock. */
static const char *
s_state(core_store_t *s, int64_t exp, bool revoked)
{
    return revoked ? "revoked" : (int64_t)core_store_now(s) >= exp ? "expired" : "active";
}

static int
s_list_rows(core_store_t *s, json_t *list)
{
    sqlite3_stmt *st = core__query(s, ST_SHARE_LIST, "");
    int rc;
    while ((rc = core__step(s, st)) == 1) {
        bool revoked = sqlite3_column_type(st, 7) != SQLITE_NULL;
        json_array_append_new(
            list, json_pack("{s:o s:o s:o s:o s:o s:o s:o ss}", "id", core__jstr(st, 0), "donor",
                            core__jstr(st, 1), "from", core__jstr(st, 2), "to", core__jstr(st, 3),
                            "created_at", core__jstr(st, 4), "expires_at", core__jstr(st, 5),
                            "revoked_at", core__jstr(st, 7), "state",
                            s_state(s, sqlite3_column_int64(st, 6), revoked)));
    }
    return rc;
}

int
core_share_list(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    json_t *list = json_array();
    int rc = s_list_rows(s, list);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *result = list;
    return 0;
}

int
core_share_get(core_store_t *s, const char *id, json_t **result)
{
    core__clear_error(s);
    sqlite3_stmt *st = core__query(s, ST_SHARE_GET, "t", id);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : AYNI_ENOTFOUND;
    *result = json_pack("{ss s{s:o s:o} s:o s:o s:o s:o sI s:o}", "id", id, "donor", "code",
                        core__jstr(st, 0), "name", core__jstr(st, 1), "from", core__jstr(st, 2),
                        "to", core__jstr(st, 3), "created_at", core__jstr(st, 4), "expires_at",
                        core__jstr(st, 5), "exp", (json_int_t)sqlite3_column_int64(st, 6),
                        "revoked_at", core__jstr(st, 7));
    core__reset(st);
    return 0;
}

int
core_share_revoke(core_store_t *s, const char *id, json_t **result)
{
    core__clear_error(s);
    json_t *share = NULL;
    int rc = core__tx_begin(s);
    if (rc)
        return rc;
    if ((rc = core_share_get(s, id, &share)) == AYNI_ENOTFOUND)
        rc = core__fail(s, AYNI_ENOTFOUND, json_pack("{ss ss}", "field", "id", "id", id),
                        "no share link '%s': list them with 'share list'", id);
    const char *revoked = rc ? NULL : json_string_value(json_object_get(share, "revoked_at"));
    if (revoked)
        rc = core__fail(s, AYNI_ESTATE, json_pack("{ss ss}", "id", id, "revoked_at", revoked),
                        "share link '%s' was already revoked (%s)", id, revoked);
    char now[21];
    core__now_iso(s, now);
    json_t *res = NULL;
    if (rc == 0 && (rc = core__run(s, ST_SHARE_REVOKE, "tt", id, now)) == 0) {
        res = json_pack("{ss ss}", "id", id, "revoked_at", now);
        rc = core__event(s, "share.revoked",
                         json_pack("{ss sO}", "share", id, "donor",
                                   json_object_get(json_object_get(share, "donor"), "code")));
    }
    json_decref(share);
    return core__finish(s, rc, res, result);
}
