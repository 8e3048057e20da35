/* web_events.c: the event stream of web_events.h.  One thread, the pump, owns a subscriber
 * of aynid's PUB socket and a client of its request socket of its own (a ZeroMQ socket
 * belongs to one thread).  A published event is only a bell: whatever rang it (an event,
 * a new stream, the one-second look at the head that covers ZeroMQ's slow joiner and a
 * subscriber aynid dropped), each stream behind the head asks events.since from its own
 * last seq, "as" its own device, so that aynid alone decides what a device may see, and
 * the stream's single cursor means no event is sent twice or skipped between the replay
 * and the live ones.  Each stream is a libmicrohttpd response from a callback, suspended
 * while it has nothing to send and resumed by the pump.  It must not decide who sees what,
 * nor block the HTTP thread on aynid. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
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
#include "web_events.h"

#define S_PAGE 1000              /* events.since's page */
#define S_BUF_HIGH (256 * 1024)  /* no page more for a stream while this much waits */
#define S_HEAD_MS 1000           /* the head looked at this often */
#define S_CALL_MS 2000           /* the pump's calls to aynid wait no longer */
#define S_LINGER_S 60            /* a stream whose client reads nothing this long is cut */

struct s_stream {
    struct s_stream *next;
    web_events_t *ev;
    struct MHD_Connection *conn;
    char device[101], secret[201], lang[3], topic[101];
    long long last;        /* the last seq looked at for it (the pump's alone) */
    long long keepalive;   /* when its next keepalive is due (ms, monotonic) */
    long long retry;       /* no call for it before this, after aynid failed it */
    char *buf;             /* what waits to be sent: buf[off..len) */
    size_t len, off, cap;
    bool suspended;        /* by its reader, with nothing to send; resumed by the pump */
    bool ending;           /* send what waits, then end */
    bool gone;             /* libmicrohttpd let go of it: the pump frees it */
};

struct web_events {
    pthread_mutex_t lock; /* everything below but the sockets, the thread and the key */
    pthread_t pump;
    bool started;         /* the pump runs */
    bool stopping;
    int wake[2];          /* a byte written to wake[1] wakes the pump */
    proto_client_t *core;
    void *zctx, *sub;
    long long head;       /* the newest seq heard of */
    struct s_stream *streams;
    unsigned open, max;   /* streams libmicrohttpd still holds; how many it may */
    unsigned char key[crypto_secretbox_KEYBYTES]; /* seals tickets; this process's only */
};

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
s_wake(web_events_t *ev)
{
    char b = 1;
    ssize_t n = write(ev->wake[1], &b, 1); /* full pipe: a wake-up is pending anyway */
    (void)n;
}

/* Append text to s's buffer; under the lock. */
static void
s_put(struct s_stream *s, const char *text, size_t n)
{
    if (s->off == s->len)
        s->off = s->len = 0;
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2;
        s->buf = xrealloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
}

/* ---- the HTTP side: libmicrohttpd's thread ---- */

/* What libmicrohttpd sends next: what waits; else the end, when ending; else nothing for
 * now, the connection suspended until the pump has more (never a busy loop). */
static ssize_t
s_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct s_stream *s = cls;
    web_events_t *ev = s->ev;
    ssize_t n = 0;
    pthread_mutex_lock(&ev->lock);
    if (s->len > s->off) {
        size_t k = s->len - s->off < max ? s->len - s->off : max;
        memcpy(buf, s->buf + s->off, k);
        s->off += k;
        n = (ssize_t)k;
        if (s->off == s->len && s->last < ev->head)
            s_wake(ev); /* room again for the rest of a long replay */
    } else if (s->ending || ev->stopping) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        s->suspended = true;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&ev->lock);
    return n;
}

/* libmicrohttpd is done with the stream (the client left, it ended, the gateway stops). */
static void
s_let_go(void *cls)
{
    struct s_stream *s = cls;
    web_events_t *ev = s->ev;
    pthread_mutex_lock(&ev->lock);
    s->gone = true;
    ev->open--;
    pthread_mutex_unlock(&ev->lock);
    s_wake(ev);
}

struct MHD_Response *
web_events_open(web_events_t *ev, struct MHD_Connection *c, const struct web_stream_req *q)
{
    pthread_mutex_lock(&ev->lock);
    bool full = ev->stopping || ev->open >= ev->max;
    if (!full)
        ev->open++;
    pthread_mutex_unlock(&ev->lock);
    if (full)
        return NULL;
    struct s_stream *s = xcalloc(1, sizeof *s);
    s->ev = ev;
    s->conn = c;
    snprintf(s->device, sizeof s->device, "%s", q->device);
    snprintf(s->secret, sizeof s->secret, "%s", q->secret);
    snprintf(s->lang, sizeof s->lang, "%s", q->lang ? q->lang : "");
    snprintf(s->topic, sizeof s->topic, "%s", q->topic ? q->topic : "");
    s->last = q->since;
    s->keepalive = s_now_ms() + WEB_KEEPALIVE_S * 1000;
    /* EventSource waits this long before it reconnects (with Last-Event-ID). */
    const char hello[] = "retry: 3000\n\n";
    s_put(s, hello, sizeof hello - 1);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, s_read, s, s_let_go);
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Accel-Buffering", "no"); /* a proxy must not hold it */
    /* Idle time is measured only while it is not suspended: a client that stops reading. */
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)S_LINGER_S);
    pthread_mutex_lock(&ev->lock);
    s->next = ev->streams;
    ev->streams = s;
    if (q->head > ev->head)
        ev->head = q->head;
    pthread_mutex_unlock(&ev->lock);
    s_wake(ev);
    return r;
}

/* ---- the pump ---- */

/* Put a page of events into s (those of its topic) and end it on a refusal: under the
 * lock; whether it must be resumed.  *behind: there is more after the page. */
static bool
s_take_page(struct s_stream *s, json_t *res, long long *behind)
{
    web_events_t *ev = s->ev;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(res, "events"), i, e) {
        const char *type = json_string_value(json_object_get(e, "type"));
        if (!type || (*s->topic && strncmp(type, s->topic, strlen(s->topic))))
            continue;
        /* in the form aynid publishes: compact, keys sorted, \uXXXX outside ASCII */
        char *body = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        char *text = xasprintf("id: %lld\nevent: %s\ndata: %s\n\n",
                               (long long)json_integer_value(json_object_get(e, "seq")), type,
                               body);
        s_put(s, text, strlen(text));
        free(text);
        free(body);
    }
    long long last = json_integer_value(json_object_get(res, "last"));
    long long head = json_integer_value(json_object_get(res, "head"));
    if (last > s->last)
        s->last = last;
    if (head > ev->head)
        ev->head = head;
    *behind = s->last < head;
    bool resume = s->suspended && s->len > s->off;
    if (resume)
        s->suspended = false;
    return resume;
}

/* The stream's device was refused (disabled, its secret no longer right): say why in an
 * "error" event, then end the stream; under the lock. */
static bool
s_refused(struct s_stream *s, const struct proto_error *err)
{
    json_t *why = json_pack("{ss ss}", "code", ayni_err_code(err->code), "message",
                            err->message);
    char *body = json_dumps(why, JSON_COMPACT);
    char *text = xasprintf("event: error\ndata: %s\n\n", body);
    s_put(s, text, strlen(text));
    free(text);
    free(body);
    json_decref(why);
    s->ending = true;
    bool resume = s->suspended;
    s->suspended = false;
    return resume;
}

/* One call of events.since for s, as its device, and what it gives into s's buffer; a
 * keepalive after it when due.  false when aynid did not answer (the round stops: it would
 * not answer the next stream either). */
static bool
s_serve_one(web_events_t *ev, struct s_stream *s, long long now, bool keepalive)
{
    json_t *res = NULL;
    struct proto_error err = {0};
    ayni_lang_set(*s->lang ? s->lang : NULL);
    int rc = proto_client_call_as(ev->core, s->device, s->secret, "events.since",
                                  json_pack("{sI si}", "since", (json_int_t)s->last, "limit",
                                            S_PAGE),
                                  NULL, &res, &err);
    ayni_lang_set(NULL);
    bool resume = false, answered = rc != AYNI_EUNAVAILABLE && rc != AYNI_ETIMEOUT;
    long long behind = 0;
    pthread_mutex_lock(&ev->lock);
    if (rc == 0) {
        resume = s_take_page(s, res, &behind);
    } else if (rc == AYNI_EDENIED) {
        resume = s_refused(s, &err);
    } else {
        s->retry = now + S_HEAD_MS; /* busy, unavailable: again in a second */
    }
    if (keepalive && !s->ending) {
        const char ka[] = ": keepalive\n\n";
        s_put(s, ka, sizeof ka - 1);
        resume = resume || s->suspended;
        s->suspended = false;
    }
    pthread_mutex_unlock(&ev->lock);
    /* Resumed outside the lock, as libmicrohttpd takes its own then; a suspended connection
     * cannot end, so s stays until this is done. */
    if (resume)
        MHD_resume_connection(s->conn);
    json_decref(res);
    proto_error_clear(&err);
    return answered;
}

/* Serve every stream that is behind the head (with room in its buffer) or due a
 * keepalive.  The list is walked under the lock, the calls made outside it: only the
 * pump unlinks or frees a stream, so the one in hand stays. */
static void
s_serve(web_events_t *ev)
{
    long long now = s_now_ms();
    pthread_mutex_lock(&ev->lock);
    struct s_stream *s = ev->streams;
    while (s && !ev->stopping) {
        bool keepalive = now >= s->keepalive;
        bool due = !s->gone && !s->ending && now >= s->retry &&
                   ((s->last < ev->head && s->len - s->off < S_BUF_HIGH) || keepalive);
        pthread_mutex_unlock(&ev->lock);
        if (due) {
            if (keepalive)
                s->keepalive = now + WEB_KEEPALIVE_S * 1000;
            if (!s_serve_one(ev, s, now, keepalive)) {
                pthread_mutex_lock(&ev->lock);
                break;
            }
        }
        pthread_mutex_lock(&ev->lock);
        s = s->next;
    }
    pthread_mutex_unlock(&ev->lock);
}

/* Whether a stream could use a call now (then the pump does not wait). */
static bool
s_any_ready(web_events_t *ev, long long now)
{
    bool ready = false;
    pthread_mutex_lock(&ev->lock);
    for (struct s_stream *s = ev->streams; s && !ready; s = s->next)
        ready = !s->gone && !s->ending && now >= s->retry && s->last < ev->head &&
                s->len - s->off < S_BUF_HIGH;
    pthread_mutex_unlock(&ev->lock);
    return ready;
}

static void
s_free_stream(struct s_stream *s)
{
    sodium_memzero(s->secret, sizeof s->secret);
    free(s->buf);
    free(s);
}

/* Free the streams libmicrohttpd let go of. */
static void
s_reap(web_events_t *ev)
{
    pthread_mutex_lock(&ev->lock);
    for (struct s_stream **p = &ev->streams; *p;) {
        struct s_stream *s = *p;
        if (s->gone) {
            *p = s->next;
            s_free_stream(s);
        } else {
            p = &s->next;
        }
    }
    pthread_mutex_unlock(&ev->lock);
}

/* Every message waiting on the subscriber: the newest seq among them into the head. */
static void
s_drain_sub(web_events_t *ev)
{
    for (;;) {
        zmq_msg_t topic, body;
        zmq_msg_init(&topic);
        zmq_msg_init(&body);
        int more = 0;
        size_t len = sizeof more;
        if (zmq_msg_recv(&topic, ev->sub, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&topic);
            zmq_msg_close(&body);
            return;
        }
        zmq_getsockopt(ev->sub, ZMQ_RCVMORE, &more, &len);
        if (more && zmq_msg_recv(&body, ev->sub, 0) >= 0) {
            json_t *e = json_loadb(zmq_msg_data(&body), zmq_msg_size(&body), 0, NULL);
            long long seq = json_integer_value(json_object_get(e, "seq"));
            json_decref(e);
            pthread_mutex_lock(&ev->lock);
            if (seq > ev->head)
                ev->head = seq;
            pthread_mutex_unlock(&ev->lock);
        }
        zmq_msg_close(&topic);
        zmq_msg_close(&body);
    }
}

/* The head from server.info, asked as the gateway itself: what the subscriber missed. */
static void
s_look_at_head(web_events_t *ev)
{
    json_t *info = NULL;
    struct proto_error err = {0};
    if (proto_client_call(ev->core, "server.info", NULL, NULL, &info, &err) == 0) {
        long long head = json_integer_value(json_object_get(json_object_get(info, "events"),
                                                            "head"));
        pthread_mutex_lock(&ev->lock);
        if (head > ev->head)
            ev->head = head;
        pthread_mutex_unlock(&ev->lock);
    }
    json_decref(info);
    proto_error_clear(&err);
}

static void *
s_pump(void *arg)
{
    web_events_t *ev = arg;
    long long look = 0;
    for (;;) {
        pthread_mutex_lock(&ev->lock);
        bool stop = ev->stopping, any = ev->streams != NULL;
        pthread_mutex_unlock(&ev->lock);
        if (stop)
            break;
        long long now = s_now_ms();
        long wait = s_any_ready(ev, now) ? 0 : (long)(look > now ? look - now : 0);
        zmq_pollitem_t items[2] = {{ev->sub, 0, ZMQ_POLLIN, 0}, {NULL, ev->wake[0], ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, wait > S_HEAD_MS ? S_HEAD_MS : wait) < 0 && errno != EINTR)
            break;
        if (items[1].revents & ZMQ_POLLIN) {
            char b[64];
            while (read(ev->wake[0], b, sizeof b) > 0)
                ;
        }
        if (items[0].revents & ZMQ_POLLIN)
            s_drain_sub(ev);
        now = s_now_ms();
        if (any && now >= look) {
            s_look_at_head(ev);
            look = now + S_HEAD_MS;
        } else if (!any) {
            look = now + S_HEAD_MS; /* nobody to serve: no call at all */
        }
        s_serve(ev);
        s_reap(ev);
    }
    return NULL;
}

/* ---- start and stop ---- */

web_events_t *
web_events_new(const char *api, const char *events, const struct proto_curve *curve,
               unsigned max, char *err, size_t errlen)
{
    web_events_t *ev = xcalloc(1, sizeof *ev);
    ev->max = max;
    ev->wake[0] = ev->wake[1] = -1;
    pthread_mutex_init(&ev->lock, NULL);
    randombytes_buf(ev->key, sizeof ev->key);
    struct proto_error perr = {0};
    ev->core = proto_client_new(api, S_CALL_MS, curve, &perr);
    if (!ev->core) {
        snprintf(err, errlen, "%s", perr.message);
        proto_error_clear(&perr);
        goto fail;
    }
    ev->zctx = zmq_ctx_new();
    ev->sub = zmq_socket(ev->zctx, ZMQ_SUB);
    int linger = 0, ipv6 = 1;
    zmq_setsockopt(ev->sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(ev->sub, ZMQ_IPV6, &ipv6, sizeof ipv6);
    if (curve)
        proto_curve_apply(ev->sub, curve);
    zmq_setsockopt(ev->sub, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(ev->sub, events) != 0) {
        snprintf(err, errlen, _("cannot use event endpoint '%s': %s: give aynid's event socket "
                                "with --events (env AYNI_EVENTS)"),
                 events, zmq_strerror(errno));
        goto fail;
    }
    if (pipe(ev->wake) != 0 || fcntl(ev->wake[0], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(ev->wake[1], F_SETFL, O_NONBLOCK) != 0 ||
        pthread_create(&ev->pump, NULL, s_pump, ev) != 0) {
        snprintf(err, errlen, _("cannot start the event stream: %s"), strerror(errno));
        goto fail;
    }
    ev->started = true;
    return ev;
fail:
    web_events_destroy(&ev);
    return NULL;
}

void
web_events_stop(web_events_t *ev)
{
    if (!ev)
        return;
    pthread_mutex_lock(&ev->lock);
    bool running = !ev->stopping && ev->started;
    ev->stopping = true;
    pthread_mutex_unlock(&ev->lock);
    if (running) {
        s_wake(ev);
        pthread_join(ev->pump, NULL);
    }
    /* The pump is gone: end every stream, waking the suspended ones to say so. */
    for (;;) {
        struct s_stream *resume = NULL;
        pthread_mutex_lock(&ev->lock);
        for (struct s_stream *s = ev->streams; s; s = s->next) {
            s->ending = true;
            if (s->suspended && !resume) {
                s->suspended = false;
                resume = s;
            }
        }
        pthread_mutex_unlock(&ev->lock);
        if (!resume)
            break;
        MHD_resume_connection(resume->conn);
    }
}

void
web_events_destroy(web_events_t **self_p)
{
    web_events_t *ev = *self_p;
    if (!ev)
        return;
    web_events_stop(ev);
    while (ev->streams) {
        struct s_stream *s = ev->streams;
        ev->streams = s->next;
        s_free_stream(s);
    }
    if (ev->sub)
        zmq_close(ev->sub);
    if (ev->zctx)
        zmq_ctx_term(ev->zctx);
    proto_client_destroy(&ev->core);
    for (int i = 0; i < 2; i++)
        if (ev->wake[i] >= 0)
            close(ev->wake[i]);
    sodium_memzero(ev->key, sizeof ev->key);
    pthread_mutex_destroy(&ev->lock);
    free(ev);
    *self_p = NULL;
}

/* ---- tickets ---- */

/* A ticket: URL-safe Base64 of a random nonce and, sealed with the process's key
 * (crypto_secretbox: XSalsa20-Poly1305), the expiry (8 bytes, big-endian) and
 * "DEVICE:SECRET".  Nothing is stored: a ticket is good in this process, until it expires. */
char *
web_ticket_make(web_events_t *ev, const char *device, const char *secret, time_t now)
{
    unsigned char plain[8 + 101 + 1 + 201];
    unsigned char whole[crypto_secretbox_NONCEBYTES + sizeof plain + crypto_secretbox_MACBYTES];
    uint64_t until = (uint64_t)now + WEB_TICKET_S;
    for (int i = 0; i < 8; i++)
        plain[i] = (unsigned char)(until >> (56 - 8 * i));
    int n = snprintf((char *)plain + 8, sizeof plain - 8, "%s:%s", device, secret);
    size_t len = 8 + (size_t)n;
    randombytes_buf(whole, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(whole + crypto_secretbox_NONCEBYTES, plain, len, whole, ev->key);
    size_t total = crypto_secretbox_NONCEBYTES + len + crypto_secretbox_MACBYTES;
    size_t cap = sodium_base64_ENCODED_LEN(total, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = xmalloc(cap);
    sodium_bin2base64(out, cap, whole, total, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(plain, sizeof plain);
    return out;
}

bool
web_ticket_open(web_events_t *ev, const char *ticket, time_t now, char device[101],
                char secret[201])
{
    unsigned char whole[crypto_secretbox_NONCEBYTES + 8 + 101 + 1 + 201 +
                        crypto_secretbox_MACBYTES];
    unsigned char plain[sizeof whole];
    size_t len = 0;
    if (!ticket || strlen(ticket) > 2 * sizeof whole ||
        sodium_base642bin(whole, sizeof whole, ticket, strlen(ticket), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 8 + 3)
        return false;
    size_t box = len - crypto_secretbox_NONCEBYTES, n = box - crypto_secretbox_MACBYTES;
    if (crypto_secretbox_open_easy(plain, whole + crypto_secretbox_NONCEBYTES, box, whole,
                                   ev->key) != 0)
        return false;
    uint64_t until = 0;
    for (int i = 0; i < 8; i++)
        until = until << 8 | plain[i];
    plain[n] = '\0';
    const char *cred = (const char *)plain + 8, *colon = strchr(cred, ':');
    bool ok = (uint64_t)now < until && colon && colon > cred && colon - cred <= 100 &&
              strlen(colon + 1) <= 200;
    if (ok) {
        snprintf(device, 101, "%.*s", (int)(colon - cred), cred);
        snprintf(secret, 201, "%s", colon + 1);
    }
    sodium_memzero(plain, sizeof plain);
    return ok;
}
