/* proto.h: Ayni's wire format, the one implementation every program uses.
 *
 * A request is one JSON object in one ZeroMQ frame:
 *   {"v":1,"id":…,"op":"shipment.dispatch","args":{…},"idem":"…","lang":"es"}
 * and its reply {"v":1,"id":…,"ok":true,"result":…} or
 *   {"v":1,"id":…,"ok":false,"error":{"code":"…","message":"…","details":{…}}}.
 * Events are two frames: the event type (the topic) and the JSON body.
 * docs/PROTOCOL.md is the reference for people; this is the reference for code.
 */
#ifndef AYNI_PROTO_H
#define AYNI_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define PROTO_VERSION 1
/* A request larger than this gets a too_large reply. */
#define PROTO_MAX_REQUEST (1024 * 1024)
/* A frame larger than this makes ZeroMQ drop the connection (no reply is possible). */
#define PROTO_MAX_FRAME (16 * 1024 * 1024)
/* The same, for any one frame a client sends to aynid: every frame a request brings is
 * held in memory before aynid can refuse it, so this bounds what one costs. */
#define PROTO_MAX_REQUEST_FRAME (4 * 1024 * 1024)
/* The most entries a list inside arguments may hold (serials, lines, rows), whole or
 * uploaded in parts (docs/PROTOCOL.md section 4). */
#define PROTO_MAX_LIST 10000
/* The longest share link token "as" may carry (core/lib/sharelink.h reads it). */
#define PROTO_MAX_SHARE 4096

struct proto_request {
    json_t *root;     /* owns everything below */
    json_t *id;       /* borrowed; JSON null if absent */
    const char *op;   /* borrowed */
    json_t *args;     /* borrowed; an empty object if absent */
    const char *idem; /* borrowed; NULL if absent */
    const char *lang; /* "es" or "en"; NULL if absent */
    /* "as": the phone a gateway speaks for (docs/PROTOCOL.md section 2); NULL if absent */
    const char *as_device; /* borrowed */
    const char *as_secret; /* borrowed */
    /* "as":{"share":TOKEN}: a share link a gateway speaks for; NULL if absent */
    const char *as_share;  /* borrowed */
};

struct proto_error {
    int code;          /* AYNI_E... */
    char message[1024]; /* room for a long message in Spanish */
    json_t *details;   /* owned, may be NULL */
};

/* Parse one request frame.  Its "lang" becomes this thread's language (ayni_lang_set) as
 * soon as it is read, so that the errors after it are in that language.  On failure returns AYNI_ETOOBIG, AYNI_EBADJSON, AYNI_EBADREQ
 * or AYNI_EVERSION with err filled (its details name the field), and req->id holds the
 * request's id when it could be read (so the reply can carry it). */
int proto_request_parse(const void *data, size_t len, struct proto_request *req,
                        struct proto_error *err);
void proto_request_clear(struct proto_request *req);

/* A new request object in this thread's language (ayni_lang); args is stolen (NULL: {});
 * idem may be NULL. */
json_t *proto_request_new(json_t *id, const char *op, json_t *args, const char *idem);
/* Replies: result and details are stolen. */
json_t *proto_reply_ok(json_t *id, json_t *result);
json_t *proto_reply_error(json_t *id, int code, const char *message, json_t *details);
/* Read a reply: 0 and *result (new reference), or the error it carries in err. */
int proto_reply_parse(const void *data, size_t len, json_t **result, struct proto_error *err);

/* Compact JSON text of v for the wire; the caller frees it.  Numbers with a fraction
 * (a delivery's position, in tenths of a degree) are written with PROTO_REAL_DIGITS
 * significant digits, so that -77.6 reads "-77.6", not "-77.599999999999994", and still
 * reads back as the same double. */
#define PROTO_REAL_DIGITS 15
char *proto_dump(const json_t *v);

void proto_error_set(struct proto_error *err, int code, json_t *details, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void proto_error_clear(struct proto_error *err);

/* ---- client ---- */
typedef struct proto_client proto_client_t;

/* The CURVE keys a client talks with (NULL: in the clear, for an aynid run --insecure). */
struct proto_curve {
    unsigned char server_key[32];
    unsigned char public_key[32];
    unsigned char secret_key[32];
};

/* A client of aynid's request API at endpoint; timeout_ms bounds each call.  Connecting
 * never blocks (ZeroMQ connects in the background).  NULL only if endpoint is malformed
 * (err says so). */
proto_client_t *proto_client_new(const char *endpoint, int timeout_ms,
                                 const struct proto_curve *curve, struct proto_error *err);
/* Set CURVE keys on any ZeroMQ socket of a client (a SUB socket for events, say). */
void proto_curve_apply(void *socket, const struct proto_curve *curve);
void proto_client_destroy(proto_client_t **self_p);
/* Send op with args (stolen) and wait for the reply.  0 and *result, or the core's error,
 * or AYNI_EUNAVAILABLE when no answer came in time (the message names the endpoint). */
int proto_client_call(proto_client_t *self, const char *op, json_t *args, const char *idem,
                      json_t **result, struct proto_error *err);
/* As proto_client_call, from a gateway speaking for the phone device with its secret
 * ("as", docs/PROTOCOL.md section 2); device NULL: as proto_client_call. */
int proto_client_call_as(proto_client_t *self, const char *device, const char *secret,
                         const char *op, json_t *args, const char *idem, json_t **result,
                         struct proto_error *err);
/* As proto_client_call, from a gateway speaking for a share link ("as":{"share":TOKEN},
 * docs/PROTOCOL.md section 2). */
int proto_client_call_share(proto_client_t *self, const char *token, const char *op,
                            json_t *args, json_t **result, struct proto_error *err);
const char *proto_client_endpoint(const proto_client_t *self);

#endif
