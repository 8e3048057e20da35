/* proto_client.c: a blocking request/reply client of aynid over a ZeroMQ DEALER socket.
 *
 * Each call waits at most the client's timeout; a reply that arrives after its call
 * gave up is recognised by its id and dropped.  Used by ayni-warehouse and ayni-scan.
 * A monitor of the socket sees a handshake aynid refuses (no keys for a secure core, a
 * device it does not admit, the wrong server key) and ends the wait at once with an
 * error that says which; it must not end a wait for a hiccup that a reconnect mends.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "proto.h"

struct proto_client {
    struct proto_curve curve;
    bool secure;
    void *ctx;
    void *sock;
    void *monitor; /* PAIR socket: the handshake events of sock, or NULL */
    char *endpoint;
    int timeout_ms;
    long next_id;
};

static long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

#define S_HANDSHAKE_EVENTS                                                                \
    (ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |          \
     ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED)

/* Watch c->sock's handshakes on a PAIR socket.  Without a monitor (should libzmq refuse
 * one) the client still works: it only waits out its time-out as before. */
static void
s_monitor_open(proto_client_t *c)
{
    char addr[64];
    snprintf(addr, sizeof addr, "inproc://ayni-client-monitor-%p", (void *)c);
    if (zmq_socket_monitor(c->sock, addr, S_HANDSHAKE_EVENTS) != 0)
        return;
    c->monitor = zmq_socket(c->ctx, ZMQ_PAIR);
    int linger = 0;
    zmq_setsockopt(c->monitor, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(c->monitor, addr) != 0) {
        zmq_close(c->monitor);
        c->monitor = NULL;
        zmq_socket_monitor(c->sock, NULL, 0);
    }
}

static void
s_monitor_close(proto_client_t *c)
{
    if (!c->monitor)
        return;
    zmq_socket_monitor(c->sock, NULL, 0);
    zmq_close(c->monitor);
    c->monitor = NULL;
}

/* One event of the monitor: its number and value, or -1 if none could be read. */
static int
s_monitor_event(proto_client_t *c, uint32_t *value)
{
    zmq_msg_t frame;
    int event = -1;
    zmq_msg_init(&frame);
    if (zmq_msg_recv(&frame, c->monitor, ZMQ_DONTWAIT) >= 6) {
        const unsigned char *d = zmq_msg_data(&frame);
        uint16_t e;
        memcpy(&e, d, 2);
        memcpy(value, d + 2, 4);
        event = e;
    }
    /* the second frame, the endpoint */
    while (zmq_msg_more(&frame)) {
        zmq_msg_close(&frame);
        zmq_msg_init(&frame);
        if (zmq_msg_recv(&frame, c->monitor, ZMQ_DONTWAIT) < 0)
            break;
    }
    zmq_msg_close(&frame);
    return event;
}

/* A client without keys met a secure aynid.  It says so in one of two ways: a greeting
 * whose mechanism (CURVE) is not this client's, or, when aynid read this client's
 * greeting first and hung up, a connection cut while this client was still sending its
 * own (EPIPE, ECONNRESET).  Which one a connection sees is a race; on some machines it
 * is always the second. */
static int
s_needs_provision(proto_client_t *c, struct proto_error *err)
{
    const char *ep = c->endpoint;
    proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss ss}", "endpoint", ep, "reason",
                                                      "needs_provision"),
                    "aynid at %s runs secure and needs this device's provisioning file: "
                    "give it with --provision FILE (or AYNI_PROVISION); an admin makes one "
                    "with 'ayni-warehouse --provision ADMIN-FILE device add NAME --role "
                    "ROLE -o FILE'",
                    ep);
    return AYNI_EUNAVAILABLE;
}

/* What a failed handshake means, in err; returns AYNI_EUNAVAILABLE, or 0 if the event
 * is no reason to give up (yet).  *closed counts the handshakes aynid cut short: a
 * secure core drops a hello sealed for another server key without a word, and often the
 * greeting of a client without keys; so does a core killed at that instant, so one alone
 * is no proof. */
static int
s_handshake_failed(proto_client_t *c, int event, uint32_t value, int *closed,
                   struct proto_error *err)
{
    const char *ep = c->endpoint;
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        *closed = 0;
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss ss}", "endpoint", ep, "reason",
                                                          "device_refused"),
                        "aynid at %s refused this device's key: the device is not registered "
                        "or not enabled (an admin sees it with 'ayni-warehouse --provision "
                        "ADMIN-FILE device list', and makes a new file with 'device add NAME "
                        "--role ROLE -o FILE')",
                        ep);
        return AYNI_EUNAVAILABLE;
    }
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
        value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH && !c->secure)
        return s_needs_provision(c, err);
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
        value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss ss}", "endpoint", ep, "reason",
                                                          "core_insecure"),
                        "aynid at %s runs without security (--insecure) and this device talks "
                        "CURVE: leave out --provision, or start aynid secure",
                        ep);
        return AYNI_EUNAVAILABLE;
    }
    bool cut = event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
               event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
    if (cut && ++*closed >= 2 && !c->secure)
        return s_needs_provision(c, err);
    if (cut && *closed >= 2) {
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss ss}", "endpoint", ep, "reason",
                                                          "wrong_server_key"),
                        "aynid at %s drops this device's secure handshake: the server key in "
                        "its provisioning file is not this aynid's (a file of another core, or "
                        "the core's keys were made anew); ask an admin for a new file ('device "
                        "add NAME --role ROLE -o FILE')",
                        ep);
        return AYNI_EUNAVAILABLE;
    }
    return 0;
}

void
proto_curve_apply(void *sock, const struct proto_curve *k)
{
    zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, k->server_key, 32);
    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, k->public_key, 32);
    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, k->secret_key, 32);
}

/* Why zmq_connect refused an endpoint, in the message's language (ZeroMQ's own words are
 * English only). */
static const char *
s_connect_error(int e)
{
    if (!strcmp(ayni_lang(), "en"))
        return zmq_strerror(e);
    if (e == EINVAL)
        return _("it is not an address ZeroMQ can read");
    if (e == EPROTONOSUPPORT)
        return _("that transport is not supported");
    if (e == ENOCOMPATPROTO)
        return _("that transport does not fit this socket");
    return zmq_strerror(e);
}

static int
s_open(proto_client_t *c, struct proto_error *err)
{
    c->sock = zmq_socket(c->ctx, ZMQ_DEALER);
    if (c->secure)
        proto_curve_apply(c->sock, &c->curve);
    int linger = 0, ipv6 = 1; /* ipv6: tcp://[::1]:PORT, and localhost resolved either way */
    int64_t max = PROTO_MAX_FRAME;
    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(c->sock, ZMQ_IPV6, &ipv6, sizeof ipv6);
    zmq_setsockopt(c->sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    s_monitor_open(c);
    if (zmq_connect(c->sock, c->endpoint) != 0) {
        proto_error_set(err, AYNI_EINVAL, json_pack("{ss}", "endpoint", c->endpoint),
                        "cannot use endpoint '%s': %s (write it as tcp://HOST:PORT or "
                        "ipc:///path)",
                        c->endpoint, s_connect_error(errno));
        s_monitor_close(c);
        zmq_close(c->sock);
        c->sock = NULL;
        return AYNI_EINVAL;
    }
    return 0;
}

proto_client_t *
proto_client_new(const char *endpoint, int timeout_ms, const struct proto_curve *curve,
                 struct proto_error *err)
{
    assert(endpoint);
    proto_client_t *c = xcalloc(1, sizeof *c);
    if (curve) {
        c->curve = *curve;
        c->secure = true;
    }
    c->ctx = zmq_ctx_new();
    c->endpoint = xstrdup(endpoint);
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
    c->next_id = 1;
    if (s_open(c, err) != 0)
        proto_client_destroy(&c);
    return c;
}

void
proto_client_destroy(proto_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    proto_client_t *c = *self_p;
    if (c->sock)
        s_monitor_close(c);
    if (c->sock)
        zmq_close(c->sock);
    zmq_ctx_term(c->ctx);
    free(c->endpoint);
    sodium_memzero(c, sizeof *c);
    free(c);
    *self_p = NULL;
}

const char *
proto_client_endpoint(const proto_client_t *c)
{
    return c->endpoint;
}

/* Wait for the reply whose id is want; 0 and *msg, AYNI_EUNAVAILABLE on time-out, or
 * AYNI_EUNAVAILABLE with err filled when the monitor sees aynid refuse the handshake.
 * An error reply with id null is the answer too: aynid could not read the request (too
 * large, not JSON) and so could not echo its id, and this client has one request in
 * flight on its own connection.  Replies to calls that gave up are dropped. */
static int
s_wait(proto_client_t *c, long want, zmq_msg_t *msg, struct proto_error *err)
{
    long deadline = s_now_ms() + c->timeout_ms;
    int closed = 0;
    for (;;) {
        long left = deadline - s_now_ms();
        if (left <= 0)
            return AYNI_EUNAVAILABLE;
        zmq_pollitem_t items[2] = {{c->sock, 0, ZMQ_POLLIN, 0}, {c->monitor, 0, ZMQ_POLLIN, 0}};
        int n = zmq_poll(items, c->monitor ? 2 : 1, left);
        if (n < 0 && errno == EINTR)
            return AYNI_EUNAVAILABLE;
        if (n <= 0)
            continue;
        if (c->monitor && (items[1].revents & ZMQ_POLLIN)) {
            uint32_t value = 0;
            int event = s_monitor_event(c, &value);
            if (s_handshake_failed(c, event, value, &closed, err) != 0)
                return AYNI_EUNAVAILABLE;
        }
        if (!(items[0].revents & ZMQ_POLLIN))
            continue;
        zmq_msg_init(msg);
        if (zmq_msg_recv(msg, c->sock, 0) < 0) {
            zmq_msg_close(msg);
            continue;
        }
        json_t *root = json_loadb(zmq_msg_data(msg), zmq_msg_size(msg), 0, NULL);
        json_t *id = root ? json_object_get(root, "id") : NULL;
        bool mine = (json_is_integer(id) && json_integer_value(id) == want) ||
                    (json_is_null(id) && json_is_false(json_object_get(root, "ok")));
        json_decref(root);
        if (mine)
            return 0;
        zmq_msg_close(msg); /* a late reply to a call that gave up */
    }
}

int
proto_client_call(proto_client_t *c, const char *op, json_t *args, const char *idem,
                  json_t **result, struct proto_error *err)
{
    return proto_client_call_as(c, NULL, NULL, op, args, idem, result, err);
}

/* One call, speaking for as (stolen; NULL: for this client itself). */
static int
s_call(proto_client_t *c, json_t *as, const char *op, json_t *args, const char *idem,
       json_t **result, struct proto_error *err)
{
    long id = c->next_id++;
    json_t *jid = json_integer(id);
    json_t *req = proto_request_new(jid, op, args, idem);
    json_decref(jid);
    if (as)
        json_object_set_new(req, "as", as);
    char *text = proto_dump(req);
    json_decref(req);
    int rc = zmq_send(c->sock, text, strlen(text), 0);
    sodium_memzero(text, strlen(text)); /* it may hold a phone's secret, or a share link */
    free(text);
    if (rc < 0) {
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss}", "endpoint", c->endpoint),
                        "cannot send to aynid at %s: %s", c->endpoint, zmq_strerror(errno));
        return AYNI_EUNAVAILABLE;
    }
    zmq_msg_t msg;
    struct proto_error why = {0};
    if (s_wait(c, id, &msg, &why) != 0) {
        if (why.code) { /* the monitor said why */
            proto_error_set(err, why.code, json_incref(why.details), "%s", why.message);
            proto_error_clear(&why);
            return AYNI_EUNAVAILABLE;
        }
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss}", "endpoint", c->endpoint),
                        c->secure
                            ? "no answer from aynid at %s within %d s: is it running? start it "
                              "with 'aynid', or point to it with --api or AYNI_API (if it runs, "
                              "check that this device is registered and enabled, and that its "
                              "provisioning file is current)"
                            : N_("no answer from aynid at %s within %d s: is it running? start "
                                 "it with 'aynid', or point to it with --api or AYNI_API (if it "
                                 "runs secure, give this device its provisioning file with "
                                 "--provision)"),
                        c->endpoint, (c->timeout_ms + 999) / 1000);
        return AYNI_EUNAVAILABLE;
    }
    rc = proto_reply_parse(zmq_msg_data(&msg), zmq_msg_size(&msg), result, err);
    zmq_msg_close(&msg);
    return rc;
}

int
proto_client_call_as(proto_client_t *c, const char *device, const char *secret, const char *op,
                     json_t *args, const char *idem, json_t **result, struct proto_error *err)
{
    json_t *as = device ? json_pack("{ss ss}", "device", device, "secret", secret ? secret : "")
                        : NULL;
    return s_call(c, as, op, args, idem, result, err);
}

int
proto_client_call_share(proto_client_t *c, const char *token, const char *op, json_t *args,
                        json_t **result, struct proto_error *err)
{
    return s_call(c, json_pack("{ss}", "share", token), op, args, NULL, result, err);
}
