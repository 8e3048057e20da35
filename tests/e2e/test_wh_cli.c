/* test_wh_cli.c: ayni-warehouse as a command line: --help on every level, --version,
 * each exit code (0 done, 1 refused, 2 wrong usage with the right form shown, 3 the core
 * cannot be reached, quickly), and "did you mean" for a command, an option and a code.
 * One aynid with the demo catalog serves the whole file: these tests change no stock.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zmq.h>

#include "mem.h"
#include "wh_cli.h"

static int
s_setup(void **state)
{
    struct e2e *e = e2e_new();
    e2e_start(e);
    wh_seed_catalog(e);
    /* the mechanics of the tool, read in English; test_wh_lang reads them in both */
    wh_set_lang("en");
    *state = e;
    return 0;
}

/* The command paths `--help` lists ("item add", "stock", …), as a JSON array. */
static json_t *
s_commands(struct e2e *e)
{
    char *help = wh_expect(e, 0, "--help", NULL);
    json_t *paths = json_array();
    char *save = NULL;
    bool in_list = false;
    for (char *l = strtok_r(help, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(l, "Global options", 14))
            break;
        if (strstr(l, "Commands"))
            in_list = true;
        else if (in_list && !strncmp(l, "  ", 2) && l[2] != ' ') {
            char path[32];
            snprintf(path, sizeof path, "%.20s", l + 2);
            for (size_t n = strlen(path); n && path[n - 1] == ' '; n--)
                path[n - 1] = '\0';
            json_array_append_new(paths, json_string(path));
        }
    }
    free(help);
    return paths;
}

static void
test_version(void **state)
{
    char *out = wh_expect(*state, 0, "--version", NULL);
    assert_true(!strncmp(out, "ayni-warehouse ", 15));
    assert_true(out[15] >= '0' && out[15] <= '9');
    free(out);
}

/* --help lists every command; each command's --help shows its usage line and options. */
static void
test_help_every_command(void **state)
{
    struct e2e *e = *state;
    json_t *paths = s_commands(e), *p;
    static const char *const must[] = {
        "item add",        "item list",     "location add",    "location list",
        "donor add",       "donor list",    "receive",         "import receipts",
        "stock",           "transfer",      "adjust",          "shipment new",
        "shipment add",    "shipment dispatch", "shipment cancel", "shipment show",
        "shipment list",   "slip",          "slips",           "report donor",
        "report stock",    "events",        "ledger verify"};
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++) {
        bool found = false;
        size_t i;
        json_array_foreach(paths, i, p) found |= !strcmp(json_string_value(p), must[k]);
        if (!found)
            fail_msg("--help does not list '%s'", must[k]);
    }
    size_t i;
    json_array_foreach(paths, i, p) {
        const char *args[8] = {NULL};
        char *copy = xstrdup(json_string_value(p)), *save = NULL;
        int n = 0;
        for (char *w = strtok_r(copy, " ", &save); w && n < 6; w = strtok_r(NULL, " ", &save))
            args[n++] = w;
        args[n] = "--help";
        struct wh_out o;
        wh_runv(&o, e, args);
        assert_int_equal(o.status, 0);
        char *want = xasprintf("usage: ayni-warehouse %s", json_string_value(p));
        if (strncmp(o.out, want, strlen(want)))
            fail_msg("'%s --help' does not start with '%s':\n%s", json_string_value(p), want,
                     o.out);
        free(want);
        wh_out_clear(&o);
        free(copy);
    }
    json_decref(paths);
}

/* A group's --help lists the group's commands, and only those. */
static void
test_help_group(void **state)
{
    char *out = wh_expect(*state, 0, "shipment", "--help", NULL);
    for (const char *c = "new\0add\0dispatch\0cancel\0show\0list\0"; *c; c += strlen(c) + 1) {
        char *line = xasprintf("  shipment %s", c);
        WH_HAS(out, line);
        free(line);
    }
    WH_HASNT(out, "item add");
    WH_HASNT(out, "  receive");
    free(out);
    out = wh_expect(*state, 0, "report", "--help", NULL);
    WH_HAS(out, "report donor");
    WH_HAS(out, "report stock");
    WH_HASNT(out, "shipment new");
    free(out);
    /* -h is --help; the help of a command names its options and what they are. */
    out = wh_expect(*state, 0, "receive", "-h", NULL);
    WH_HAS(out, "--serials");
    WH_HAS(out, "--expiry");
    WH_HAS(out, "(required)");
    free(out);
    out = wh_expect(*state, 0, "import", "receipts", "--help", NULL);
    WH_HAS(out, "at, donor, item, lot, expiry, qty, serials");
    WH_HAS(out, "line");
    free(out);
}

/* Exit 2: the message says what is wrong, then shows the right form. */
static void
test_usage_errors(void **state)
{
    struct e2e *e = *state;
    char *err = wh_expect_err(e, 2, NULL);
    WH_HAS(err, "usage: ayni-warehouse");
    free(err);
    err = wh_expect_err(e, 2, "receive", "--at", "ALM-LIMA-SJL", NULL);
    WH_HAS(err, "missing --donor");
    WH_HAS(err, "usage: ayni-warehouse receive --at WH --donor DONOR --item ITEM");
    free(err);
    err = wh_expect_err(e, 2, "stock", "--expiring", "soon", NULL);
    WH_HAS(err, "--expiring must be a whole number, not 'soon'");
    WH_HAS(err, "usage: ayni-warehouse stock");
    free(err);
    err = wh_expect_err(e, 2, "report", "donor", "CARE-PE", "--from", "1/11/2026", "--to",
                        "2026-11-30", "-o", "x.pdf", NULL);
    WH_HAS(err, "--from must be a date written YYYY-MM-DD, not '1/11/2026'");
    WH_HAS(err, "usage: ayni-warehouse report donor DONOR [--from DATE --to DATE] -o FILE.pdf");
    free(err);
    err = wh_expect_err(e, 2, "stock", "--at", NULL);
    WH_HAS(err, "--at needs a value");
    free(err);
    err = wh_expect_err(e, 2, "item", "list", "extra", NULL);
    WH_HAS(err, "unexpected argument 'extra'");
    WH_HAS(err, "usage: ayni-warehouse item list");
    free(err);
    err = wh_expect_err(e, 2, "shipment", "show", NULL);
    WH_HAS(err, "missing shipment");
    WH_HAS(err, "usage: ayni-warehouse shipment show CODE");
    free(err);
    err = wh_expect_err(e, 2, "shipment", NULL);
    WH_HAS(err, "'shipment' needs a command after it");
    WH_HAS(err, "shipment new");
    free(err);
    err = wh_expect_err(e, 2, "--timeout", "soon", "stock", NULL);
    WH_HAS(err, "--timeout must be a number of seconds");
    free(err);
    err = wh_expect_err(e, 2, "--api", "nowhere", "stock", NULL);
    WH_HAS(err, "'nowhere'");
    WH_HAS(err, "tcp://HOST:PORT");
    free(err);
}

/* A value the core finds malformed is wrong usage too, wherever it is found: exit 2, the
 * message names the flag and the right form follows; --json says which flag.  A valid
 * request the core refuses stays exit 1 (a code of the wrong kind, an unknown code). */
static void
test_core_refuses_a_flag(void **state)
{
    struct e2e *e = *state;
    char *err = wh_expect_err(e, 2, "shipment", "list", "--state", "despachadoo", NULL);
    WH_HAS(err, "invalid --state: 'despachadoo' is not a state");
    free(err);
    err = wh_expect_err(e, 2, "location", "list", "--kind", "almacen", NULL);
    WH_HAS(err, "invalid --kind: kind 'almacen' is unknown");
    WH_HAS(err, "usage: ayni-warehouse location list");
    free(err);
    err = wh_expect_err(e, 2, "stock", "--expiring", "-3", NULL);
    WH_HAS(err, "invalid --expiring");
    free(err);
    err = wh_expect_err(e, 2, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-PE", "--item",
                        "FOOD-KIT", "--qty", "5", "--lot", "L1", "--expiry", "2027-02-30", NULL);
    WH_HAS(err, "invalid --expiry: expiry '2027-02-30' is not a date");
    free(err);
    err = wh_expect_err(e, 2, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-PE", "--item",
                        "FOOD-KIT", "--qty", "-5", "--lot", "L1", "--expiry", "2027-02-28", NULL);
    WH_HAS(err, "invalid --qty");
    free(err);
    err = wh_expect_err(e, 2, "report", "donor", "CARE-PE", "--from", "2026-12-31", "--to",
                        "2026-01-01", "-o", "x.pdf", NULL);
    WH_HAS(err, "2026-01-01");
    WH_HAS(err, "usage: ayni-warehouse report donor");
    free(err);
    json_t *r = wh_json(e, 2, "location", "list", "--kind", "almacen", NULL);
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "invalid_argument");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(error, "details"), "flag")), "--kind");
    json_decref(r);
    /* Well formed, refused: a warehouse where a community must be, an unknown shipment. */
    err = wh_expect_err(e, 1, "shipment", "new", "--from", "ALM-LIMA-SJL", "--to",
                        "ALM-LIMA-SJL", NULL);
    WH_HASNT(err, "usage:");
    free(err);
    free(wh_expect_err(e, 1, "shipment", "show", "ENV-2026-999999", NULL));
}

/* "did you mean" for a command, a command of a group, and an option. */
static void
test_typo_command_and_option(void **state)
{
    struct e2e *e = *state;
    char *err = wh_expect_err(e, 2, "shipmnet", "list", NULL);
    WH_HAS(err, "unknown command 'shipmnet': did you mean 'shipment'?");
    free(err);
    err = wh_expect_err(e, 2, "recieve", "--at", "ALM-LIMA-SJL", NULL);
    WH_HAS(err, "did you mean 'receive'?");
    free(err);
    err = wh_expect_err(e, 2, "shipment", "lst", NULL);
    WH_HAS(err, "'shipment lst' is not a command: did you mean 'shipment list'?");
    free(err);
    err = wh_expect_err(e, 2, "frobnicate", NULL);
    WH_HAS(err, "unknown command 'frobnicate'");
    WH_HASNT(err, "did you mean");
    free(err);
    err = wh_expect_err(e, 2, "stock", "--itme", "FOOD-KIT", NULL);
    WH_HAS(err, "unknown option '--itme' for 'stock': did you mean '--item'?");
    WH_HAS(err, "usage: ayni-warehouse stock");
    free(err);
    err = wh_expect_err(e, 2, "shipment", "new", "--form", "ALM-LIMA-SJL", "--to", "X", NULL);
    WH_HAS(err, "did you mean '--from'?");
    free(err);
}

/* Exit 1 for an unknown code, with the nearest known code, typed in any case. */
static void
test_typo_code(void **state)
{
    struct e2e *e = *state;
    char *err = wh_expect_err(e, 1, "stock", "--item", "food-kti", NULL);
    WH_HAS(err, "unknown item 'FOOD-KTI': did you mean 'FOOD-KIT'?");
    free(err);
    err = wh_expect_err(e, 1, "stock", "--at", "ALM-LIMA-SLJ", NULL);
    WH_HAS(err, "did you mean 'ALM-LIMA-SJL'?");
    free(err);
    err = wh_expect_err(e, 1, "receive", "--at", "ALM-LIMA-SJL", "--donor", "CARE-P", "--item",
                        "HYGIENE-KIT", "--qty", "5", "--lot", "L1", NULL);
    WH_HAS(err, "unknown donor 'CARE-P': did you mean 'CARE-PE'?");
    free(err);
    err = wh_expect_err(e, 1, "shipment", "new", "--from", "ALM-LIMA-SJL", "--to",
                        "COM-HCO-SANTA-ROZA", NULL);
    WH_HAS(err, "did you mean 'COM-HCO-SANTA-ROSA'?");
    free(err);
    /* --json: the refusal as JSON on standard output, with its stable code. */
    json_t *r = wh_json(e, 1, "stock", "--item", "FOOD-KTI", NULL);
    assert_false(json_is_true(json_object_get(r, "ok")));
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "not_found");
    WH_HAS(json_string_value(json_object_get(error, "message")), "FOOD-KIT");
    json_decref(r);
}

/* Exit 3 when nobody listens: it says which endpoint and how to start aynid, in about
 * the --timeout. */
static void
test_unreachable(void **state)
{
    struct e2e *e = *state;
    char *api = xasprintf("ipc://%s/nobody", e->dir);
    struct wh_out o;
    wh_run(&o, e, "--api", api, "--timeout", "1", "stock", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, api);
    WH_HAS(o.err, "aynid");
    WH_HAS(o.err, "--api");
    assert_true(o.ms < WH_TIMEOUT1_MS);
    wh_out_clear(&o);
    /* The same through the environment, and with --json: the error as JSON too. */
    json_t *r = wh_json(e, 3, "--api", api, "--timeout", "1", "item", "list", NULL);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r, "error"), "code")), "unavailable");
    json_decref(r);
    free(api);
}

/* An ipc:// endpoint with no socket file: exit 3 at once, with the default time-out too
 * (10 s), naming the endpoint and saying to start aynid; the same for a file that is no
 * socket. */
static void
test_no_ipc_socket_at_once(void **state)
{
    struct e2e *e = *state;
    char *api = xasprintf("ipc://%s/sin-aynid.sock", e->dir);
    struct wh_out o;
    wh_run(&o, e, "--api", api, "stock", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, api);
    WH_HAS(o.err, "its socket file does not exist: start aynid");
    assert_true(o.ms < 2000);
    wh_out_clear(&o);
    char *file = wh_write(e->dir, "no-socket", "x");
    char *api2 = xasprintf("ipc://%s", file);
    wh_run(&o, e, "--api", api2, "shipment", "list", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, "that file is not a socket");
    assert_true(o.ms < 2000);
    wh_out_clear(&o);
    free(api2);
    free(file);
    free(api);
}

/* A socket that takes the request and never answers: a time-out in seconds, exit 3. */
static void
test_no_answer_times_out(void **state)
{
    struct e2e *e = *state;
    char *api = xasprintf("ipc://%s/mute", e->dir);
    void *mute = e2e_socket(e, ZMQ_ROUTER, NULL);
    assert_int_equal(zmq_bind(mute, api), 0);
    struct wh_out o;
    wh_run(&o, e, "--api", api, "--timeout", "1", "donor", "list", NULL);
    assert_int_equal(o.status, 3);
    WH_HAS(o.err, api);
    assert_true(o.ms < WH_TIMEOUT1_MS);
    wh_out_clear(&o);
    e2e_close(e, &mute);
    free(api);
    /* aynid itself frozen (SIGSTOP): the same, then it answers again once it runs. */
    kill(e->pid, SIGSTOP);
    wh_run(&o, e, "--timeout", "1", "stock", NULL);
    kill(e->pid, SIGCONT);
    assert_int_equal(o.status, 3);
    assert_true(o.ms < WH_TIMEOUT1_MS);
    wh_out_clear(&o);
    free(wh_expect(e, 0, "donor", "list", NULL));
}

/* Every word of the codes and names of `group list`'s rows (as --json gives them) whole
 * in out. */
static void
s_words_whole(struct e2e *e, const char *group, const char *out)
{
    json_t *rows = wh_json(e, 0, group, "list", NULL), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        for (const char *k = "code\0name\0name_es\0name_en\0region\0district\0"; *k;
             k += strlen(k) + 1)
            if (json_is_string(json_object_get(row, k)))
                wh_assert_words_whole(out, json_string_value(json_object_get(row, k)));
    }
    json_decref(rows);
}

/* At 40 columns (COLUMNS in a pipe, the terminal's width in a terminal) no line of a
 * table is wider, and no word or number is cut; at 80 the item table keeps its header
 * and wraps its names; in a pipe without COLUMNS nothing changes. */
static void
test_tables_fit_the_terminal(void **state)
{
    struct e2e *e = *state;
    char *wide = wh_expect(e, 0, "item", "list", NULL);
    static const char *const groups[] = {"item", "location", "donor"};
    wh_set_columns(40);
    for (size_t k = 0; k < sizeof groups / sizeof groups[0]; k++) {
        char *out = wh_expect(e, 0, groups[k], "list", NULL);
        wh_assert_fits(out, 40);
        s_words_whole(e, groups[k], out);
        free(out);
        struct wh_out o;
        wh_run_pty(&o, e, groups[k], "list", NULL);
        assert_int_equal(o.status, 0);
        wh_assert_fits(o.out, 40);
        s_words_whole(e, groups[k], o.out);
        wh_out_clear(&o);
    }
    char *out = wh_expect(e, 0, "stock", NULL);
    wh_assert_fits(out, 40);
    free(out);
    wh_set_columns(80);
    out = wh_expect(e, 0, "item", "list", NULL);
    wh_assert_fits(out, 80);
    s_words_whole(e, "item", out);
    assert_int_equal(wh_count(out, "CODE"), 1);
    assert_true(wh_count(out, "\n") > wh_count(wide, "\n"));
    free(out);
    wh_set_columns(0);
    out = wh_expect(e, 0, "item", "list", NULL);
    assert_string_equal(out, wide);
    free(out);
    free(wide);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_help_every_command),
        cmocka_unit_test(test_help_group),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_typo_command_and_option),
        cmocka_unit_test(test_core_refuses_a_flag),
        cmocka_unit_test(test_typo_code),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_no_ipc_socket_at_once),
        cmocka_unit_test(test_no_answer_times_out),
        cmocka_unit_test(test_tables_fit_the_terminal),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: help, usage, exit codes", tests, s_setup,
                                       e2e_teardown);
}
