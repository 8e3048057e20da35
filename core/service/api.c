/* api.c: dispatching requests: op lookup, argument checks, transactions, idempotency.
 *
 * Every reply is built here, so every failure has one shape.  Handlers (api_ops.c) get
 * arguments that already have the right types, and keep no state between requests.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "error.h"
#include "mem.h"
#include "spelling.h"

int
api_fail(struct api *a, int code, json_t *details, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    proto_error_set(&a->err, code, details, "%s", msg);
    return code;
}

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

/* The nearest of the NULL-terminated names to word, or NULL if none is near. */
static const char *
s_nearest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (; *names; names++) {
        size_t d = ayni_edit_distance(word, *names);
        if (d < bestd) {
            bestd = d;
            best = *names;
        }
    }
    return best && ayni_near_enough(word, bestd) ? best : NULL;
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
    const char *hint = s_nearest(name, api_op_names());
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

static bool
s_type_ok(json_t *v, char type)
{
    switch (type) {
    case 's': return json_is_string(v);
    case 'i': return json_is_integer(v);
    case 'b': return json_is_boolean(v);
    case 'a': return json_is_array(v);
    case 'o': return json_is_object(v);
    default: assert(!"bad arg type"); return false;
    }
}

static const char *
s_type_name(char type)
{
    switch (type) {
    case 's': return "a string";
    case 'i': return "an integer";
    case 'b': return "true or false";
    case 'a': return "an array";
    default: return "an object";
    }
}

int
api_check_args(struct api *a, const struct api_op *op, json_t *args)
{
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v) {
        const struct api_arg *spec = op->args;
        while (spec->name && strcmp(spec->name, key))
            spec++;
        if (!spec->name) {
            const char *names[32];
            size_t n = 0;
            for (spec = op->args; spec->name && n < 31; spec++)
                names[n++] = spec->name;
            names[n] = NULL;
            const char *hint = s_nearest(key, names);
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", key),
                            "unknown argument '%s' for '%s'%s%s%s", key, op->name,
                            hint ? ": did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        }
        if (json_is_null(v) && !spec->required)
            continue;
        if (!s_type_ok(v, spec->type))
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", key),
                            "argument '%s' of '%s' must be %s", key, op->name,
                            s_type_name(spec->type));
    }
    for (const struct api_arg *spec = op->args; spec->name; spec++)
        if (spec->required && !json_object_get(args, spec->name))
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", spec->name),
                            "argument '%s' of '%s' is required", spec->name, op->name);
    return 0;
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

/* A mutating op: one transaction holding the change, its events and its idem key; or,
 * in a group, one savepoint of the group's transaction. */
static int
s_run_mutating(struct api *a, const struct api_op *op, json_t *args, const char *idem,
               json_t **result)
{
    int rc = a->grouped ? core_store_savepoint(a->store) : core_store_begin(a->store);
    if (rc)
        return s_from_store(a, rc);
    bool repeat = false; /* a repeat, or a key misused: nothing to change */
    if (idem) {
        rc = core_idem_get(a->store, idem, op->name, result);
        repeat = rc != AYNI_ENOTFOUND;
    }
    if (!repeat) {
        rc = op->fn(a, args, result);
        if (rc == 0 && idem)
            rc = core_idem_put(a->store, idem, op->name, *result);
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
        return s_from_store(a, rc);
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
    static const char *const names[] = {"scanner", "reader", "warehouse", "admin"};
    for (unsigned i = 0; role && i < 4; i++)
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

json_t *
api_handle(struct api *a, const void *data, size_t len, const char *actor, const char *role,
           struct api_outcome *out)
{
    struct proto_request req;
    json_t *result = NULL, *reply;
    proto_error_clear(&a->err);
    snprintf(out->op, sizeof out->op, "?");
    core_store_set_actor(a->store, actor);
    int rc = proto_request_parse(data, len, &req, &a->err);
    const struct api_op *op = NULL;
    if (rc == 0) {
        snprintf(out->op, sizeof out->op, "%s", req.op);
        op = s_find(a, req.op);
        rc = op ? s_check_role(a, op, actor, role) : AYNI_EUNKNOWNOP;
        if (rc == 0)
            rc = api_check_args(a, op, req.args);
    }
    if (rc == 0 && op->mutating)
        rc = s_run_mutating(a, op, req.args, req.idem, &result);
    else if (rc == 0 && (rc = op->fn(a, req.args, &result)))
        s_from_store(a, rc);
    out->code = rc;
    if (rc == 0)
        reply = proto_reply_ok(req.id, result);
    else
        reply = proto_reply_error(req.id, rc, a->err.message,
                                  a->err.details ? json_incref(a->err.details) : NULL);
    proto_request_clear(&req);
    return reply;
}
