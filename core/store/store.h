/* store.h: the Ayni stock ledger (DESIGN.md section 3).
 *
 * core_store_t owns one SQLite database.  Every state change is one transaction
 * (or one savepoint, inside a transaction the caller opened with core_store_begin)
 * that writes the movements, the balances they keep in step, and the event that
 * reports the change; a failed operation leaves no trace.  The store enforces its
 * own rules (no negative balance, expired lots never dispatched, serial units in
 * exactly one place) whatever its caller does.
 *
 * Every action returns 0 or a negative AYNI_E... code (error.h).  On failure
 * core_store_errmsg() says what was wrong and what to do, and
 * core_store_errdetails() may hold machine-readable facts (quantities, codes).
 * Results are JSON (jansson): *result receives a new reference on success and is
 * left untouched on failure.  The store must not know about sockets or the wire.
 */
#ifndef AYNI_STORE_H
#define AYNI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

typedef struct core_store core_store_t;

/* The schema version this code writes (PRAGMA user_version after migration). */
int core_store_schema_version(void);

/* Open (creating if needed) and migrate the database at path.  On failure returns
 * AYNI_ESTORAGE, AYNI_ECORRUPT, AYNI_EBUSY or AYNI_ESCHEMA with a message in err,
 * and *store_p is NULL. */
int core_store_open(core_store_t **store_p, const char *path, char *err, size_t errlen);
/* Close the database and free the store; sets *store_p to NULL.  Safe on NULL. */
void core_store_destroy(core_store_t **store_p);

/* The message of the last failed action; valid until the next action. */
const char *core_store_errmsg(const core_store_t *store);
/* Facts about the last failure (borrowed, may be NULL); valid until the next action. */
json_t *core_store_errdetails(const core_store_t *store);

/* Who makes the following changes (a device name); recorded in movements and events. */
void core_store_set_actor(core_store_t *store, const char *actor);
/* Fix the clock (for tests and replays); 0 goes back to the real clock. */
void core_store_set_now(core_store_t *store, time_t now);
/* The store's idea of now, and today's date (YYYY-MM-DD, local time). */
time_t core_store_now(const core_store_t *store);
void core_store_today(const core_store_t *store, char out[11]);

/* Checkpoint the write-ahead log in a thread with its own connection, so that no commit
 * waits for one (aynid); stopped by core_store_destroy. */
int core_store_checkpoint_in_background(core_store_t *store);

/* How long to wait for another process's lock before failing with AYNI_EBUSY. */
void core_store_set_busy_timeout(core_store_t *store, int ms);
/* Cap the database at pages pages (fault injection: a full disk); 0 lifts the cap. */
int core_store_set_max_pages(core_store_t *store, long pages);

/* Group several actions in one transaction (each action then runs in a savepoint, so a
 * failed action leaves the others).  commit returns AYNI_ESTORAGE/AYNI_EFULL if the
 * commit fails, and then everything since begin is gone.  An action that fails on the
 * storage itself (AYNI_EFULL, AYNI_ESTORAGE) may take the whole group with it: its message
 * then says so, the group's later actions fail with AYNI_ESTATE, and commit returns that
 * action's error; roll back and begin again. */
int core_store_begin(core_store_t *store);
int core_store_commit(core_store_t *store);
void core_store_rollback(core_store_t *store);
/* Inside a group: a savepoint around several actions that stand or fall together (aynid
 * runs each request of a group commit in one).  savepoint_end(store, 0) keeps them and
 * returns 0, or the error of keeping them; savepoint_end(store, rc) with rc != 0 undoes
 * them and returns rc. */
int core_store_savepoint(core_store_t *store);
int core_store_savepoint_end(core_store_t *store, int rc);

/* ---- catalog ---- */
struct core_item {
    const char *code;     /* [A-Z0-9._-], 1..40 */
    const char *name_es;
    const char *name_en;
    const char *unit;     /* NULL: "kit" */
    const char *tracking; /* "lot" or "serial" */
    bool perishable;      /* lots need an expiry date */
    long low;             /* low-stock threshold per warehouse, 0: none */
};
int core_item_add(core_store_t *store, const struct core_item *item, json_t **result);
int core_item_list(core_store_t *store, json_t **result);

struct core_location {
    const char *code;
    const char *kind; /* "warehouse" or "community" */
    const char *name;
    const char *region;   /* may be NULL */
    const char *district; /* may be NULL */
};
int core_location_add(core_store_t *store, const struct core_location *loc, json_t **result);
/* kind NULL: all kinds. */
int core_location_list(core_store_t *store, const char *kind, json_t **result);

struct core_donor {
    const char *code;
    const char *name;
};
int core_donor_add(core_store_t *store, const struct core_donor *donor, json_t **result);
int core_donor_list(core_store_t *store, json_t **result);

/* ---- stock ---- */
/* What a movement takes: a quantity (of a lot, optional) or a list of serial numbers. */
struct core_take {
    const char *item;
    const char *lot;             /* NULL: first-expiry-first-out */
    long qty;                    /* for serials: 0 or the number of serials */
    const char *const *serials;  /* serial-tracked items */
    size_t nserials;
};

struct core_receive {
    const char *at;     /* warehouse */
    const char *donor;
    const char *item;
    const char *lot;    /* lot items: required; serial items: NULL names it after the receipt */
    const char *expiry; /* YYYY-MM-DD; required for perishable items */
    long qty;
    const char *const *serials;
    size_t nserials;
    const char *note;
};
int core_stock_receive(core_store_t *store, const struct core_receive *rcv, json_t **result);

int core_stock_transfer(core_store_t *store, const char *from, const char *to,
                        const struct core_take *take, const char *note, json_t **result);

/* qty < 0 moves stock to loss; qty > 0 (reason "count" only) records stock found. */
int core_stock_adjust(core_store_t *store, const char *at, const struct core_take *take,
                      const char *reason, const char *note, json_t **result);

struct core_stock_query {
    const char *at;    /* location code or NULL */
    const char *item;  /* item code or NULL */
    const char *lot;   /* lot code or NULL */
    int expiring_days; /* < 0: any; else lots expiring within that many days (expired included) */
    bool low;          /* only item totals per warehouse below their threshold */
};
int core_stock_levels(core_store_t *store, const struct core_stock_query *q, json_t **result);

/* ---- shipments ---- */
struct core_shipment_new {
    const char *from; /* warehouse */
    const char *to;   /* community */
    const char *team;
    const char *vehicle;
};
int core_shipment_create(core_store_t *store, const struct core_shipment_new *s, json_t **result);
/* packages: how many packages the line is packed in (>= 1). */
int core_shipment_add_line(core_store_t *store, const char *code, const struct core_take *take,
                           int packages, json_t **result);
int core_shipment_dispatch(core_store_t *store, const char *code, json_t **result);
int core_shipment_cancel(core_store_t *store, const char *code, const char *reason, json_t **result);
int core_shipment_get(core_store_t *store, const char *code, json_t **result);
/* What a shipment's tokens must agree with: its destination's code and its package count
 * (0 before dispatch).  Cheaper than core_shipment_get, for checking every scan. */
int core_shipment_route(core_store_t *store, const char *code, char to[41], int *packages);
/* The team of the shipment called code, into team (101 bytes): "" when it has none or
 * there is no such shipment; 0 or a storage error.  For filtering events by team. */
int core_shipment_team(core_store_t *store, const char *code, char team[101]);
/* state NULL: all. */
int core_shipment_list(core_store_t *store, const char *state, json_t **result);
/* The same, of team only (NULL: every team), compared without regard to ASCII case as
 * the scanners do. */
int core_shipment_list_team(core_store_t *store, const char *state, const char *team,
                            json_t **result);

/* ---- deliveries ---- */
struct core_delivery_line {
    int line;           /* shipment line number */
    long received;      /* how many arrived */
    const char *reason; /* for a shortfall: damaged, missing, expired, refused */
};
struct core_delivery {
    const char *scan_id;    /* made by the client, unique; a repeat changes nothing */
    const char *shipment;
    int package;            /* 0: the whole shipment */
    const char *device;     /* who confirmed; NULL or "": the store's actor */
    const char *team;
    /* device time, ISO 8601 (ayni_isotime_utc, isotime.h), stored in UTC; may be NULL.
     * Anything else is refused (invalid_argument naming device_time). */
    const char *scanned_at;
    const struct core_delivery_line *lines; /* NULL: all received */
    size_t nlines;
    const char *device_label; /* what the client called itself, kept as a label; may be NULL */
    const char *photo; /* the SHA-256 (64 lower-case hex) of a photo stored with
                        * core_photo_put, or NULL; an unknown one is not_found */
    bool has_position; /* where it was confirmed: lat -90..90, lon -180..180 degrees, */
    double lat, lon;   /* kept rounded to tenths (some 11 km: a district, not a house) */
};
/* A delivery's time is its scan time (delivered_at), unless the device's clock cannot be
 * right: a scan time before the shipment was dispatched, or more than this many seconds
 * after the core received it.  Then the result says clock_suspect (and clock_problem:
 * "before_dispatch" or "ahead"), and delivered_at is the time received.  Migration 5 of
 * schema.sql judges older rows by the same figure. */
#define CORE_CLOCK_AHEAD_MAX 600
int core_delivery_confirm(core_store_t *store, const struct core_delivery *d, json_t **result);

/* ---- photos of deliveries, kept by their SHA-256 (docs/PROTOCOL.md, photo.put) ---- */
/* The most bytes one photo may have, and the types it may be (told by its first bytes). */
#define CORE_PHOTO_MAX (512L * 1024)
/* Keep the photo of len bytes whose SHA-256 the client says is sha256 (64 lower-case
 * hex), for the store's actor, with its event photo.stored.  A JPEG or PNG of 1 to
 * CORE_PHOTO_MAX bytes, else invalid_argument (too_large over it) naming data; a hash that
 * is not the bytes' is invalid_argument naming sha256.  Result {sha256, bytes, type,
 * repeat}: repeat true (and nothing written) when those bytes are stored already. */
int core_photo_put(core_store_t *store, const void *data, size_t len, const char *sha256,
                   json_t **result);

/* ---- devices: the clients allowed in when aynid runs secure (DESIGN.md section 8) ---- */
/* role: scanner, warehouse, reader or admin; public_key: the device's CURVE key, 64 hex. */
int core_device_add(core_store_t *store, const char *name, const char *role,
                    const char *public_key, json_t **result);
struct core_device {
    const char *name;
    const char *role;
    const char *public_key;
    const char *team; /* the team it works for: required for a scanner, else may be NULL */
};
/* core_device_add with a team: a scanner without one is invalid_argument naming team. */
int core_device_register(core_store_t *store, const struct core_device *dev, json_t **result);
/* The team of the device of that name ("" if it has none, or is not registered), in a
 * buffer of 101 bytes; 0 or a storage error. */
int core_device_team(core_store_t *store, const char *name, char team[101]);
int core_device_list(core_store_t *store, json_t **result);
int core_device_disable(core_store_t *store, const char *name, json_t **result);
/* The device with that key (hex), or with that name: AYNI_ENOTFOUND if none.  name and
 * role are copied into buffers of 101 and 16 bytes. */
int core_device_by_key(core_store_t *store, const char *public_key, char name[101],
                       char role[16], bool *enabled);
int core_device_by_name(core_store_t *store, const char *name, char role[16], bool *enabled);
/* Phones and browsers (docs/WEB.md): a one-time enrolment code for the scanner or reader
 * called name, valid ttl_s seconds (60 s to 30 days).  role is "scanner", "reader" or NULL
 * (either, for an existing device; a scanner, for a new one).  The device must exist and
 * be enabled, or, with the name free, is registered now with no CURVE key: a scanner with
 * team given, or a reader (which has no team).  Result {name, code, expires_at, created}:
 * the code is returned once; only its hash is kept.  A new code replaces the device's
 * previous one. */
int core_device_enrol_code(core_store_t *store, const char *name, const char *role,
                           const char *team, int64_t ttl_s, json_t **result);
/* Redeem an enrolment code once: result {name, role, secret, team} with a new 256-bit
 * device secret (returned once; only its hash is kept).  An unknown code is not_found; a
 * used or expired one invalid_state; a disabled device forbidden. */
int core_device_enrol(core_store_t *store, const char *code, json_t **result);
/* 0 if secret is the device secret of the device called name (constant-time check), with
 * its role and enabled flag; AYNI_EDENIED for an unknown name or a wrong secret, with no
 * message set (the caller says which request was refused). */
int core_device_by_secret(core_store_t *store, const char *name, const char *secret,
                          char role[16], bool *enabled);
/* How many enabled admin devices there are. */
int core_device_admins(core_store_t *store, int64_t *count);

/* ---- uploads: a list sent in parts, for an op whose one request it would overflow ----
 * Each part is staged under the upload's id (1..64 of [A-Za-z0-9._/-], chosen by the
 * client, best random) for the store's actor, its owner; the last part's request takes
 * them all back, in order, to make its change in its own transaction.  A part must come
 * in order (0, 1, ...) for the same op; an upload untouched for an hour is dropped, and
 * one owner may hold CORE_UPLOAD_MAX_OPEN at once.  Totals: max_items (the op's list
 * limit) and CORE_UPLOAD_MAX_BYTES of JSON. */
#define CORE_UPLOAD_MAX_OPEN 4
#define CORE_UPLOAD_MAX_BYTES (8L * 1024 * 1024)
#define CORE_UPLOAD_TTL 3600
/* Stage items (a JSON array) as part number part; *staged: the items staged so far. */
int core_upload_put(core_store_t *store, const char *id, const char *op, long part,
                    json_t *items, size_t max_items, long *staged);
/* The items of parts 0 .. part-1, in order, as a new array in *items, and the upload is
 * gone (with the transaction: a rollback keeps it). */
int core_upload_take(core_store_t *store, const char *id, const char *op, long part,
                     json_t **items);
/* Drop the actor's upload id, if it is there (after a part failed: all or none). */
int core_upload_drop(core_store_t *store, const char *id);

/* ---- reports (dates YYYY-MM-DD, both days included, UTC) ---- */
/* What a donor's stock did in the period: deliveries by community, shortfalls with
 * reasons, totals by item and region, stock still held, and the event chain's head. */
int core_report_donor(core_store_t *store, const char *donor, const char *from, const char *to,
                      json_t **result);
/* Per item and lot at a warehouse: opening, in, out, losses by reason, closing. */
int core_report_stock(core_store_t *store, const char *at, const char *from, const char *to,
                      json_t **result);

/* ---- read-only share links (docs/PROTOCOL.md, share.create) ----
 * A share names one donor's report for one period of local days (from, to included),
 * valid until expires_at; the signed link a person gets is made by the caller (aynid), and
 * never kept here.  An id is 16 characters of upper-case Base32. */
#define CORE_SHARE_HOURS_MAX 2160 /* 90 days */
/* A new share of donor from..to valid hours (1..CORE_SHARE_HOURS_MAX) from now, with its
 * event share.created.  Result {id, donor, from, to, expires_at, exp} (exp: expires_at in
 * Unix seconds). */
int core_share_create(core_store_t *store, const char *donor, const char *from, const char *to,
                      long hours, json_t **result);
/* Every share, oldest first: [{id, donor, from, to, created_at, expires_at, revoked_at,
 * state}], state "active", "expired" or "revoked" by the store's clock. */
int core_share_list(core_store_t *store, json_t **result);
/* Revoke share id, with its event share.revoked.  Result {id, revoked_at}.  An unknown id
 * is not_found; one revoked already invalid_state. */
int core_share_revoke(core_store_t *store, const char *id, json_t **result);
/* Share id as {id, donor: {code, name}, from, to, created_at, expires_at, exp,
 * revoked_at (null while not)}: 0 and *result, or AYNI_ENOTFOUND with no message set
 * (the caller says which request was refused), or a storage error. */
int core_share_get(core_store_t *store, const char *id, json_t **result);

/* ---- the dashboard (store_dash.c): the whole programme's figures, now ---- */
/* Stock per warehouse and item (expiring in 30/90 days, expired, low), shipments on the
 * road with their age, deliveries of today, this week (from Monday) and this month, the
 * share confirmed by package scan, the discrepancies of the last 30 days, and the last 30
 * days one by one: local days of the process's time zone, by the store's clock. */
int core_dashboard_panorama(core_store_t *store, json_t **result);
/* Communities reached, packages, quantity and shortfalls per region and district in the
 * local days from .. to (both included; NULL both: the current local month). */
int core_dashboard_regions(core_store_t *store, const char *from, const char *to,
                           json_t **result);

/* ---- events, idempotency, verification ---- */
/* Events with seq > after, oldest first, at most limit (1..10000). */
int core_events_since(core_store_t *store, int64_t after, int limit, json_t **result);
/* Each event with seq > after (at most limit), oldest first, as the text to publish: its
 * stored body with "hash" added (the object events_since gives, encoded).  fn returns
 * 0 to go on, > 0 to stop, < 0 to fail with AYNI_ECORRUPT (the text was no JSON).
 * Cheaper than events_since, which decodes each text: nothing is decoded here. */
typedef int (*core_event_fn)(void *arg, int64_t seq, const char *type, const char *text,
                             size_t len);
int core_events_each(core_store_t *store, int64_t after, int limit, core_event_fn fn, void *arg);
/* The newest event's seq (0 if none) and hash (64 hex chars, or 64 zeros). */
int core_events_head(core_store_t *store, int64_t *seq, char hash[65]);

/* Every event type the core writes, NULL-terminated: what a webhook may ask for
 * (tests/unit/test_store_webhooks.c checks it against the code's core__event calls). */
extern const char *const core_event_types[];

/* ---- webhooks (docs/WEB.md, "Webhooks"): URLs ayni-web posts events to ---- */
struct core_webhook {
    const char *url;  /* http:// or https:// (ayni_hook_url) */
    json_t *events;   /* borrowed: an array of event types and "prefix.*"; NULL for all */
    const char *name; /* optional, up to 100 bytes */
};
/* Register a hook: result {id, url, name, events, secret} with a new 256-bit secret as 64
 * hex digits (returned here and to the gateway only).  It gets the events after its own
 * webhook.added.  A bad url or events is invalid_argument naming the field. */
int core_webhook_add(core_store_t *store, const struct core_webhook *hook, json_t **result);
/* The hooks not removed, without secrets, each with its last attempt (or null). */
int core_webhook_list(core_store_t *store, json_t **result);
/* Remove a hook (its row and log stay): not_found, or invalid_state if removed already. */
int core_webhook_remove(core_store_t *store, int64_t id, json_t **result);
/* A hook's attempts, newest first, at most limit (1..1000); not_found for no such hook. */
int core_webhook_log(core_store_t *store, int64_t id, int limit, json_t **result);
/* For the gateway: the hooks not removed, with secret and delivered (the cursor). */
int core_webhook_targets(core_store_t *store, json_t **result);
/* One delivery attempt of event seq to hook id (attempt 1, 2, ...; status the HTTP
 * status or 0 for none; error a short text or NULL): a log row, and when ok the cursor
 * moves up to seq.  attempt 0 with ok moves the cursor past events the hook does not
 * take, with no log row.  No event: bookkeeping, not ledger state.  Result {id, delivered}. */
struct core_webhook_attempt {
    int64_t id, seq;
    long attempt, status;
    const char *error;
    bool ok;
};
int core_webhook_record(core_store_t *store, const struct core_webhook_attempt *at,
                        json_t **result);

/* ---- signed checkpoints of the chain (docs/PROOF.md) ---- */
/* How many events came after the newest checkpoint's own event (all of them if there is
 * none): 0 when nothing happened since. */
int core_chain_pending(core_store_t *store, int64_t *n);
/* In one transaction: sign the chain's head (seq, hash, now) with sk (libsodium's 64
 * bytes, the public key in the last 32), keep it, and record it as the event
 * ledger.checkpoint (body {"checkpoint": {...}}), unless nothing happened since the
 * last one.  0 and *result the checkpoint (core_checkpoint_to_json's object), or 0 and
 * *result NULL when there was nothing to sign; an error if it could not be written. */
int core_chain_checkpoint(core_store_t *store, const unsigned char sk[64], json_t **result);
/* The checkpoints that signed a seq > since, oldest first, at most limit (1..10000). */
int core_chain_checkpoints(core_store_t *store, int64_t since, int limit, json_t **result);

/* 0 and the stored result if key was used for op with arguments of that digest (any
 * text that stands for them, e.g. a hash; NULL: not checked); AYNI_ENOTFOUND if it is
 * new; AYNI_ECONFLICT if it was used for another op or other arguments. */
int core_idem_get(core_store_t *store, const char *key, const char *op, const char *digest,
                  json_t **result);
/* Record key's result (and its arguments' digest, may be NULL); call in the same
 * transaction as the change. */
int core_idem_put(core_store_t *store, const char *key, const char *op, const char *digest,
                  json_t *result);

/* Check balances against movements, negatives, serial units, shipments, and the event
 * hash chain.  *result: {"ok":bool,"problems":[{"check","message",...}],"checked":{...}}.
 * Returns 0 even when problems are found; an error only if the check could not run. */
int core_ledger_verify(core_store_t *store, json_t **result);

#endif
