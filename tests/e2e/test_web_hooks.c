/* test_web_hooks.c: webhooks end to end (docs/WEB.md, "Webhooks"): a real aynid, a real
 * ayni-web delivering, ayni-warehouse registering the hook and reading its log, and a
 * receiver in this test (a thread with a listening socket on loopback) that checks each
 * delivery's signature the way docs/WEB.md tells a receiver to, and refuses (401) a body
 * whose HMAC does not match.  The receiver gets every event of its types once, in seq
 * order; stopped (connections refused) while events are made, then started again, it
 * gets every one it missed, once, in order, after the back-off; the log shows the failed
 * attempts; a hook that always fails holds the others back not at all.  Loopback only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "harness.h"
#include "mem.h"
#include "web_cli.h"
#include "wh_cli.h"

/* The receiver: what a DHIS2 bridge or a bot would run. */
struct receiver {
    pthread_mutex_t lock;
    pthread_t thread;
    int fd;             /* the listening socket, -1 while stopped */
    unsigned short port;
    char secret[65];
    json_t *got;        /* every body accepted, in arrival order */
    int refused;        /* 401s answered */
    bool running;
};

/* The check of docs/WEB.md: HMAC-SHA256 of the exact body, keyed with the 32 bytes the
 * 64 hex digits of the secret spell, in lower-case hex after "sha256=". */
static bool
s_signature_ok(const char *secret_hex, const char *body, size_t len, const char *header)
{
    unsigned char key[32], mac[32];
    size_t n = 0;
    if (sodium_hex2bin(key, 32, secret_hex, 64, NULL, &n, NULL) || n != 32 || !header ||
        strncmp(header, "sha256=", 7) || strlen(header + 7) != 64)
        return false;
    crypto_auth_hmacsha256(mac, (const unsigned char *)body, len, key);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, mac, 32);
    return sodium_memcmp(hex, header + 7, 64) == 0;
}

/* The value of header name in the request head (a new string, or NULL). */
static char *
s_header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
        if (!strncasecmp(p + 2, name, n) && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            v += strspn(v, " ");
            return xstrndup(v, strcspn(v, "\r\n"));
        }
    return NULL;
}

static void
s_answer(int c, int status)
{
    char text[128];
    int n = snprintf(text, sizeof text,
                     "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status,
                     status == 200 ? "OK" : status == 401 ? "Unauthorized" : "Bad Request");
    ssize_t w = write(c, text, (size_t)n);
    (void)w;
}

/* One request on c: read it whole, check it, keep its body if it is genuine. */
static void
s_serve(struct receiver *r, int c)
{
    char *buf = xmalloc(1 << 20);
    size_t have = 0, need = 0;
    char *end = NULL;
    while (have < (1 << 20) - 1) {
        ssize_t k = read(c, buf + have, (1 << 20) - 1 - have);
        if (k <= 0)
            break;
        have += (size_t)k;
        buf[have] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            char *len = s_header(buf, "Content-Length");
            need = (size_t)(end + 4 - buf) + (len ? strtoul(len, NULL, 10) : 0);
            free(len);
        }
        if (end && have >= need)
            break;
    }
    buf[have] = '\0';
    if (!end || have < need || strncmp(buf, "POST /hooks/ayni HTTP/1.1\r\n", 27)) {
        s_answer(c, 400);
        free(buf);
        return;
    }
    *end = '\0';
    const char *body = end + 4;
    size_t blen = need - (size_t)(end + 4 - buf);
    char *sig = s_header(buf, "X-Ayni-Signature"), *type = s_header(buf, "X-Ayni-Event");
    char *seq = s_header(buf, "X-Ayni-Seq"), *idem = s_header(buf, "Idempotency-Key");
    char *ct = s_header(buf, "Content-Type");
    pthread_mutex_lock(&r->lock);
    bool ok = s_signature_ok(r->secret, body, blen, sig);
    if (ok) {
        json_t *e = json_loadb(body, blen, 0, NULL);
        json_object_set_new(e, "_head", json_pack("{ss ss ss ss}", "type", type ? type : "",
                                                  "seq", seq ? seq : "", "idem",
                                                  idem ? idem : "", "ct", ct ? ct : ""));
        json_array_append_new(r->got, e);
    } else {
        r->refused++;
    }
    pthread_mutex_unlock(&r->lock);
    s_answer(c, ok ? 200 : 401);
    free(sig), free(type), free(seq), free(idem), free(ct), free(buf);
}

static void *
s_accept(void *arg)
{
    struct receiver *r = arg;
    for (;;) {
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            return NULL; /* the socket was shut down: stopped */
        s_serve(r, c);
        close(c);
    }
}

/* Listen on 127.0.0.1 (port 0: a free one, kept in r->port for the next start). */
static void
s_recv_start(struct receiver *r)
{
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(r->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(r->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(r->fd, 16), 0);
    socklen_t al = sizeof a;
    getsockname(r->fd, (struct sockaddr *)&a, &al);
    r->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&r->thread, NULL, s_accept, r), 0);
    r->running = true;
}

/* Stop listening: from now on a connection is refused. */
static void
s_recv_stop(struct receiver *r)
{
    if (!r->running)
        return;
    shutdown(r->fd, SHUT_RDWR);
    pthread_join(r->thread, NULL);
    close(r->fd);
    r->fd = -1;
    r->running = false;
}

static size_t
s_got(struct receiver *r)
{
    pthread_mutex_lock(&r->lock);
    size_t n = json_array_size(r->got);
    pthread_mutex_unlock(&r->lock);
    return n;
}

/* The seqs of the events of e after since that a hook for delivery.* and stock.* takes. */
static json_t *
s_expected(struct e2e *e, long long since)
{
    json_t *r = e2e_ok(e, "events.since", e2e_pack("{sI si}", "since", (json_int_t)since,
                                                   "limit", 1000));
    json_t *want = json_array(), *ev;
    size_t i;
    json_array_foreach(json_object_get(r, "events"), i, ev) {
        const char *t = json_string_value(json_object_get(ev, "type"));
        if (!strncmp(t, "delivery.", 9) || !strncmp(t, "stock.", 6))
            json_array_append(want, json_object_get(ev, "seq"));
    }
    json_decref(r);
    return want;
}

/* Wait (up to ms) until the receiver has n bodies; then they must be want's, in order,
 * each once, with the headers that match its body. */
static void
s_expect_got(struct receiver *r, json_t *want, int ms)
{
    long start = e2e_now_ms();
    while (s_got(r) < json_array_size(want) && e2e_now_ms() - start < ms)
        e2e_nap(50);
    e2e_nap(300); /* and no more arrive (no duplicate) */
    pthread_mutex_lock(&r->lock);
    if (json_array_size(r->got) != json_array_size(want)) {
        char *g = json_dumps(r->got, JSON_COMPACT), *w = json_dumps(want, JSON_COMPACT);
        fail_msg("the receiver got %zu events, not %zu: %s; wanted seqs %s",
                 json_array_size(r->got), json_array_size(want), g, w);
    }
    size_t i;
    json_t *e;
    json_array_foreach(r->got, i, e) {
        json_int_t seq = json_integer_value(json_object_get(e, "seq"));
        assert_int_equal(seq, json_integer_value(json_array_get(want, i)));
        json_t *h = json_object_get(e, "_head");
        char s[32], idem[40];
        snprintf(s, sizeof s, "%lld", (long long)seq);
        snprintf(idem, sizeof idem, "ayni-%lld", (long long)seq);
        assert_string_equal(json_string_value(json_object_get(h, "seq")), s);
        assert_string_equal(json_string_value(json_object_get(h, "idem")), idem);
        assert_string_equal(json_string_value(json_object_get(h, "type")),
                            json_string_value(json_object_get(e, "type")));
        assert_string_equal(json_string_value(json_object_get(h, "ct")), "application/json");
        assert_int_equal(strlen(json_string_value(json_object_get(e, "hash"))), 64);
    }
    pthread_mutex_unlock(&r->lock);
}

static void
s_receive(struct e2e *e, const char *lot, const char *qty)
{
    char *out = wh_expect(e, 0, "receive", "--at", "ALM-LIMA", "--donor", "UNICEF", "--item",
                          "FOOD-KIT", "--lot", lot, "--qty", qty, "--expiry", "2031-01-31", NULL);
    free(out);
}

/* POST body with signature sig to the receiver, as ayni-web would: the HTTP status. */
static int
s_post_raw(struct receiver *r, const char *body, const char *sig)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(r->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    char *req = xasprintf("POST /hooks/ayni HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                          "application/json\r\nX-Ayni-Signature: %s\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s",
                          sig, strlen(body), body);
    assert_int_equal(write(c, req, strlen(req)), (ssize_t)strlen(req));
    char buf[256] = "";
    ssize_t k = read(c, buf, sizeof buf - 1);
    close(c);
    free(req);
    int status = 0;
    assert_true(k > 12 && sscanf(buf, "HTTP/1.1 %d", &status) == 1);
    return status;
}

/* The rows of hook id's log (wh --json webhook log) whose error holds needle. */
static size_t
s_log_errors(struct e2e *e, const char *id, const char *needle)
{
    json_t *log = wh_json(e, 0, "webhook", "log", id, NULL), *a;
    size_t i, n = 0;
    json_array_foreach(log, i, a) {
        const char *err = json_string_value(json_object_get(a, "error"));
        n += err && strstr(err, needle);
    }
    json_decref(log);
    return n;
}

static void
test_deliveries_in_order_after_an_outage(void **state)
{
    struct e2e *e = *state;
    e2e_seed(e);
    struct web w = {.e = e};
    web_start(&w, NULL, NULL);
    struct receiver r = {.fd = -1, .got = json_array()};
    pthread_mutex_init(&r.lock, NULL);
    s_recv_start(&r);

    char *url = xasprintf("http://127.0.0.1:%u/hooks/ayni", r.port);
    json_t *h = wh_json(e, 0, "webhook", "add", url, "--events", "delivery.*,stock.*", "--name",
                        "Panel DHIS2", NULL);
    snprintf(r.secret, sizeof r.secret, "%s", json_string_value(json_object_get(h, "secret")));
    assert_int_equal(strlen(r.secret), 64);
    long long id = json_integer_value(json_object_get(h, "id"));
    long long start = json_integer_value(json_object_get(h, "delivered"));
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    /* a hook that always fails (nothing listens on port 1) holds back no other */
    json_t *dead = wh_json(e, 0, "webhook", "add", "http://127.0.0.1:1/dead", NULL);
    char dead_id[24];
    snprintf(dead_id, sizeof dead_id, "%lld",
             (long long)json_integer_value(json_object_get(dead, "id")));
    json_decref(dead);

    /* events of the day through the real tools: receipts, a dispatch, a confirmation */
    s_receive(e, "L-2", "40");
    json_t *d = e2e_dispatch_sample(e);
    json_decref(e2e_ok(e, "delivery.confirm",
                       e2e_pack("{sO ss}", "token",
                                json_object_get(json_array_get(json_object_get(d, "packages"), 0),
                                                "token"),
                                "scan_id", "scan-1")));
    s_receive(e, "L-3", "15");
    json_t *want = s_expected(e, start);
    assert_true(json_array_size(want) >= 3);
    s_expect_got(&r, want, E2E_WAIT_MS);
    json_decref(want);
    assert_true(s_log_errors(e, dead_id, "connect") >= 1);

    /* the receiver goes down; events are made meanwhile and the attempts fail */
    s_recv_stop(&r);
    size_t before = s_got(&r);
    s_receive(e, "L-4", "5");
    json_decref(e2e_ok(e, "delivery.confirm",
                       e2e_pack("{sO ss}", "token", json_object_get(d, "token"), "scan_id",
                                "scan-2")));
    s_receive(e, "L-5", "7");
    json_decref(d);
    e2e_nap(3500); /* attempts at 0, 1 and 3 s at least */
    json_t *log = wh_json(e, 0, "webhook", "log", ids, NULL);
    size_t failed = 0, i;
    json_t *a;
    json_array_foreach(log, i, a)
        failed += !json_is_true(json_object_get(a, "ok")) && json_integer_value(json_object_get(a, "status")) == 0;
    if (failed < 2)
        fail_msg("the log shows %zu failed attempts while the receiver was down", failed);
    json_decref(log);
    char *text = wh_expect(e, 0, "webhook", "log", ids, NULL);
    WH_HAS(text, "fallido");
    WH_HAS(text, "entregado");
    free(text);
    assert_int_equal(s_got(&r), before);

    /* up again: every missed event once, in order, after the back-off (at most 8 s) */
    s_recv_start(&r);
    want = s_expected(e, start);
    s_expect_got(&r, want, 20000);
    json_t *list = wh_json(e, 0, "webhook", "list", NULL);
    assert_true(json_integer_value(json_object_get(json_array_get(list, 0), "delivered")) >=
                json_integer_value(json_array_get(want, json_array_size(want) - 1)));
    json_decref(want);
    assert_true(json_is_true(json_object_get(json_object_get(json_array_get(list, 0), "last"),
                                             "ok")));
    json_decref(list);

    /* a tampered body is refused, its signature being the genuine one's */
    const char *body = "{\"seq\":1,\"type\":\"stock.received\",\"qty\":40}";
    char sig[80], hex[65];
    unsigned char key[32], mac[32];
    sodium_hex2bin(key, 32, r.secret, 64, NULL, NULL, NULL);
    crypto_auth_hmacsha256(mac, (const unsigned char *)body, strlen(body), key);
    sodium_bin2hex(hex, sizeof hex, mac, 32);
    snprintf(sig, sizeof sig, "sha256=%s", hex);
    size_t now = s_got(&r);
    assert_int_equal(s_post_raw(&r, "{\"seq\":1,\"type\":\"stock.received\",\"qty\":4000}", sig),
                     401);
    assert_int_equal(s_post_raw(&r, body, "sha256=00"), 401);
    assert_int_equal(s_got(&r), now);
    assert_int_equal(r.refused, 2);

    web_stop(&w); /* at once, exit 0, even with a hook registered */
    s_recv_stop(&r);
    json_decref(r.got);
    json_decref(h);
    free(url);
}

/* https to a certificate the system does not trust (the gateway's own self-signed one)
 * fails, with TLS named in the log; and with an attempt in flight to a receiver that never
 * answers, SIGTERM stops the gateway at once. */
static void
test_tls_refused_and_prompt_stop(void **state)
{
    struct e2e *e = *state;
    e2e_seed(e);
    struct web w = {.e = e};
    web_start(&w, NULL, NULL);
    char *tls_url = xasprintf("%s/api/v1/hook", w.url);
    json_t *h1 = wh_json(e, 0, "webhook", "add", tls_url, "--events", "stock.*", NULL);
    char id1[24];
    snprintf(id1, sizeof id1, "%lld", (long long)json_integer_value(json_object_get(h1, "id")));
    s_receive(e, "L-2", "10");
    long start = e2e_now_ms();
    while (s_log_errors(e, id1, "TLS") == 0 && e2e_now_ms() - start < E2E_WAIT_MS)
        e2e_nap(200);
    assert_true(s_log_errors(e, id1, "TLS") >= 1);

    /* a receiver that takes connections (the kernel's backlog) and never answers */
    int silent = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(silent, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(silent, 16), 0);
    socklen_t al = sizeof a;
    getsockname(silent, (struct sockaddr *)&a, &al);
    char *url = xasprintf("http://127.0.0.1:%u/hooks/ayni", ntohs(a.sin_port));
    json_t *h2 = wh_json(e, 0, "webhook", "add", url, NULL);
    s_receive(e, "L-3", "10");
    e2e_nap(1500); /* its attempt is in flight: 10 s before it times out */
    long t0 = e2e_now_ms();
    web_stop(&w);
    long took = e2e_now_ms() - t0;
    if (took > 3000)
        fail_msg("ayni-web took %ld ms to stop with an attempt in flight", took);
    close(silent);
    json_decref(h1);
    json_decref(h2);
    free(url);
    free(tls_url);
}

/* The CLI: the secret once, with the warning; list, remove, and clear refusals. */
static void
test_cli(void **state)
{
    struct e2e *e = *state;
    char *out = wh_expect(e, 0, "webhook", "add", "http://127.0.0.1:9/x", NULL);
    WH_HAS(out, "secreto");
    WH_HAS(out, "no se volverá a mostrar");
    free(out);
    out = wh_expect(e, 0, "webhook", "list", NULL);
    WH_HAS(out, "http://127.0.0.1:9/x");
    WH_HASNT(out, "secreto");
    free(out);
    char *err = wh_expect_err(e, 2, "webhook", "add", "ftp://127.0.0.1/x", NULL);
    WH_HAS(err, "http://");
    free(err);
    err = wh_expect_err(e, 2, "webhook", "add", "http://127.0.0.1:9/x", "--events", "nada.*",
                        NULL);
    WH_HAS(err, "nada.*");
    free(err);
    err = wh_expect_err(e, 2, "webhook", "remove", "uno", NULL);
    WH_HAS(err, "uno");
    free(err);
    out = wh_expect(e, 0, "webhook", "remove", "1", NULL);
    WH_HAS(out, "http://127.0.0.1:9/x");
    free(out);
    err = wh_expect_err(e, 1, "webhook", "remove", "1", NULL);
    free(err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_deliveries_in_order_after_an_outage, e2e_setup,
                                        e2e_teardown),
        cmocka_unit_test_setup_teardown(test_tls_refused_and_prompt_stop, e2e_setup,
                                        e2e_teardown),
        cmocka_unit_test_setup_teardown(test_cli, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests_name("web_hooks", tests, NULL, NULL);
}
