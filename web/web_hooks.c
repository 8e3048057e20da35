/* web_hooks.c: the deliverer of web_hooks.h.  One thread owns a client of aynid and a
 * subscriber of its events (a ZeroMQ socket belongs to one thread).  An event heard is
 * only a bell, as in web_events.c: each hook that is due asks events.since from its own
 * cursor and posts, in order, the events its types take; the first one that is not
 * answered 2xx stops that hook until its back-off passes (1 s doubling to 5 min), and it
 * is posted again then, so a hook never skips ahead of an undelivered event.  A failing
 * hook waits on its own timer and holds back no other hook, except while one attempt is
 * in flight (at most WEB_HOOK_TIMEOUT_MS).  The cursor is aynid's (webhook.record), so
 * that a restart resumes where the last acknowledged delivery was: at least once.
 * It must not decide what a hook is sent beyond its types, nor keep events. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <zmq.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "url.h"
#include "web_hooks.h"
#include "web_post.h"

#define S_PAGE 100      /* events.since's page for one hook */
#define S_ROUND 50      /* deliveries to one hook before the next hook's turn */
#define S_CALL_MS 2000  /* the thread's calls to aynid wait no longer */

struct s_hook {
    long long id;
    struct ayni_hook_url url;
    json_t *events;      /* the types it takes; NULL: every event */
    char secret[65];
    long long cursor;    /* the last seq handled for it */
    long long due;       /* no attempt before this (ms, monotonic) */
    long backoff;        /* the wait after the next failure (ms) */
    long attempt;        /* attempts so far of the event after cursor it takes */
    long long trying;    /* that event's seq (0: none yet) */
    bool seen;           /* in the last webhook.targets */
};

struct web_hooks {
    pthread_t thread;
    bool started;
    int wake[2];          /* a byte written to wake[1] stops the thread */
    proto_client_t *core;
    void *zctx, *sub;
    struct s_hook *hooks;
    size_t n, cap;
    long long reload;     /* when webhook.targets is asked next */
};

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
web_hook_sign(const char *secret_hex, const char *body, size_t len, char out[WEB_HOOK_SIG_LEN])
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
    size_t n = 0;
    if (!secret_hex || strlen(secret_hex) != 64 ||
        sodium_hex2bin(key, sizeof key, secret_hex, 64, NULL, &n, NULL) != 0 || n != sizeof key)
        return false;
    crypto_auth_hmacsha256(mac, (const unsigned char *)body, len, key);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, WEB_HOOK_SIG_LEN - 7, mac, sizeof mac);
    sodium_memzero(key, sizeof key);
    return true;
}

/* Whether a hook taking events (NULL: all) takes an event of type. */
static bool
s_takes(json_t *events, const char *type)
{
    if (!events)
        return true;
    size_t i;
    json_t *p;
    json_array_foreach(events, i, p) {
        const char *t = json_string_value(p);
        size_t n = t ? strlen(t) : 0;
        if (n > 2 && !strcmp(t + n - 2, ".*") ? !strncmp(type, t, n - 1) : t && !strcmp(type, t))
            return true;
    }
    return false;
}

/* ---- the hooks, from webhook.targets ---- */

static struct s_hook *
s_find(web_hooks_t *h, long long id)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->hooks[i].id == id)
            return &h->hooks[i];
    return NULL;
}

static void
s_hook_clear(struct s_hook *k)
{
    json_decref(k->events);
    sodium_memzero(k->secret, sizeof k->secret);
}

/* One hook of webhook.targets into h: a new one, or the one known (its back-off kept,
 * its cursor moved up to aynid's if aynid's is newer). */
static void
s_merge(web_hooks_t *h, json_t *t)
{
    long long id = json_integer_value(json_object_get(t, "id"));
    long long delivered = json_integer_value(json_object_get(t, "delivered"));
    const char *url = json_string_value(json_object_get(t, "url"));
    const char *secret = json_string_value(json_object_get(t, "secret"));
    struct ayni_hook_url u;
    char probe[WEB_HOOK_SIG_LEN];
    if (!url || !secret || !web_hook_sign(secret, "", 0, probe) || ayni_hook_url(url, &u))
        return; /* aynid checked both when it was added: nothing to post to */
    struct s_hook *k = s_find(h, id);
    if (!k) {
        if (h->n == h->cap)
            h->hooks = xrealloc(h->hooks, (h->cap = h->cap ? 2 * h->cap : 8) * sizeof *h->hooks);
        k = &h->hooks[h->n++];
        memset(k, 0, sizeof *k);
        k->id = id;
        k->cursor = delivered;
        k->backoff = WEB_HOOK_BACKOFF_MS;
    }
    json_decref(k->events);
    json_t *ev = json_object_get(t, "events");
    k->events = json_is_array(ev) ? json_incref(ev) : NULL;
    k->url = u;
    snprintf(k->secret, sizeof k->secret, "%s", secret);
    if (delivered > k->cursor)
        k->cursor = delivered;
    k->seen = true;
}

/* Ask webhook.targets; forget the hooks removed.  On failure keep what is known. */
static void
s_reload(web_hooks_t *h)
{
    json_t *res = NULL;
    struct proto_error err = {0};
    h->reload = s_now_ms() + WEB_HOOK_RELOAD_MS;
    if (proto_client_call(h->core, "webhook.targets", NULL, NULL, &res, &err) != 0) {
        proto_error_clear(&err);
        return;
    }
    for (size_t i = 0; i < h->n; i++)
        h->hooks[i].seen = false;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(res, "webhooks"), i, t)
        s_merge(h, t);
    for (size_t j = 0; j < h->n;) {
        if (h->hooks[j].seen) {
            j++;
            continue;
        }
        s_hook_clear(&h->hooks[j]);
        h->hooks[j] = h->hooks[--h->n];
    }
    json_decref(res);
}

/* ---- delivering ---- */

/* Tell aynid of one attempt (attempt 0: events passed over).  A failure to tell is
 * harmless: the cursor aynid keeps is behind, so the event is posted again later. */
static void
s_record(web_hooks_t *h, const struct s_hook *k, long long seq, long attempt, int status,
         const char *error, bool ok)
{
    json_t *args = json_pack("{sI sI sI si sb}", "id", (json_int_t)k->id, "seq", (json_int_t)seq,
                             "attempt", (json_int_t)attempt, "status", status, "ok", ok);
    if (error && *error)
        json_object_set_new(args, "error", json_string(error));
    json_t *res = NULL;
    struct proto_error err = {0};
    proto_client_call(h->core, "webhook.record", args, NULL, &res, &err);
    json_decref(res);
    proto_error_clear(&err);
}

/* Post one event (its text body) to k: true if it was answered 2xx; false, with the
 * attempt recorded and the back-off set, if not; *stopped when the gateway stops. */
static bool
s_post(web_hooks_t *h, struct s_hook *k, long long seq, const char *type, const char *body,
       bool *stopped)
{
    char sig[WEB_HOOK_SIG_LEN], err[256];
    web_hook_sign(k->secret, body, strlen(body), sig);
    char *headers = xasprintf("User-Agent: ayni-web/%s\r\nContent-Type: application/json\r\n"
                              "X-Ayni-Event: %s\r\nX-Ayni-Seq: %lld\r\nX-Ayni-Hook: %lld\r\n"
                              "Idempotency-Key: ayni-%lld\r\nX-Ayni-Signature: %s\r\n",
                              AYNI_VERSION, type, seq, k->id, seq, sig);
    int status = 0;
    if (k->trying != seq) {
        k->trying = seq;
        k->attempt = 0;
    }
    k->attempt++;
    enum web_post_result r = web_post(&k->url, headers, body, strlen(body), WEB_HOOK_TIMEOUT_MS,
                                      h->wake[0], &status, err, sizeof err);
    free(headers);
    if (r == WEB_POST_STOPPED) {
        *stopped = true;
        return false;
    }
    bool ok = r == WEB_POST_ANSWERED && status >= 200 && status <= 299;
    if (r == WEB_POST_ANSWERED && !ok)
        snprintf(err, sizeof err, "HTTP %d", status);
    s_record(h, k, seq, k->attempt, status, ok ? NULL : err, ok);
    if (ok) {
        k->cursor = seq;
        k->backoff = WEB_HOOK_BACKOFF_MS;
        k->trying = 0;
    } else {
        k->due = s_now_ms() + k->backoff;
        k->backoff = k->backoff * 2 > WEB_HOOK_BACKOFF_MAX_MS ? WEB_HOOK_BACKOFF_MAX_MS
                                                              : k->backoff * 2;
    }
    return ok;
}

/* Deliver what k is behind by, a round at most: false when aynid did not answer or the
 * gateway stops.  *more: k may have more now. */
static bool
s_serve(web_hooks_t *h, struct s_hook *k, bool *stopped, bool *more)
{
    json_t *res = NULL;
    struct proto_error err = {0};
    int rc = proto_client_call(h->core, "events.since",
                               json_pack("{sI si}", "since", (json_int_t)k->cursor, "limit",
                                         S_PAGE),
                               NULL, &res, &err);
    proto_error_clear(&err);
    if (rc) {
        json_decref(res);
        return false;
    }
    size_t i, sent = 0;
    json_t *e;
    long long passed = 0;
    bool failed = false;
    json_array_foreach(json_object_get(res, "events"), i, e) {
        long long seq = json_integer_value(json_object_get(e, "seq"));
        const char *type = json_string_value(json_object_get(e, "type"));
        if (seq <= k->cursor || !type)
            continue;
        if (!s_takes(k->events, type)) {
            k->cursor = passed = seq;
            continue;
        }
        passed = 0;
        /* As aynid published it: compact, keys sorted, \uXXXX outside ASCII, reals in 15
         * digits; the text its chain hash covers, with "hash" added. */
        char *body = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
                                       JSON_REAL_PRECISION(15));
        bool ok = s_post(h, k, seq, type, body, stopped);
        free(body);
        if (!ok || ++sent >= S_ROUND) {
            failed = !ok;
            break;
        }
    }
    if (passed && !*stopped)
        s_record(h, k, passed, 0, 0, NULL, true); /* its cursor past what it does not take */
    long long last = json_integer_value(json_object_get(res, "last"));
    long long head = json_integer_value(json_object_get(res, "head"));
    *more = !failed && !*stopped && (last < head || sent >= S_ROUND);
    json_decref(res);
    return !*stopped;
}

/* Every hook that is due, once; whether any wants another turn at once. */
static bool
s_round(web_hooks_t *h, long long head, bool *stopped)
{
    bool again = false;
    for (size_t i = 0; i < h->n && !*stopped; i++) {
        struct s_hook *k = &h->hooks[i];
        if (k->cursor >= head || s_now_ms() < k->due)
            continue;
        bool more = false;
        if (!s_serve(h, k, stopped, &more))
            break;
        again |= more;
    }
    return again;
}

/* The head from server.info: what the subscriber may have missed (its slow join). */
static long long
s_head(web_hooks_t *h)
{
    json_t *info = NULL;
    struct proto_error err = {0};
    long long head = -1;
    if (proto_client_call(h->core, "server.info", NULL, NULL, &info, &err) == 0)
        head = json_integer_value(json_object_get(json_object_get(info, "events"), "head"));
    json_decref(info);
    proto_error_clear(&err);
    return head;
}

/* Every message waiting on the subscriber; true if one was webhook.added or .removed. */
static bool
s_drain(web_hooks_t *h)
{
    bool changed = false;
    for (;;) {
        zmq_msg_t topic;
        zmq_msg_init(&topic);
        if (zmq_msg_recv(&topic, h->sub, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&topic);
            return changed;
        }
        changed |= zmq_msg_size(&topic) >= 8 && !memcmp(zmq_msg_data(&topic), "webhook.", 8);
        zmq_msg_close(&topic);
    }
}

/* How long the thread may sleep: until the next hook is due or the next reload. */
static long
s_sleep_ms(web_hooks_t *h, long long head)
{
    long long now = s_now_ms(), until = h->reload;
    for (size_t i = 0; i < h->n; i++)
        if (h->hooks[i].cursor < head && h->hooks[i].due < until)
            until = h->hooks[i].due;
    long long wait = until - now;
    return wait < 0 ? 0 : wait > 1000 ? 1000 : (long)wait;
}

static void *
s_run(void *arg)
{
    web_hooks_t *h = arg;
    bool stopped = false, again = true;
    long long head = 0, look = 0;
    while (!stopped) {
        long long now = s_now_ms();
        if (now >= h->reload)
            s_reload(h);
        if (now >= look && h->n) {
            long long seen = s_head(h);
            head = seen > head ? seen : head;
            look = now + 1000;
        }
        if (h->n)
            again = s_round(h, head, &stopped);
        if (stopped)
            break;
        zmq_pollitem_t items[2] = {{h->sub, 0, ZMQ_POLLIN, 0}, {NULL, h->wake[0], ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, again ? 0 : s_sleep_ms(h, head)) < 0 && errno != EINTR)
            break;
        if (items[1].revents & ZMQ_POLLIN)
            break;
        if ((items[0].revents & ZMQ_POLLIN) && s_drain(h)) {
            h->reload = 0;
            look = 0;
        } else if (items[0].revents & ZMQ_POLLIN) {
            look = 0; /* an event: the head moved */
        }
    }
    return NULL;
}

/* ---- start and stop ---- */

web_hooks_t *
web_hooks_new(const char *api, const char *events, const struct proto_curve *curve, char *err,
              size_t errlen)
{
    web_hooks_t *h = xcalloc(1, sizeof *h);
    h->wake[0] = h->wake[1] = -1;
    struct proto_error perr = {0};
    h->core = proto_client_new(api, S_CALL_MS, curve, &perr);
    if (!h->core) {
        snprintf(err, errlen, "%s", perr.message);
        proto_error_clear(&perr);
        goto fail;
    }
    h->zctx = zmq_ctx_new();
    h->sub = zmq_socket(h->zctx, ZMQ_SUB);
    int linger = 0, ipv6 = 1;
    zmq_setsockopt(h->sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(h->sub, ZMQ_IPV6, &ipv6, sizeof ipv6);
    if (curve)
        proto_curve_apply(h->sub, curve);
    zmq_setsockopt(h->sub, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(h->sub, events) != 0) {
        snprintf(err, errlen, _("cannot use event endpoint '%s': %s: give aynid's event socket "
                                "with --events (env AYNI_EVENTS)"),
                 events, zmq_strerror(errno));
        goto fail;
    }
    if (pipe(h->wake) != 0 || fcntl(h->wake[0], F_SETFL, O_NONBLOCK) != 0 ||
        pthread_create(&h->thread, NULL, s_run, h) != 0) {
        snprintf(err, errlen, _("cannot start the webhook deliverer: %s"), strerror(errno));
        goto fail;
    }
    h->started = true;
    return h;
fail:
    web_hooks_destroy(&h);
    return NULL;
}

void
web_hooks_destroy(web_hooks_t **self_p)
{
    web_hooks_t *h = *self_p;
    if (!h)
        return;
    if (h->started) {
        char b = 1;
        ssize_t n = write(h->wake[1], &b, 1);
        (void)n;
        pthread_join(h->thread, NULL);
    }
    for (size_t i = 0; i < h->n; i++)
        s_hook_clear(&h->hooks[i]);
    free(h->hooks);
    if (h->sub)
        zmq_close(h->sub);
    if (h->zctx)
        zmq_ctx_term(h->zctx);
    proto_client_destroy(&h->core);
    for (int i = 0; i < 2; i++)
        if (h->wake[i] >= 0)
            close(h->wake[i]);
    free(h);
    *self_p = NULL;
}
