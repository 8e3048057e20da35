/* scan_cli.c: run the real ayni-scan binary from the end-to-end tests (scan_cli.h).
 * Test-only: anything unexpected fails the test; waits poll with a deadline.
 */
#include "scan_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "mem.h"
#include "token.h"

extern char **environ;

#define S_MAX_ARGS 32
#define S_RUN_MS (E2E_WAIT_MS * 3) /* the longest one run may take */

static char s_lang[16] = "es"; /* scan_cli_lang's, when s_lang_set */
static bool s_lang_set = true;

void
scan_cli_lang(const char *lang)
{
    s_lang_set = lang != NULL;
    snprintf(s_lang, sizeof s_lang, "%s", lang ? lang : "");
}

/* True if entry (NAME=VALUE) sets a variable that chooses the language. */
static bool
s_is_lang_var(const char *entry)
{
    static const char *const names[] = {"AYNI_LANG=", "LC_ALL=", "LC_MESSAGES=", "LANG=",
                                        "LANGUAGE="};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strncmp(entry, names[i], strlen(names[i])))
            return true;
    return false;
}

/* The environment of a new ayni-scan: this process's, in the language scan_cli_lang
 * chose, with extra (NAME=VALUE, may be NULL) added.  A new array (free it, not its
 * strings but *lang_entry). */
static char **
s_env(const char *extra, char **lang_entry)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    char **envp = xcalloc(n + 3, sizeof *envp);
    *lang_entry = NULL;
    for (size_t i = 0; i < n; i++)
        if (!s_lang_set || !s_is_lang_var(environ[i]))
            envp[k++] = environ[i];
    if (s_lang_set && s_lang[0])
        envp[k++] = *lang_entry = xasprintf("AYNI_LANG=%s", s_lang);
    if (extra)
        envp[k++] = (char *)extra;
    return envp;
}

const char *
scan_cli_path(void)
{
    const char *p = getenv("AYNI_SCAN");
    if (p && *p)
        return p;
#ifdef AYNI_SCAN_PATH
    return AYNI_SCAN_PATH;
#else
    fail_msg("set AYNI_SCAN to the ayni-scan binary");
    return NULL;
#endif
}

/* argv[0] = the binary, then the NULL-terminated arguments of ap. */
static void
s_argv(const char **argv, va_list ap)
{
    int n = 0;
    argv[n++] = scan_cli_path();
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < S_MAX_ARGS - 1)
        argv[n++] = a;
    argv[n] = NULL;
}

static void
s_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
    fputs(text ? text : "", f);
    fclose(f);
}

void
scan_cli_run(struct scan_cli_out *o, const char *dir, const char *input, ...)
{
    const char *argv[S_MAX_ARGS];
    va_list ap;
    va_start(ap, input);
    s_argv(argv, ap);
    va_end(ap);
    char *in = xasprintf("%s/scan-in.txt", dir), *out = xasprintf("%s/scan-out.txt", dir);
    char *err = xasprintf("%s/scan-err.txt", dir);
    s_write_file(in, input);
    char *lang, **envp = s_env(NULL, &lang);
    o->status = e2e_reap(e2e_spawn(argv, in, out, err, envp), S_RUN_MS, "ayni-scan");
    free(envp);
    free(lang);
    o->out = e2e_slurp(out);
    o->err = e2e_slurp(err);
    if (getenv("AYNI_E2E_VERBOSE"))
        fprintf(stderr, "$ ayni-scan %s … → %d\n%s%s", argv[1], o->status, o->out, o->err);
    if (strstr(o->err, "Sanitizer") || strstr(o->err, "runtime error:"))
        fail_msg("ayni-scan %s: the sanitizer found a bug:\n%s", argv[1], o->err);
    free(in);
    free(out);
    free(err);
}

void
scan_cli_clear(struct scan_cli_out *o)
{
    free(o->out);
    free(o->err);
    o->out = o->err = NULL;
}

int
scan_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* ---- in the background ---- */

void
scan_bg_start(struct scan_bg *b, const char *dir, const char *env_extra, const char *input, ...)
{
    const char *argv[S_MAX_ARGS];
    va_list ap;
    va_start(ap, input);
    s_argv(argv, ap);
    va_end(ap);
    char *lang, **envp = s_env(env_extra, &lang);
    b->out_path = xasprintf("%s/scan-bg-out.txt", dir);
    char *err = xasprintf("%s/scan-bg-err.txt", dir), *in = xasprintf("%s/scan-bg-in.txt", dir);
    s_write_file(in, input);
    b->pid = e2e_spawn(argv, in, b->out_path, err, envp);
    free(in);
    free(err);
    free(envp);
    free(lang);
}

char *
scan_bg_output(const struct scan_bg *b)
{
    return e2e_slurp(b->out_path);
}

bool
scan_bg_wait_for(const struct scan_bg *b, const char *needle, int n, int timeout_ms)
{
    long deadline = e2e_now_ms() + timeout_ms;
    while (e2e_now_ms() < deadline) {
        char *text = scan_bg_output(b);
        bool found = scan_count(text, needle) >= n;
        free(text);
        if (found)
            return true;
        if (waitpid(b->pid, NULL, WNOHANG | WNOWAIT) == b->pid)
            return false;
        e2e_nap(1);
    }
    return false;
}

int
scan_bg_wait(struct scan_bg *b)
{
    int status = e2e_reap(b->pid, S_RUN_MS, "ayni-scan");
    b->pid = 0;
    free(b->out_path);
    b->out_path = NULL;
    return status;
}

void
scan_bg_kill(struct scan_bg *b)
{
    kill(b->pid, SIGKILL);
}

/* ---- in a terminal ---- */

void
scan_pty_start(struct scan_pty *p, ...)
{
    const char *argv[S_MAX_ARGS];
    va_list ap;
    va_start(ap, p);
    s_argv(argv, ap);
    va_end(ap);
    struct winsize ws = {.ws_row = 50, .ws_col = 200};
    memset(p, 0, sizeof *p);
    char *lang, **envp = s_env(NULL, &lang);
    p->pid = forkpty(&p->fd, NULL, NULL, &ws);
    if (p->pid < 0)
        fail_msg("forkpty: %s", strerror(errno));
    if (p->pid == 0) {
        execve(argv[0], (char *const *)argv, envp);
        _exit(127);
    }
    free(envp);
    free(lang);
    p->cap = 4096;
    p->seen = xmalloc(p->cap);
    p->seen[0] = '\0';
}

/* Read what is there (waiting up to ms); false at end of output. */
static bool
s_pty_read(struct scan_pty *p, int ms)
{
    struct pollfd pfd = {p->fd, POLLIN, 0};
    if (poll(&pfd, 1, ms) <= 0)
        return true;
    char buf[1024];
    ssize_t n = read(p->fd, buf, sizeof buf);
    if (n <= 0)
        return false;
    if (p->len + (size_t)n + 1 > p->cap)
        p->seen = xrealloc(p->seen, p->cap = 2 * (p->cap + (size_t)n));
    memcpy(p->seen + p->len, buf, (size_t)n);
    p->len += (size_t)n;
    p->seen[p->len] = '\0';
    return true;
}

void
scan_pty_expect(struct scan_pty *p, const char *text)
{
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    bool open = true;
    while (!strstr(p->seen + p->from, text) && open && e2e_now_ms() < deadline)
        open = s_pty_read(p, 20);
    char *at = strstr(p->seen + p->from, text);
    if (!at)
        fail_msg("the terminal never showed '%s'; it showed:\n%s", text, p->seen);
    p->from = (size_t)(at - p->seen) + strlen(text);
}

void
scan_pty_type(struct scan_pty *p, const char *line)
{
    char *text = xasprintf("%s\r", line);
    ssize_t n = write(p->fd, text, strlen(text));
    assert_int_equal(n, (ssize_t)strlen(text));
    free(text);
}

void
scan_pty_eof(struct scan_pty *p)
{
    assert_int_equal(write(p->fd, "\x04", 1), 1);
}

int
scan_pty_wait(struct scan_pty *p)
{
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    while (s_pty_read(p, 20) && e2e_now_ms() < deadline)
        ; /* until the child closes the terminal */
    int status = e2e_reap(p->pid, S_RUN_MS, "ayni-scan");
    close(p->fd);
    if (getenv("AYNI_E2E_VERBOSE"))
        fprintf(stderr, "--- terminal ---\n%s\n--- end ---\n", p->seen);
    free(p->seen);
    memset(p, 0, sizeof *p);
    return status;
}

/* ---- data ---- */

const char *
scan_token(json_t *shipment, int n)
{
    json_t *holder = n ? json_array_get(json_object_get(shipment, "packages"), (size_t)n - 1)
                       : shipment;
    const char *t = json_string_value(json_object_get(holder, "token"));
    if (!t)
        fail_msg("shipment has no token for package %d", n);
    return t;
}

char *
scan_forged(json_t *shipment, int n)
{
    struct core_token t = {.version = CORE_TOKEN_VERSION, .package = (unsigned)n};
    unsigned char pk[32], sk[64];
    t.count = (unsigned)json_array_size(json_object_get(shipment, "packages"));
    snprintf(t.shipment, sizeof t.shipment, "%s",
             json_string_value(json_object_get(shipment, "code")));
    snprintf(t.dest, sizeof t.dest, "%s",
             json_string_value(json_object_get(json_object_get(shipment, "to"), "code")));
    crypto_sign_keypair(pk, sk);
    char *text = NULL;
    assert_int_equal(core_token_issue(&t, sk, &text), 0);
    return text;
}

json_t *
scan_dispatch(struct e2e *e, const char *team, int food, int food_packages, const char *serial)
{
    json_t *s = e2e_ok(e, "shipment.create", e2e_pack("{ss ss ss}", "from", "ALM-LIMA", "to",
                                                      "COM-0042", "team", team));
    char code[48];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(s, "code")));
    json_decref(s);
    if (food)
        json_decref(e2e_ok(e, "shipment.add_line",
                           e2e_pack("{ss ss si si}", "shipment", code, "item", "FOOD-KIT", "qty",
                                    food, "packages", food_packages)));
    if (serial)
        json_decref(e2e_ok(e, "shipment.add_line",
                           e2e_pack("{ss ss s[s]}", "shipment", code, "item", "TABLET",
                                    "serials", serial)));
    return e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code));
}

long
scan_stock(struct e2e *e, const char *at, const char *item)
{
    json_t *rows = e2e_ok(e, "stock.levels", e2e_pack("{ss ss}", "at", at, "item", item)), *r;
    size_t i;
    long qty = 0;
    json_array_foreach(rows, i, r)
        qty += (long)json_integer_value(json_object_get(r, "qty"));
    json_decref(rows);
    return qty;
}

json_t *
scan_events(struct e2e *e, const char *type)
{
    json_t *res = e2e_ok(e, "events.since", e2e_pack("{si si}", "since", 0, "limit", 10000));
    json_t *out = json_array(), *ev;
    size_t i;
    json_array_foreach(json_object_get(res, "events"), i, ev) {
        if (!strcmp(json_string_value(json_object_get(ev, "type")), type))
            json_array_append(out, ev);
    }
    json_decref(res);
    return out;
}

json_t *
scan_status(const char *dir, const char *queue)
{
    struct scan_cli_out o;
    scan_cli_run(&o, dir, NULL, "status", "--json", "--queue", queue, NULL);
    assert_int_equal(o.status, 0);
    json_error_t jerr;
    json_t *st = json_loads(o.out, 0, &jerr);
    if (!st)
        fail_msg("status --json is not JSON: %s\n%s", jerr.text, o.out);
    scan_cli_clear(&o);
    return st;
}

long
scan_state_count(json_t *status, const char *state)
{
    return (long)json_integer_value(json_object_get(json_object_get(status, "counts"), state));
}
