/* api_share.c: read-only share links for a donor who has no device (docs/PROTOCOL.md,
 * share.create): the ops that make, list and revoke them, and every rule of a request
 * that comes with one ("as":{"share":TOKEN}, from a gateway).  A share sees one donor's
 * report for one period and nothing else; this file is the one place that says so, so
 * that no handler has to remember it.  Must never put a token in an event, a log line or
 * an error message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"
#include "sharelink.h"

/* ---- the ops of an admin ---- */

int
api_share_create(struct api *a, json_t *args, json_t **r)
{
    long hours = api_int(args, "hours", 168);
    json_t *res = NULL;
    int rc = core_share_create(a->store, api_str(args, "donor"), api_str(args, "from"),
                               api_str(args, "to"), hours, &res);
    if (rc)
        return rc;
    struct core_sharelink s = {.exp = (int64_t)json_integer_value(json_object_get(res, "exp"))};
    snprintf(s.id, sizeof s.id, "%s", json_string_value(json_object_get(res, "id")));
    snprintf(s.donor, sizeof s.donor, "%s", json_string_value(json_object_get(res, "donor")));
    snprintf(s.from, sizeof s.from, "%s", json_string_value(json_object_get(res, "from")));
    snprintf(s.to, sizeof s.to, "%s", json_string_value(json_object_get(res, "to")));
    char *token = core_sharelink_issue(&s, a->sk);
    json_object_del(res, "exp");
    json_object_set_new(res, "token", json_string(token));
    sodium_memzero(token, strlen(token));
    free(token);
    *r = res;
    return 0;
}

int
api_share_list(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    return core_share_list(a->store, r);
}

int
api_share_revoke(struct api *a, json_t *args, json_t **r)
{
    return core_share_revoke(a->store, api_str(args, "id"), r);
}

int
api_share_info(struct api *a, json_t *args, json_t **r)
{
    (void)args;
    json_t *s = a->share;
    *r = json_pack("{sO sO sO sO sO}", "id", json_object_get(s, "id"), "donor",
                   json_object_get(s, "donor"), "from", json_object_get(s, "from"), "to",
                   json_object_get(s, "to"), "expires_at", json_object_get(s, "expires_at"));
    return 0;
}

/* ---- a request that comes with a share link ---- */

/* The details of a refused share link: which check failed (docs/PROTOCOL.md). */
static json_t *
s_why(const char *reason, const char *id)
{
    json_t *d = json_pack("{ss ss}", "field", "share", "reason", reason);
    if (id)
        json_object_set_new(d, "share", json_string(id));
    return d;
}

/* What is wrong with a token's form or signature, said without the token. */
static int
s_refuse_verdict(struct api *a, enum core_sharelink_verdict v)
{
    switch (v) {
    case CORE_SHARELINK_PREFIX_BAD:
        return api_fail(a, AYNI_EDENIED, s_why("prefix", NULL),
                        "this is not a share link: a share link starts with S1. and is at "
                        "most %d characters; copy the whole link again",
                        CORE_SHARELINK_MAX);
    case CORE_SHARELINK_ENCODING:
        return api_fail(a, AYNI_EDENIED, s_why("encoding", NULL),
                        "the share link is damaged: it is not two parts of base64url after "
                        "S1.; copy the whole link again");
    case CORE_SHARELINK_SIGNATURE:
        return api_fail(a, AYNI_EDENIED, s_why("signature", NULL),
                        "the share link's signature does not match: it was altered, or made "
                        "by another Ayni; ask for a new link");
    default:
        return api_fail(a, AYNI_EDENIED, s_why("payload", NULL),
                        "the share link is signed but its contents are not a share: ask for "
                        "a new link");
    }
}

/* The record of a token's share, checked against the token: 0 and *share, or forbidden. */
static int
s_record(struct api *a, const struct core_sharelink *t, json_t **share)
{
    int rc = core_share_get(a->store, t->id, share);
    if (rc == AYNI_ENOTFOUND)
        return api_fail(a, AYNI_EDENIED, s_why("unknown", t->id),
                        "share link '%s' is not known to this Ayni: ask for a new link", t->id);
    if (rc)
        return rc; /* a storage error: api_handle says it */
    json_t *s = *share;
    const char *donor = json_string_value(json_object_get(json_object_get(s, "donor"), "code"));
    if (strcmp(donor, t->donor) || strcmp(json_string_value(json_object_get(s, "from")), t->from) ||
        strcmp(json_string_value(json_object_get(s, "to")), t->to) ||
        json_integer_value(json_object_get(s, "exp")) != t->exp)
        rc = api_fail(a, AYNI_EDENIED, s_why("mismatch", t->id),
                      "share link '%s' does not say what its record says: ask for a new link",
                      t->id);
    else if (json_is_string(json_object_get(s, "revoked_at")))
        rc = api_fail(a, AYNI_EDENIED, s_why("revoked", t->id),
                      "this share link was revoked (%s): ask whoever sent it for a new one",
                      json_string_value(json_object_get(s, "revoked_at")));
    else if ((int64_t)core_store_now(a->store) >= t->exp)
        rc = api_fail(a, AYNI_EDENIED, s_why("expired", t->id),
                      "this share link expired (%s): ask whoever sent it for a new one",
                      json_string_value(json_object_get(s, "expires_at")));
    if (rc) {
        json_decref(s);
        *share = NULL;
    }
    return rc;
}

int
api_share_speak(struct api *a, const char *token)
{
    struct core_sharelink t;
    enum core_sharelink_verdict v = core_sharelink_open(token, a->pk, &t);
    if (v != CORE_SHARELINK_OK)
        return s_refuse_verdict(a, v);
    json_t *share = NULL;
    int rc = s_record(a, &t, &share);
    if (rc)
        return rc;
    a->share = share;
    snprintf(a->share_actor, sizeof a->share_actor, "share:%s", t.id);
    a->actor = a->share_actor;
    a->role = API_SHARE;
    a->authenticated = true;
    core_store_set_actor(a->store, a->actor);
    return 0;
}

/* report.donor's donor and period inside the share's. */
static int
s_scope_report(struct api *a, json_t *args)
{
    json_t *s = a->share;
    const char *id = json_string_value(json_object_get(s, "id"));
    const char *donor = json_string_value(json_object_get(json_object_get(s, "donor"), "code"));
    const char *from = json_string_value(json_object_get(s, "from"));
    const char *to = json_string_value(json_object_get(s, "to"));
    const char *want = api_str(args, "donor"), *wfrom = api_str(args, "from"),
               *wto = api_str(args, "to");
    json_t *d = json_pack("{ss ss ss ss}", "share", id, "donor", donor, "from", from, "to", to);
    if (strcmp(want, donor))
        return api_fail(a, AYNI_EDENIED, d,
                        "this share link shows donor %s only (from %s to %s), not %s", donor,
                        from, to, want);
    if (strcmp(wfrom, from) < 0 || strcmp(wto, to) > 0)
        return api_fail(a, AYNI_EDENIED, d,
                        "this share link covers %s to %s only (donor %s): ask for a period "
                        "inside it, not %s to %s",
                        from, to, donor, wfrom, wto);
    json_decref(d);
    return 0;
}

int
api_share_allow(struct api *a, const struct api_op *op, json_t *args)
{
    if (!(op->roles & API_SHARE))
        return api_fail(a, AYNI_EDENIED,
                        json_pack("{ss ss ss}", "op", op->name, "role", "share", "share",
                                  json_string_value(json_object_get(a->share, "id"))),
                        "a share link may read only share.info, report.donor, server.info and "
                        "keys.public, not '%s'",
                        op->name);
    if (strcmp(op->name, "report.donor"))
        return 0;
    int rc = api_check_args(a, op->name, op->args, args);
    return rc ? rc : s_scope_report(a, args);
}
