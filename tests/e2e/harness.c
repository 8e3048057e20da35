/* harness.c: start, stop and talk to a real aynid for the end-to-end tests (harness.h).
 * Test-only: anything unexpected fails the test with a message; it never sleeps for a
 * fixed time where it can wait for a condition.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "error.h"
#include "lang.h"
#include "mem.h"

extern char **environ;

#define S_POLL_MS 5

long
e2e_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
e2e_nap(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

char *
e2e_read_all(FILE *f)
{
    size_t cap = 4096, len = 0, n;
    char *text = xmalloc(cap);
    while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            text = xrealloc(text, cap *= 2);
    }
    text[len] = '\0';
    return text;
}

char *
e2e_slurp(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return xstrdup("");
    char *text = e2e_read_all(f);
    fclose(f);
    return text;
}

int
e2e_exit_status(int wstatus)
{
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

pid_t
e2e_spawn(const char *const *argv, const char *in, const char *out, const char *err,
          char *const *envp)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        fail_msg("cannot run '%s': %s (build it, or set its variable: AYNI_SCAN, "
                 "AYNI_WAREHOUSE)", argv[0], strerror(rc));
    return pid;
}

int
e2e_reap(pid_t pid, int timeout_ms, const char *what)
{
    long deadline = e2e_now_ms() + timeout_ms;
    int wstatus;
    while (waitpid(pid, &wstatus, WNOHANG) != pid) {
        if (e2e_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            fail_msg("%s did not finish within %d ms", what, timeout_ms);
        }
        e2e_nap(2);
    }
    return e2e_exit_status(wstatus);
}

static void
s_nap(void)
{
    e2e_nap(S_POLL_MS);
}

static const char *
s_aynid_path(void)
{
    const char *p = getenv("AYNID");
    if (p && *p)
        return p;
#ifdef AYNI_AYNID_PATH
    return AYNI_AYNID_PATH;
#else
    fail_msg("set AYNID to the aynid binary");
    return NULL;
#endif
}

/* ---- the folder ---- */

struct e2e *
e2e_new(void)
{
    /* ipc:// paths must fit in sun_path (108 bytes): keep the folder name short. */
    const char *base = getenv("TMPDIR");
    if (!base || !*base || strlen(base) > 60)
        base = "/tmp";
    struct e2e *e = xcalloc(1, sizeof *e);
    e->dir = xasprintf("%s/ayni-e2e-XXXXXX", base);
    if (!mkdtemp(e->dir))
        fail_msg("cannot make a folder under '%s': %s", base, strerror(errno));
    e->db = xasprintf("%s/ayni.db", e->dir);
    e->keys = xasprintf("%s/keys", e->dir);
    e->api = xasprintf("ipc://%s/api", e->dir);
    e->events = xasprintf("ipc://%s/events", e->dir);
    e->zctx = zmq_ctx_new();
    return e;
}

static void
s_rmtree(const char *path)
{
    char *cmd = xasprintf("rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove '%s'\n", path);
    free(cmd);
}

void
e2e_destroy(struct e2e **e_p)
{
    if (!e_p || !*e_p)
        return;
    struct e2e *e = *e_p;
    if (e->pid)
        e2e_kill(e);
    for (size_t i = 0; i < sizeof e->others / sizeof e->others[0]; i++)
        if (e->others[i] > 0) {
            kill(e->others[i], SIGKILL);
            waitpid(e->others[i], NULL, 0);
        }
    proto_client_destroy(&e->client);
    for (size_t i = 0; i < sizeof e->socks / sizeof e->socks[0]; i++)
        if (e->socks[i])
            zmq_close(e->socks[i]);
    zmq_ctx_term(e->zctx);
    if (!getenv("AYNI_E2E_KEEP"))
        s_rmtree(e->dir);
    else
        fprintf(stderr, "kept '%s'\n", e->dir);
    free(e->dir);
    free(e->db);
    free(e->keys);
    free(e->api);
    free(e->events);
    free(e->log);
    free(e);
    *e_p = NULL;
}

/* ---- the process ---- */

int
e2e_setup(void **state)
{
    struct e2e *e = e2e_new();
    e2e_start(e);
    *state = e;
    return 0;
}

void
e2e_adopt(struct e2e *e, pid_t pid)
{
    for (size_t i = 0; i < sizeof e->others / sizeof e->others[0]; i++)
        if (!e->others[i]) {
            e->others[i] = pid;
            return;
        }
    fail_msg("more than %zu servers started by one test", sizeof e->others / sizeof e->others[0]);
}

void
e2e_release(struct e2e *e, pid_t pid)
{
    for (size_t i = 0; i < sizeof e->others / sizeof e->others[0]; i++)
        if (e->others[i] == pid)
            e->others[i] = 0;
}

int
e2e_teardown(void **state)
{
    struct e2e *e = *state;
    int rc = e->pid ? e2e_stop(e) : 0;
    e2e_destroy(&e);
    assert_int_equal(rc, 0); /* a clean stop is part of every test */
    return 0;
}

char *
e2e_log(const struct e2e *e)
{
    return e2e_slurp(e->log);
}

bool
e2e_log_has(const struct e2e *e, const char *needle)
{
    char *text = e2e_log(e);
    bool has = strstr(text, needle) != NULL;
    free(text);
    return has;
}

/* True once aynid printed its ready line (at the start of a line: its usage text quotes
 * the line too). */
static bool
s_ready(const struct e2e *e)
{
    char *text = e2e_log(e);
    bool ready = !strncmp(text, "aynid ready api=", 16) || strstr(text, "\naynid ready api=");
    free(text);
    return ready;
}

/* Run aynid with its standard error (and output) in a new log file.  The child dies with
 * this process (PR_SET_PDEATHSIG), so a test that crashes or is killed by CTest's time-out
 * leaves no aynid behind. */
static pid_t
s_spawn(struct e2e *e, const char *const *extra)
{
    const char *argv[32] = {s_aynid_path(), "--db", e->db, "--keys", e->keys, "--api", e->api,
                            "--events", e->events};
    size_t n = 9;
    if (!e->secure)
        argv[n++] = "--insecure";
    for (; extra && *extra && n < 31; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    /* aynid's environment, its AYNI_LANG set: made here, before the fork */
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;
    char **envp = xcalloc(nenv + 2, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "AYNI_LANG=", 10) != 0)
            envp[k++] = environ[i];
    char *lang = xasprintf("AYNI_LANG=%s", e->lang ? e->lang : "en");
    envp[k++] = lang;
    free(e->log);
    e->log = xasprintf("%s/aynid-%d.log", e->dir, ++e->starts);
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("cannot fork: %s", strerror(errno));
    if (pid == 0) { /* only async-signal-safe calls from here to exec */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(126);
        int in = open("/dev/null", O_RDONLY);
        int out = open(e->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
            _exit(126);
        execve(argv[0], (char *const *)argv, envp);
        _exit(127);
    }
    free(lang);
    free(envp);
    return pid;
}

int
e2e_start_args(struct e2e *e, const char *const *extra)
{
    assert_int_equal(e->pid, 0);
    pid_t pid = s_spawn(e, extra);
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    while (e2e_now_ms() < deadline) {
        int wstatus;
        if (waitpid(pid, &wstatus, WNOHANG) == pid) { /* stopped before it was ready */
            if (e2e_exit_status(wstatus) == 127)
                fail_msg("cannot run '%s' (build aynid, or set AYNID)", s_aynid_path());
            return e2e_exit_status(wstatus) ? e2e_exit_status(wstatus) : 255;
        }
        if (s_ready(e)) {
            e->pid = pid;
            return 0;
        }
        s_nap();
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    char *log = e2e_log(e);
    fail_msg("aynid neither got ready nor stopped in %d ms; its log:\n%s", E2E_WAIT_MS, log);
    free(log);
    return -1;
}

void
e2e_start(struct e2e *e)
{
    int rc = e2e_start_args(e, NULL);
    if (rc != 0) {
        char *log = e2e_log(e);
        fail_msg("aynid stopped with status %d before it was ready; its log:\n%s", rc, log);
        free(log);
    }
}

int
e2e_stop(struct e2e *e)
{
    return e2e_stop_with(e, SIGTERM);
}

int
e2e_stop_with(struct e2e *e, int sig)
{
    assert_int_not_equal(e->pid, 0);
    proto_client_destroy(&e->client);
    pid_t pid = e->pid;
    e->pid = 0;
    kill(pid, sig);
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    int wstatus;
    while (waitpid(pid, &wstatus, WNOHANG) != pid) {
        if (e2e_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            print_error("aynid did not exit within %d ms of signal %d\n", E2E_WAIT_MS, sig);
            return -1;
        }
        s_nap();
    }
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
        return 0;
    char *log = e2e_log(e);
    print_error("aynid exited with status %d after signal %d; its log:\n%s\n",
                e2e_exit_status(wstatus), sig, log);
    free(log);
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

void
e2e_assert_running(struct e2e *e)
{
    int wstatus;
    if (!e->pid || waitpid(e->pid, &wstatus, WNOHANG) != e->pid)
        return;
    e->pid = 0;
    char *log = e2e_log(e);
    fail_msg("aynid stopped by itself (status %d); its log:\n%s", e2e_exit_status(wstatus), log);
    free(log);
}

void
e2e_kill(struct e2e *e)
{
    proto_client_destroy(&e->client);
    if (!e->pid)
        return;
    kill(e->pid, SIGKILL);
    waitpid(e->pid, NULL, 0);
    e->pid = 0;
}

/* ---- requests ---- */

int
e2e_call(struct e2e *e, const char *op, json_t *args, const char *idem, json_t **result,
         struct proto_error *err)
{
    if (!e->client) {
        e->client = proto_client_new(e->api, E2E_WAIT_MS, NULL, err);
        if (!e->client)
            fail_msg("cannot make a client of '%s': %s", e->api, err->message);
    }
    ayni_lang_set("en");
    int rc = proto_client_call(e->client, op, args, idem, result, err);
    ayni_lang_set(NULL);
    return rc;
}

json_t *
e2e_ok_idem(struct e2e *e, const char *op, json_t *args, const char *idem)
{
    struct proto_error err = {0};
    json_t *result = NULL;
    char *shown = args ? proto_dump(args) : xstrdup("{}");
    int rc = e2e_call(e, op, args, idem, &result, &err);
    if (rc == AYNI_EUNAVAILABLE)
        e2e_assert_running(e);
    if (rc != 0)
        fail_msg("%s %s failed: %s: %s", op, shown, ayni_err_code(rc), err.message);
    free(shown);
    proto_error_clear(&err);
    return result;
}

json_t *
e2e_ok(struct e2e *e, const char *op, json_t *args)
{
    return e2e_ok_idem(e, op, args, NULL);
}

const char *
e2e_fail(struct e2e *e, const char *op, json_t *args)
{
    struct proto_error err = {0};
    json_t *result = NULL;
    int rc = e2e_call(e, op, args, NULL, &result, &err);
    if (rc == 0) {
        char *text = proto_dump(result);
        fail_msg("%s succeeded but should have failed: %s", op, text);
        free(text);
    }
    proto_error_clear(&err);
    json_decref(result);
    return ayni_err_code(rc);
}

json_t *
e2e_raw(struct e2e *e, const void *data, size_t len, int timeout_ms)
{
    void *sock = e2e_socket(e, ZMQ_DEALER, e->api);
    assert_int_equal(zmq_send(sock, data, len, 0), (int)len);
    json_t *reply = NULL;
    zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) == 1) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, 0) >= 0) {
            json_error_t jerr;
            reply = json_loadb(zmq_msg_data(&msg), zmq_msg_size(&msg), 0, &jerr);
            if (!reply)
                fail_msg("aynid's reply is not JSON: %s", jerr.text);
        }
        zmq_msg_close(&msg);
    }
    e2e_close(e, &sock);
    return reply;
}

long long
e2e_head(struct e2e *e)
{
    json_t *info = e2e_ok(e, "server.info", NULL);
    long long head = json_integer_value(json_object_get(json_object_get(info, "events"), "head"));
    json_decref(info);
    return head;
}

void
e2e_alive(struct e2e *e)
{
    json_t *info = e2e_ok(e, "server.info", NULL);
    assert_string_equal(json_string_value(json_object_get(info, "name")), "aynid");
    json_decref(info);
}

/* ---- sockets ---- */

void *
e2e_socket(struct e2e *e, int type, const char *endpoint)
{
    size_t i = 0, n = sizeof e->socks / sizeof e->socks[0];
    while (i < n && e->socks[i])
        i++;
    if (i == n)
        fail_msg("more than %zu sockets open at once", n);
    void *sock = zmq_socket(e->zctx, type);
    assert_non_null(sock);
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    e->socks[i] = sock;
    if (endpoint && zmq_connect(sock, endpoint) != 0)
        fail_msg("cannot connect to '%s': %s", endpoint, zmq_strerror(zmq_errno()));
    return sock;
}

void
e2e_close(struct e2e *e, void **sock_p)
{
    if (!sock_p || !*sock_p)
        return;
    for (size_t i = 0; i < sizeof e->socks / sizeof e->socks[0]; i++)
        if (e->socks[i] == *sock_p)
            e->socks[i] = NULL;
    zmq_close(*sock_p);
    *sock_p = NULL;
}

/* ---- events ---- */

void *
e2e_sub(struct e2e *e, const char *prefix)
{
    void *sub = e2e_socket(e, ZMQ_SUB, NULL);
    int hwm = 0; /* never drop on our side: a test counts every event */
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    assert_int_equal(zmq_connect(sub, e->events), 0);
    assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, prefix, strlen(prefix)), 0);
    return sub;
}

json_t *
e2e_sub_next(void *sub, int timeout_ms)
{
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) != 1)
        return NULL;
    char topic[64];
    int n = zmq_recv(sub, topic, sizeof topic - 1, 0);
    assert_true(n > 0 && n < (int)sizeof topic);
    topic[n] = '\0';
    int more = 0;
    size_t len = sizeof more;
    zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &len);
    assert_true(more); /* two frames: topic, body */
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    assert_true(zmq_msg_recv(&msg, sub, 0) >= 0);
    assert_false(zmq_msg_more(&msg));
    json_error_t jerr;
    json_t *body = json_loadb(zmq_msg_data(&msg), zmq_msg_size(&msg), 0, &jerr);
    zmq_msg_close(&msg);
    if (!body)
        fail_msg("event '%s' is not JSON: %s", topic, jerr.text);
    assert_string_equal(json_string_value(json_object_get(body, "type")), topic);
    return body;
}

long long
e2e_sub_ready(struct e2e *e, void *sub)
{
    static int probes; /* donor codes are unique in a ledger */
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    while (e2e_now_ms() < deadline) {
        char code[40];
        snprintf(code, sizeof code, "PROBE-%d", ++probes);
        json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", code, "name", "probe")));
        json_t *ev = e2e_sub_next(sub, 50);
        if (ev) {
            long long seq = json_integer_value(json_object_get(ev, "seq"));
            json_decref(ev);
            return seq;
        }
    }
    fail_msg("the subscriber got no event within %d ms", E2E_WAIT_MS);
    return -1;
}

/* ---- helpers ---- */

json_t *
e2e_pack(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_error_t jerr;
    json_t *v = json_vpack_ex(&jerr, 0, fmt, ap);
    va_end(ap);
    if (!v)
        fail_msg("json_pack '%s': %s", fmt, jerr.text);
    return v;
}

void
e2e_date(int days, char out[11])
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void
e2e_seed(struct e2e *e)
{
    char expiry[11];
    e2e_date(400, expiry);
    json_decref(e2e_ok(e, "item.add",
                       e2e_pack("{ss ss ss ss sb si}", "code", "FOOD-KIT", "name_es",
                                "Kit de alimentos", "name_en", "Food kit", "tracking", "lot",
                                "perishable", 1, "low", 30)));
    json_decref(e2e_ok(e, "item.add",
                       e2e_pack("{ss ss ss ss ss}", "code", "TABLET", "name_es", "Tableta",
                                "name_en", "Tablet", "tracking", "serial", "unit", "unit")));
    json_decref(e2e_ok(e, "location.add",
                       e2e_pack("{ss ss ss ss}", "code", "ALM-LIMA", "kind", "warehouse", "name",
                                "Almacén Lima", "region", "Lima")));
    json_decref(e2e_ok(e, "location.add",
                       e2e_pack("{ss ss ss}", "code", "ALM-CUSCO", "kind", "warehouse", "name",
                                "Almacén Cusco")));
    json_decref(e2e_ok(e, "location.add",
                       e2e_pack("{ss ss ss ss ss}", "code", "COM-0042", "kind", "community",
                                "name", "Comunidad Q'ero", "region", "Cusco", "district",
                                "Paucartambo")));
    json_decref(e2e_ok(e, "donor.add", e2e_pack("{ss ss}", "code", "UNICEF", "name",
                                                "UNICEF Perú")));
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss ss si}", "at", "ALM-LIMA", "donor", "UNICEF",
                                "item", "FOOD-KIT", "lot", "L1", "expiry", expiry, "qty", 100)));
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss s[ssss]}", "at", "ALM-LIMA", "donor", "UNICEF",
                                "item", "TABLET", "serials", "SN-1", "SN-2", "SN-3", "SN-4")));
}

json_t *
e2e_dispatch_sample(struct e2e *e)
{
    json_t *s = e2e_ok(e, "shipment.create",
                       e2e_pack("{ss ss ss}", "from", "ALM-LIMA", "to", "COM-0042", "team",
                                "Equipo 3"));
    char code[48];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(s, "code")));
    json_decref(s);
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", code, "item", "FOOD-KIT", "qty", 10,
                                "packages", 2)));
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss s[s]}", "shipment", code, "item", "TABLET", "serials",
                                "SN-1")));
    return e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code));
}
