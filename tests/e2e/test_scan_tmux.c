/* test_scan_tmux.c: ayni-scan on a terminal of 40 columns, as a phone shows it (issue 14).
 *
 * A detached tmux session 40 columns wide runs `ayni-scan` interactively; the test types
 * into it what a keyboard-wedge scanner and a person would (send-keys) and reads the
 * screen back (capture-pane): a package short of 3 kits (the questions, the reason, the
 * confirmation by the core), an altered code (refused), and a package received whole.
 * Then, in Spanish (the default) and in English:
 *  - no line is wider than 40 columns: the pane's lines joined where the terminal wrapped
 *    them (capture-pane -J) all fit, so the terminal never cut a word at its edge;
 *  - the long messages are all there, word for word, broken at spaces only;
 *  - the 176-odd characters of each code are never echoed.
 * The tmux server (its own socket) is killed at the end, also when the test fails.
 * Skipped when tmux is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem.h"
#include "scan_cli.h"

#define S_COLUMNS 40

struct fx {
    struct e2e *e;
    char *queue;
    char *socket; /* tmux -L: this test's own tmux server */
    bool server;  /* a session was started on it */
    json_t *mine; /* Equipo Norte: 20 FOOD-KIT in 2 packages + tablet SN-1 */
};

/* What the screen says at each step, in one language. */
struct s_words {
    const char *lang;
    const char *ready, *whole, *count, *reason, *sent_short, *saved, *altered, *not_saved;
    const char *all_received, *sent_whole, *summary;
};

static const struct s_words s_es = {
    "es",
    "Escanea los códigos, uno por uno; Ctrl-D para terminar",
    "¿Llegó todo el paquete? [S/n]",
    "Kit de alimentos (línea 1): ¿cuántos llegaron, de 10?",
    "¿Por qué faltan 3? 1) dañados 2) faltantes (no llegaron) 3) vencidos 4) rechazados por "
    "la comunidad:",
    "paquete 1: confirmado en el núcleo · 7 de 10 recibidos · con faltantes · quedan paquetes "
    "del envío por confirmar",
    "línea 1: 7 recibidos; motivo: dañado (damaged)",
    "✗ RECHAZADO: código alterado: fue cambiado después de firmarse, no entregues",
    "no se guardó",
    "todo recibido",
    "paquete 2: confirmado en el núcleo · 10 de 10 recibidos",
    "Resumen: 3 códigos · guardados 2 (enviados al núcleo 2) · ya registrados 0 · rechazados 1 "
    "· sin registrar 0",
};

static const struct s_words s_en = {
    "en",
    "Scan the codes one by one; Ctrl-D to finish",
    "Did the whole package arrive? [Y/n]",
    "Food kit (line 1): how many arrived, of 10?",
    "Why are 3 missing? 1) damaged 2) missing (did not arrive) 3) expired 4) refused by the "
    "community:",
    "package 1: confirmed on the core · 7 of 10 received · with shortfalls · packages of the "
    "shipment still to confirm",
    "line 1: 7 received; reason: damaged",
    "✗ REFUSED: altered code: it was changed after it was signed; do not deliver",
    "not saved",
    "all received",
    "package 2: confirmed on the core · 10 of 10 received",
    "Summary: 3 codes · saved 2 (sent to the core 2) · recorded already 0 · refused 1 · not "
    "recorded 0",
};

/* The first tmux on PATH, or NULL. */
static char *
s_find_tmux(void)
{
    const char *path = getenv("PATH");
    char *copy = xstrdup(path && *path ? path : "/usr/bin:/bin"), *save = NULL, *found = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/tmux", dir);
        if (access(p, X_OK) == 0)
            found = p;
        else
            free(p);
    }
    free(copy);
    return found;
}

static char *s_tmux_bin;

/* Run tmux on this test's server with the arguments (NULL-terminated); its exit status,
 * and its standard output in *out when out is not NULL. */
static int
s_tmux(struct fx *f, char **out, ...)
{
    const char *argv[40] = {s_tmux_bin, "-f", "/dev/null", "-L", f->socket};
    int n = 5;
    va_list ap;
    va_start(ap, out);
    while ((argv[n] = va_arg(ap, const char *)) != NULL && n < 38)
        n++;
    va_end(ap);
    argv[n] = NULL;
    char *o = xasprintf("%s/tmux-out.txt", f->e->dir), *err = xasprintf("%s/tmux-err.txt", f->e->dir);
    extern char **environ;
    int status = e2e_reap(e2e_spawn(argv, NULL, o, err, environ), E2E_WAIT_MS, "tmux");
    if (out)
        *out = e2e_slurp(o);
    if (status != 0) {
        char *text = e2e_slurp(err);
        fprintf(stderr, "tmux %s: exit %d: %s\n", argv[5], status, text);
        free(text);
    }
    free(o);
    free(err);
    return status;
}

static int
s_setup(void **state)
{
    unsetenv("AYNI_API");
    unsetenv("AYNI_SCAN_QUEUE");
    unsetenv("TMUX"); /* run inside tmux or not, this test's server is its own */
    struct fx *f = xcalloc(1, sizeof *f);
    *state = f;
    if (!s_tmux_bin) {
        fprintf(stderr, "skipped: tmux is not installed (scripts/setup installs it)\n");
        return 0;
    }
    f->e = e2e_new();
    e2e_start(f->e);
    e2e_seed(f->e);
    f->mine = scan_dispatch(f->e, "Equipo Norte", 20, 2, "SN-1");
    f->queue = xasprintf("%s/scan.db", f->e->dir);
    f->socket = xasprintf("ayni-scan-e2e-%ld", (long)getpid());
    struct scan_cli_out o;
    scan_cli_run(&o, f->e->dir, NULL, "init", "--api", f->e->api, "--team", "Equipo Norte",
                 "--queue", f->queue, NULL);
    assert_int_equal(o.status, 0);
    scan_cli_clear(&o);
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *f = *state;
    if (f->server)
        s_tmux(f, NULL, "kill-server", NULL); /* ends ayni-scan too, if it still runs */
    json_decref(f->mine);
    free(f->queue);
    free(f->socket);
    if (f->e)
        e2e_destroy(&f->e);
    free(f);
    return 0;
}

/* The pane's text: every line from the start of its history, lines the terminal wrapped
 * joined again (-J), trailing blanks removed. */
static char *
s_screen(struct fx *f)
{
    char *text = NULL;
    assert_int_equal(s_tmux(f, &text, "capture-pane", "-p", "-J", "-S", "-", "-t", "scan", NULL),
                     0);
    return text;
}

/* text with every run of blanks and line ends made one space: what it says, however it
 * was broken into lines. */
static char *
s_flat(const char *text)
{
    char *out = xmalloc(strlen(text) + 1), *o = out;
    bool blank = false;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            blank = o != out;
            continue;
        }
        if (blank)
            *o++ = ' ';
        blank = false;
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

/* Wait until the screen says text (broken into lines anywhere at spaces). */
static void
s_expect(struct fx *f, const char *text)
{
    long deadline = e2e_now_ms() + E2E_WAIT_MS;
    char *want = s_flat(text);
    for (;;) {
        char *screen = s_screen(f), *flat = s_flat(screen);
        bool found = strstr(flat, want) != NULL;
        free(flat);
        if (found || e2e_now_ms() > deadline) {
            if (!found)
                fail_msg("the 40-column screen never said '%s'; it shows:\n%s", text, screen);
            free(screen);
            break;
        }
        free(screen);
        e2e_nap(20);
    }
    free(want);
}

static void
s_type(struct fx *f, const char *text)
{
    if (*text)
        assert_int_equal(s_tmux(f, NULL, "send-keys", "-t", "scan", "-l", text, NULL), 0);
    assert_int_equal(s_tmux(f, NULL, "send-keys", "-t", "scan", "Enter", NULL), 0);
}

/* Columns of a line of UTF-8 text (every character here takes one). */
static size_t
s_columns(const char *line, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)line[i] & 0xc0) != 0x80;
    return n;
}

/* Every line of the screen fits the pane: none was wrapped by the terminal. */
static void
s_assert_fits(const char *screen)
{
    for (const char *l = screen; *l;) {
        size_t len = strcspn(l, "\n"), end = len;
        while (end > 0 && l[end - 1] == ' ')
            end--;
        if (s_columns(l, end) > S_COLUMNS)
            fail_msg("a line of %zu columns on a %d-column terminal (the terminal cut it):\n"
                     "'%.*s'\nscreen:\n%s", s_columns(l, end), S_COLUMNS, (int)end, l, screen);
        l += len + (l[len] == '\n');
    }
}

/* The token with one character of its body changed: a code altered after signing. */
static char *
s_altered(const char *token)
{
    char *t = xstrdup(token);
    size_t at = strlen(t) / 2;
    t[at] = t[at] == 'A' ? 'B' : 'A';
    return t;
}

static void
s_session(struct fx *f, const struct s_words *w)
{
    char *lang = xasprintf("AYNI_LANG=%s", w->lang);
    /* the command runs without a shell: its arguments as they are */
    int rc = s_tmux(f, NULL, "new-session", "-d", "-s", "scan", "-x", "40", "-y", "30", "env",
                    "-u", "COLUMNS", lang, scan_cli_path(), "--queue", f->queue, NULL);
    free(lang);
    f->server = true; /* whatever new-session did, the teardown kills the server */
    assert_int_equal(rc, 0);
    s_expect(f, w->ready);

    /* package 1: 7 of 10 food kits arrived, 3 damaged */
    const char *p1 = scan_token(f->mine, 1), *p2 = scan_token(f->mine, 2);
    char *bad = s_altered(scan_token(f->mine, 3));
    s_type(f, p1);
    s_expect(f, w->whole);
    s_type(f, "n");
    s_expect(f, w->count);
    s_type(f, "7");
    s_expect(f, w->reason);
    s_type(f, "1");
    s_expect(f, w->saved);
    s_expect(f, w->sent_short);
    /* an altered code: refused, not saved */
    s_type(f, bad);
    s_expect(f, w->altered);
    s_expect(f, w->not_saved);
    /* package 2: all arrived (Enter takes the default, yes) */
    s_type(f, p2);
    s_expect(f, w->whole);
    s_type(f, "");
    s_expect(f, w->all_received);
    s_expect(f, w->sent_whole);

    char *screen = s_screen(f);
    s_assert_fits(screen);
    /* no code was echoed: not even a part of one as long as a line */
    const char *codes[] = {p1, p2, bad};
    for (size_t i = 0; i < 3; i++) {
        char part[S_COLUMNS / 2 + 1];
        snprintf(part, sizeof part, "%s", codes[i] + strlen(codes[i]) / 2);
        if (strstr(screen, part))
            fail_msg("the code was echoed on the screen:\n%s", screen);
    }
    free(screen);

    /* Ctrl-D: the session ends with its summary, which fits too (the pane is kept to be
     * read once ayni-scan has ended) */
    assert_int_equal(s_tmux(f, NULL, "set-option", "-t", "scan", "remain-on-exit", "on", NULL),
                     0);
    assert_int_equal(s_tmux(f, NULL, "send-keys", "-t", "scan", "C-d", NULL), 0);
    s_expect(f, w->summary);
    screen = s_screen(f);
    char *end = strstr(screen, "Pane is dead"); /* tmux's own line, not ayni-scan's */
    if (end)
        *end = '\0';
    if (getenv("AYNI_E2E_VERBOSE"))
        fprintf(stderr, "--- 40 columns ---\n%s--- end ---\n", screen);
    s_assert_fits(screen);
    free(screen);
    free(bad);
    assert_int_equal(scan_stock(f->e, "COM-0042", "FOOD-KIT"), 17);
    assert_int_equal(scan_stock(f->e, "LOSS", "FOOD-KIT"), 3);
}

static void
test_40_columns_es(void **state)
{
    struct fx *f = *state;
    if (!s_tmux_bin)
        skip();
    s_session(f, &s_es);
}

static void
test_40_columns_en(void **state)
{
    struct fx *f = *state;
    if (!s_tmux_bin)
        skip();
    s_session(f, &s_en);
}

int
main(void)
{
    s_tmux_bin = s_find_tmux();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_40_columns_es, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_40_columns_en, s_setup, s_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(s_tmux_bin);
    return rc;
}
