/* apifix.h: requests through the request API (api_handle) in the unit tests, as aynid
 * passes them: a frame of JSON, an authenticated actor with its role.  Test-only. */
#ifndef AYNI_APIFIX_H
#define AYNI_APIFIX_H

#include <jansson.h>

#include "api.h"

/* op with args (stolen; NULL: {}) as actor with role, speaking "as" phone with secret
 * when phone is not NULL, with idem when not NULL.  The error code (0: done); in *out
 * (if not NULL) the result, or the error object, as a new reference. */
int af_req_as(struct api *a, const char *actor, const char *role, const char *phone,
              const char *secret, const char *op, json_t *args, const char *idem,
              json_t **out);
/* op with args (stolen; NULL: {}) as actor with role, speaking "as" the share link token
 * ("as":{"share":token}); as af_req_as otherwise. */
int af_req_share(struct api *a, const char *actor, const char *role, const char *token,
                 const char *op, json_t *args, json_t **out);
/* The same without "as" and idem. */
int af_req(struct api *a, const char *actor, const char *role, const char *op, json_t *args,
           json_t **out);
/* af_req that must succeed: the result (new reference). */
json_t *af_ok(struct api *a, const char *actor, const char *role, const char *op,
              json_t *args);

#endif
