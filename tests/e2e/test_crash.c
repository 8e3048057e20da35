/* test_crash.c: kill aynid at random moments, many times over, while clients work; then
 * prove that nothing acknowledged was lost or doubled, nothing half-done is visible, and
 * a subscriber that stayed connected has every event once, in order (DESIGN.md 9).
 *
 * The test binary plays every part.  Run as `test_crash --crash-client ROLE ...` it is
 * one client process: the warehouse (receives, transfers, creates and dispatches
 * shipments, handing each package's token to a scanner through a file), a scanner
 * (confirms the packages it is handed, some short; repeats some scan ids; rescans some
 * packages under a new id), or the subscriber (one SUB socket for the whole run, filling
 * every gap with events.since and asking again whenever it is idle).  Clients resend a
 * call that timed out with the same idempotency key or scan id, or now and then give up
 * on it; each writes every answer it got (and every call it gave up on) to its log.  The
 * parent SIGKILLs and restarts aynid at seeded random moments, stops the clients, and
 * checks the logs against the database, ledger.verify and the event stream.
 *
 * Environment: AYNI_SEED (default 1), AYNI_CRASH_KILLS (default 50), AYNI_CRASH_SCANNERS
 * (default 3).  The seed fixes the kill schedule and every client's choices; which
 * request a kill lands on is up to the scheduler, so runs with one seed are alike, not
 * identical.  Test-only: a client that sees anything unexpected exits non-zero and says
 * why; the parent then fails the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zmq.h>

#include "error.h"
#include "harness.h"
#include "mem.h"

#define S_CALL_MS 500        /* a client's patience per call: aynid restarts in less */
#define S_FINISH_MS 30000    /* a stopped client must finish its call within this */
#define S_CHAOS_MS 180000    /* the kill phase's hard bound */
#define S_MAX_SCANNERS 8

/* ---- seeded randomness (splitmix64: the same sequence on every platform) ---- */

struct s_rng {
    uint64_t s;
};

static uint64_t
s_next(struct s_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long
s_below(struct s_rng *r, long n)
{
    return n > 0 ? (long)(s_next(r) % (uint64_t)n) : 0;
}

static long
s_env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : dflt;
}

/* ==== the clients (child processes) ==== */

struct s_client {
    const char *role, *dir, *api, *events;
    int index, scanners;
    struct s_rng rng;
    proto_client_t *pc;
    FILE *log;
    long calls, timeouts, handed;
    long resent_repeats; /* resent after a time-out and answered as a repeat: the first got in */
    bool stop;
    long stop_at; /* when the stop was seen */
};

static void __attribute__((format(printf, 2, 3), noreturn))
s_die(struct s_client *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "crash client %s %d: ", c->role, c->index);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(NULL);
    _exit(1);
}

/* True once the parent closed our standard input (time to finish); waits up to ms. */
static bool
s_stopping(struct s_client *c, int ms)
{
    struct pollfd p = {0, POLLIN, 0};
    if (!c->stop && poll(&p, 1, ms) == 1) {
        c->stop = true;
        c->stop_at = e2e_now_ms();
    }
    return c->stop;
}

enum { S_ANSWERED, S_GAVE_UP };

/* Call op until aynid answers: a time-out (aynid died) is resent with the same idem key
 * or scan id.  With may_give_up, a time-out is now and then (seeded) not resent, like a
 * client that lost patience: S_GAVE_UP, the op unacknowledged.  args stays the caller's. */
static int
s_call(struct s_client *c, const char *op, json_t *args, const char *idem, bool may_give_up,
       json_t **result, struct proto_error *err)
{
    for (;;) {
        proto_error_clear(err);
        c->calls++;
        *result = NULL;
        int rc = proto_client_call(c->pc, op, json_incref(args), idem, result, err);
        if (rc != AYNI_EUNAVAILABLE) {
            err->code = rc;
            return S_ANSWERED;
        }
        c->timeouts++;
        if (may_give_up && !c->stop && s_below(&c->rng, 4) == 0)
            return S_GAVE_UP;
        if (s_stopping(c, 0) && e2e_now_ms() - c->stop_at > S_FINISH_MS)
            s_die(c, "%s: no answer for %d s after the last restart", op, S_FINISH_MS / 1000);
    }
}

/* s_call that must succeed when answered. */
static int
s_op(struct s_client *c, const char *op, json_t *args, const char *idem, bool may_give_up,
     json_t **result)
{
    struct proto_error err = {0};
    int rc = s_call(c, op, args, idem, may_give_up, result, &err);
    if (rc == S_ANSWERED && err.code != 0)
        s_die(c, "%s %s failed: %s: %s", op, idem ? idem : "", ayni_err_code(err.code),
              err.message);
    proto_error_clear(&err);
    json_decref(args);
    return rc;
}

/* One line of the client's log: status verb key ref qty n. */
static void
s_record(struct s_client *c, const char *status, const char *verb, const char *key,
         const char *ref, long qty, long n)
{
    fprintf(c->log, "%s %s %s %s %ld %ld\n", status, verb, key, ref ? ref : "-", qty, n);
}

/* ---- the warehouse ---- */

/* Hand package p (of the dispatch result) to the next scanner: one line in its file,
 * written with one write() so that a reader never sees half of it. */
static void
s_hand_over(struct s_client *c, const char *code, json_t *p)
{
    char *path = xasprintf("%s/handoff-%ld", c->dir, c->handed++ % c->scanners + 1);
    char *line = xasprintf("%s %d %d %d %s\n", code,
                           (int)json_integer_value(json_object_get(p, "number")),
                           (int)json_integer_value(json_object_get(p, "line")),
                           (int)json_integer_value(json_object_get(p, "qty")),
                           json_string_value(json_object_get(p, "token")));
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
        s_die(c, "cannot write '%s': %s", path, strerror(errno));
    close(fd);
    free(line);
    free(path);
}

/* A shipment of qty from lot, in up to 6 packages: create, add the line, dispatch.  Each
 * step is resent until answered (the next one needs it). */
static void
s_ship(struct s_client *c, long k, const char *lot, long left)
{
    long qty = 1 + s_below(&c->rng, left);
    long packages = 1 + s_below(&c->rng, qty < 6 ? qty : 6);
    char key[3][40];
    const char *steps[3] = {"shc", "shl", "shd"};
    for (int i = 0; i < 3; i++)
        snprintf(key[i], sizeof key[i], "w-%s-%ld", steps[i], k);
    json_t *r;
    s_op(c, "shipment.create", json_pack("{ss ss ss ss}", "from", "ALM-LIMA", "to", "COM-0042",
                                         "team", "Equipo crash", "vehicle", key[0]),
         key[0], false, &r);
    char *code = xstrdup(json_string_value(json_object_get(r, "code")));
    json_decref(r);
    s_record(c, "ack", "create", key[0], code, 0, 0);
    s_op(c, "shipment.add_line", json_pack("{ss ss ss sI sI}", "shipment", code, "item",
                                           "FOOD-KIT", "lot", lot, "qty", (json_int_t)qty,
                                           "packages", (json_int_t)packages),
         key[1], false, &r);
    json_decref(r);
    s_record(c, "ack", "line", key[1], code, qty, packages);
    s_op(c, "shipment.dispatch", json_pack("{ss}", "shipment", code), key[2], false, &r);
    s_record(c, "ack", "dispatch", key[2], code, qty, packages);
    fflush(c->log); /* what a scanner confirms is in the log before it is handed over */
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "packages"), i, p)
        s_hand_over(c, code, p);
    json_decref(r);
    free(code);
}

static void
s_warehouse(struct s_client *c)
{
    char expiry[11];
    e2e_date(400, expiry);
    for (long k = 1; !s_stopping(c, 0); k++) {
        char lot[32], key[40];
        long qty = 20 + s_below(&c->rng, 41);
        json_t *r;
        snprintf(lot, sizeof lot, "CL-%ld", k);
        snprintf(key, sizeof key, "w-rcv-%ld", k);
        json_t *args = json_pack("{ss ss ss ss ss sI}", "at", "ALM-LIMA", "donor", "UNICEF",
                                 "item", "FOOD-KIT", "lot", lot, "expiry", expiry, "qty",
                                 (json_int_t)qty);
        if (s_op(c, "stock.receive", args, key, true, &r) == S_GAVE_UP) {
            s_record(c, "gaveup", "receive", key, lot, qty, 0);
            continue;
        }
        json_decref(r);
        s_record(c, "ack", "receive", key, lot, qty, 0);
        if (s_below(&c->rng, 3) == 0) { /* part of it to Cusco */
            long moved = 1 + s_below(&c->rng, qty / 2);
            snprintf(key, sizeof key, "w-trf-%ld", k);
            args = json_pack("{ss ss ss ss sI ss}", "from", "ALM-LIMA", "to", "ALM-CUSCO",
                             "item", "FOOD-KIT", "lot", lot, "qty", (json_int_t)moved, "note",
                             key);
            if (s_op(c, "stock.transfer", args, key, true, &r) == S_GAVE_UP) {
                s_record(c, "gaveup", "transfer", key, lot, moved, 0);
                continue; /* how much is left is unknown: ship nothing of this lot */
            }
            json_decref(r);
            s_record(c, "ack", "transfer", key, lot, moved, 0);
            qty -= moved;
        }
        if (s_below(&c->rng, 4) != 0)
            s_ship(c, k, lot, qty);
    }
}

/* ---- a scanner ---- */

struct s_handoff {
    int fd;
    char buf[8192];
    size_t len;
};

/* The next whole line handed to this scanner, or false if none is there yet. */
static bool
s_next_package(struct s_client *c, struct s_handoff *h, char *line, size_t cap)
{
    if (h->fd < 0) {
        char *path = xasprintf("%s/handoff-%d", c->dir, c->index);
        h->fd = open(path, O_RDONLY | O_CLOEXEC);
        free(path);
        if (h->fd < 0)
            return false;
    }
    char *nl = memchr(h->buf, '\n', h->len);
    if (!nl) {
        ssize_t n = read(h->fd, h->buf + h->len, sizeof h->buf - h->len);
        if (n > 0)
            h->len += (size_t)n;
        if (!(nl = memchr(h->buf, '\n', h->len)))
            return false;
    }
    size_t n = (size_t)(nl - h->buf);
    if (n >= cap)
        s_die(c, "a handed-over line of %zu bytes", n);
    memcpy(line, h->buf, n);
    line[n] = '\0';
    memmove(h->buf, nl + 1, h->len - n - 1);
    h->len -= n + 1;
    return true;
}

/* Confirm package pkg (line, qty) of code with token: all of it, or (one in four) short. */
static void
s_confirm(struct s_client *c, long n, const char *code, int pkg, int line, long qty,
          const char *token)
{
    char scan_id[40], team[32], when[21];
    snprintf(scan_id, sizeof scan_id, "s%d-%ld", c->index, n);
    snprintf(team, sizeof team, "Equipo %d", c->index);
    time_t t = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    long got = s_below(&c->rng, 4) == 0 ? s_below(&c->rng, qty) : qty;
    json_t *args = json_pack("{ss ss ss ss ss}", "token", token, "scan_id", scan_id, "team", team,
                             "device", c->role, "device_time", when);
    if (got < qty)
        json_object_set_new(args, "lines", json_pack("[{si sI ss}]", "line", line, "received",
                                                     (json_int_t)got, "reason", "damaged"));
    json_t *r;
    if (s_op(c, "delivery.confirm", json_incref(args), NULL, true, &r) == S_GAVE_UP) {
        s_record(c, "gaveup", "deliver", scan_id, code, got, pkg);
        json_decref(args);
        return;
    }
    c->resent_repeats += json_is_true(json_object_get(r, "repeat"));
    if (json_integer_value(json_object_get(r, "qty_received")) != got)
        s_die(c, "%s: %lld received, not %ld", scan_id,
              (long long)json_integer_value(json_object_get(r, "qty_received")), got);
    json_decref(r);
    s_record(c, "ack", "deliver", scan_id, code, got, pkg);
    if (s_below(&c->rng, 8) == 0) { /* the same scan again: the first answer, a repeat */
        s_op(c, "delivery.confirm", json_incref(args), NULL, false, &r);
        if (!json_is_true(json_object_get(r, "repeat")) ||
            json_integer_value(json_object_get(r, "qty_received")) != got)
            s_die(c, "%s sent again was not answered as a repeat", scan_id);
        json_decref(r);
        s_record(c, "repeat", "deliver", scan_id, code, got, pkg);
    }
    if (s_below(&c->rng, 16) == 0) { /* the package scanned again, under a new id */
        struct proto_error err = {0};
        char again[48];
        snprintf(again, sizeof again, "%s-again", scan_id);
        json_object_set_new(args, "scan_id", json_string(again));
        s_call(c, "delivery.confirm", args, NULL, false, &r, &err);
        if (err.code != AYNI_EDELIVERED)
            s_die(c, "%s: a second scan of a delivered package got '%s', not "
                  "already_delivered", again, err.code ? ayni_err_code(err.code) : "ok");
        proto_error_clear(&err);
        json_decref(r);
        s_record(c, "ack", "refused", again, code, 0, pkg);
    }
    json_decref(args);
}

static void
s_scanner(struct s_client *c)
{
    struct s_handoff h = {.fd = -1};
    char line[512], code[64], token[256];
    long n = 0;
    while (!s_stopping(c, 0)) {
        if (!s_next_package(c, &h, line, sizeof line)) {
            s_stopping(c, 20); /* nothing handed over yet: wait for it, or for the stop */
            continue;
        }
        int pkg, ln, qty;
        if (sscanf(line, "%63s %d %d %d %255s", code, &pkg, &ln, &qty, token) != 5)
            s_die(c, "a bad handed-over line '%s'", line);
        s_confirm(c, ++n, code, pkg, ln, qty, token);
    }
    if (h.fd >= 0)
        close(h.fd);
}

/* ---- the subscriber ---- */

struct s_follow {
    long long last, target, live, caught, dups, gaps, asks;
};

static void
s_take(struct s_client *c, struct s_follow *f, json_t *ev, long long *counter)
{
    long long seq = json_integer_value(json_object_get(ev, "seq"));
    if (seq != f->last + 1)
        s_die(c, "event %lld taken after %lld", seq, f->last);
    fprintf(c->log, "%lld %s\n", seq, json_string_value(json_object_get(ev, "hash")));
    f->last = seq;
    (*counter)++;
}

/* Ask events.since until up to date; false if aynid did not answer (try again later). */
static bool
s_catch_up(struct s_client *c, struct s_follow *f)
{
    for (;;) {
        json_t *r = NULL, *ev;
        struct proto_error err = {0};
        f->asks++;
        c->calls++;
        int rc = proto_client_call(c->pc, "events.since",
                                   json_pack("{sI si}", "since", (json_int_t)f->last, "limit",
                                             1000),
                                   NULL, &r, &err);
        proto_error_clear(&err);
        if (rc == AYNI_EUNAVAILABLE) {
            c->timeouts++;
            return false;
        }
        if (rc != 0)
            s_die(c, "events.since failed: %s", ayni_err_code(rc));
        json_t *events = json_object_get(r, "events");
        size_t i, n = json_array_size(events);
        json_array_foreach(events, i, ev)
            s_take(c, f, ev, &f->caught);
        json_decref(r);
        if (n < 1000)
            return true;
    }
}

/* One published event off sub, in order: a duplicate is dropped, a gap filled first. */
static void
s_on_event(struct s_client *c, struct s_follow *f, void *sub)
{
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&topic, sub, 0) < 0 || !zmq_msg_more(&topic) ||
        zmq_msg_recv(&body, sub, 0) < 0)
        s_die(c, "a published event is not two frames");
    json_t *ev = json_loadb(zmq_msg_data(&body), zmq_msg_size(&body), 0, NULL);
    zmq_msg_close(&topic);
    zmq_msg_close(&body);
    if (!ev)
        s_die(c, "a published event is not JSON");
    long long seq = json_integer_value(json_object_get(ev, "seq"));
    if (seq > f->last + 1) {
        f->gaps++;
        s_catch_up(c, f);
    }
    if (seq == f->last + 1)
        s_take(c, f, ev, &f->live);
    else if (seq <= f->last)
        f->dups++;
    json_decref(ev); /* still a gap: aynid is down; a later catch-up brings it */
}

static void
s_subscriber(struct s_client *c)
{
    void *ctx = zmq_ctx_new(), *sub = zmq_socket(ctx, ZMQ_SUB);
    int hwm = 0, linger = 0;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(sub, c->events) != 0 || zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) != 0)
        s_die(c, "cannot subscribe to '%s'", c->events);
    struct s_follow f = {.target = -1};
    s_catch_up(c, &f);
    while (f.target < 0 || f.last < f.target) {
        zmq_pollitem_t items[2] = {{sub, 0, ZMQ_POLLIN, 0}, {NULL, 0, ZMQ_POLLIN, 0}};
        int n = zmq_poll(items, f.target < 0 ? 2 : 1, 100);
        if (n < 0 && errno != EINTR)
            s_die(c, "poll: %s", zmq_strerror(errno));
        if (n > 0 && (items[0].revents & ZMQ_POLLIN))
            s_on_event(c, &f, sub);
        else if (n == 0)
            s_catch_up(c, &f); /* quiet for a while: make sure (PROTOCOL.md 7.3, step 4) */
        if (n > 0 && (items[1].revents & ZMQ_POLLIN)) {
            char text[32] = "";
            ssize_t got = read(0, text, sizeof text - 1);
            f.target = got > 0 ? strtoll(text, NULL, 10) : 0;
            c->stop_at = e2e_now_ms();
            s_catch_up(c, &f);
        }
        if (f.target >= 0 && e2e_now_ms() - c->stop_at > S_FINISH_MS)
            s_die(c, "caught up only to %lld of %lld", f.last, f.target);
    }
    fprintf(c->log, "# %lld live %lld caught %lld dups %lld gaps %lld asks\n", f.live, f.caught,
            f.dups, f.gaps, f.asks);
    zmq_close(sub);
    zmq_ctx_term(ctx);
}

/* argv: --crash-client ROLE INDEX SEED DIR API EVENTS SCANNERS */
static int
s_client_main(char **argv)
{
    struct s_client c = {.role = argv[2], .index = atoi(argv[3]),
                         .rng = {strtoull(argv[4], NULL, 10)}, .dir = argv[5], .api = argv[6],
                         .events = argv[7], .scanners = atoi(argv[8])};
    struct proto_error err = {0};
    char *path = xasprintf("%s/client-%s-%d.log", c.dir, c.role, c.index);
    c.log = fopen(path, "w");
    c.pc = proto_client_new(c.api, S_CALL_MS, NULL, &err);
    if (!c.log || !c.pc)
        s_die(&c, "cannot start: %s", c.log ? err.message : strerror(errno));
    if (!strcmp(c.role, "warehouse"))
        s_warehouse(&c);
    else if (!strcmp(c.role, "scanner"))
        s_scanner(&c);
    else
        s_subscriber(&c);
    fprintf(c.log, "# calls %ld timeouts %ld resent-repeats %ld\n", c.calls, c.timeouts,
            c.resent_repeats);
    if (fclose(c.log) != 0)
        s_die(&c, "cannot write '%s'", path);
    proto_client_destroy(&c.pc);
    free(path);
    return 0;
}

/* ==== the parent ==== */

struct s_child {
    pid_t pid;
    int ctl; /* its standard input: closed to stop it */
    char role[16];
    int index;
};

static void
s_spawn(struct s_child *ch, struct e2e *e, const char *role, int index, uint64_t seed,
        int scanners)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC); /* aynid and later clients must not hold it open */
    char idx[16], sd[32], sc[16];
    snprintf(idx, sizeof idx, "%d", index);
    snprintf(sd, sizeof sd, "%" PRIu64, seed);
    snprintf(sc, sizeof sc, "%d", scanners);
    const char *argv[] = {"/proc/self/exe", "--crash-client", role, idx, sd, e->dir, e->api,
                          e->events, sc, NULL};
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
        if (getppid() != parent || dup2(fds[0], 0) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[0]);
    *ch = (struct s_child){pid, fds[1], "", index};
    snprintf(ch->role, sizeof ch->role, "%s", role);
}

/* Fail the test if a client ended before it was told to. */
static void
s_assert_clients_run(struct s_child *ch, int n)
{
    for (int i = 0; i < n; i++) {
        int st;
        if (ch[i].pid && waitpid(ch[i].pid, &st, WNOHANG) == ch[i].pid)
            fail_msg("client %s %d ended early (status %d): see its message above", ch[i].role,
                     ch[i].index, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    }
}

/* Let the clients work for ms (the random moment of the next kill). */
static void
s_work_for(struct s_child *ch, int n, long ms)
{
    long until = e2e_now_ms() + ms;
    while (e2e_now_ms() < until) {
        s_assert_clients_run(ch, n);
        long left = until - e2e_now_ms();
        struct timespec ts = {0, (left < 5 ? left : 5) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* Close the client's standard input and wait for it to finish: it must exit 0. */
static void
s_finish(struct s_child *ch)
{
    close(ch->ctl);
    long deadline = e2e_now_ms() + S_FINISH_MS + E2E_WAIT_MS;
    int st;
    while (waitpid(ch->pid, &st, WNOHANG) != ch->pid) {
        if (e2e_now_ms() > deadline) {
            kill(ch->pid, SIGKILL);
            waitpid(ch->pid, NULL, 0);
            fail_msg("client %s %d did not finish in time", ch->role, ch->index);
        }
        struct timespec ts = {0, 5000000L};
        nanosleep(&ts, NULL);
    }
    ch->pid = 0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("client %s %d failed (status %d): see its message above", ch->role, ch->index,
                 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* ---- checking the database ---- */

static sqlite3 *
s_db_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail_msg("cannot open '%s': %s", path, sqlite3_errmsg(db));
    return db;
}

static void
s_db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", msg, sql);
}

/* The integers of the one row sql returns (and its first text column's, in text). */
static void
s_db_row(sqlite3 *db, const char *sql, long long *out, int n, char *text, size_t cap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sqlite3_errmsg(db), sql);
    if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("no row from: %s", sql);
    for (int i = 0; i < n; i++)
        out[i] = sqlite3_column_int64(st, i);
    if (text)
        snprintf(text, cap, "%s",
                 sqlite3_column_text(st, n) ? (const char *)sqlite3_column_text(st, n) : "-");
    sqlite3_finalize(st);
}

/* Every client log into the temporary table ops(status, verb, key, ref, qty, n); the
 * clients' call counts into calls. */
static void
s_load_logs(sqlite3 *db, const char *dir, int scanners, long long calls[3])
{
    s_db_exec(db, "CREATE TEMP TABLE ops (status TEXT, verb TEXT, key TEXT, ref TEXT, "
                  "qty INTEGER, n INTEGER)");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO ops VALUES (?, ?, ?, ?, ?, ?)", -1, &st,
                                        NULL),
                     SQLITE_OK);
    s_db_exec(db, "BEGIN");
    for (int i = 0; i <= scanners; i++) {
        char *path = i ? xasprintf("%s/client-scanner-%d.log", dir, i)
                       : xasprintf("%s/client-warehouse-0.log", dir);
        FILE *f = fopen(path, "r");
        if (!f)
            fail_msg("no log '%s'", path);
        char line[512], status[16], verb[16], key[64], ref[64];
        long qty, n;
        long long c[3];
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "# calls %lld timeouts %lld resent-repeats %lld", &c[0], &c[1],
                       &c[2]) == 3)
                for (int k = 0; k < 3; k++)
                    calls[k] += c[k];
            if (line[0] == '#')
                continue;
            if (sscanf(line, "%15s %15s %63s %63s %ld %ld", status, verb, key, ref, &qty, &n) != 6)
                fail_msg("a bad line in '%s': %s", path, line);
            const char *v[] = {status, verb, key, ref};
            for (int k = 0; k < 4; k++)
                sqlite3_bind_text(st, k + 1, v[k], -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 5, qty);
            sqlite3_bind_int64(st, 6, n);
            assert_int_equal(sqlite3_step(st), SQLITE_DONE);
            sqlite3_reset(st);
        }
        fclose(f);
        free(path);
    }
    s_db_exec(db, "COMMIT");
    sqlite3_finalize(st);
}

/* Lookup tables for the checks: each event's key, and movements by note and receipt. */
static const char s_lookups[] =
    "CREATE TEMP TABLE ev AS SELECT seq, type, CASE type"
    "  WHEN 'stock.received' THEN json_extract(body, '$.receipt')"
    "  WHEN 'stock.transferred' THEN json_extract(body, '$.note')"
    "  WHEN 'delivery.confirmed' THEN json_extract(body, '$.scan_id')"
    "  ELSE json_extract(body, '$.shipment') END AS k FROM events;"
    "CREATE INDEX temp.ev_k ON ev (type, k);"
    "CREATE TEMP TABLE tr AS SELECT note, COUNT(*) AS n, SUM(qty) AS q FROM movements"
    "  WHERE kind = 'transfer' GROUP BY note;"
    "CREATE INDEX temp.tr_note ON tr (note);"
    "CREATE TEMP TABLE rm AS SELECT receipt_id, SUM(qty) AS q FROM movements"
    "  WHERE receipt_id IS NOT NULL GROUP BY receipt_id;"
    "CREATE INDEX temp.rm_r ON rm (receipt_id);"
    "CREATE TEMP TABLE sv AS SELECT vehicle, COUNT(*) AS n, MIN(code) AS code FROM shipments"
    "  GROUP BY vehicle;"
    "CREATE INDEX temp.sv_v ON sv (vehicle);";

#define S_EV(type, key) "(SELECT COUNT(*) FROM ev WHERE ev.type = '" type "' AND ev.k = " key ")"
#define S_LOT "l.item_id = (SELECT id FROM items WHERE code = 'FOOD-KIT') AND l.code = o.ref"

/* Per logged verb: how many times the op is in the database, and whether that one is
 * whole (every row, movement and event it makes). */
static const struct {
    const char *verb, *found, *whole;
} s_verbs[] = {
    {"receive", "SELECT COUNT(*) FROM receipts r JOIN lots l ON l.id = r.lot_id WHERE " S_LOT,
     "SELECT COUNT(*) = 1 FROM receipts r JOIN lots l ON l.id = r.lot_id JOIN rm"
     " ON rm.receipt_id = r.id WHERE " S_LOT " AND r.qty = o.qty AND rm.q = o.qty"
     " AND " S_EV("stock.received", "r.code") " = 1"},
    {"transfer", "SELECT COALESCE((SELECT n FROM tr WHERE note = o.key), 0)",
     "SELECT COUNT(*) = 1 FROM tr WHERE note = o.key AND n = 1 AND q = o.qty"
     " AND " S_EV("stock.transferred", "o.key") " = 1"},
    {"create", "SELECT COALESCE((SELECT n FROM sv WHERE vehicle = o.key), 0)",
     "SELECT COUNT(*) = 1 FROM sv WHERE vehicle = o.key AND code = o.ref"
     " AND " S_EV("shipment.created", "o.ref") " = 1"},
    {"line",
     "SELECT COUNT(*) FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id"
     " WHERE s.code = o.ref",
     "SELECT COUNT(*) = 1 FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id"
     " WHERE s.code = o.ref AND l.qty = o.qty AND l.packages = o.n"
     " AND " S_EV("shipment.line_added", "o.ref") " = 1"},
    {"dispatch", "SELECT " S_EV("shipment.dispatched", "o.ref"),
     "SELECT COUNT(*) = 1 FROM shipments s WHERE s.code = o.ref AND s.packages = o.n"
     " AND s.state IN ('dispatched', 'partial', 'delivered')"
     " AND (SELECT SUM(qty) FROM movements m WHERE m.shipment_id = s.id AND m.kind = 'dispatch')"
     " = o.qty AND (SELECT COUNT(*) FROM packages p WHERE p.shipment_id = s.id) = o.n"},
    {"deliver", "SELECT COUNT(*) FROM deliveries WHERE scan_id = o.key",
     "SELECT COUNT(*) = 1 FROM deliveries d JOIN shipments s ON s.id = d.shipment_id"
     " WHERE d.scan_id = o.key AND s.code = o.ref AND d.package = o.n AND d.qty_received = o.qty"
     " AND (SELECT COALESCE(SUM(qty), 0) FROM movements m WHERE m.delivery_id = d.id"
     "      AND m.kind = 'deliver') = o.qty"
     " AND (SELECT COALESCE(SUM(qty), 0) FROM movements m WHERE m.delivery_id = d.id"
     "      AND m.kind = 'shortfall') = d.qty_expected - o.qty"
     " AND (SELECT COUNT(*) FROM packages p WHERE p.delivery_id = d.id AND p.number = o.n"
     "      AND p.qty = d.qty_expected) = 1"
     " AND " S_EV("delivery.confirmed", "o.key") " = 1"},
    /* a second scan under a new id, answered already_delivered: recorded nowhere */
    {"refused", "SELECT COUNT(*) FROM deliveries WHERE scan_id = o.key", "SELECT 0"},
};

/* What every row in the database must satisfy, whoever made it: name, count of rows
 * that do not. */
static const struct {
    const char *what, *sql;
} s_wholes[] = {
    {"receipts whose movements do not add up to them",
     "SELECT COUNT(*) FROM receipts r LEFT JOIN rm ON rm.receipt_id = r.id"
     " WHERE COALESCE(rm.q, 0) != r.qty"},
    {"deliveries whose movements or package do not match them",
     "SELECT COUNT(*) FROM deliveries d WHERE"
     " (SELECT COALESCE(SUM(qty), 0) FROM movements m WHERE m.delivery_id = d.id"
     "  AND m.kind = 'deliver') != d.qty_received"
     " OR (SELECT COALESCE(SUM(qty), 0) FROM movements m WHERE m.delivery_id = d.id"
     "  AND m.kind = 'shortfall') != d.qty_expected - d.qty_received"
     " OR (SELECT COALESCE(SUM(qty), 0) FROM packages p WHERE p.delivery_id = d.id)"
     "  != d.qty_expected"},
    {"shipments on their way whose dispatch movements or packages differ from their lines",
     "SELECT COUNT(*) FROM shipments s WHERE s.state NOT IN ('draft', 'cancelled') AND ("
     " (SELECT COALESCE(SUM(qty), 0) FROM movements m WHERE m.shipment_id = s.id"
     "  AND m.kind = 'dispatch') != (SELECT COALESCE(SUM(qty), 0) FROM shipment_lines l"
     "  WHERE l.shipment_id = s.id)"
     " OR (SELECT COUNT(*) FROM packages p WHERE p.shipment_id = s.id) != s.packages)"},
    {"drafts with stock moved or packages",
     "SELECT COUNT(*) FROM shipments s WHERE s.state = 'draft' AND (EXISTS (SELECT 1 FROM"
     " movements m WHERE m.shipment_id = s.id) OR EXISTS (SELECT 1 FROM packages p"
     " WHERE p.shipment_id = s.id))"},
    {"receipts without their one event (or events without their receipt)",
     "SELECT ABS((SELECT COUNT(*) FROM receipts) - (SELECT COUNT(DISTINCT k) FROM ev WHERE"
     " type = 'stock.received')) + (SELECT COUNT(*) - COUNT(DISTINCT k) FROM ev"
     " WHERE type = 'stock.received')"},
    {"deliveries without their one event",
     "SELECT ABS((SELECT COUNT(*) FROM deliveries) - (SELECT COUNT(*) FROM ev"
     " WHERE type = 'delivery.confirmed'))"},
    {"shipments without their one shipment.created event",
     "SELECT ABS((SELECT COUNT(*) FROM shipments) - (SELECT COUNT(*) FROM ev"
     " WHERE type = 'shipment.created'))"},
    {"shipment lines without their one event",
     "SELECT ABS((SELECT COUNT(*) FROM shipment_lines) - (SELECT COUNT(*) FROM ev"
     " WHERE type = 'shipment.line_added'))"},
    {"dispatched shipments without their one event",
     "SELECT ABS((SELECT COUNT(*) FROM shipments WHERE dispatched_at IS NOT NULL)"
     " - (SELECT COUNT(*) FROM ev WHERE type = 'shipment.dispatched'))"},
    {"transfers without their one event",
     "SELECT ABS((SELECT COUNT(*) FROM tr) - (SELECT COUNT(*) FROM ev"
     " WHERE type = 'stock.transferred'))"},
    {"gaps in the event seq",
     "SELECT COALESCE(MAX(seq), 0) - COUNT(*) + (COUNT(*) > 0 AND MIN(seq) != 1) FROM events"},
};

struct s_tally {
    long long acked, recovered, lost, doubled, half, unacked, applied, absent, repeats, refused;
    long long calls[3]; /* the clients' calls, time-outs, and resends answered as repeats */
};

static void
s_check_db(const char *path, const char *dir, int scanners, struct s_tally *t)
{
    sqlite3 *db = s_db_open(path);
    s_load_logs(db, dir, scanners, t->calls);
    s_db_exec(db, s_lookups);
    char sql[4096], example[128];
    for (size_t i = 0; i < sizeof s_verbs / sizeof s_verbs[0]; i++) {
        bool refusal = !strcmp(s_verbs[i].verb, "refused");
        long long v[7];
        snprintf(sql, sizeof sql,
                 "WITH f AS (SELECT o.status = 'ack' AS acked, o.key AS key, (%s) AS found, (%s)"
                 " AS whole FROM ops o WHERE o.verb = '%s' AND o.status != 'repeat')"
                 " SELECT COALESCE(SUM(acked), 0), COALESCE(SUM(acked AND found = 1 AND whole), 0),"
                 " COALESCE(SUM(acked AND found = 0), 0), COALESCE(SUM(found > 1), 0),"
                 " COALESCE(SUM(found = 1 AND NOT whole), 0),"
                 " COALESCE(SUM(NOT acked AND found = 1 AND whole), 0),"
                 " COALESCE(SUM(NOT acked AND found = 0), 0),"
                 " MIN(CASE WHEN found > 1 OR (found = 1 AND NOT whole) OR (acked AND found = 0)"
                 " THEN key END) FROM f",
                 s_verbs[i].found, s_verbs[i].whole, s_verbs[i].verb);
        s_db_row(db, sql, v, 7, example, sizeof example);
        if (refusal) { /* found once is a refusal that was recorded after all */
            t->refused += v[0];
            t->doubled += v[0] - v[2];
            if (v[0] != v[2])
                print_error("refused scan recorded after all, e.g. %s\n", example);
            continue;
        }
        t->acked += v[0];
        t->recovered += v[1];
        t->lost += v[2];
        t->doubled += v[3];
        t->half += v[4];
        t->applied += v[5];
        t->absent += v[6];
        if (v[2] || v[3] || v[4])
            print_error("%s: %lld lost, %lld doubled, %lld half-done, e.g. '%s'\n",
                        s_verbs[i].verb, v[2], v[3], v[4], example);
    }
    long long n[2];
    s_db_row(db, "SELECT COUNT(*) FILTER (WHERE status = 'gaveup'), COUNT(*) FILTER (WHERE"
                 " status = 'repeat') FROM ops", n, 2, NULL, 0);
    t->unacked = n[0];
    t->repeats = n[1];
    for (size_t i = 0; i < sizeof s_wholes / sizeof s_wholes[0]; i++) {
        s_db_row(db, s_wholes[i].sql, n, 1, NULL, 0);
        if (n[0] != 0)
            fail_msg("the database holds %lld %s", n[0], s_wholes[i].what);
    }
    sqlite3_close(db);
}

/* ---- checking the event stream ---- */

/* Every event from events.since, in order: seq 1..head without a gap, each hash
 * recomputed from its body (PROTOCOL.md 7.2).  Returns the hashes, indexed by seq. */
static char (*s_check_chain(struct e2e *e, long long *head))[65]
{
    *head = e2e_head(e);
    char (*hashes)[65] = xcalloc((size_t)*head + 1, 65);
    unsigned char prev[32] = {0};
    long long last = 0;
    while (last < *head) {
        json_t *r = e2e_ok(e, "events.since", e2e_pack("{sI si}", "since", (json_int_t)last,
                                                        "limit", 1000));
        json_t *ev;
        size_t i;
        assert_true(json_array_size(json_object_get(r, "events")) > 0);
        json_array_foreach(json_object_get(r, "events"), i, ev) {
            long long seq = json_integer_value(json_object_get(ev, "seq"));
            if (seq != last + 1)
                fail_msg("events.since gave %lld after %lld", seq, last);
            snprintf(hashes[seq], 65, "%s", json_string_value(json_object_get(ev, "hash")));
            json_object_del(ev, "hash");
            char *body = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
            crypto_hash_sha256_state st;
            unsigned char digest[32];
            char hex[65];
            crypto_hash_sha256_init(&st);
            crypto_hash_sha256_update(&st, prev, sizeof prev);
            crypto_hash_sha256_update(&st, (const unsigned char *)body, strlen(body));
            crypto_hash_sha256_final(&st, digest);
            sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
            if (strcmp(hex, hashes[seq]) != 0)
                fail_msg("event %lld: its hash does not follow from its body and the chain", seq);
            memcpy(prev, digest, sizeof prev);
            free(body);
            last = seq;
        }
        json_decref(r);
    }
    return hashes;
}

/* The subscriber's log: every seq 1..head once, in order, with the ledger's hash. */
static void
s_check_subscriber(const char *dir, char (*hashes)[65], long long head, char *summary,
                   size_t cap)
{
    char *path = xasprintf("%s/client-subscriber-0.log", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256], hash[65];
    long long want = 1, seq, v[5] = {0};
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "# %lld live %lld caught %lld dups %lld gaps %lld asks", &v[0], &v[1],
                   &v[2], &v[3], &v[4]) == 5)
            continue;
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%lld %64s", &seq, hash) != 2 || seq != want || seq > head)
            fail_msg("the subscriber got event %lld where %lld was due", seq, want);
        if (strcmp(hash, hashes[seq]) != 0)
            fail_msg("the subscriber's event %lld is not the ledger's", seq);
        want++;
    }
    fclose(f);
    free(path);
    if (want != head + 1)
        fail_msg("the subscriber has events up to %lld of %lld", want - 1, head);
    snprintf(summary, cap, "%lld live, %lld caught up, %lld duplicates dropped, %lld gaps filled",
             v[0], v[1], v[2], v[3]);
}

/* ---- the test ---- */

static void
test_crash(void **state)
{
    (void)state;
    uint64_t seed = (uint64_t)s_env_long("AYNI_SEED", 1);
    long kills = s_env_long("AYNI_CRASH_KILLS", 50);
    int scanners = (int)s_env_long("AYNI_CRASH_SCANNERS", 3);
    assert_true(kills >= 0 && scanners >= 1 && scanners <= S_MAX_SCANNERS);
    struct s_rng rng = {seed};
    long t0 = e2e_now_ms();
    struct e2e *e = e2e_new();
    e2e_start(e);
    e2e_seed(e);

    struct s_child ch[S_MAX_SCANNERS + 2];
    int n = 0;
    s_spawn(&ch[n++], e, "subscriber", 0, s_next(&rng), scanners);
    s_spawn(&ch[n++], e, "warehouse", 0, s_next(&rng), scanners);
    for (int i = 1; i <= scanners; i++)
        s_spawn(&ch[n++], e, "scanner", i, s_next(&rng), scanners);

    long restart_total = 0, restart_max = 0;
    for (long k = 1; k <= kills; k++) {
        /* A quarter of the kills come right after a restart, while clients resend. */
        s_work_for(ch, n, s_below(&rng, 4) == 0 ? s_below(&rng, 30) : 30 + s_below(&rng, 870));
        if (e2e_now_ms() - t0 > S_CHAOS_MS)
            fail_msg("only %ld of %ld kills in %d s", k - 1, kills, S_CHAOS_MS / 1000);
        e2e_kill(e);
        long r0 = e2e_now_ms();
        e2e_start(e);
        long took = e2e_now_ms() - r0;
        restart_total += took;
        restart_max = took > restart_max ? took : restart_max;
    }
    s_work_for(ch, n, 200);
    long chaos_ms = e2e_now_ms() - t0;
    for (int i = 1; i < n; i++)
        s_finish(&ch[i]);

    /* The subscriber catches up to the head, then stops. */
    long long head = e2e_head(e);
    char text[32];
    int len = snprintf(text, sizeof text, "%lld\n", head);
    assert_int_equal(write(ch[0].ctl, text, (size_t)len), len);
    s_finish(&ch[0]);

    json_t *v = e2e_ok(e, "ledger.verify", NULL);
    if (!json_is_true(json_object_get(v, "ok"))) {
        char *problems = proto_dump(json_object_get(v, "problems"));
        fail_msg("ledger verify found problems: %.2000s", problems);
    }
    json_decref(v);
    char (*hashes)[65] = s_check_chain(e, &head);
    char sub[160];
    s_check_subscriber(e->dir, hashes, head, sub, sizeof sub);
    free(hashes);
    assert_int_equal(e2e_stop(e), 0);

    struct s_tally t = {0};
    s_check_db(e->db, e->dir, scanners, &t);
    printf("crash test: seed %" PRIu64 ", %ld kills (restart %ld ms on average, %ld ms at most), "
           "%lld operations acknowledged, %lld recovered, %lld lost, %lld doubled, %lld "
           "half-done; %lld unacknowledged: %lld applied whole, %lld absent; %lld calls, %lld "
           "cut off by a kill (%lld confirmations among them had committed: resent, they got "
           "the first answer back); "
           "%lld repeats and %lld rescans answered without a change; events 1..%lld without "
           "gap, hash chain intact; subscriber: every event once, in order (%s); %.1f s "
           "(%.1f s of kills)\n",
           seed, kills, kills ? restart_total / kills : 0, restart_max, t.acked, t.recovered,
           t.lost, t.doubled, t.half, t.unacked, t.applied, t.absent, t.calls[0], t.calls[1],
           t.calls[2], t.repeats, t.refused, head, sub, (e2e_now_ms() - t0) / 1000.0,
           chaos_ms / 1000.0);
    assert_int_equal(t.lost, 0);
    assert_int_equal(t.doubled, 0);
    assert_int_equal(t.half, 0);
    assert_int_equal(t.recovered, t.acked);
    assert_int_equal(t.applied + t.absent, t.unacked);
    assert_true(t.acked > 0);
    e2e_destroy(&e);
}

int
main(int argc, char **argv)
{
    if (argc == 9 && !strcmp(argv[1], "--crash-client"))
        return s_client_main(argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
