/* proto_client.c: a blocking request/reply client of aynid over a ZeroMQ DEALER socket.
 *
 * Each call waits at most the client's timeout; a reply that arrives after its call
 * gave up is recognised by its id and dropped.  Used by ayni-warehouse and ayni-scan.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <zmq.h>

#include "error.h"
#include "mem.h"
#include "proto.h"

struct proto_client {
    struct proto_curve curve;
    bool secure;
    void *ctx;
    void *sock;
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

void
proto_curve_apply(void *sock, const struct proto_curve *k)
{
    zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, k->server_key, 32);
    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, k->public_key, 32);
    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, k->secret_key, 32);
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
    if (zmq_connect(c->sock, c->endpoint) != 0) {
        proto_error_set(err, AYNI_EINVAL, json_pack("{ss}", "endpoint", c->endpoint),
                        "cannot use endpoint '%s': %s (write it as tcp://HOST:PORT or "
                        "ipc:///path)",
                        c->endpoint, zmq_strerror(errno));
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

/* Wait for the reply whose id is want; 0 and *msg, or AYNI_EUNAVAILABLE on time-out.
 * An error reply with id null is the answer too: aynid could not read the request (too
 * large, not JSON) and so could not echo its id, and this client has one request in
 * flight on its own connection.  Replies to calls that gave up are dropped. */
static int
s_wait(proto_client_t *c, long want, zmq_msg_t *msg)
{
    long deadline = s_now_ms() + c->timeout_ms;
    for (;;) {
        long left = deadline - s_now_ms();
        if (left <= 0)
            return AYNI_EUNAVAILABLE;
        zmq_pollitem_t item = {c->sock, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&item, 1, left);
        if (n < 0 && errno == EINTR)
            return AYNI_EUNAVAILABLE;
        if (n <= 0)
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
    long id = c->next_id++;
    json_t *jid = json_integer(id);
    json_t *req = proto_request_new(jid, op, args, idem);
    json_decref(jid);
    char *text = proto_dump(req);
    json_decref(req);
    int rc = zmq_send(c->sock, text, strlen(text), 0);
    free(text);
    if (rc < 0) {
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss}", "endpoint", c->endpoint),
                        "cannot send to aynid at %s: %s", c->endpoint, zmq_strerror(errno));
        return AYNI_EUNAVAILABLE;
    }
    zmq_msg_t msg;
    if (s_wait(c, id, &msg) != 0) {
        proto_error_set(err, AYNI_EUNAVAILABLE, json_pack("{ss}", "endpoint", c->endpoint),
                        "no answer from aynid at %s within %d s: is it running? start it with "
                        "'aynid', or point to it with --api or AYNI_API%s",
                        c->endpoint, (c->timeout_ms + 999) / 1000,
                        c->secure ? " (if it runs, check that this device is registered and "
                                    "enabled, and that its provisioning file is current)"
                                  : " (if it runs secure, give this device its provisioning "
                                    "file with --provision)");
        return AYNI_EUNAVAILABLE;
    }
    rc = proto_reply_parse(zmq_msg_data(&msg), zmq_msg_size(&msg), result, err);
    zmq_msg_close(&msg);
    return rc;
}
