/* wh_main.c: ayni-warehouse's entry: global options, finding the command, parsing its
 * options against its table row, help on every level, and the exit code.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "spelling.h"
#include "wh.h"

#define S_PROG "ayni-warehouse"

/* ---- help ---- */

static void
s_help_all(FILE *out, const char *group)
{
    fprintf(out, _("usage: %s %s\n\n"), S_PROG, _("[--api ENDPOINT] [--json] COMMAND ..."));
    fputs(_("The warehouse staff's tool for Ayni: receive donations, pack and dispatch\n"
            "shipments, print slips, answer donors.\n\n"),
          out);
    if (group)
        fprintf(out, _("Commands of %s:\n\n"), group);
    else
        fputs(_("Commands:\n\n"), out);
    for (const struct wh_cmd *c = wh_commands; c->path; c++) {
        size_t n = group ? strlen(group) : 0;
        if (group && (strncmp(c->path, group, n) || (c->path[n] && c->path[n] != ' ')))
            continue;
        fprintf(out, "  %-20s %s\n", c->path, _(c->summary));
    }
    fputs(_("\nGlobal options:\n"
            "  --api ENDPOINT    aynid's request socket (env AYNI_API; default tcp://127.0.0.1:5570)\n"
            "  --events ENDPOINT aynid's event socket (env AYNI_EVENTS; default tcp://127.0.0.1:5571)\n"
            "  --json            machine-readable output\n"
            "  --timeout SECONDS how long to wait for aynid (default 10)\n"
            "  --provision FILE  this device's provisioning file, for a secure aynid\n"
            "                    (env AYNI_PROVISION; from 'device add' or 'aynid --init-admin')\n"
            "  --help, --version\n"),
          out);
    fprintf(out, _("\n'%s COMMAND --help' tells more about a command.\n"
                   "Exit codes: 0 done, 1 refused by the core, 2 wrong usage, 3 core unreachable.\n"
                   "AYNI_LANG=en shows it all in English, AYNI_LANG=es in Spanish (the default).\n"),
            S_PROG);
}

/* What the CSV file of `import KIND` holds. */
static void
s_help_import(FILE *out, const char *kind)
{
    static const char *const more[][2] = {
        {"receipts",
         N_("A lot row gives lot, qty and, for food and medical kits, expiry (YYYY-MM-DD); a\n"
            "serial row gives serials separated by spaces, ';' or line breaks.  A note is\n"
            "kept with its receipt.  See data/receipts.csv.\n")},
        {"items",
         N_("tracking is lot or serial; perishable yes or no (lots need an expiry); unit the\n"
            "unit of count (default kit); low the low-stock threshold.  See data/items.csv.\n")},
        {"locations", N_("kind is warehouse or community.  See data/locations.csv.\n")},
        {"donors", N_("See data/donors.csv.\n")},
    };
    const struct wh_csv_kind *k = wh_csv_kind(kind);
    if (!k)
        return;
    fputs(_("\nThe CSV file (UTF-8, header row, comma separated, quoted fields allowed) has\n"),
          out);
    char list[400] = "", needed[200] = "";
    size_t n = 0, m = 0;
    for (int i = 0; k->columns[i].name; i++) {
        n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s",
                              i ? ", " : "", k->columns[i].name);
        if (k->columns[i].required)
            m += (size_t)snprintf(needed + m, m < sizeof needed ? sizeof needed - m : 0, "%s%s",
                                  m ? ", " : "", k->columns[i].name);
    }
    /* "the columns a, b, c (any order; a, b required)." wrapped at 80 characters */
    char text[700];
    snprintf(text, sizeof text, _("the columns %s (any order; %s required)."), list, needed);
    size_t col = 0;
    for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) {
        size_t len = strlen(w);
        if (col && col + 1 + len > 80) {
            fputc('\n', out);
            col = 0;
        }
        fprintf(out, "%s%s", col ? " " : "", w);
        col += (col ? 1 : 0) + len;
    }
    fputc('\n', out);
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if (!strcmp(more[i][0], kind))
            fputs(_(more[i][1]), out);
    fputs(_("Every row is checked and the file is recorded whole or not at all: an error\n"
            "names the line and the column.  Up to 10000 rows a file; a big file is sent\n"
            "in parts, still recorded whole or not at all.\n"),
          out);
}

static void
s_help_cmd(FILE *out, const struct wh_cmd *c)
{
    char full[400];
    snprintf(full, sizeof full, S_PROG " %s", c->usage);
    fprintf(out, _("usage: %s\n\n"), full);
    fprintf(out, "%s.\n", _(c->summary));
    if (c->opts[0].flag)
        fprintf(out, "\n");
    for (const struct wh_opt *o = c->opts; o->flag; o++) {
        char left[40];
        snprintf(left, sizeof left, "%s%s", o->flag, o->type == 'f' ? "" : _(" VALUE"));
        fprintf(out, "  %-18s %s%s\n", left, _(o->help), o->required ? _(" (required)") : "");
    }
    if (!strncmp(c->path, "import ", 7))
        s_help_import(out, c->path + 7);
}

static void
s_usage_error(const struct wh_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
s_usage_error(const struct wh_cmd *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, S_PROG ": ");
    vfprintf(stderr, ayni_tr(fmt), ap);
    va_end(ap);
    char full[400];
    snprintf(full, sizeof full, S_PROG " %s", c->usage);
    fputc('\n', stderr);
    fprintf(stderr, _("usage: %s\n"), full);
}

/* ---- finding the command ---- */

/* The command whose path is the longest run of words at argv[*i]; advances *i. */
static const struct wh_cmd *
s_find(int argc, char **argv, int *i)
{
    const struct wh_cmd *best = NULL;
    int used = 0;
    for (const struct wh_cmd *c = wh_commands; c->path; c++) {
        char path[64];
        snprintf(path, sizeof path, "%s", c->path);
        int k = *i, ok = 1;
        for (char *word = strtok(path, " "); word; word = strtok(NULL, " "), k++)
            ok &= k < argc && !strcmp(argv[k], word);
        if (ok && k - *i > used) {
            best = c;
            used = k - *i;
        }
    }
    *i += used;
    return best;
}

/* The command of group nearest to "group sub", if near enough to suggest; else NULL. */
static const char *
s_nearest_in_group(const char *group, const char *sub)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1, n = strlen(group);
    for (const struct wh_cmd *c = wh_commands; c->path; c++) {
        if (strncmp(c->path, group, n) || c->path[n] != ' ')
            continue;
        size_t d = ayni_edit_distance(sub, c->path + n + 1);
        if (d < bestd) {
            bestd = d;
            best = c->path;
        }
    }
    return best && ayni_near_enough(sub, bestd) ? best : NULL;
}

static int
s_unknown_command(int argc, char **argv, int i, bool help)
{
    const char *word = argv[i];
    const char *hint = NULL;
    size_t bestd = (size_t)-1;
    bool group = false;
    for (const struct wh_cmd *c = wh_commands; c->path; c++) {
        size_t n = strcspn(c->path, " ");
        group |= !strncmp(c->path, word, n) && strlen(word) == n;
        char first[32];
        snprintf(first, sizeof first, "%.*s", (int)n, c->path);
        size_t d = ayni_edit_distance(word, first);
        if (d < bestd) {
            bestd = d;
            hint = c->path;
        }
    }
    if (group) {
        const char *near = i + 1 < argc ? s_nearest_in_group(word, argv[i + 1]) : NULL;
        if (!help && near)
            wh_error("'%s %s' is not a command: did you mean '%s'?", word, argv[i + 1], near);
        else if (!help && i + 1 < argc)
            wh_error("'%s %s' is not a command", word, argv[i + 1]);
        else if (!help)
            wh_error("'%s' needs a command after it", word);
        s_help_all(help ? stdout : stderr, word);
        return help ? WH_OK : WH_USAGE;
    }
    if (hint && ayni_near_enough(word, bestd))
        wh_error("unknown command '%s': did you mean '%.*s'? (see '%s --help')", word,
                 (int)strcspn(hint, " "), hint, S_PROG);
    else
        wh_error("unknown command '%s': see '%s --help'", word, S_PROG);
    return WH_USAGE;
}

/* ---- options ---- */

static const struct wh_opt *
s_opt(const struct wh_cmd *c, const char *flag)
{
    for (const struct wh_opt *o = c->opts; o->flag; o++)
        if (!strcmp(o->flag, flag))
            return o;
    return NULL;
}

static bool
s_valid_date(const char *v)
{
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return false;
    for (int k = 0; k < 10; k++)
        if (k != 4 && k != 7 && !isdigit((unsigned char)v[k]))
            return false;
    return true;
}

/* The value of one option as JSON, or NULL after printing why it is wrong. */
static json_t *
s_value(const struct wh_cmd *c, const struct wh_opt *o, const char *v)
{
    switch (o->type) {
    case 'i': {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (!*v || *end) {
            s_usage_error(c, "%s must be a whole number, not '%s'", o->flag, v);
            return NULL;
        }
        return json_integer(n);
    }
    case 'u': {
        char *up = xstrdup(v);
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        json_t *j = json_string(up);
        free(up);
        return j;
    }
    case 'd':
        if (!s_valid_date(v)) {
            s_usage_error(c, "%s must be a date written YYYY-MM-DD, not '%s'", o->flag, v);
            return NULL;
        }
        return json_string(v);
    case 'l': {
        json_t *list = json_array();
        char *copy = xstrdup(v), *save = NULL;
        for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
            json_array_append_new(list, json_string(t));
        free(copy);
        return list;
    }
    default:
        return json_stringn(v, strlen(v)); /* NULL if not UTF-8 */
    }
}

static int
s_unknown_option(const struct wh_cmd *c, const char *flag)
{
    const char *hint = NULL;
    size_t bestd = (size_t)-1;
    for (const struct wh_opt *o = c->opts; o->flag; o++) {
        size_t d = ayni_edit_distance(flag, o->flag);
        if (d < bestd) {
            bestd = d;
            hint = o->flag;
        }
    }
    if (hint && ayni_near_enough(flag, bestd))
        s_usage_error(c, "unknown option '%s' for '%s': did you mean '%s'?", flag, c->path, hint);
    else
        s_usage_error(c, "unknown option '%s' for '%s'", flag, c->path);
    return WH_USAGE;
}

/* Parse argv[i..] into args by the command's options; WH_OK or WH_USAGE. */
static int
s_parse(const struct wh_cmd *c, int argc, char **argv, int i, json_t *args)
{
    int positionals = 0;
    for (; i < argc; i++) {
        char *a = argv[i], *eq = NULL;
        if (a[0] != '-' || !a[1]) {
            if (!c->positional || positionals++)
                return s_usage_error(c, "unexpected argument '%s'", a), WH_USAGE;
            /* Codes are upper-case: accept them typed in lower case. */
            bool code = !strcmp(c->positional, "code") || !strcmp(c->positional, "shipment") ||
                        !strcmp(c->positional, "donor");
            json_t *v = s_value(c, &(struct wh_opt){c->positional, c->positional,
                                                    code ? 'u' : 's', true, NULL},
                                a);
            if (!v)
                return s_usage_error(c, "'%s' is not valid UTF-8 text", a), WH_USAGE;
            json_object_set_new(args, c->positional, v);
            continue;
        }
        char flag[64];
        snprintf(flag, sizeof flag, "%s", a);
        if ((eq = strchr(flag, '=')))
            *eq = '\0';
        const struct wh_opt *o = s_opt(c, flag);
        if (!o)
            return s_unknown_option(c, flag);
        if (o->type == 'f') {
            json_object_set_new(args, o->arg, json_true());
            continue;
        }
        const char *v = eq ? a + (eq - flag) + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v)
            return s_usage_error(c, "%s needs a value", o->flag), WH_USAGE;
        json_t *j = s_value(c, o, v);
        if (!j)
            return o->type == 's' ? (s_usage_error(c, "%s is not valid UTF-8 text", o->flag),
                                     WH_USAGE)
                                  : WH_USAGE;
        json_object_set_new(args, o->arg, j);
    }
    if (c->positional && !positionals)
        return s_usage_error(c, "missing %s", c->positional), WH_USAGE;
    for (const struct wh_opt *o = c->opts; o->flag; o++)
        if (o->required && !json_object_get(args, o->arg))
            return s_usage_error(c, "missing %s", o->flag), WH_USAGE;
    return WH_OK;
}

/* ---- global options ---- */

/* Take the global options out of argv (they may stand anywhere); WH_OK, or an exit code.
 * After the command word "webhook", --events is the command's own (the event types a
 * hook takes): aynid's event socket is then given before it, or with AYNI_EVENTS. */
static int
s_globals(struct wh *w, int *argc, char **argv, bool *help, bool *version, const char **provision)
{
    int out = 1;
    bool hook = false;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (out == 1 && !strcmp(a, "webhook"))
            hook = true;
        const char **target = !strcmp(a, "--api")        ? &w->api
                              : !strcmp(a, "--events") && !hook ? &w->events
                              : !strcmp(a, "--provision") ? provision
                                                          : NULL;
        if (target || !strcmp(a, "--timeout")) {
            if (i + 1 >= *argc) {
                wh_error("%s needs a value", a);
                return WH_USAGE;
            }
            if (target)
                *target = argv[++i];
            else if ((w->timeout_ms = atoi(argv[++i]) * 1000) <= 0) {
                wh_error("--timeout must be a number of seconds, not '%s'", argv[i]);
                return WH_USAGE;
            }
        } else if (!strcmp(a, "--json")) {
            w->json = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = true;
        } else if (!strcmp(a, "--version")) {
            *version = true;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    return WH_OK;
}

/* Talk as the device of a provisioning file: its keys, and its endpoints unless
 * --api/--events were given. */
static int
s_provision(struct wh *w, const char *path, bool api_given, bool events_given)
{
    char err[512];
    if (proto_provision_load(path, &w->provision, err, sizeof err) != 0) {
        wh_error("%s", err);
        return WH_USAGE;
    }
    memcpy(w->keys.server_key, w->provision.server_key, 32);
    memcpy(w->keys.public_key, w->provision.public_key, 32);
    memcpy(w->keys.secret_key, w->provision.secret_key, 32);
    w->curve = &w->keys;
    if (!api_given)
        w->api = w->provision.api;
    if (!events_given)
        w->events = w->provision.events;
    return WH_OK;
}

static const char *
s_env(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

int
main(int argc, char **argv)
{
    struct wh w = {.api = s_env("AYNI_API", "tcp://127.0.0.1:5570"),
                   .events = s_env("AYNI_EVENTS", "tcp://127.0.0.1:5571"),
                   .timeout_ms = 10000};
    ayni_lang_start("ayni-warehouse");
    bool help = false, version = false;
    const char *provision = getenv("AYNI_PROVISION"), *api = w.api, *events = w.events;
    int rc = s_globals(&w, &argc, argv, &help, &version, &provision);
    if (rc == WH_OK && provision && *provision && !help && !version)
        rc = s_provision(&w, provision, w.api != api, w.events != events);
    if (rc)
        return rc;
    if (version) {
        printf(S_PROG " %s\n", AYNI_VERSION);
        return WH_OK;
    }
    if (argc < 2) {
        s_help_all(help ? stdout : stderr, NULL);
        return help ? WH_OK : WH_USAGE;
    }
    int i = 1;
    const struct wh_cmd *c = s_find(argc, argv, &i);
    if (!c)
        return s_unknown_command(argc, argv, 1, help);
    if (help) {
        s_help_cmd(stdout, c);
        return WH_OK;
    }
    json_t *args = json_object();
    if ((rc = s_parse(c, argc, argv, i, args)) == WH_OK) {
        w.cmd = c;
        w.given = json_copy(args);
        rc = c->run ? c->run(&w, c, args) : wh_run_op(&w, c, args);
    } else {
        json_decref(args);
    }
    json_decref(w.given);
    proto_client_destroy(&w.client);
    proto_error_clear(&w.err);
    memset(&w.keys, 0, sizeof w.keys);
    memset(&w.provision, 0, sizeof w.provision);
    return rc;
}
