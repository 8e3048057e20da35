/* scan_main.c: ayni-scan's command line: options, the queue's place, and dispatch.
 *
 *   ayni-scan init --api ENDPOINT --team TEXT [--device NAME] [--queue PATH]
 *   ayni-scan [scan] [--all-received] [--ask] [--team TEXT] [--queue PATH]
 *   ayni-scan image FILE... [--all-received] [--team TEXT] [--queue PATH]
 *   ayni-scan sync [--api ENDPOINT] [--wait SECONDS] [--queue PATH]
 *   ayni-scan status [--json] [--queue PATH]
 *   ayni-scan verify FILE.pdf|PHOTO [--key HEX|FILE] [--queue PATH]
 *
 * Checks every option against its command before anything runs (exit 2 on misuse);
 * the commands themselves live in scan_init.c, scan_scan.c, scan_image.c,
 * scan_sync.c, scan_status.c and scan_verify.c.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "scan.h"
#include "spelling.h"
#include "zone.h"

enum s_opt {
    O_API = 1 << 0, O_TEAM = 1 << 1, O_DEVICE = 1 << 2, O_QUEUE = 1 << 3, O_ALL = 1 << 4,
    O_ASK = 1 << 5, O_JSON = 1 << 6, O_TIMEOUT = 1 << 7, O_WAIT = 1 << 8,
    O_PROVISION = 1 << 9, O_LINE = 1 << 10, O_KEY = 1 << 11
};

struct s_args {
    const char *api, *team, *device, *queue, *provision, *key;
    bool all_received, ask, json;
    json_t *lines; /* --line N=RECEIVED:REASON, in order */
    int timeout_s, wait_s;
    unsigned given; /* enum s_opt bits */
};

static const struct s_cmd {
    const char *name;
    unsigned opts;
    int timeout_ms;      /* per request to the core, unless --timeout */
    const char *usage;   /* its lines of "usage:", each starting "ayni-scan" (N_) */
    const char *summary; /* one line for the list of commands (N_) */
} s_cmds[] = {
    {"init", O_API | O_TEAM | O_DEVICE | O_QUEUE | O_TIMEOUT | O_PROVISION | O_JSON, 10000,
     N_("ayni-scan init --api ENDPOINT --team TEAM [--device NAME] [--queue PATH]\n"
        "ayni-scan init --provision FILE --team TEAM [--queue PATH]\n"),
     N_("keeps the core's key and the shipments on the road (with signal)")},
    {"scan", O_TEAM | O_QUEUE | O_ALL | O_ASK | O_TIMEOUT | O_LINE | O_JSON, 2000,
     N_("ayni-scan [scan] [--all-received | --ask | --line N=RECEIVED:REASON...]\n"
        "                 [--team TEAM] [--queue PATH]\n"),
     N_("reads one code per line of its input (a scanner or zbarcam --raw)")},
    {"image", O_TEAM | O_QUEUE | O_ALL | O_ASK | O_TIMEOUT | O_LINE | O_JSON, 2000,
     N_("ayni-scan image PHOTO... [--all-received | --line N=RECEIVED:REASON...]\n"
        "                 [--team TEAM] [--queue PATH]\n"),
     N_("reads the QR codes of PNG or JPEG photos")},
    {"sync", O_API | O_QUEUE | O_TIMEOUT | O_WAIT | O_JSON, 5000,
     N_("ayni-scan sync [--api ENDPOINT] [--wait SECONDS] [--queue PATH]\n"),
     N_("sends what is queued")},
    {"status", O_QUEUE | O_JSON, 0, N_("ayni-scan status [--json] [--queue PATH]\n"),
     N_("shows what is queued, sent and refused")},
    {"verify", O_KEY | O_QUEUE, 0,
     N_("ayni-scan verify REPORT.pdf|PHOTO [--key HEX|FILE] [--queue PATH]\n"),
     N_("checks a donor report's signed QR code, and its printed figures (offline)")},
};

/* Every option's help, in the order --help lists them (N_). */
static const struct s_opt_help {
    unsigned bit;
    const char *text;
} s_opt_help[] = {
    {O_API, N_("  --api ENDPOINT     the core, tcp://HOST:PORT or ipc:///path (or AYNI_API)\n")},
    {O_TEAM, N_("  --team TEAM        this device's delivery team\n")},
    {O_PROVISION,
     N_("  --provision FILE   this device's provisioning file (a secure core:\n"
        "                     'ayni-warehouse device add NAME --role scanner')\n")},
    {O_DEVICE, N_("  --device NAME      this device's name (by default: the host's)\n")},
    {O_QUEUE, N_("  --queue PATH       the queue (or AYNI_SCAN_QUEUE; by default\n"
                 "                     $XDG_DATA_HOME/ayni/scan.db)\n")},
    {O_ALL, N_("  --all-received     record everything as received, without asking\n")},
    {O_ASK, N_("  --ask              ask on the terminal even when the codes come through\n"
               "                     a pipe (zbarcam --raw | ayni-scan --ask)\n")},
    {O_LINE, N_("  --line N=RECEIVED:REASON  no questions, for one code only: of line N\n"
                "                     RECEIVED arrived, and the rest is missing for REASON\n"
                "                     (damaged, missing, expired, refused; the Spanish\n"
                "                     words too); the lines not named arrived whole.\n"
                "                     Repeat --line for each line with a shortfall.\n")},
    {O_WAIT, N_("  --wait SECONDS     sync: keep trying for up to this long\n")},
    {O_KEY, N_("  --key HEX|FILE     verify: the core's public key (64 hex digits, or a file\n"
               "                     with them, e.g. keys/sign.pub); by default the one\n"
               "                     init kept\n")},
    {O_TIMEOUT, N_("  --timeout SECONDS  the longest wait for each answer of the core\n")},
    {O_JSON, N_("  --json             the result as JSON on standard output (the text for\n"
                "                     people then goes to standard error)\n")},
};

static const struct option s_long[] = {
    {"api", required_argument, NULL, 'a'},     {"team", required_argument, NULL, 't'},
    {"device", required_argument, NULL, 'd'},  {"queue", required_argument, NULL, 'q'},
    {"all-received", no_argument, NULL, 'A'},  {"ask", no_argument, NULL, 'k'},
    {"json", no_argument, NULL, 'j'},          {"timeout", required_argument, NULL, 'T'},
    {"wait", required_argument, NULL, 'w'},    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},       {"provision", required_argument, NULL, 'P'},
    {"line", required_argument, NULL, 'L'},    {"key", required_argument, NULL, 'K'},
    {NULL, 0, NULL, 0},
};

/* Each usage line of text, indented under "usage:". */
static void
s_print_usage_lines(FILE *out, const char *text)
{
    for (const char *l = text; *l;) {
        size_t n = strcspn(l, "\n");
        fprintf(out, "  %.*s\n", (int)n, l);
        l += n + (l[n] == '\n');
    }
}

/* --help: every command (cmd NULL), or one command and only the options it takes. */
static void
s_usage(FILE *out, const struct s_cmd *cmd)
{
    size_t ncmds = sizeof s_cmds / sizeof s_cmds[0];
    unsigned opts = 0;
    fprintf(out, "%s\n", C_("ayni-scan --help", "usage:"));
    for (size_t i = 0; i < ncmds; i++) {
        if (cmd && cmd != &s_cmds[i])
            continue;
        s_print_usage_lines(out, _(s_cmds[i].usage));
        opts |= s_cmds[i].opts;
    }
    if (cmd)
        fprintf(out, "\n%s: %s.\n", cmd->name, _(cmd->summary));
    else {
        fprintf(out, "\n%s\n", _("Confirms deliveries by scanning the QR codes of slips and "
                                 "packages, with no signal:\nit checks each code offline, "
                                 "keeps the confirmation and sends it to the core\n(aynid) "
                                 "when there is signal.\n"));
        for (size_t i = 0; i < ncmds; i++)
            fprintf(out, "  %-9s %s\n", s_cmds[i].name, _(s_cmds[i].summary));
        fprintf(out, "\n%s", _("One command's help: ayni-scan COMMAND --help\n"));
    }
    fputc('\n', out);
    for (size_t i = 0; i < sizeof s_opt_help / sizeof s_opt_help[0]; i++)
        if (opts & s_opt_help[i].bit)
            fputs(_(s_opt_help[i].text), out);
    fprintf(out, "\n%s", _("Exit: 0 done, 1 something refused, 2 wrong usage, 3 no connection "
                           "to the core.\nGuide: docs/scanner.md\n"));
}

/* One --line N=RECEIVED[:REASON], appended to a->lines as {line, received, reason}; 0,
 * or -1 with the error printed.  Whether the line exists, and whether the reason is
 * needed, is for the code it is used with (scan_ask_lines). */
static int
s_line_opt(struct s_args *a, const char *text)
{
    char *end;
    long line = strtol(text, &end, 10), got = -1;
    const char *reason = NULL;
    if (end != text && *end == '=' && line >= 1 && line <= 9999) {
        const char *r = end + 1;
        got = strtol(r, &end, 10);
        if (end == r || got < 0 || got > 1000000000L || (*end && *end != ':'))
            got = -1;
        else if (*end == ':' && !(reason = scan_reason_parse(end + 1)))
            got = -1;
    }
    if (got < 0) {
        scan_error("--line '%s' is not valid: give N=RECEIVED:REASON, e.g. --line 2=18:damaged "
                   "(reasons: damaged, missing, expired, refused)", text);
        return -1;
    }
    if (!a->lines)
        a->lines = json_array();
    json_t *l;
    size_t i;
    json_array_foreach(a->lines, i, l) {
        if (json_integer_value(json_object_get(l, "line")) == line) {
            scan_error("--line %ld was given twice: once per line only", line);
            return -1;
        }
    }
    json_array_append_new(a->lines, json_pack("{sI sI s:s?}", "line", (json_int_t)line,
                                              "received", (json_int_t)got, "reason", reason));
    return 0;
}

/* A whole number of seconds in 0..max, or -1. */
static int
s_seconds(const char *text, int max)
{
    char *end;
    long n = strtol(text, &end, 10);
    return *text && !*end && n >= 0 && n <= max ? (int)n : -1;
}

static int
s_parse_opt(int c, struct s_args *a)
{
    switch (c) {
    case 'a': a->api = optarg; a->given |= O_API; return 0;
    case 't': a->team = optarg; a->given |= O_TEAM; return 0;
    case 'd': a->device = optarg; a->given |= O_DEVICE; return 0;
    case 'q': a->queue = optarg; a->given |= O_QUEUE; return 0;
    case 'A': a->all_received = true; a->given |= O_ALL; return 0;
    case 'k': a->ask = true; a->given |= O_ASK; return 0;
    case 'j': a->json = true; a->given |= O_JSON; return 0;
    case 'P': a->provision = optarg; a->given |= O_PROVISION; return 0;
    case 'K': a->key = optarg; a->given |= O_KEY; return 0;
    case 'L': a->given |= O_LINE; return s_line_opt(a, optarg);
    case 'T':
        a->given |= O_TIMEOUT;
        if ((a->timeout_s = s_seconds(optarg, 600)) > 0)
            return 0;
        scan_error("--timeout '%s' is not valid: give seconds from 1 to 600", optarg);
        return -1;
    case 'w':
        a->given |= O_WAIT;
        if ((a->wait_s = s_seconds(optarg, 86400)) >= 0)
            return 0;
        scan_error("--wait '%s' is not valid: give seconds from 0 to 86400", optarg);
        return -1;
    default:
        return -1;
    }
}

static const struct s_cmd *
s_find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++)
        if (!strcmp(name, s_cmds[i].name))
            return &s_cmds[i];
    return NULL;
}

static void
s_unknown_cmd(const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++) {
        size_t d = ayni_edit_distance(name, s_cmds[i].name);
        if (d < best_d) {
            best_d = d;
            best = s_cmds[i].name;
        }
    }
    if (ayni_near_enough(name, best_d))
        scan_error("unknown command '%s': did you mean '%s'? (see ayni-scan --help)", name, best);
    else
        scan_error("unknown command '%s': use init, scan, image, sync, status or verify "
                   "(see ayni-scan --help)", name);
}

/* Every option given must belong to the command. */
static int
s_check_opts(const struct s_cmd *cmd, const struct s_args *a)
{
    static const char *const names[] = {"--api", "--team", "--device", "--queue",
                                        "--all-received", "--ask", "--json", "--timeout",
                                        "--wait", "--provision", "--line", "--key"};
    for (int i = 0; i < 12; i++) {
        if ((a->given & (1u << i)) && !(cmd->opts & (1u << i))) {
            scan_error("%s does not apply to '%s' (see ayni-scan --help)", names[i], cmd->name);
            return -1;
        }
    }
    return 0;
}

/* A team or device name: 1..100 bytes, no control characters. */
static int
s_check_name(const char *flag, const char *v)
{
    size_t n = v ? strlen(v) : 1;
    bool ok = n >= 1 && n <= SCAN_TEXT_MAX;
    for (const char *p = v; p && *p && ok; p++)
        ok = !iscntrl((unsigned char)*p);
    if (!ok)
        scan_error("%s '%s' is not valid: give 1 to %d characters, no line breaks", flag, v,
                   SCAN_TEXT_MAX);
    return ok ? 0 : -1;
}

/* --queue, else AYNI_SCAN_QUEUE, else $XDG_DATA_HOME/ayni/scan.db (absolute only),
 * else ~/.local/share/ayni/scan.db; a new string, or NULL with the error printed. */
static char *
s_queue_path(const char *flag)
{
    const char *env = getenv("AYNI_SCAN_QUEUE"), *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (flag && *flag)
        return xstrdup(flag);
    if (env && *env)
        return xstrdup(env);
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/ayni/scan.db", xdg);
    if (home && home[0] == '/')
        return xasprintf("%s/.local/share/ayni/scan.db", home);
    scan_error("no place for the scan queue: set HOME, XDG_DATA_HOME or AYNI_SCAN_QUEUE, or "
               "give --queue PATH");
    return NULL;
}

/* The options and arguments fit the command: 0, or -1 with the error printed. */
static int
s_check_args(const struct s_cmd *cmd, const struct s_args *a, int nargs, char **args)
{
    if (s_check_opts(cmd, a) || (a->team && s_check_name("--team", a->team)) ||
        (a->device && s_check_name("--device", a->device)))
        return -1;
    if (a->lines && (a->all_received || a->ask)) {
        scan_error("--line says what arrived, without questions: it does not go with %s",
                   a->ask ? "--ask" : "--all-received");
        return -1;
    }
    if (!strcmp(cmd->name, "verify") && nargs != 1) {
        scan_error("verify takes one file: ayni-scan verify REPORT.pdf (or a photo of it)");
        return -1;
    }
    bool takes_files = !strcmp(cmd->name, "image") || !strcmp(cmd->name, "verify");
    if (takes_files && nargs == 0) {
        scan_error("image needs at least one photo: ayni-scan image PHOTO.png");
        return -1;
    }
    if (!takes_files && nargs > 0) {
        scan_error("'%s' takes no arguments: '%s' is not an option (see ayni-scan --help)",
                   cmd->name, args[0]);
        return -1;
    }
    return 0;
}

/* An option getopt refused: unknown (with the nearest one), or missing its value. */
static void
s_bad_option(int c, const char *arg)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    if (c == ':') {
        scan_error("option '%s' needs a value (see ayni-scan --help)", name);
        return;
    }
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (const struct option *o = s_long; o->name; o++) {
        size_t d = ayni_edit_distance(name + strspn(name, "-"), o->name);
        if (d < best_d) {
            best_d = d;
            best = o->name;
        }
    }
    if (best && ayni_near_enough(name + strspn(name, "-"), best_d))
        scan_error("unknown option '%s': did you mean '--%s'?", name, best);
    else
        scan_error("unknown option '%s' (see ayni-scan --help)", name);
}

static int
s_parse(int argc, char **argv, struct s_args *a, const struct s_cmd **cmd, int *first)
{
    int c;
    bool help = false; /* after the command is known: its own help */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", s_long, NULL)) != -1) {
        if (c == '?' || c == ':') {
            s_bad_option(c, argv[optind - 1]);
            return -1;
        }
        if (c == 'h') {
            help = true;
            continue;
        }
        if (c == 'V') {
            printf("ayni-scan %s\n", AYNI_VERSION);
            return 1;
        }
        if (s_parse_opt(c, a) != 0)
            return -1;
    }
    *first = optind;
    *cmd = s_find_cmd(optind < argc ? argv[optind] : "scan");
    if (!*cmd) {
        s_unknown_cmd(argv[optind]);
        return -1;
    }
    if (help) {
        FILE *out = scan_term_open(stdout);
        s_usage(out, optind < argc ? *cmd : NULL);
        scan_term_close(&out, stdout);
        return 1;
    }
    *first += optind < argc;
    return s_check_args(*cmd, a, argc - *first, argv + *first);
}

/* --api, else AYNI_API, else the endpoint stored by init; NULL if none. */
static char *
s_api(const struct s_args *a, scan_queue_t *q)
{
    const char *env = getenv("AYNI_API");
    if (a->api && *a->api)
        return xstrdup(a->api);
    if (env && *env)
        return xstrdup(env);
    return scan_queue_get(q, "api");
}

static int
s_not_ready(void)
{
    scan_error("this device is not prepared: with signal, run 'ayni-scan init --api ENDPOINT "
               "--team TEAM'");
    return SCAN_USAGE;
}

/* Where answers come from: the terminal when stdin and stdout are both terminals;
 * with --ask, /dev/tty even when the codes come through a pipe. */
static int
s_answers(struct scan_run *r, const struct s_args *a, bool *opened)
{
    *opened = false;
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        r->answers = stdin;
        return 0;
    }
    if (!a->ask)
        return 0;
    r->answers = fopen("/dev/tty", "r");
    if (!r->answers) {
        scan_error("--ask needs a terminal to read answers from, and /dev/tty cannot be "
                   "opened: run it in a terminal, or use --all-received");
        return SCAN_USAGE;
    }
    *opened = true;
    return 0;
}

/* For scan and image: the public key, the team and the device from the queue. */
static int
s_ready_to_scan(struct scan_run *r, const struct s_args *a)
{
    char *pk = scan_queue_get(r->q, "public_key"), *team = scan_queue_get(r->q, "team");
    char *device = scan_queue_get(r->q, "device");
    size_t n = 0;
    if (pk && strlen(pk) == 64)
        sodium_hex2bin(r->pk, sizeof r->pk, pk, 64, NULL, &n, NULL);
    snprintf(r->team, sizeof r->team, "%s", a->team ? a->team : team ? team : "");
    snprintf(r->device, sizeof r->device, "%s", device ? device : "ayni-scan");
    free(pk);
    free(team);
    free(device);
    return n == sizeof r->pk && r->team[0] && r->api ? 0 : s_not_ready();
}

static int
s_run(struct scan_run *r, const struct s_cmd *cmd, const struct s_args *a,
      const struct proto_provision *prov, char **files, int nfiles)
{
    if (!strcmp(cmd->name, "status"))
        return scan_cmd_status(r, a->json);
    if (!strcmp(cmd->name, "init")) {
        if (!r->api) {
            scan_error("--api ENDPOINT (or AYNI_API) is missing: say where the core is, e.g. "
                       "--api tcp://192.168.1.10:5570");
            return SCAN_USAGE;
        }
        struct scan_init_opts o = {r->api, a->team, a->device, a->provision ? prov : NULL};
        return scan_cmd_init(r, &o);
    }
    if (!strcmp(cmd->name, "sync"))
        return r->api ? scan_cmd_sync(r, a->wait_s) : s_not_ready();
    bool opened;
    int rc = s_ready_to_scan(r, a);
    if (rc == 0 && (rc = s_answers(r, a, &opened)) == 0) {
        rc = !strcmp(cmd->name, "image") ? scan_cmd_image(r, files, nfiles)
                                         : scan_cmd_scan(r, stdin);
        if (opened)
            fclose(r->answers);
    }
    return rc;
}

/* Show times in the core's zone, kept at init (America/Lima before the first init); one
 * not installed on this device leaves them in UTC, with a warning. */
static void
s_zone(scan_queue_t *q)
{
    char *zone = scan_queue_get(q, "time_zone"), err[300];
    if (ayni_zone_use(zone ? zone : AYNI_ZONE_DEFAULT, err, sizeof err) != 0) {
        scan_error("warning: %s; the scanner shows times in UTC", err);
        ayni_zone_use("UTC", err, sizeof err);
    }
    free(zone);
}

/* `verify`: with --key, or the key init kept in the queue (opened only if it exists:
 * checking a report must not make a queue on a donor's computer). */
static int
s_verify(const struct s_args *a, const char *path, const char *file)
{
    unsigned char pk[32];
    char err[600];
    char *hex = NULL;
    if (a->key) {
        if (scan_verify_key(a->key, pk, err, sizeof err) != 0) {
            scan_error("%s", err);
            return SCAN_USAGE;
        }
    } else {
        scan_queue_t *q = access(path, R_OK) == 0 ? scan_queue_open(path, err, sizeof err) : NULL;
        hex = q ? scan_queue_get(q, "public_key") : NULL;
        scan_queue_close(&q);
        size_t n = 0;
        if (!hex || sodium_hex2bin(pk, 32, hex, strlen(hex), NULL, &n, NULL) != 0 || n != 32) {
            free(hex);
            scan_error("no core key to check with: give --key HEX (keys.public's public_key, "
                       "or keys/sign.pub), or run 'ayni-scan init' once with signal");
            return SCAN_USAGE;
        }
        free(hex);
    }
    FILE *out = scan_term_open(stdout);
    int rc = scan_cmd_verify(out, file, pk);
    scan_term_close(&out, stdout);
    return rc;
}

/* Everything after the options are parsed: the command's exit code. */
static int
s_main(struct s_args *ap, const struct s_cmd *cmd, char **files, int nfiles)
{
    struct s_args a = *ap;
    char err[600];
    char *path = s_queue_path(a.queue);
    if (!path)
        return SCAN_USAGE;
    if (!strcmp(cmd->name, "verify")) {
        int rc = s_verify(&a, path, files[0]);
        free(path);
        return rc;
    }
    FILE *text = a.json && strcmp(cmd->name, "status") ? stderr : stdout;
    struct scan_run r = {.out = text, .all_received = a.all_received, .given = a.lines,
                         .json = a.json};
    r.timeout_ms = a.timeout_s ? a.timeout_s * 1000 : cmd->timeout_ms;
    r.q = scan_queue_open(path, err, sizeof err);
    free(path);
    if (r.out == stdout && !a.json)
        r.out = scan_term_open(stdout); /* fitted to a narrow terminal (not --json's) */
    else if (r.out == stderr)
        r.out = scan_term_open(stderr);
    if (!r.q) {
        scan_term_close(&r.out, text);
        scan_error("%s", err);
        return SCAN_REFUSED;
    }
    s_zone(r.q);
    /* A provisioning file says who this device is and where its core is (--api wins). */
    struct proto_provision prov = {0};
    if (a.provision && proto_provision_load(a.provision, &prov, err, sizeof err) != 0) {
        scan_error("%s", err);
        scan_queue_close(&r.q);
        scan_term_close(&r.out, text);
        return SCAN_USAGE;
    }
    if (a.provision && !a.api)
        a.api = prov.api;
    if (a.provision && !a.device)
        a.device = prov.device;
    char *api = s_api(&a, r.q);
    r.api = api;
    r.prov = a.provision ? &prov : NULL;
    int rc = s_run(&r, cmd, &a, &prov, files, nfiles);
    sodium_memzero(&prov, sizeof prov);
    proto_client_destroy(&r.client);
    scan_queue_close(&r.q);
    free(api);
    json_decref(r.codes);
    scan_term_close(&r.out, text);
    fflush(stdout);
    return rc;
}

int
main(int argc, char **argv)
{
    struct s_args a = {0};
    const struct s_cmd *cmd = NULL;
    int first = argc, rc;
    ayni_lang_start("ayni-scan");
    if (sodium_init() < 0) {
        scan_error("cannot initialise libsodium");
        return SCAN_REFUSED;
    }
    rc = s_parse(argc, argv, &a, &cmd, &first);
    rc = rc == 1 ? SCAN_OK : rc ? SCAN_USAGE : s_main(&a, cmd, argv + first, argc - first);
    json_decref(a.lines);
    return rc;
}
