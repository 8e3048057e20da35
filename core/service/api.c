/* api.c: dispatching requests: op lookup, roles, transactions, idempotency.
 *
 * Every reply is built here, so every failure has one shape.  Handlers (api_ops.c) get
 * arguments that already have the right types (api_args.c), and keep no state between
 * requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"

const char *const *
api_op_names(void)
{
    static const char *names[64];
    if (!names[0]) {
        size_t n = 0;
        for (const struct api_op *op = api_ops; op->name && n < 63; op++)
            names[n++] = op->name;
    }
    return names;
}

const struct api_op *
api_op_find(const char *name)
{
    for (const struct api_op *op = api_ops; op->name; op++)
        if (!strcmp(op->name, name))
            return op;
    return NULL;
}

static const struct api_op *
s_find(struct api *a, const char *name)
{
    const struct api_op *op = api_op_find(name);
    if (op)
        return op;
    const char *hint = api_nearest(name, api_op_names());
    json_t *d = json_pack("{ss}", "op", name);
    if (hint) {
        json_object_set_new(d, "suggestion", json_string(hint));
        api_fail(a, AYNI_EUNKNOWNOP, d, "unknown op '%s': did you mean '%s'?", name, hint);
    } else {
        api_fail(a, AYNI_EUNKNOWNOP, d, "unknown op '%s': see docs/PROTOCOL.md for the list",
                 name);
    }
    return NULL;
}

/* The store's own message, for a failure the handler left to it. */
static int
s_from_store(struct api *a, int rc)
{
    if (a->err.code == 0) {
        json_t *d = core_store_errdetails(a->store);
        proto_error_set(&a->err, rc, d ? json_deep_copy(d) : NULL, "%s",
                        core_store_errmsg(a->store));
    }
    return rc;
}

/* ---- uploads: an op's list in parts (docs/PROTOCOL.md section 4) ---- */

/* The request's place in an upload; id NULL: the request is whole. */
struct s_part {
    const char *id;
    long part;
    bool last;
    const char *list; /* the op's argument that comes in parts */
    json_t *args;     /* the op's own arguments: the request's without "upload" */
};

static const struct api_arg s_upload_args[] = {
    {"id", 's', true}, {"part", 'i', true}, {"last", 'b', true}, {NULL, 0, false}};

/* The name of op's argument that may come in parts, or NULL. */
static const char *
s_parted(const struct api_op *op)
{
    for (const struct api_arg *arg = op->args; arg->name; arg++)
        if (arg->type == 'p')
            return arg->name;
    return NULL;
}

/* Check the request's arguments against op's; a part of an upload carries "upload" too,
 * and a part before the last only the list besides it (the rest comes with the last). */
static int
s_check(struct api *a, const struct api_op *op, json_t *args, struct s_part *p)
{
    json_t *up = json_object_get(args, "upload");
    p->list = s_parted(op);
    if (!up || !p->list)
        return api_check_args(a, op->name, op->args, args);
    if (!json_is_object(up))
        return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", "upload"),
                        "argument 'upload' of '%s' must be an object: "
                        "{\"id\", \"part\", \"last\"}", op->name);
    int rc = api_check_args(a, "upload", s_upload_args, up);
    if (rc)
        return rc;
    p->part = (long)json_integer_value(json_object_get(up, "part"));
    p->last = json_is_true(json_object_get(up, "last"));
    if (p->part < 0 || p->part > PROTO_MAX_LIST)
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "part"),
                        "upload part must be 0 to %d: number the parts 0, 1, 2, ...",
                        PROTO_MAX_LIST);
    p->args = json_copy(args);
    json_object_del(p->args, "upload");
    if (p->last)
        rc = api_check_args(a, op->name, op->args, p->args);
    else if (!json_is_array(json_object_get(p->args, p->list)) || json_object_size(p->args) != 1)
        rc = api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", p->list),
                      "a part of an upload before the last carries '%s' (an array) and "
                      "'upload' only: give the other arguments of '%s' with the last part",
                      p->list, op->name);
    if (rc == 0)
        p->id = json_string_value(json_object_get(up, "id"));
    return rc;
}

/* Run op on the request's arguments; for a part of an upload, stage it, or (the last)
 * take back the parts before it and run op on the whole list. */
static int
s_call(struct api *a, const struct api_op *op, json_t *args, const struct s_part *p,
       json_t **result)
{
    if (!p->id)
        return op->fn(a, args, result);
    json_t *items = json_object_get(p->args, p->list), *all = NULL;
    int rc;
    if (!p->last) {
        long staged = 0;
        rc = core_upload_put(a->store, p->id, op->name, p->part, items, PROTO_MAX_LIST, &staged);
        if (rc == 0)
            *result = json_pack("{sssIsI}", "upload", p->id, "part", (json_int_t)p->part,
                                "staged", (json_int_t)staged);
        return rc;
    }
    if (p->part > 0 && (rc = core_upload_take(a->store, p->id, op->name, p->part, &all)))
        return rc;
    if (all) {
        json_array_extend(all, items);
        json_object_set_new(p->args, p->list, all);
    }
    return op->fn(a, p->args, result);
}

/* What stands for a request's arguments beside its idempotency key: the BLAKE2b hash of
 * their canonical JSON (keys sorted), in hex; the same arguments in any key order give
 * the same digest. */
static void
s_digest(json_t *args, char out[2 * crypto_generichash_BYTES + 1])
{
    char *text = args ? json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *t = text ? text : "{}";
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)t, strlen(t), NULL, 0);
    sodium_bin2hex(out, 2 * crypto_generichash_BYTES + 1, h, sizeof h);
    free(text);
}

/* A mutating op: one transaction holding the change, its events and its idem key; or,
 * in a group, one savepoint of the group's transaction.  A part of an upload that fails
 * drops the upload (all or none: the client sends the list again). */
static int
s_run_mutating(struct api *a, const struct api_op *op, json_t *args, const struct s_part *p,
               const char *idem, json_t **result)
{
    int rc = a->grouped ? core_store_savepoint(a->store) : core_store_begin(a->store);
    if (rc)
        return s_from_store(a, rc);
    bool repeat = false; /* a repeat, or a key misused: nothing to change */
    char digest[2 * crypto_generichash_BYTES + 1] = "";
    if (idem) {
        s_digest(args, digest);
        rc = core_idem_get(a->store, idem, op->name, digest, result);
        repeat = rc != AYNI_ENOTFOUND;
    }
    if (!repeat) {
        rc = s_call(a, op, args, p, result);
        if (rc == 0 && idem)
            rc = core_idem_put(a->store, idem, op->name, digest, *result);
    }
    if (a->grouped)
        rc = core_store_savepoint_end(a->store, rc);
    else if (rc == 0 && !repeat)
        rc = core_store_commit(a->store);
    else
        core_store_rollback(a->store);
    if (rc) {
        json_decref(*result);
        *result = NULL;
        s_from_store(a, rc);
        if (p->id)
            core_upload_drop(a->store, p->id); /* if that fails, it lapses in an hour */
        return rc;
    }
    return 0;
}

int
api_group_begin(struct api *a)
{
    int rc = core_store_begin(a->store);
    a->grouped = rc == 0;
    return rc;
}

int
api_group_commit(struct api *a)
{
    a->grouped = false;
    return core_store_commit(a->store);
}

void
api_group_rollback(struct api *a)
{
    a->grouped = false;
    core_store_rollback(a->store);
}

unsigned
api_role_bit(const char *role)
{
    static const char *const names[] = {"scanner", "reader", "warehouse", "admin", "gateway",
                                        "share"};
    for (unsigned i = 0; role && i < 6; i++)
        if (!strcmp(role, names[i]))
            return 1u << i;
    return 0;
}

static int
s_check_role(struct api *a, const struct api_op *op, const char *actor, const char *role)
{
    if (!role || (op->roles & api_role_bit(role)))
        return 0;
    return api_fail(a, AYNI_EDENIED, json_pack("{ssssss}", "op", op->name, "device", actor,
                                               "role", role),
                    "device '%s' (role %s) may not use '%s': ask an administrator for a "
                    "device with that right", actor, role, op->name);
}

/* A gateway speaks for a phone with "as": the phone's device secret must be right and the
 * phone enabled; then the request is the phone's, with its role, naming it as the actor.
 * Only a gateway (or anyone on an aynid run --insecure) may send "as".  On success *actor
 * and *role name the phone (role in the caller's phone_role). */
static int
s_speak_as(struct api *a, const struct proto_request *req, const char **actor,
           const char **role, char phone_role[16])
{
    if (!req->as_device && !req->as_share)
        return 0;
    if (*role && strcmp(*role, "gateway"))
        return api_fail(a, AYNI_EDENIED, json_pack("{ss ss}", "field", "as", "device", *actor),
                        "device '%s' may not speak for another device ('as'): only a gateway "
                        "may; send the request without 'as'", *actor);
    if (req->as_share) { /* a share link: api_share.c holds its every rule */
        int rc = api_share_speak(a, req->as_share);
        if (rc == 0) {
            *actor = a->actor;
            *role = "share";
        }
        return rc;
    }
    bool enabled = false;
    int rc = core_device_by_secret(a->store, req->as_device, req->as_secret, phone_role, &enabled);
    if (rc == AYNI_EDENIED)
        return api_fail(a, AYNI_EDENIED,
                        json_pack("{ss ss}", "field", "as", "device", req->as_device),
                        "wrong device secret for '%s' (or no such phone): enrol the phone "
                        "again with a new enrolment sheet", req->as_device);
    if (rc)
        return s_from_store(a, rc);
    if (!enabled)
        return api_fail(a, AYNI_EDENIED,
                        json_pack("{ss sb}", "device", req->as_device, "enabled", 0),
                        "device '%s' is disabled: ask an administrator", req->as_device);
    *actor = req->as_device;
    *role = phone_role;
    core_store_set_actor(a->store, *actor);
    a->role = api_role_bit(*role);
    a->actor = *actor;
    a->authenticated = true;
    return 0;
}

/* The ops whose result holds a secret (an enrolment code, a device secret, a webhook's
 * secret, a share link): their replies are never stored, so they take no idempotency key. */
static int
s_check_secret_idem(struct api *a, const struct api_op *op, const char *idem)
{
    if (!idem || (strcmp(op->name, "device.enrol") && strcmp(op->name, "device.enrol_code") &&
                  strcmp(op->name, "webhook.add") && strcmp(op->name, "share.create")))
        return 0;
    return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", "idem"),
                    "'%s' takes no 'idem': its answer holds a secret, which aynid never keeps; "
                    "send it without 'idem'", op->name);
}

json_t *
api_handle(struct api *a, const void *data, size_t len, const char *actor, const char *role,
           struct api_outcome *out)
{
    char phone_role[16];
    struct proto_request req;
    json_t *result = NULL, *reply;
    proto_error_clear(&a->err);
    snprintf(out->op, sizeof out->op, "?");
    core_store_set_actor(a->store, actor);
    a->role = role ? api_role_bit(role) : API_ADMIN;
    a->actor = actor;
    a->authenticated = a->secure;
    a->share = NULL;
    /* A request's messages are in its lang; without one, in English (PROTOCOL.md 2). */
    ayni_lang_set("en");
    int rc = proto_request_parse(data, len, &req, &a->err);
    const struct api_op *op = NULL;
    struct s_part part = {0};
    if (rc == 0) {
        snprintf(out->op, sizeof out->op, "%s", req.op);
        op = s_find(a, req.op);
        rc = op ? s_speak_as(a, &req, &actor, &role, phone_role) : AYNI_EUNKNOWNOP;
        if (rc == 0) /* a share link is judged by api_share.c alone */
            rc = a->share ? api_share_allow(a, op, req.args) : s_check_role(a, op, actor, role);
        if (rc == 0)
            rc = s_check_secret_idem(a, op, req.idem);
        if (rc == 0)
            rc = s_check(a, op, req.args, &part);
    }
    if (rc == 0 && op->mutating)
        rc = s_run_mutating(a, op, req.args, &part, req.idem, &result);
    else if (rc == 0 && (rc = op->fn(a, req.args, &result)))
        s_from_store(a, rc);
    out->code = rc;
    if (rc == 0)
        reply = proto_reply_ok(req.id, result);
    else
        reply = proto_reply_error(req.id, rc, a->err.message,
                                  a->err.details ? json_incref(a->err.details) : NULL);
    json_decref(part.args);
    json_decref(a->share);
    a->share = NULL;
    proto_request_clear(&req);
    ayni_lang_set(NULL);
    return reply;
}
