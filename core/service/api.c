/* api.c: dispatching requests: op lookup, roles, transactions, idempotency.
 *
 * Every reply is built here, so every failure has one shape.  Handlers (api_ops.c) get
 * arguments that already have the right types (api_args.c), and keep no state between
 * requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "error.h"
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
    a->role = role ? api_role_bit(role) : API_ADMIN;
    int rc = proto_request_parse(data, len, &req, &a->err);
    const struct api_op *op = NULL;
    if (rc == 0) {
        snprintf(out->op, sizeof out->op, "%s", req.op);
        op = s_find(a, req.op);
        rc = op ? s_check_role(a, op, actor, role) : AYNI_EUNKNOWNOP;
        if (rc == 0)
            rc = api_check_args(a, op->name, op->args, req.args);
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
