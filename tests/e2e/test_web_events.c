/* test_web_events.c: ayni-web's event stream end to end (docs/WEB.md, "The event
 * stream"): a real aynid and a real ayni-web, read with curl --no-buffer pinned to the
 * gateway's certificate.  A coordinator's browser enrols as a reader and gets the replay
 * then the live events, in order, with no gap and no duplicate when an event is made while
 * it reads, each within a second; Last-Event-ID resumes exactly; a phone sees only its
 * team's shipments' events (with a ticket, as EventSource does); no secret, a wrong one, a
 * bad ticket, a disabled device are refused, and a stream open when its device is disabled
 * ends; the most streams at once get a 503; the gateway answers other requests meanwhile;
 * a quiet stream gets its keepalive; and SIGTERM with streams open stops it at once with
 * exit 0.  Loopback only. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "mem.h"
#include "secure.h"
#include "web_cli.h"

extern char **environ;

/* One stream read by curl into a file. */
struct reader {
    pid_t pid;
    char *out, *err;
};

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ayni-web with at most streams streams, as the gateway of provision (NULL: none, an
 * aynid run --insecure). */
static void
s_web_start_as(struct web *w, const char *streams, const char *provision)
{
    const char *extra[] = {"--streams", streams, provision ? "--provision" : NULL, provision,
                           NULL};
    web_start(w, NULL, extra);
}

static void
s_web_start(struct web *w, const char *streams)
{
    s_web_start_as(w, streams, NULL);
}

/* curl with args (a shell fragment) to path: its output (a new string), the HTTP status
 * in *status. */
static char *
s_curl(struct web *w, const char *args, const char *path, long *status)
{
    char *body = xasprintf("%s/curl.body", w->e->dir);
    char *cmd = xasprintf("curl -s --max-time 20 --cacert '%s' %s -o '%s' -w '%%{http_code}' "
                          "'%s%s'", w->cert, args, body, w->url, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *code = e2e_read_all(p);
    pclose(p);
    *status = strtol(code, NULL, 10);
    char *text = e2e_slurp(body);
    free(code);
    free(cmd);
    free(body);
    return text;
}

/* A stream of path read by curl --no-buffer in the background, with header (NULL: none). */
static struct reader
s_read_start(struct web *w, const char *path, const char *header, const char *header2)
{
    static unsigned n;
    struct reader r = {0};
    r.out = xasprintf("%s/stream-%u.txt", w->e->dir, n);
    r.err = xasprintf("%s/stream-%u.err", w->e->dir, n++);
    char *url = xasprintf("%s%s", w->url, path);
    const char *argv[12] = {"/usr/bin/curl", "-s", "-N", "--cacert", w->cert, url};
    int i = 6;
    if (header)
        argv[i++] = "-H", argv[i++] = header;
    if (header2)
        argv[i++] = "-H", argv[i++] = header2;
    r.pid = e2e_spawn(argv, NULL, r.out, r.err, environ);
    free(url);
    return r;
}

/* Stop the reader (if it still runs) and free it. */
static void
s_read_stop(struct reader *r)
{
    if (r->pid && waitpid(r->pid, NULL, WNOHANG) == 0) {
        kill(r->pid, SIGTERM);
        waitpid(r->pid, NULL, 0);
    }
    free(r->out);
    free(r->err);
}

/* The stream's text once it holds "id: seq\n" (waiting up to E2E_WAIT_MS); a new string.
 * *ms: how long it took, if not NULL. */
static char *
s_wait_id(struct reader *r, long long seq, long *ms)
{
    char want[48];
    snprintf(want, sizeof want, "id: %lld\n", seq);
    long start = e2e_now_ms();
    for (;;) {
        char *text = e2e_slurp(r->out);
        if (strstr(text, want)) {
            if (ms)
                *ms = e2e_now_ms() - start;
            return text;
        }
        if (e2e_now_ms() - start > E2E_WAIT_MS)
            fail_msg("no event %lld on the stream: %s", seq, text);
        free(text);
        e2e_nap(5);
    }
}

/* Wait until the stream has begun (its first line is there): it has its start seq. */
static void
s_wait_open(struct reader *r)
{
    long start = e2e_now_ms();
    for (;;) {
        char *text = e2e_slurp(r->out);
        bool open = strstr(text, "retry: ") != NULL;
        if (!open && e2e_now_ms() - start > E2E_WAIT_MS)
            fail_msg("the stream did not open: %s", text);
        free(text);
        if (open)
            return;
        e2e_nap(5);
    }
}

/* The ids of the events in text, in order, into ids (at most max); how many. */
static size_t
s_ids(const char *text, long long *ids, size_t max)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, "id: ")) && n < max; p += 4)
        if (p == text || p[-1] == '\n')
            ids[n++] = strtoll(p + 4, NULL, 10);
    return n;
}

/* Require that ids run from first to last, one by one. */
static void
s_expect_run(const long long *ids, size_t n, long long first, long long last)
{
    assert_int_equal(n, (size_t)(last - first + 1));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ids[i], first + (long long)i);
}

static void
s_donor(struct e2e *e, const char *code)
{
    json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", code, "name", code)));
}

static void
test_reader_replay_live_and_resume(void **state)
{
    struct web w = {.e = *state};
    e2e_seed(w.e);
    s_web_start(&w, "8");
    char *auth = web_enrol(&w, "laptop-1", "reader", NULL, NULL);
    char *bearer = xasprintf("Authorization: Bearer %s", auth);
    long long head = e2e_head(w.e);
    struct reader r = s_read_start(&w, "/api/v1/events?since=0", bearer, NULL);
    free(s_wait_id(&r, head, NULL)); /* the replay */
    /* events made while it reads arrive live, each within a second */
    for (int i = 0; i < 3; i++) {
        char code[16];
        snprintf(code, sizeof code, "LIVE-%d", i);
        s_donor(w.e, code);
        long ms = 0;
        free(s_wait_id(&r, head + 1 + i, &ms));
        if (ms > 1000)
            fail_msg("event %lld took %ld ms to reach the stream", head + 1 + i, ms);
    }
    /* meanwhile the gateway answers other requests */
    long status = 0;
    json_t *info = web_post(&w, "server.info", auth, NULL, &status);
    assert_int_equal(status, 200);
    json_decref(info);
    char *text = s_wait_id(&r, head + 3, NULL);
    long long ids[512];
    s_expect_run(ids, s_ids(text, ids, 512), 1, head + 3); /* no gap, no duplicate */
    assert_non_null(strstr(text, "event: donor.added\ndata: {"));
    assert_non_null(strstr(text, "\"code\":\"LIVE-2\""));
    free(text);
    s_read_stop(&r);

    /* reconnecting with Last-Event-ID resumes exactly after it, then live again */
    char last[48];
    snprintf(last, sizeof last, "Last-Event-ID: %lld", head - 2);
    r = s_read_start(&w, "/api/v1/events", bearer, last);
    free(s_wait_id(&r, head + 3, NULL));
    s_donor(w.e, "AFTER");
    text = s_wait_id(&r, head + 4, NULL);
    s_expect_run(ids, s_ids(text, ids, 512), head - 1, head + 4);
    free(text);
    s_read_stop(&r);
    /* with neither, it starts at the head: live only; a topic keeps only its types */
    r = s_read_start(&w, "/api/v1/events?topic=item.", bearer, NULL);
    struct reader all = s_read_start(&w, "/api/v1/events", bearer, NULL);
    s_wait_open(&r);
    s_wait_open(&all);
    s_donor(w.e, "SKIPPED");
    json_decref(e2e_ok(w.e, "item.add",
                       e2e_pack("{ss ss ss ss}", "code", "SOAP", "name_es", "Jabón", "name_en",
                                "Soap", "tracking", "lot")));
    text = s_wait_id(&all, head + 6, NULL);
    s_expect_run(ids, s_ids(text, ids, 512), head + 5, head + 6);
    free(text);
    text = s_wait_id(&r, head + 6, NULL);
    s_expect_run(ids, s_ids(text, ids, 512), head + 6, head + 6);
    assert_null(strstr(text, "donor.added"));
    free(text);
    s_read_stop(&r);
    s_read_stop(&all);
    free(bearer);
    free(auth);
    web_stop(&w);
}

/* A shipment from ALM-LIMA to COM-0042 for team, dispatched: its dispatch result. */
static json_t *
s_shipment(struct e2e *e, const char *team)
{
    json_t *s = e2e_ok(e, "shipment.create", e2e_pack("{ss ss ss}", "from", "ALM-LIMA", "to",
                                                      "COM-0042", "team", team));
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", s_str(s, "code"), "item",
                                "FOOD-KIT", "qty", 5, "packages", 1)));
    json_t *d = e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", s_str(s, "code")));
    json_decref(s);
    return d;
}

static void
test_scanner_sees_its_team(void **state)
{
    struct web w = {.e = *state};
    e2e_seed(w.e);
    json_t *mine = s_shipment(w.e, "Equipo Web"), *other = s_shipment(w.e, "Equipo Otro");
    s_web_start(&w, "8");
    char *auth = web_enrol(&w, "phone-1", "scanner", "Equipo Web", NULL);
    /* EventSource sends no header: a ticket from POST events.ticket, in the URL */
    long status = 0;
    json_t *t = web_post(&w, "events.ticket", auth, NULL, &status);
    assert_int_equal(status, 200);
    json_t *res = json_object_get(t, "result");
    assert_int_equal(json_integer_value(json_object_get(res, "expires_in")), 60);
    char *path = xasprintf("/api/v1/events?since=0&ticket=%s", s_str(res, "ticket"));
    assert_null(strstr(s_str(res, "ticket"), strchr(auth, ':') + 1)); /* sealed, not shown */
    struct reader r = s_read_start(&w, path, NULL, NULL);
    /* its own delivery, confirmed through the gateway: live on its stream */
    const char *token = s_str(json_array_get(json_object_get(mine, "packages"), 0), "token");
    json_t *c = web_post(&w, "delivery.confirm", auth,
                         e2e_pack("{ss ss}", "token", token, "scan_id", "ev-scan-1"), &status);
    assert_int_equal(status, 200);
    json_decref(c);
    long long head = e2e_head(w.e);
    char *text = s_wait_id(&r, head, NULL);
    /* its team's shipment only: created, line added, dispatched, then the delivery's */
    char *want = xasprintf("\"shipment\":\"%s\"", s_str(mine, "code"));
    char *not = xasprintf("\"shipment\":\"%s\"", s_str(other, "code"));
    assert_non_null(strstr(text, want));
    assert_null(strstr(text, not));
    assert_null(strstr(text, "event: stock.received"));
    assert_null(strstr(text, "event: donor.added"));
    assert_non_null(strstr(text, "event: shipment.dispatched"));
    assert_non_null(strstr(text, "event: delivery.confirmed"));
    long long ids[64];
    size_t n = s_ids(text, ids, 64);
    for (const char *p = text; (p = strstr(p, "\ndata: ")); p++) {
        const char *end = strchr(p + 1, '\n');
        char *line = xstrndup(p + 7, (size_t)(end - p - 7));
        if (!strstr(line, want))
            fail_msg("the phone saw an event not of its team: %s", line);
        free(line);
    }
    for (size_t i = 1; i < n; i++)
        assert_true(ids[i] > ids[i - 1]);
    free(text);
    s_read_stop(&r);
    /* a ticket is this gateway's: altered, it opens nothing */
    free(path);
    path = xasprintf("/api/v1/events?ticket=%sA", s_str(res, "ticket"));
    char *got = s_curl(&w, "", path, &status);
    assert_int_equal(status, 401);
    assert_non_null(strstr(got, "ticket"));
    free(got);
    json_decref(t);
    free(path);
    free(want);
    free(not);
    free(auth);
    json_decref(mine);
    json_decref(other);
    web_stop(&w);
}

static void
test_refusals_and_disabled(void **state)
{
    struct web w = {.e = *state};
    e2e_seed(w.e);
    s_web_start(&w, "2");
    char *auth = web_enrol(&w, "laptop-2", "reader", NULL, NULL);
    char *bearer = xasprintf("-H 'Authorization: Bearer %s'", auth);
    long status = 0;
    char *got = s_curl(&w, "", "/api/v1/events", &status);
    assert_int_equal(status, 401);
    assert_non_null(strstr(got, "forbidden"));
    free(got);
    char *wrong = xstrdup(bearer);
    wrong[strlen(wrong) - 3] = wrong[strlen(wrong) - 3] == 'A' ? 'B' : 'A';
    free(s_curl(&w, wrong, "/api/v1/events", &status));
    assert_int_equal(status, 401);
    free(s_curl(&w, bearer, "/api/v1/events?since=-1", &status));
    assert_int_equal(status, 400);
    free(s_curl(&w, "-X POST", "/api/v1/events", &status));
    assert_int_equal(status, 405);

    /* the most streams at once: the next is 503, and other requests still work */
    char *hdr = xasprintf("Authorization: Bearer %s", auth);
    struct reader a = s_read_start(&w, "/api/v1/events?since=0", hdr, NULL);
    struct reader b = s_read_start(&w, "/api/v1/events?since=0", hdr, NULL);
    long long head = e2e_head(w.e);
    free(s_wait_id(&a, head, NULL));
    free(s_wait_id(&b, head, NULL));
    got = s_curl(&w, bearer, "/api/v1/events", &status);
    assert_int_equal(status, 503);
    assert_non_null(strstr(got, "too many event streams"));
    free(got);
    json_t *info = web_post(&w, "server.info", auth, NULL, &status);
    assert_int_equal(status, 200);
    json_decref(info);

    /* disabled meanwhile: both streams end, saying why; then 403 */
    json_decref(e2e_ok(w.e, "device.disable", e2e_pack("{ss}", "name", "laptop-2")));
    assert_int_equal(e2e_reap(a.pid, 5000, "a stream of a disabled device"), 0);
    assert_int_equal(e2e_reap(b.pid, 5000, "a stream of a disabled device"), 0);
    a.pid = b.pid = 0;
    char *text = e2e_slurp(a.out);
    assert_non_null(strstr(text, "event: error\ndata: {\"code\":\"forbidden\""));
    free(text);
    got = s_curl(&w, bearer, "/api/v1/events", &status);
    assert_int_equal(status, 403);
    free(got);
    s_read_stop(&a);
    s_read_stop(&b);
    assert_int_equal(kill(w.pid, 0), 0);
    free(hdr);
    free(wrong);
    free(bearer);
    free(auth);
    web_stop(&w);
}

static void
test_sigterm_with_streams_open(void **state)
{
    struct web w = {.e = *state};
    e2e_seed(w.e);
    s_web_start(&w, "8");
    char *auth = web_enrol(&w, "laptop-3", "reader", NULL, NULL);
    char *hdr = xasprintf("Authorization: Bearer %s", auth);
    struct reader r[3];
    long long head = e2e_head(w.e);
    for (int i = 0; i < 3; i++)
        r[i] = s_read_start(&w, "/api/v1/events?since=0", hdr, NULL);
    for (int i = 0; i < 3; i++)
        free(s_wait_id(&r[i], head, NULL));
    /* a quiet stream gets a comment line every 15 s (and its device is checked again) */
    long start = e2e_now_ms();
    for (;;) {
        char *text = e2e_slurp(r[0].out);
        bool kept = strstr(text, "\n: keepalive\n\n") != NULL;
        free(text);
        if (kept)
            break;
        if (e2e_now_ms() - start > 17000)
            fail_msg("no keepalive on a quiet stream in 17 s");
        e2e_nap(100);
    }
    start = e2e_now_ms();
    kill(w.pid, SIGTERM);
    assert_int_equal(e2e_reap(w.pid, 5000, "ayni-web with streams open"), 0);
    if (e2e_now_ms() - start > 3000)
        fail_msg("ayni-web took %ld ms to stop with streams open", e2e_now_ms() - start);
    for (int i = 0; i < 3; i++) {
        e2e_reap(r[i].pid, 5000, "a stream of a stopped gateway");
        r[i].pid = 0;
        s_read_stop(&r[i]);
    }
    free(w.url);
    free(w.cert);
    free(w.log);
    free(w.app);
    free(hdr);
    free(auth);
}

/* A secure aynid: the gateway subscribes with its own CURVE keys (a SUB socket without
 * them is not admitted), and a reader enrolled through it gets the live events. */
static void
test_secure_gateway(void **state)
{
    struct e2e_secure *sec = *state;
    struct web w = {.e = sec->e};
    struct proto_provision gw = e2e_device(sec, "web-1", "gateway", NULL);
    char *file = xasprintf("%s/web-1.json", sec->e->dir), err[512];
    assert_int_equal(proto_provision_write(file, &gw, err, sizeof err), 0);
    s_web_start_as(&w, "8", file);
    struct proto_curve admin = e2e_curve(&sec->admin);
    json_t *c = NULL, *info = NULL;
    assert_int_equal(e2e_call_as(sec, &admin, "device.enrol_code",
                                 e2e_pack("{ss ss}", "name", "laptop-9", "role", "reader"), &c,
                                 NULL, 0), 0);
    long status = 0;
    json_t *r = web_post(&w, "device.enrol", NULL, e2e_pack("{ss}", "code", s_str(c, "code")),
                         &status);
    assert_int_equal(status, 200);
    json_t *res = json_object_get(r, "result");
    char *hdr = xasprintf("Authorization: Bearer %s:%s", s_str(res, "name"),
                          s_str(res, "secret"));
    assert_int_equal(e2e_call_as(sec, &admin, "server.info", NULL, &info, NULL, 0), 0);
    long long head = json_integer_value(json_object_get(json_object_get(info, "events"), "head"));
    struct reader rd = s_read_start(&w, "/api/v1/events?since=0", hdr, NULL);
    free(s_wait_id(&rd, head, NULL));
    assert_int_equal(e2e_call_as(sec, &admin, "donor.add",
                                 e2e_pack("{ss ss}", "code", "SEC", "name", "Seguro"), NULL,
                                 NULL, 0), 0);
    long ms = 0;
    char *text = s_wait_id(&rd, head + 1, &ms);
    if (ms > 1000)
        fail_msg("the event took %ld ms to reach the stream", ms);
    long long ids[64];
    s_expect_run(ids, s_ids(text, ids, 64), 1, head + 1);
    free(text);
    /* both of the gateway's sockets were admitted (a refusal is in aynid's log) */
    assert_false(e2e_log_has(sec->e, "connection refused"));
    s_read_stop(&rd);
    web_stop(&w);
    free(hdr);
    json_decref(r);
    json_decref(c);
    json_decref(info);
    free(file);
}

int
main(void)
{
    setenv("AYNI_LANG", "en", 1); /* the messages checked are the English ones */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reader_replay_live_and_resume, e2e_setup,
                                        e2e_teardown),
        cmocka_unit_test_setup_teardown(test_scanner_sees_its_team, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_refusals_and_disabled, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_sigterm_with_streams_open, e2e_setup, e2e_teardown),
        E2E_SECURE_TEST(test_secure_gateway),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
