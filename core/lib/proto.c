/* proto.c: building and parsing requests and replies (see proto.h).  No sockets here. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "proto.h"

void
proto_error_set(struct proto_error *err, int code, json_t *details, const char *fmt, ...)
{
    if (!err) {
        json_decref(details);
        return;
    }
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, ayni_tr(fmt), ap);
    va_end(ap);
    json_decref(err->details);
    err->details = details;
}

void
proto_error_clear(struct proto_error *err)
{
    if (!err)
        return;
    json_decref(err->details);
    memset(err, 0, sizeof *err);
}

void
proto_request_clear(struct proto_request *req)
{
    json_decref(req->root);
    memset(req, 0, sizeof *req);
}

static int
s_field_error(struct proto_error *err, int code, const char *field, const char *msg)
{
    proto_error_set(err, code, json_pack("{ss}", "field", field), "%s", ayni_tr(msg));
    return code;
}

int
proto_request_parse(const void *data, size_t len, struct proto_request *req,
                    struct proto_error *err)
{
    memset(req, 0, sizeof *req);
    req->id = json_null();
    if (len > PROTO_MAX_REQUEST) {
        proto_error_set(err, AYNI_ETOOBIG, json_pack("{sIsI}", "size", (json_int_t)len, "limit",
                                                     (json_int_t)PROTO_MAX_REQUEST),
                        "request of %zu bytes is over the limit of %d bytes", len,
                        PROTO_MAX_REQUEST);
        return AYNI_ETOOBIG;
    }
    json_error_t jerr;
    req->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req->root) {
        proto_error_set(err, AYNI_EBADJSON, json_pack("{si}", "position", jerr.position),
                        "the message is not JSON: %s (at byte %d): send one JSON object", jerr.text,
                        jerr.position);
        return AYNI_EBADJSON;
    }
    if (!json_is_object(req->root)) {
        proto_request_clear(req);
        req->id = json_null();
        proto_error_set(err, AYNI_EBADJSON, NULL,
                        "the message is JSON but not an object: send {\"v\":1,\"op\":…}");
        return AYNI_EBADJSON;
    }
    json_t *id = json_object_get(req->root, "id");
    req->id = id ? id : json_null();
    /* The language first: every error after this one is in it. */
    json_t *lang = json_object_get(req->root, "lang");
    if (lang && (!json_is_string(lang) || !ayni_lang_known(json_string_value(lang))))
        return s_field_error(err, AYNI_EBADREQ, "lang",
                             "'lang' must be \"es\" or \"en\": the language of the answer's "
                             "messages");
    if (lang) {
        req->lang = ayni_lang_known(json_string_value(lang));
        ayni_lang_set(req->lang);
    }
    json_t *v = json_object_get(req->root, "v");
    if (!v)
        return s_field_error(err, AYNI_EBADREQ, "v", "'v' is missing: send \"v\":1");
    if (!json_is_integer(v) || json_integer_value(v) != PROTO_VERSION)
        return s_field_error(err, AYNI_EVERSION, "v",
                             "protocol version not supported: this aynid speaks \"v\":1");
    json_t *op = json_object_get(req->root, "op");
    if (!json_is_string(op) || !json_string_length(op))
        return s_field_error(err, AYNI_EBADREQ, "op",
                             "'op' is missing or not a string: name the operation, e.g. "
                             "\"op\":\"stock.levels\"");
    req->op = json_string_value(op);
    json_t *args = json_object_get(req->root, "args");
    if (args && !json_is_object(args))
        return s_field_error(err, AYNI_EBADREQ, "args", "'args' must be a JSON object");
    if (!args) {
        args = json_object();
        json_object_set_new(req->root, "args", args);
    }
    req->args = args;
    json_t *idem = json_object_get(req->root, "idem");
    if (idem && !json_is_null(idem)) {
        if (!json_is_string(idem) || !json_string_length(idem) || json_string_length(idem) > 200)
            return s_field_error(err, AYNI_EBADREQ, "idem",
                                 "'idem' must be a string of 1 to 200 characters");
        req->idem = json_string_value(idem);
    }
    json_t *as = json_object_get(req->root, "as");
    json_t *share = json_object_get(as, "share");
    if (share) {
        if (json_object_size(as) != 1 || !json_is_string(share) || !json_string_length(share) ||
            json_string_length(share) > PROTO_MAX_SHARE)
            return s_field_error(err, AYNI_EBADREQ, "as",
                                 "'as' must be {\"share\":TOKEN}, the share link a gateway "
                                 "speaks for");
        req->as_share = json_string_value(share);
    } else if (as && !json_is_null(as)) {
        json_t *dev = json_object_get(as, "device"), *secret = json_object_get(as, "secret");
        if (!json_is_object(as) || json_object_size(as) != 2 || !json_is_string(dev) ||
            !json_string_length(dev) || json_string_length(dev) > 100 ||
            !json_is_string(secret) || json_string_length(secret) > 200)
            return s_field_error(err, AYNI_EBADREQ, "as",
                                 "'as' must be {\"device\":NAME,\"secret\":SECRET}, the phone a "
                                 "gateway speaks for");
        req->as_device = json_string_value(dev);
        req->as_secret = json_string_value(secret);
    }
    return 0;
}

json_t *
proto_request_new(json_t *id, const char *op, json_t *args, const char *idem)
{
    json_t *r = json_pack("{si sO ss so}", "v", PROTO_VERSION, "id", id ? id : json_null(), "op",
                          op, "args", args ? args : json_object());
    if (idem)
        json_object_set_new(r, "idem", json_string(idem));
    json_object_set_new(r, "lang", json_string(ayni_lang()));
    return r;
}

json_t *
proto_reply_ok(json_t *id, json_t *result)
{
    return json_pack("{si sO sb so}", "v", PROTO_VERSION, "id", id ? id : json_null(), "ok", 1,
                     "result", result ? result : json_null());
}

json_t *
proto_reply_error(json_t *id, int code, const char *message, json_t *details)
{
    json_t *e = json_pack("{ss ss}", "code", ayni_err_code(code), "message", message);
    if (details)
        json_object_set_new(e, "details", details);
    return json_pack("{si sO sb so}", "v", PROTO_VERSION, "id", id ? id : json_null(), "ok", 0,
                     "error", e);
}

int
proto_reply_parse(const void *data, size_t len, json_t **result, struct proto_error *err)
{
    json_t *root = json_loadb(data, len, 0, NULL);
    json_t *ok = root ? json_object_get(root, "ok") : NULL;
    if (!json_is_boolean(ok)) {
        json_decref(root);
        proto_error_set(err, AYNI_EBADJSON, NULL, "the core's reply is not an Ayni reply");
        return AYNI_EBADJSON;
    }
    if (json_is_true(ok)) {
        json_t *r = json_object_get(root, "result");
        *result = json_incref(r ? r : json_null());
        json_decref(root);
        return 0;
    }
    json_t *e = json_object_get(root, "error");
    int code = ayni_err_from_code(json_string_value(json_object_get(e, "code")));
    const char *msg = json_string_value(json_object_get(e, "message"));
    json_t *details = json_object_get(e, "details");
    proto_error_set(err, code ? code : AYNI_EINTERNAL, details ? json_incref(details) : NULL,
                    "%s", msg ? msg : _("the core refused the request"));
    json_decref(root);
    return code ? code : AYNI_EINTERNAL;
}

char *
proto_dump(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
                                JSON_REAL_PRECISION(PROTO_REAL_DIGITS));
    if (!s) {
        fprintf(stderr, "%s", _("ayni: cannot encode JSON\n"));
        abort();
    }
    return s;
}
