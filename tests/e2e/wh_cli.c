/* wh_cli.c: run the real ayni-warehouse binary from the end-to-end tests (wh_cli.h).
 * Test-only: anything unexpected fails the test; every wait polls with a deadline.
 */
#include "wh_cli.h"

#include <arpa/inet.h>
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "mem.h"
#include "token.h"

extern char **environ;

#define S_MAX_ARGS 40
#define S_RUN_MS 30000 /* the longest one run may take (sanitizer builds are slow) */

const char *
wh_cli_path(void)
{
    const char *p = getenv("AYNI_WAREHOUSE");
    if (p && *p)
        return p;
#ifdef AYNI_WAREHOUSE_PATH
    return AYNI_WAREHOUSE_PATH;
#else
    fail_msg("set AYNI_WAREHOUSE to the ayni-warehouse binary");
    return NULL;
#endif
}

/* argv[0] = the binary, then args (NULL-terminated). */
static void
s_argv(const char **argv, const char *const *args)
{
    int n = 0;
    argv[n++] = wh_cli_path();
    for (; args && *args && n < S_MAX_ARGS - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
}

static void
s_collect(const char **args, va_list ap)
{
    int n = 0;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < S_MAX_ARGS - 2)
        args[n++] = a;
    args[n] = NULL;
}

/* How wide the runs' terminal is (COLUMNS, and the pseudo-terminal's size); 0: COLUMNS
 * unset and a terminal of 160 columns. */
static int s_term_columns;
/* The language of the runs: AYNI_LANG in their environment, Spanish unless a test says
 * otherwise, so that the caller's LANG never decides what the tests read.  None of the
 * caller's AYNI_LANG, LANG, LC_ALL, LC_MESSAGES is passed on; "" sets none (the tools' own
 * default), and "LANG=en_US.UTF-8" (a text with '=') sets that variable instead. */
static const char *s_lang = "es";

static bool
s_lang_var(const char *v)
{
    return !strncmp(v, "AYNI_LANG=", 10) || !strncmp(v, "LANG=", 5) || !strncmp(v, "LC_ALL=", 7) ||
           !strncmp(v, "LC_MESSAGES=", 12);
}

void
wh_set_lang(const char *lang)
{
    s_lang = lang ? lang : "es";
}

void
wh_set_columns(int columns)
{
    s_term_columns = columns;
}

/* This environment with AYNI_API and AYNI_EVENTS pointing at e's aynid, COLUMNS as
 * wh_set_columns says, and without the caller's AYNI_PROVISION or COLUMNS (a new array;
 * free it with s_env_free). */
static char **
s_env(struct e2e *e)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    char **envp = xcalloc(n + 5, sizeof *envp);
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "AYNI_API=", 9) && strncmp(environ[i], "AYNI_EVENTS=", 12) &&
            strncmp(environ[i], "AYNI_PROVISION=", 15) && strncmp(environ[i], "COLUMNS=", 8) &&
            !s_lang_var(environ[i]))
            envp[k++] = environ[i];
    envp[k++] = xasprintf("AYNI_API=%s", e->api);
    envp[k++] = xasprintf("AYNI_EVENTS=%s", e->events);
    if (s_term_columns > 0)
        envp[k++] = xasprintf("COLUMNS=%d", s_term_columns);
    if (strchr(s_lang, '='))
        envp[k++] = xstrdup(s_lang);
    else if (*s_lang)
        envp[k++] = xasprintf("AYNI_LANG=%s", s_lang);
    return envp;
}

static void
s_env_free(char **envp)
{
    /* the strings made here: the caller's of these names were left out */
    for (size_t i = 0; envp[i]; i++)
        if (!strncmp(envp[i], "AYNI_API=", 9) || !strncmp(envp[i], "AYNI_EVENTS=", 12) ||
            !strncmp(envp[i], "COLUMNS=", 8) || s_lang_var(envp[i]))
            free(envp[i]);
    free(envp);
}

static void
s_check_sanitizer(const char *what, const char *text)
{
    if (strstr(text, "Sanitizer") || strstr(text, "runtime error:"))
        fail_msg("%s: the sanitizer found a bug:\n%s", what, text);
}

/* "item add FOO …": the first few arguments, for messages. */
static char *
s_what(const char *const *args)
{
    char *w = xstrdup("ayni-warehouse");
    for (int i = 0; args[i] && i < 4; i++) {
        char *next = xasprintf("%s %s", w, args[i]);
        free(w);
        w = next;
    }
    return w;
}

void
wh_runv(struct wh_out *o, struct e2e *e, const char *const *args)
{
    const char *argv[S_MAX_ARGS];
    s_argv(argv, args);
    char *out = xasprintf("%s/wh-out.txt", e->dir), *err = xasprintf("%s/wh-err.txt", e->dir);
    char **envp = s_env(e);
    char *what = s_what(args);
    long t0 = e2e_now_ms();
    o->status = e2e_reap(e2e_spawn(argv, NULL, out, err, envp), S_RUN_MS, what);
    o->ms = e2e_now_ms() - t0;
    o->out = e2e_slurp(out);
    o->err = e2e_slurp(err);
    if (getenv("AYNI_E2E_VERBOSE"))
        fprintf(stderr, "$ %s → %d (%ld ms)\n%s%s", what, o->status, o->ms,
                o->out, o->err);
    s_check_sanitizer(what, o->err);
    s_env_free(envp);
    free(what);
    free(out);
    free(err);
}

void
wh_run(struct wh_out *o, struct e2e *e, ...)
{
    const char *args[S_MAX_ARGS];
    va_list ap;
    va_start(ap, e);
    s_collect(args, ap);
    va_end(ap);
    wh_runv(o, e, args);
}

void
wh_out_clear(struct wh_out *o)
{
    free(o->out);
    free(o->err);
    o->out = o->err = NULL;
}

/* ---- in a terminal ---- */

/* Append what the terminal has (waiting up to ms) to *buf; false at its end. */
static bool
s_pty_read(int fd, char **buf, size_t *len, size_t *cap, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, ms) <= 0)
        return true;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0)
        return false; /* EIO: every holder of the terminal's other side closed it */
    if (*len + (size_t)n + 1 > *cap)
        *buf = xrealloc(*buf, *cap = 2 * (*cap + (size_t)n));
    memcpy(*buf + *len, chunk, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return true;
}

void
wh_run_pty(struct wh_out *o, struct e2e *e, ...)
{
    const char *args[S_MAX_ARGS], *argv[S_MAX_ARGS];
    va_list ap;
    va_start(ap, e);
    s_collect(args, ap);
    va_end(ap);
    s_argv(argv, args);
    char **envp = s_env(e); /* made before fork: the child only execs */
    struct winsize ws = {.ws_row = 50,
                         .ws_col = s_term_columns > 0 ? (unsigned short)s_term_columns : 160};
    int fd;
    long t0 = e2e_now_ms();
    fflush(NULL);
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0)
        fail_msg("forkpty: %s", strerror(errno));
    if (pid == 0) {
        execve(argv[0], (char *const *)argv, envp);
        _exit(127);
    }
    size_t len = 0, cap = 4096;
    char *seen = xcalloc(1, cap);
    long deadline = e2e_now_ms() + S_RUN_MS;
    while (s_pty_read(fd, &seen, &len, &cap, 20) && e2e_now_ms() < deadline)
        ; /* until the child closes the terminal */
    char *what = s_what(args);
    o->status = e2e_reap(pid, 1000, what);
    o->ms = e2e_now_ms() - t0;
    close(fd);
    o->out = seen;
    o->err = xstrdup("");
    if (getenv("AYNI_E2E_VERBOSE"))
        fprintf(stderr, "$ %s (terminal) → %d\n%s\n", what, o->status, seen);
    s_check_sanitizer(what, seen);
    free(what);
    s_env_free(envp);
}

/* ---- reading what a terminal shows ---- */

void
wh_assert_fits(const char *text, size_t columns)
{
    size_t col = 0, line = 1;
    const char *start = text;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\033') { /* CSI: ESC [ parameters, a final letter */
            if (p[1] == '[')
                for (p += 2; *p && !(*p >= 0x40 && *p <= 0x7e); p++)
                    ;
            if (!*p)
                break;
            continue;
        }
        if (*p == '\r' || *p == '\n') {
            col = 0;
            line += *p == '\n';
            start = *p == '\n' ? (const char *)p + 1 : start;
            continue;
        }
        col += (*p & 0xc0) != 0x80;
        if (col > columns)
            fail_msg("line %zu is wider than %zu columns:\n%.*s\n--- all of it ---\n%s",
                     line, columns, (int)strcspn(start, "\n"), start, text);
    }
}

void
wh_assert_words_whole(const char *text, const char *value)
{
    char *copy = xstrdup(value), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        size_t n = strlen(w);
        bool whole = false;
        for (const char *at = strstr(text, w); at && !whole; at = strstr(at + 1, w))
            whole = (at == text || strchr(" \n\r", at[-1])) && strchr(" \n\r", at[n]);
        if (!whole)
            fail_msg("the word '%s' (of '%s') is not shown whole:\n%s", w, value, text);
    }
    free(copy);
}

/* ---- run and check ---- */

static void
s_expect(struct wh_out *o, struct e2e *e, int want, const char *const *args)
{
    wh_runv(o, e, args);
    if (o->status != want) {
        char *what = s_what(args);
        fail_msg("%s: exit code %d, expected %d\n--- stdout ---\n%s--- stderr "
                 "---\n%s",
                 what, o->status, want, o->out, o->err);
        free(what);
    }
}

char *
wh_expect(struct e2e *e, int want, ...)
{
    const char *args[S_MAX_ARGS];
    va_list ap;
    va_start(ap, want);
    s_collect(args, ap);
    va_end(ap);
    struct wh_out o;
    s_expect(&o, e, want, args);
    free(o.err);
    return o.out;
}

char *
wh_expect_err(struct e2e *e, int want, ...)
{
    const char *args[S_MAX_ARGS];
    va_list ap;
    va_start(ap, want);
    s_collect(args, ap);
    va_end(ap);
    struct wh_out o;
    s_expect(&o, e, want, args);
    free(o.out);
    return o.err;
}

json_t *
wh_json(struct e2e *e, int want, ...)
{
    const char *args[S_MAX_ARGS] = {"--json"};
    va_list ap;
    va_start(ap, want);
    s_collect(args + 1, ap);
    va_end(ap);
    struct wh_out o;
    s_expect(&o, e, want, args);
    json_error_t jerr;
    json_t *v = json_loads(o.out, JSON_DECODE_ANY, &jerr);
    if (!v)
        fail_msg("ayni-warehouse --json %s: the output is not one JSON value (%s, line %d):\n%s",
                 args[1], jerr.text, jerr.line, o.out);
    wh_out_clear(&o);
    return v;
}

/* ---- in the background ---- */

void
wh_bg_start(struct wh_bg *b, struct e2e *e, ...)
{
    const char *args[S_MAX_ARGS], *argv[S_MAX_ARGS];
    va_list ap;
    va_start(ap, e);
    s_collect(args, ap);
    va_end(ap);
    s_argv(argv, args);
    char **envp = s_env(e);
    b->out_path = xasprintf("%s/wh-bg-out.txt", e->dir);
    b->err_path = xasprintf("%s/wh-bg-err.txt", e->dir);
    b->pid = e2e_spawn(argv, NULL, b->out_path, b->err_path, envp);
    s_env_free(envp);
}

char *
wh_bg_output(const struct wh_bg *b)
{
    return e2e_slurp(b->out_path);
}

bool
wh_bg_wait_for(const struct wh_bg *b, const char *needle, int timeout_ms)
{
    long deadline = e2e_now_ms() + timeout_ms;
    for (;;) {
        char *text = wh_bg_output(b);
        bool found = strstr(text, needle) != NULL;
        free(text);
        if (found)
            return true;
        if (e2e_now_ms() > deadline || waitpid(b->pid, NULL, WNOHANG | WNOWAIT) == b->pid)
            return false;
        e2e_nap(2);
    }
}

int
wh_bg_stop(struct wh_bg *b, int sig, char **out)
{
    kill(b->pid, sig);
    int status = e2e_reap(b->pid, E2E_WAIT_MS, "ayni-warehouse in the background");
    if (out)
        *out = e2e_slurp(b->out_path);
    char *err = e2e_slurp(b->err_path);
    s_check_sanitizer("in the background", err);
    if (getenv("AYNI_E2E_VERBOSE"))
        fprintf(stderr, "background ayni-warehouse → %d\n%s", status, err);
    free(err);
    free(b->out_path);
    free(b->err_path);
    memset(b, 0, sizeof *b);
    return status;
}

/* ---- reading output ---- */

void
wh_assert_has(const char *text, const char *needle, const char *file, int line)
{
    if (!strstr(text, needle))
        fail_msg("%s:%d: missing \"%s\" in:\n%s", file, line, needle, text);
}

void
wh_assert_hasnt(const char *text, const char *needle, const char *file, int line)
{
    if (strstr(text, needle))
        fail_msg("%s:%d: unexpected \"%s\" in:\n%s", file, line, needle, text);
}

int
wh_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

char *
wh_last_line(const char *text)
{
    size_t end = strlen(text);
    while (end && (text[end - 1] == '\n' || text[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start && text[start - 1] != '\n')
        start--;
    return xstrndup(text + start, end - start);
}

/* A column of one line of a table: where it starts and ends, in characters. */
struct s_field {
    int start, end;
};

/* The columns of line[0..len) (separated by two spaces or more); how many, up to max. */
static int
s_columns(const char *line, size_t len, struct s_field *f, int max)
{
    int n = 0, chars = 0, spaces = 2;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c & 0xc0) == 0x80)
            continue; /* a continuation byte: the same character */
        if (c == ' ') {
            spaces++;
        } else {
            if (spaces >= 2 && n == max)
                break;
            if (spaces >= 2)
                f[n++].start = chars;
            f[n - 1].end = chars + 1;
            spaces = 0;
        }
        chars++;
    }
    return n;
}

/* For each character of line[0..len), whether it is a space; how many characters. */
static int
s_spaces(const char *line, size_t len, bool *space, int max)
{
    int n = 0;
    for (size_t i = 0; i < len && n < max; i++)
        if (((unsigned char)line[i] & 0xc0) != 0x80) /* not a continuation byte */
            space[n++] = line[i] == ' ';
    return n;
}

void
wh_assert_aligned(const char *table, const char *spec)
{
    struct s_field head[17];
    bool space[512];
    int ncols = (int)strlen(spec);
    assert_true(ncols <= 16);
    const char *line = table, *nl = strchr(line, '\n');
    int nhead = nl ? s_columns(line, (size_t)(nl - line), head, 17) : 0;
    if (nhead < ncols)
        fail_msg("no header of %d columns in:\n%s", ncols, table);
    int rows = 0;
    for (line = nl + 1; *line && (nl = strchr(line, '\n')) != NULL; line = nl + 1, rows++) {
        int n = s_spaces(line, (size_t)(nl - line), space, 512);
        for (int c = 0; c < ncols; c++) {
            bool right = spec[c] == 'r', ok = true;
            if (spec[c] == '.')
                continue;
            assert_true(!right || c + 1 < nhead);
            /* 'l': text starts at the header's start, after two spaces; 'r': text ends two
             * characters before the next header starts. */
            int at = right ? head[c + 1].start - 3 : head[c].start;
            ok = at < n && !space[at];
            if (right)
                ok = ok && at + 2 < n && space[at + 1] && space[at + 2];
            else if (c > 0)
                ok = ok && space[at - 1] && space[at - 2];
            if (!ok)
                fail_msg("column %d of row %d does not %s at character %d as its header "
                         "does:\n%s",
                         c + 1, rows + 1, right ? "end" : "start", at, table);
        }
    }
    assert_true(rows > 0);
}

/* ---- files and tools ---- */

char *
wh_sh(int *status, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(need >= 0);
    char *cmd = xmalloc((size_t)need + 1);
    vsnprintf(cmd, (size_t)need + 1, fmt, ap2);
    va_end(ap2);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    if (!p)
        fail_msg("cannot run '%s': %s", cmd, strerror(errno));
    char *text = e2e_read_all(p);
    int wstatus = pclose(p);
    if (status)
        *status = wstatus >= 0 ? e2e_exit_status(wstatus) : -1;
    free(cmd);
    return text;
}

void
wh_need(const char *program)
{
    int status;
    free(wh_sh(&status, "command -v '%s' >/dev/null 2>&1", program));
    if (status != 0) {
        fprintf(stderr, "skipped: '%s' is not installed (scripts/setup installs it)\n", program);
        skip();
    }
}

bool
wh_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

char *
wh_write(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
    return path;
}

void
wh_assert_pdf(const char *pdf)
{
    int status;
    if (!wh_exists(pdf))
        fail_msg("no PDF at '%s'", pdf);
    char *out = wh_sh(&status, "qpdf --check '%s' 2>&1", pdf);
    if (status != 0)
        fail_msg("qpdf --check '%s' failed (%d):\n%s", pdf, status, out);
    free(out);
}

char *
wh_pdf_text(const char *pdf)
{
    int status;
    char *text = wh_sh(&status, "pdftotext '%s' - 2>&1", pdf);
    if (status != 0)
        fail_msg("pdftotext '%s' failed (%d):\n%s", pdf, status, text);
    return text;
}

json_t *
wh_pdf_qr(const char *pdf, const char *dir)
{
    int status;
    free(wh_sh(&status, "rm -rf '%s/qr' && mkdir '%s/qr' && pdftoppm -r 150 -png '%s' '%s/qr/p'",
               dir, dir, pdf, dir));
    if (status != 0)
        fail_msg("pdftoppm could not rasterise '%s'", pdf);
    char *raw = wh_sh(&status, "for f in $(ls '%s/qr/' | sort); do zbarimg -q --raw "
                               "\"%s/qr/$f\" 2>/dev/null; done",
                      dir, dir);
    json_t *codes = json_array();
    char *save = NULL;
    for (char *l = strtok_r(raw, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        json_array_append_new(codes, json_string(l));
    free(raw);
    return codes;
}

size_t
wh_assert_tokens(struct e2e *e, json_t *tokens, const char *shipment)
{
    json_t *key = e2e_ok(e, "keys.public", NULL);
    unsigned char pk[32];
    const char *hex = json_string_value(json_object_get(key, "public_key"));
    assert_non_null(hex);
    assert_int_equal(sodium_hex2bin(pk, sizeof pk, hex, strlen(hex), NULL, NULL, NULL), 0);
    json_decref(key);
    size_t i, n = json_array_size(tokens);
    unsigned seen[CORE_TOKEN_COUNT_MAX + 1] = {0}, count = 0;
    json_t *t;
    json_array_foreach(tokens, i, t) {
        const char *text = json_string_value(t);
        struct core_token tok;
        enum core_token_verdict v = core_token_verify(text, strlen(text), pk, &tok);
        if (v != CORE_TOKEN_GENUINE)
            fail_msg("QR code %zu of %zu does not verify (%s): %s", i + 1, n,
                     core_token_verdict_message(v), text);
        assert_string_equal(tok.shipment, shipment);
        assert_true(tok.package <= tok.count);
        seen[tok.package]++;
        count = tok.count;
    }
    /* The slip (package 0) and every label, each once. */
    assert_int_equal(n, count + 1);
    for (unsigned p = 0; p <= count; p++)
        if (seen[p] != 1)
            fail_msg("package %u of %s is on %u QR codes, not one", p, shipment, seen[p]);
    return n;
}

/* ---- data ---- */

const char *
wh_source_dir(void)
{
    const char *d = getenv("AYNI_SOURCE_DIR");
    if (d && *d)
        return d;
#ifdef AYNI_E2E_SOURCE_DIR
    return AYNI_E2E_SOURCE_DIR;
#else
    fail_msg("set AYNI_SOURCE_DIR to the source tree");
    return NULL;
#endif
}

/* Split one CSV line (quoted fields allowed, no line breaks in them) into up to max
 * fields, in place; how many. */
static int
s_fields(char *line, char **f, int max)
{
    int n = 0;
    char *r = line, *w = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = w;
        bool quoted = *r == '"';
        r += quoted;
        for (; *r; r++) {
            if (quoted && r[0] == '"' && r[1] == '"')
                *w++ = *r++;
            else if (quoted && *r == '"')
                quoted = false;
            else if (!quoted && *r == ',')
                break;
            else
                *w++ = *r;
        }
        bool more = *r == ',';
        *w++ = '\0';
        if (!more)
            break;
        r++;
    }
    return n;
}

/* Call op once per row of data/name (after its header) with the fields packed by pack. */
static void
s_load(struct e2e *e, const char *name, const char *op, int nfields,
       json_t *(*pack)(char **f))
{
    char *path = xasprintf("%s/data/%s", wh_source_dir(), name);
    FILE *in = fopen(path, "r");
    if (!in)
        fail_msg("cannot read '%s': %s", path, strerror(errno));
    char line[1024], *f[16];
    bool header = true;
    while (fgets(line, sizeof line, in)) {
        if (header || line[0] == '\n') {
            header = false;
            continue;
        }
        if (s_fields(line, f, 16) != nfields)
            fail_msg("%s: a row without %d fields: %s", path, nfields, line);
        json_decref(e2e_ok(e, op, pack(f)));
    }
    fclose(in);
    free(path);
}

static json_t *
s_item(char **f)
{
    return e2e_pack("{ss ss ss ss sb ss si}", "code", f[0], "name_es", f[1], "name_en", f[2],
                    "tracking", f[3], "perishable", !strcmp(f[4], "yes"), "unit", f[5], "low",
                    atoi(f[6]));
}

static json_t *
s_location(char **f)
{
    return e2e_pack("{ss ss ss ss ss}", "code", f[0], "kind", f[1], "name", f[2], "region", f[3],
                    "district", f[4]);
}

static json_t *
s_donor(char **f)
{
    return e2e_pack("{ss ss}", "code", f[0], "name", f[1]);
}

void
wh_seed_catalog(struct e2e *e)
{
    s_load(e, "items.csv", "item.add", 7, s_item);
    s_load(e, "locations.csv", "location.add", 5, s_location);
    s_load(e, "donors.csv", "donor.add", 2, s_donor);
}

void
wh_start_secure(struct e2e *e, const char *admin_file)
{
    const char *aynid = getenv("AYNID");
#ifdef AYNI_AYNID_PATH
    if (!aynid || !*aynid)
        aynid = AYNI_AYNID_PATH;
#endif
    if (!aynid || !*aynid)
        fail_msg("set AYNID to the aynid binary");
    int status;
    char *out = wh_sh(&status,
                      "'%s' --db '%s' --keys '%s' --api '%s' --events '%s' --init-admin '%s' 2>&1",
                      aynid, e->db, e->keys, e->api, e->events, admin_file);
    if (status != 0)
        fail_msg("aynid --init-admin failed (%d):\n%s", status, out);
    free(out);
    e->secure = true;
    e2e_start(e);
}

long
wh_stock(struct e2e *e, const char *at, const char *item)
{
    json_t *rows = e2e_ok(e, "stock.levels", e2e_pack("{ss ss}", "at", at, "item", item)), *r;
    size_t i;
    long qty = 0;
    json_array_foreach(rows, i, r)
        qty += (long)json_integer_value(json_object_get(r, "qty"));
    json_decref(rows);
    return qty;
}

static void *
s_hang_up(void *arg)
{
    struct wh_hangup *h = arg;
    for (;;) {
        int c = accept(h->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char start[10];
        (void)!read(c, start, sizeof start);
        close(c);
    }
}

void
wh_hangup_start(struct wh_hangup *h)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(h->fd >= 0);
    assert_int_equal(bind(h->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(h->fd, 16), 0);
    assert_int_equal(getsockname(h->fd, (struct sockaddr *)&a, &len), 0);
    h->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&h->thread, NULL, s_hang_up, h), 0);
}

void
wh_hangup_stop(struct wh_hangup *h)
{
    shutdown(h->fd, SHUT_RDWR); /* ends accept */
    pthread_join(h->thread, NULL);
    close(h->fd);
}
