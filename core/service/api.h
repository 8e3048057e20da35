/* api.h: aynid's request API: one request frame in, one reply object out.
 *
 * Looks the op up in one table, checks every argument against the op's spec before
 * any handler runs, runs mutating ops in one transaction with their idempotency key,
 * and turns every failure into an error reply with a fixed code.  No sockets here:
 * aynid.c owns them.
 */
#ifndef AYNI_API_H
#define AYNI_API_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "proto.h"
#include "store.h"

struct api {
    core_store_t *store;
    unsigned char pk[32];  /* the signing key pair for QR tokens */
    unsigned char sk[64];
    bool secure;           /* clients come in over CURVE as registered devices */
    unsigned char curve_pk[32]; /* the core's CURVE public key, when secure */
    const char *db_path;
    time_t started;
    bool grouped;           /* inside api_group_begin .. commit */
    struct proto_error err; /* the failure of the request in hand */
    unsigned role;          /* the role bit of the request in hand (API_ADMIN when open) */
    const char *actor;      /* the device of the request in hand (borrowed for it) */
    bool authenticated;     /* actor proved who it is: secure, or a phone through a gateway */
    json_t *share;          /* the share link the request in hand came with (core_share_get's
                             * object, owned for the request), or NULL */
    char share_actor[24];   /* "share:ID", the actor of that request */
};

/* What happened, for the log line. */
struct api_outcome {
    char op[48];
    int code; /* 0 or AYNI_E... */
};

/* Roles (DESIGN.md section 8), as bits: which roles may use an op. */
enum api_role {
    API_SCANNER = 1 << 0,
    API_READER = 1 << 1,
    API_WAREHOUSE = 1 << 2,
    API_ADMIN = 1 << 3,
    API_GATEWAY = 1 << 4, /* ayni-web: speaks for phones ("as"), or enrols them */
    API_SHARE = 1 << 5,   /* a read-only share link a gateway speaks for (api_share.c) */
};
/* The bit of a role name, or 0. */
unsigned api_role_bit(const char *role);

/* Handle one request frame from actor (a device name) in role (NULL: admin, for an aynid
 * run --insecure); returns the reply (new reference). */
json_t *api_handle(struct api *a, const void *data, size_t len, const char *actor,
                   const char *role, struct api_outcome *out);

/* Group commit: the requests handled between api_group_begin and api_group_commit share
 * one transaction, so one fsync, each in its own savepoint, so that a failed request
 * leaves the others.  Their replies must wait until api_group_commit returns 0.  If it
 * fails (or begin does), nothing of the group is kept: handle each request again alone. */
int api_group_begin(struct api *a);
int api_group_commit(struct api *a);
void api_group_rollback(struct api *a);

/* The op names, NULL-terminated (for docs and tests). */
const char *const *api_op_names(void);

/* ---- for the handlers in api_ops.c ---- */
struct api_arg {
    const char *name;
    /* 's' string, 'i' integer, 'b' boolean, 'a' array, 'o' object; 'p' an array that may
     * come in parts, an upload (api.c, docs/PROTOCOL.md section 4): one per op at most;
     * 'j' any JSON value, whose shape the handler checks (to say what it must be) */
    char type;
    bool required;
};

struct api_op {
    const char *name;
    unsigned roles; /* enum api_role bits */
    bool mutating;
    int (*fn)(struct api *a, json_t *args, json_t **result);
    const struct api_arg *args; /* ends with {NULL} */
};

extern const struct api_op api_ops[];

/* The op of that name, or NULL. */
const struct api_op *api_op_find(const char *name);

/* ---- api_args.c: the request in hand ---- */
/* Every argument present in args is named in specs (ending with {NULL}) and of its type,
 * every required one is there; else fails the request in hand with bad_request naming
 * the field and what (an op name, or what else the arguments are of). */
int api_check_args(struct api *a, const char *what, const struct api_arg *specs, json_t *args);
/* The nearest of the NULL-terminated names to word, or NULL if none is near enough. */
const char *api_nearest(const char *word, const char *const *names);

/* ---- api_args.c: arguments in handlers, their types already checked ---- */
/* args[key] as a string, or NULL when absent. */
const char *api_str(json_t *args, const char *key);
/* args[key] as an integer, or dflt when absent. */
long api_int(json_t *args, const char *key, long dflt);
/* One rule for every list inside arguments: min to PROTO_MAX_LIST entries, else
 * invalid_argument naming key. */
int api_list_size(struct api *a, json_t *arr, const char *key, size_t min);
/* A take of stock from args: item, lot, qty, serials (free t->serials only). */
struct core_take;
int api_take(struct api *a, json_t *args, struct core_take *t);

/* ---- api_shipment.c: the shipment and delivery ops (their handlers, for the table) ---- */
int api_ship_create(struct api *a, json_t *args, json_t **r);
int api_ship_add_line(struct api *a, json_t *args, json_t **r);
int api_ship_dispatch(struct api *a, json_t *args, json_t **r);
int api_ship_cancel(struct api *a, json_t *args, json_t **r);
int api_ship_get(struct api *a, json_t *args, json_t **r);
int api_ship_list(struct api *a, json_t *args, json_t **r);
int api_delivery_confirm(struct api *a, json_t *args, json_t **r);

/* ---- api_share.c: read-only share links, the one place of their rules ---- */
/* The share link token a gateway speaks for ("as":{"share":TOKEN}): checked (signature,
 * record, revocation, expiry by the store's clock), then the request is the share's:
 * role API_SHARE, actor "share:ID", a->share set.  A bad token fails the request with
 * forbidden saying what is wrong (never the token itself). */
int api_share_speak(struct api *a, const char *token);
/* Whether the share of the request in hand may run op with args (type-checked): only the
 * ops whose roles name API_SHARE, and report.donor only for the share's donor and inside
 * its period; else forbidden saying what the link covers. */
int api_share_allow(struct api *a, const struct api_op *op, json_t *args);
int api_share_create(struct api *a, json_t *args, json_t **r);
int api_share_list(struct api *a, json_t *args, json_t **r);
int api_share_revoke(struct api *a, json_t *args, json_t **r);
int api_share_info(struct api *a, json_t *args, json_t **r);

/* ---- api_dash.c: the dashboard's figures (their handlers, for the table) ---- */
int api_dash_panorama(struct api *a, json_t *args, json_t **r);
int api_dash_regions(struct api *a, json_t *args, json_t **r);

/* ---- api_photo.c: what a phone adds to a delivery ---- */
/* The op photo.put: args data (standard base64) and sha256. */
int api_photo_put(struct api *a, json_t *args, json_t **result);
/* delivery.confirm's optional photo and position arguments into d (photo borrowed from
 * args); a position that is not {"lat": number, "lon": number} fails the request. */
int api_delivery_photo_position(struct api *a, json_t *args, struct core_delivery *d);

/* Fail the request in hand with code and a message (details stolen); returns code.  fmt
 * is translated here, as core__fail's (store_int.h). */
int api_fail(struct api *a, int code, json_t *details, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
