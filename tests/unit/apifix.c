/* apifix.c: see apifix.h. */
#include "apifix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The request req (stolen) through api_handle, as af_req_as says. */
static int
s_handle(struct api *a, const char *actor, const char *role, json_t *req, json_t **out)
{
    char *frame = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    struct api_outcome res;
    json_t *reply = api_handle(a, frame, strlen(frame), actor, role, &res);
    free(frame);
    assert_non_null(reply);
    if (out)
        *out = json_incref(json_object_get(reply, res.code ? "error" : "result"));
    json_decref(reply);
    return res.code;
}

int
af_req_as(struct api *a, const char *actor, const char *role, const char *phone,
          const char *secret, const char *op, json_t *args, const char *idem, json_t **out)
{
    json_t *req = json_pack("{si si ss so}", "v", 1, "id", 1, "op", op, "args",
                            args ? args : json_object());
    if (phone)
        json_object_set_new(req, "as", json_pack("{ss ss}", "device", phone, "secret", secret));
    if (idem)
        json_object_set_new(req, "idem", json_string(idem));
    return s_handle(a, actor, role, req, out);
}

int
af_req_share(struct api *a, const char *actor, const char *role, const char *token,
             const char *op, json_t *args, json_t **out)
{
    json_t *req = json_pack("{si si ss so s{ss}}", "v", 1, "id", 1, "op", op, "args",
                            args ? args : json_object(), "as", "share", token);
    return s_handle(a, actor, role, req, out);
}

int
af_req(struct api *a, const char *actor, const char *role, const char *op, json_t *args,
       json_t **out)
{
    return af_req_as(a, actor, role, NULL, NULL, op, args, NULL, out);
}

json_t *
af_ok(struct api *a, const char *actor, const char *role, const char *op, json_t *args)
{
    json_t *r = NULL;
    if (af_req(a, actor, role, op, args, &r))
        fail_msg("%s as %s failed: %s", op, actor, a->err.message);
    return r;
}
