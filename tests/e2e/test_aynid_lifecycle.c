/* test_aynid_lifecycle.c: starting, stopping and restarting aynid: a clean stop publishes
 * every committed event and exits 0; a restart (after a stop or a crash) keeps the data,
 * the event seq and the signing key; aynid refuses to start, with a clear message and a
 * non-zero status, on a database it cannot use or an endpoint that is taken.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "mem.h"

static int
s_setup(void **state)
{
    *state = e2e_new();
    return 0;
}

static json_t *
s_get(json_t *o, const char *path)
{
    /* "a.b": o["a"]["b"] */
    char key[64];
    const char *dot;
    while ((dot = strchr(path, '.'))) {
        snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
        o = json_object_get(o, key);
        path = dot + 1;
    }
    return json_object_get(o, path);
}

/* Stop, start again on the same files: everything is still there, seq goes on, and a
 * token issued before the restart still verifies.  Stopping added one event: the signed
 * checkpoint of the head it had (docs/PROOF.md). */
static void
test_restart_keeps_everything(void **state)
{
    struct e2e *e = *state;
    e2e_start(e);
    e2e_seed(e);
    json_t *d = e2e_dispatch_sample(e);
    json_t *info1 = e2e_ok(e, "server.info", NULL);
    json_t *levels1 = e2e_ok(e, "stock.levels", NULL);
    long long head = json_integer_value(s_get(info1, "events.head"));
    assert_int_equal(e2e_stop(e), 0);
    assert_true(e2e_log_has(e, "every committed event is published"));

    e2e_start(e);
    json_t *info2 = e2e_ok(e, "server.info", NULL);
    assert_true(json_equal(s_get(info1, "signing_key"), s_get(info2, "signing_key")));
    assert_int_equal(json_integer_value(s_get(info2, "events.head")), head + 1);
    json_t *cp = e2e_ok(e, "events.since", e2e_pack("{sI}", "since", (json_int_t)head));
    json_t *last = json_array_get(json_object_get(cp, "events"), 0);
    assert_string_equal(json_string_value(json_object_get(last, "type")), "ledger.checkpoint");
    assert_int_equal(json_integer_value(s_get(last, "checkpoint.seq")), head);
    assert_true(json_equal(s_get(last, "checkpoint.hash"), s_get(info1, "events.hash")));
    assert_true(json_equal(s_get(last, "hash"), s_get(info2, "events.hash")));
    json_decref(cp);
    json_t *levels2 = e2e_ok(e, "stock.levels", NULL);
    assert_true(json_equal(levels1, levels2));
    json_t *s = e2e_ok(e, "shipment.get", e2e_pack("{sO}", "shipment", json_object_get(d, "code")));
    assert_string_equal(json_string_value(json_object_get(s, "token")),
                        json_string_value(json_object_get(d, "token")));

    /* The old slip's token confirms the delivery; the new events follow on. */
    json_t *r = e2e_ok(e, "delivery.confirm",
                       e2e_pack("{sO ss}", "token", json_object_get(d, "token"), "scan_id", "s1"));
    assert_string_equal(json_string_value(json_object_get(r, "shipment_state")), "delivered");
    json_t *ev = e2e_ok(e, "events.since", e2e_pack("{sI}", "since", (json_int_t)head + 1));
    assert_int_equal(json_integer_value(s_get(json_array_get(json_object_get(ev, "events"), 0),
                                              "seq")),
                     head + 2);
    json_t *v = e2e_ok(e, "ledger.verify", NULL);
    assert_true(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    json_decref(ev);
    json_decref(r);
    json_decref(s);
    json_decref(levels1);
    json_decref(levels2);
    json_decref(info1);
    json_decref(info2);
    json_decref(d);
}

/* SIGKILL: on restart (on the same ipc:// paths, whose files the dead process left) the
 * committed data is whole and the chain intact. */
static void
test_restart_after_crash(void **state)
{
    struct e2e *e = *state;
    e2e_start(e);
    e2e_seed(e);
    long long head = e2e_head(e);
    e2e_kill(e);
    e2e_start(e);
    assert_int_equal(e2e_head(e), head);
    json_t *v = e2e_ok(e, "ledger.verify", NULL);
    assert_true(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    json_t *levels = e2e_ok(e, "stock.levels", e2e_pack("{ss}", "at", "ALM-LIMA"));
    assert_int_equal(json_array_size(levels), 2);
    json_decref(levels);
    json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", "D2", "name", "d")));
    assert_int_equal(e2e_head(e), head + 1);
}

/* SIGTERM right after the last reply: aynid exits 0 and every committed event reaches a
 * subscriber, in order, none twice: the last one the checkpoint made on stopping. */
static void
test_sigterm_publishes_everything(void **state)
{
    struct e2e *e = *state;
    e2e_start(e);
    void *sub = e2e_sub(e, "");
    long long first = e2e_sub_ready(e, sub);
    enum { N = 60 };
    for (int i = 0; i < N; i++) {
        char code[16];
        snprintf(code, sizeof code, "D%d", i);
        json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", code, "name", "d")));
    }
    long long head = e2e_head(e) + 1; /* and the checkpoint on stopping */
    assert_int_equal(e2e_stop(e), 0);
    char *said = xasprintf("every committed event is published (seq %lld)", head);
    assert_true(e2e_log_has(e, said));
    free(said);

    long long want = first + 1;
    json_t *ev;
    while ((ev = e2e_sub_next(sub, 500))) { /* until half a second passes with nothing */
        long long seq = json_integer_value(json_object_get(ev, "seq"));
        if (seq == head)
            assert_string_equal(json_string_value(json_object_get(ev, "type")),
                                "ledger.checkpoint");
        json_decref(ev);
        if (seq <= first)
            continue; /* probes published before the subscription was known to work */
        assert_int_equal(seq, want);
        want++;
    }
    assert_int_equal(want - 1, head);
    e2e_close(e, &sub);
}

/* SIGINT while idle (every event already received) stops it as cleanly as SIGTERM: what
 * it still owes is the checkpoint of the probes' events, and nothing else. */
static void
test_sigint_while_idle(void **state)
{
    struct e2e *e = *state;
    e2e_start(e);
    void *sub = e2e_sub(e, "");
    long long seq = e2e_sub_ready(e, sub), head = e2e_head(e);
    while (seq < head) { /* a later probe may still be on its way */
        json_t *ev = e2e_sub_next(sub, E2E_WAIT_MS);
        assert_non_null(ev);
        seq = json_integer_value(json_object_get(ev, "seq"));
        json_decref(ev);
    }
    assert_int_equal(e2e_stop_with(e, SIGINT), 0);
    json_t *cp = e2e_sub_next(sub, E2E_WAIT_MS);
    assert_non_null(cp);
    assert_string_equal(json_string_value(json_object_get(cp, "type")), "ledger.checkpoint");
    assert_int_equal(json_integer_value(json_object_get(cp, "seq")), seq + 1);
    json_decref(cp);
    assert_null(e2e_sub_next(sub, 200)); /* nothing more was owed */
    e2e_close(e, &sub);
    e2e_start(e);
    assert_int_equal(e2e_head(e), seq + 1);
}

/* Write a big-endian 32-bit value at offset of a file. */
static void
s_poke_be32(const char *path, long offset, uint32_t value)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    unsigned char b[4] = {value >> 24, value >> 16, value >> 8, value};
    assert_int_equal(fseek(f, offset, SEEK_SET), 0);
    assert_int_equal(fwrite(b, 1, 4, f), 4);
    assert_int_equal(fclose(f), 0);
}

static void
s_refused(struct e2e *e, const char *const *extra, const char *message)
{
    int rc = e2e_start_args(e, extra);
    char *log = e2e_log(e);
    if (rc == 0) {
        e2e_stop(e);
        fail_msg("aynid started but should have refused; its log:\n%s", log);
    }
    if (!strstr(log, message))
        fail_msg("aynid exited %d without saying '%s'; its log:\n%s", rc, message, log);
    assert_int_equal(rc, 1);
    assert_false(strstr(log, "aynid ready api="));
    free(log);
}

static void
test_refuses_bad_database(void **state)
{
    struct e2e *e = *state;
    /* A folder that does not exist, a folder instead of a file, a file that is not a
     * database. */
    char *missing = xasprintf("%s/no/such/dir/ayni.db", e->dir);
    s_refused(e, (const char *[]){"--db", missing, NULL}, "cannot open");
    free(missing);
    s_refused(e, (const char *[]){"--db", e->dir, NULL}, "cannot open");
    char *junk = xasprintf("%s/junk.db", e->dir);
    FILE *f = fopen(junk, "w");
    for (int i = 0; i < 200; i++)
        fputs("this is not a database ", f);
    fclose(f);
    s_refused(e, (const char *[]){"--db", junk, NULL}, "not a database");
    free(junk);

    /* A database written by a newer Ayni (PRAGMA user_version is at byte 60 of the
     * header).  After a clean stop the WAL is checkpointed away, so the header is final. */
    e2e_start(e);
    assert_int_equal(e2e_stop(e), 0);
    char *wal = xasprintf("%s-wal", e->db);
    struct stat st;
    assert_true(stat(wal, &st) != 0 || st.st_size == 0);
    free(wal);
    s_poke_be32(e->db, 60, 999);
    s_refused(e, NULL, "schema version 999");
}

/* A TCP port on 127.0.0.1 that this process listens on; the socket is in *fd. */
static int
s_listen_tcp(int *fd)
{
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(*fd, 1), 0);
    socklen_t len = sizeof a;
    getsockname(*fd, (struct sockaddr *)&a, &len);
    return ntohs(a.sin_port);
}

static void
test_refuses_taken_endpoints(void **state)
{
    struct e2e *e = *state;
    e2e_start(e);
    struct e2e *other = e2e_new();

    /* Another aynid's request or event endpoint, or its database. */
    s_refused(other, (const char *[]){"--api", e->api, NULL}, e->api);
    assert_true(e2e_log_has(other, "another aynid"));
    e2e_alive(e); /* the first one still has its socket */
    s_refused(other, (const char *[]){"--events", e->events, NULL}, e->events);
    s_refused(other, (const char *[]){"--db", e->db, NULL}, "in use by another aynid");
    e2e_alive(e);

    /* A TCP port someone else listens on. */
    int fd;
    char *endpoint = xasprintf("tcp://127.0.0.1:%d", s_listen_tcp(&fd));
    s_refused(other, (const char *[]){"--api", endpoint, NULL}, "cannot listen");
    assert_true(e2e_log_has(other, endpoint));
    close(fd);
    free(endpoint);

    /* Wrong usage is status 2. */
    assert_int_equal(e2e_start_args(other, (const char *[]){"--bogus", NULL}), 2);
    e2e_destroy(&other);
    e2e_alive(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_restart_keeps_everything, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_restart_after_crash, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_sigterm_publishes_everything, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_sigint_while_idle, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_bad_database, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_refuses_taken_endpoints, s_setup, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
