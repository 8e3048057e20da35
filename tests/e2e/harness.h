/* harness.h: end-to-end test harness: a real aynid from the build tree, on ipc://
 * endpoints in a fresh temporary folder, and helpers to talk to it.
 *
 * The aynid binary is $AYNID, or the path CMake compiled in (AYNI_AYNID_PATH).  Its
 * standard error goes to a log file in the folder; e2e_start() waits for the
 * "aynid ready" line, e2e_stop() sends SIGTERM and returns the exit status.  Every wait
 * is a poll with a deadline, never a fixed sleep.  Test-only code: a failure of the
 * harness itself fails the test (cmocka) with a message that says what went wrong.
 */
#ifndef AYNI_E2E_HARNESS_H
#define AYNI_E2E_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "proto.h"

#define E2E_WAIT_MS 10000 /* the longest any one wait may take (sanitizer builds are slow) */

struct e2e {
    char *dir;            /* the temporary folder, removed by e2e_destroy */
    char *db, *keys;      /* dir/ayni.db, dir/keys */
    char *api, *events;   /* ipc://dir/api, ipc://dir/events */
    char *log;            /* the log file of the latest start */
    int starts;           /* how many times aynid was started */
    pid_t pid;            /* 0 when not running */
    void *zctx;           /* ZeroMQ context for raw sockets and subscribers */
    void *socks[32];      /* sockets made by e2e_socket, closed by e2e_destroy at the latest */
    proto_client_t *client; /* made on first call, remade after a restart */
    bool secure;          /* start aynid secure (CURVE); default --insecure, as on loopback */
    const char *lang;     /* AYNI_LANG for aynid's own messages (its log); NULL: "en" */
    pid_t others[8];      /* other servers a test started (ayni-web): killed by e2e_destroy */
};

/* A fresh folder and the paths in it; nothing is started. */
struct e2e *e2e_new(void);
/* Kill aynid if it still runs (SIGKILL), and every process e2e_adopt'ed still running,
 * close every socket, remove the folder. */
void e2e_destroy(struct e2e **e_p);
/* A server the test started besides aynid: killed (SIGKILL) and reaped by e2e_destroy if
 * the test fails before it stops it, so no failing test leaves it running. */
void e2e_adopt(struct e2e *e, pid_t pid);
/* pid was stopped and reaped by the test: e2e_destroy leaves it alone. */
void e2e_release(struct e2e *e, pid_t pid);

/* Start aynid with the harness's paths; extra arguments (NULL-terminated, may be NULL)
 * go after them, so they can override (e.g. "--db", other).  Returns 0 once aynid said
 * it is ready, or the exit status (> 0) if it stopped first (its log says why).  A
 * start that neither gets ready nor stops in time fails the test. */
int e2e_start_args(struct e2e *e, const char *const *extra);
/* e2e_start_args with no extra arguments, asserting that aynid got ready. */
void e2e_start(struct e2e *e);
/* Send sig (SIGTERM, SIGINT), then wait: the exit status, or -1 if it did not exit in
 * time (it is then killed) or died of a signal.  Anything but 0 prints aynid's log. */
int e2e_stop_with(struct e2e *e, int sig);
/* e2e_stop_with SIGTERM. */
int e2e_stop(struct e2e *e);
/* Fail the test, with aynid's log, if aynid is no longer running (a crash). */
void e2e_assert_running(struct e2e *e);
/* SIGKILL and reap: a crash. */
void e2e_kill(struct e2e *e);

/* The latest start's log (standard error) as a new string. */
char *e2e_log(const struct e2e *e);
/* True if the latest start's log contains text. */
bool e2e_log_has(const struct e2e *e, const char *text);

/* ---- requests ---- */
/* Call op through the C client (core/lib/proto_client.c), asking for English messages
 * ("lang":"en"); args stolen (NULL: none).  0 and *result, or the error code with err
 * filled (the caller clears err). */
int e2e_call(struct e2e *e, const char *op, json_t *args, const char *idem, json_t **result,
             struct proto_error *err);
/* Call op and require success: the result (caller decrefs).  Fails the test otherwise. */
json_t *e2e_ok(struct e2e *e, const char *op, json_t *args);
/* As e2e_ok, with an idempotency key. */
json_t *e2e_ok_idem(struct e2e *e, const char *op, json_t *args, const char *idem);
/* Call op and require failure: the wire code (e.g. "insufficient_stock") as a static
 * string.  Fails the test if the call succeeded. */
const char *e2e_fail(struct e2e *e, const char *op, json_t *args);
/* Send raw bytes as one frame on a new DEALER and return the reply object, or NULL if
 * none came within timeout_ms. */
json_t *e2e_raw(struct e2e *e, const void *data, size_t len, int timeout_ms);
/* The newest event seq (server.info's events.head). */
long long e2e_head(struct e2e *e);
/* Require that aynid still answers server.info. */
void e2e_alive(struct e2e *e);

/* ---- sockets ---- */
/* A socket of type on the harness's context, with linger 0, connected to endpoint (NULL:
 * not connected).  e2e_destroy closes it if the test did not (a failed test skips its
 * own clean-up), so that the context can always end. */
void *e2e_socket(struct e2e *e, int type, const char *endpoint);
/* Close a socket made by e2e_socket; sets *sock_p to NULL.  Safe on NULL. */
void e2e_close(struct e2e *e, void **sock_p);

/* ---- events ---- */
/* A SUB socket on the event endpoint, subscribed to prefix ("" for everything). */
void *e2e_sub(struct e2e *e, const char *prefix);
/* The next event (body with its topic checked against body.type), or NULL if none came
 * within timeout_ms. */
json_t *e2e_sub_next(void *sub, int timeout_ms);
/* Make sure sub's subscription has reached aynid: add donors until sub receives an event
 * (a SUB socket misses what is published before it joins).  Returns that event's seq;
 * that event is consumed.  sub must be subscribed to "donor.added". */
long long e2e_sub_ready(struct e2e *e, void *sub);

/* cmocka fixtures: *state becomes a started core (e2e_new, e2e_start); the teardown
 * requires that it stops cleanly (exit 0), if it still runs, and destroys it. */
int e2e_setup(void **state);
int e2e_teardown(void **state);

/* ---- helpers ---- */
/* json_pack, failing the test on a bad format. */
json_t *e2e_pack(const char *fmt, ...);
/* A date n days from today, YYYY-MM-DD, in out (11 bytes). */
void e2e_date(int days, char out[11]);
/* A minimal catalog: items FOOD-KIT (lot, perishable, low 30) and TABLET (serial),
 * warehouses ALM-LIMA and ALM-CUSCO, community COM-0042, donor UNICEF, and 100
 * FOOD-KIT (lot L1) and tablets SN-1..SN-4 received at ALM-LIMA. */
void e2e_seed(struct e2e *e);
/* A shipment ALM-LIMA -> COM-0042 with 10 FOOD-KIT in 2 packages and tablet SN-1,
 * dispatched; returns the dispatch result (with tokens). */
json_t *e2e_dispatch_sample(struct e2e *e);
/* Monotonic milliseconds. */
long e2e_now_ms(void);

/* ---- processes, for the tests that run the programs (scan_cli.c, wh_cli.c) ---- */
/* Sleep ms milliseconds. */
void e2e_nap(int ms);
/* What is left to read of f (a new string). */
char *e2e_read_all(FILE *f);
/* The whole file (a new string), or "" if it cannot be read. */
char *e2e_slurp(const char *path);
/* The exit status of a reaped child: its code, or 128 + the signal that killed it. */
int e2e_exit_status(int wstatus);
/* Start argv[0] with argv and envp, standard input from in (NULL: /dev/null), output and
 * error into the files out and err; fails the test if it cannot run. */
pid_t e2e_spawn(const char *const *argv, const char *in, const char *out, const char *err,
                char *const *envp);
/* Wait for pid up to timeout_ms, then kill it and fail the test naming what; its status. */
int e2e_reap(pid_t pid, int timeout_ms, const char *what);

#endif
