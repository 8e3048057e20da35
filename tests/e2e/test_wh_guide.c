/* test_wh_guide.c: docs/warehouse.md, the staff's guide, run as written: every command of
 * its `sh` and `console` blocks, in order, in one shell, against a new, empty aynid,
 * from a folder where data/ is the repository's.  A command of an `sh` block that exits
 * non-zero fails the test; in a `console` block, what follows each `$ command` must be
 * exactly what it shows (standard output and error).  Two more tests change the guide
 * (an output, a command) and check that the run then fails, naming the guide's line.
 * A fresh aynid for each test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "wh_cli.h"

#define S_GUIDE "docs/warehouse.md"

/* A growable string. */
struct s_buf {
    char *s;
    size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
s_add(struct s_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(need >= 0);
    if (b->len + (size_t)need + 1 > b->cap) {
        b->cap = (b->len + (size_t)need + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)need;
}

/* The guide's `console` command in hand: its text, its line, what it shows. */
struct s_console {
    struct s_buf cmd, want;
    int line;
};

static void
s_flush(struct s_buf *sh, struct s_console *c)
{
    if (!c->line)
        return;
    s_add(sh,
          "s_got=$( { %s\n} 2>&1 )\n"
          "s_want=$(cat <<'AYNI_GUIDE_EOF'\n%sAYNI_GUIDE_EOF\n)\n"
          "[ \"$s_got\" == \"$s_want\" ] || s_differs %d \"$s_want\" \"$s_got\"\n",
          c->cmd.s, c->want.s ? c->want.s : "", c->line);
    c->cmd.len = c->want.len = 0;
    if (c->cmd.s)
        c->cmd.s[0] = '\0';
    if (c->want.s)
        c->want.s[0] = '\0';
    c->line = 0;
}

/* The guide (its text) as a bash script (a new string). */
static char *
s_script(const char *guide)
{
    struct s_buf sh = {0};
    struct s_console c = {0};
    s_add(&sh, "s_fail() { echo \"" S_GUIDE ":$1: the command exits $2\" >&2; exit 1; }\n"
               "s_differs() { echo \"" S_GUIDE ":$1: the command shows another output:\" >&2;\n"
               "  diff <(printf '%%s\\n' \"$2\") <(printf '%%s\\n' \"$3\") >&2; exit 1; }\n"
               "set -o pipefail\n");
    char *copy = xstrdup(guide), *next;
    enum { OUT, SH, CONSOLE, OTHER } in = OUT;
    int n = 0, first = 0;
    struct s_buf cmd = {0};
    for (char *l = copy; l; l = next) {
        if ((next = strchr(l, '\n')))
            *next++ = '\0';
        n++;
        if (!strncmp(l, "```", 3)) {
            if (in == CONSOLE)
                s_flush(&sh, &c);
            in = in != OUT ? OUT : !strcmp(l, "```sh") ? SH : !strcmp(l, "```console") ? CONSOLE
                                                                                      : OTHER;
            continue;
        }
        if (in == SH && !cmd.len && !*l)
            continue;
        if (in == SH || (in == CONSOLE && (cmd.len || !strncmp(l, "$ ", 2)))) {
            const char *text = in == CONSOLE && !cmd.len ? l + 2 : l;
            if (!cmd.len)
                first = n;
            if (in == CONSOLE && !cmd.len)
                s_flush(&sh, &c);
            s_add(&cmd, "%s\n", text);
            if (*l && l[strlen(l) - 1] == '\\')
                continue; /* the command goes on on the next line */
            cmd.s[--cmd.len] = '\0';
            if (in == SH && cmd.s[strspn(cmd.s, " ")] != '#')
                s_add(&sh, "# " S_GUIDE ":%d\n%s\ns_rc=$?; [ $s_rc -eq 0 ] || s_fail %d $s_rc\n",
                      first, cmd.s, first);
            else if (in == CONSOLE) {
                s_add(&c.cmd, "%s", cmd.s);
                c.line = first;
            }
            cmd.len = 0;
        } else if (in == CONSOLE && c.line) {
            s_add(&c.want, "%s\n", l);
        }
    }
    free(copy);
    free(cmd.s);
    free(c.cmd.s);
    free(c.want.s);
    return sh.s;
}

static char *
s_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read '%s'", path);
    char *text = e2e_read_all(f);
    fclose(f);
    return text;
}

/* Run guide (its text) in e's folder; its exit status, and standard error in *err. */
static int
s_run(struct e2e *e, const char *guide, char **err)
{
    wh_need("pdftoppm");
    const char *scan = getenv("AYNI_SCAN");
    if (!scan || !*scan) {
        fprintf(stderr, "skipped: AYNI_SCAN is not set (ayni-scan left out of the build)\n");
        skip();
    }
    char *script = s_script(guide);
    char *path = wh_write(e->dir, "guide.sh", script);
    free(script);
    char *bin = xstrdup(wh_cli_path()), *sbin = xstrdup(scan);
    *strrchr(bin, '/') = '\0';
    *strrchr(sbin, '/') = '\0';
    int status;
    char *out = wh_sh(&status,
                      "cd '%s' && rm -rf data && ln -s '%s/data' data && "
                      /* in Spanish, as the guide shows it, whatever the caller's locale */
                      "env -u AYNI_PROVISION -u AYNI_SCAN_QUEUE -u LC_ALL -u LC_MESSAGES "
                      "-u LANG AYNI_LANG=es AYNI_API='%s' AYNI_EVENTS='%s' "
                      "XDG_DATA_HOME='%s/xdg' PATH='%s:%s:'\"$PATH\" bash '%s' 2>guide.err",
                      e->dir, wh_source_dir(), e->api, e->events, e->dir, bin, sbin, path);
    free(out);
    char *errpath = xasprintf("%s/guide.err", e->dir);
    *err = s_read(errpath);
    free(errpath);
    free(bin);
    free(sbin);
    free(path);
    return status;
}

static char *
s_guide(void)
{
    char *path = xasprintf("%s/" S_GUIDE, wh_source_dir());
    char *text = s_read(path);
    free(path);
    return text;
}

static void
test_guide_as_written(void **state)
{
    struct e2e *e = *state;
    char *guide = s_guide(), *err = NULL;
    int status = s_run(e, guide, &err);
    if (status != 0)
        fail_msg("running " S_GUIDE " failed (%d):\n%s", status, err);
    /* It did the day: the catalog, a delivery, the reports. */
    /* data/receipts.csv: 12 tablets; received 3, 2 delivered */
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "TABLET"), 12 + 3 - 2);
    char *pdf = xasprintf("%s/informes/softys.pdf", e->dir);
    assert_true(wh_exists(pdf));
    free(pdf);
    json_t *r = e2e_ok(e, "shipment.list", e2e_pack("{ss}", "state", "delivered"));
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
    free(err);
    free(guide);
}

/* s with the first from replaced by to (a new string); from must be there. */
static char *
s_change(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    return xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/* The line of guide where needle first is. */
static int
s_line_of(const char *guide, const char *needle)
{
    const char *at = strstr(guide, needle);
    assert_non_null(at);
    int n = 1;
    for (const char *p = guide; p < at; p++)
        n += *p == '\n';
    return n;
}

static void
test_guide_output_changed(void **state)
{
    struct e2e *e = *state;
    char *guide = s_guide(), *err = NULL;
    char *changed = s_change(guide, "importados 5 artículos", "importados 6 artículos");
    assert_int_not_equal(s_run(e, changed, &err), 0);
    char *where = xasprintf(S_GUIDE ":%d: the command shows another output",
                            s_line_of(guide, "$ ayni-warehouse import items"));
    WH_HAS(err, where);
    WH_HAS(err, "importados 6 artículos");
    free(where);
    free(err);
    free(changed);
    free(guide);
}

static void
test_guide_command_fails(void **state)
{
    struct e2e *e = *state;
    char *guide = s_guide(), *err = NULL;
    char *changed = s_change(guide, "--item HYGIENE-KIT --qty 40 --packages 4",
                             "--item HYGIENE-KIT --qty 40000 --packages 4");
    assert_int_not_equal(s_run(e, changed, &err), 0);
    char *where = xasprintf(S_GUIDE ":%d: the command exits 1",
                            s_line_of(guide, "--item HYGIENE-KIT --qty 40 --packages 4"));
    WH_HAS(err, where);
    free(where);
    free(err);
    free(changed);
    free(guide);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_guide_as_written, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_guide_output_changed, e2e_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_guide_command_fails, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: docs/warehouse.md as written", tests,
                                       NULL, NULL);
}
