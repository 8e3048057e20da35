/* scan_ask.c: the questions ayni-scan asks a delivery team on a terminal.
 *
 * "Did it all arrive?", then for each line how many arrived and why any are missing.  The
 * answers come from r->answers (the terminal); prompts go to r->out.  Every question
 * accepts end of input (Ctrl-D) as "cancel this scan"; nothing is recorded then.  Also
 * the terminal's echo: off while codes are awaited.  This file must not touch the queue
 * or the network.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lang.h"
#include "mem.h"
#include "scan.h"

/* Said when a code's lines are to be counted and its shipment is not in the manifests. */
#define S_NO_MANIFEST                                                                          \
    N_("without this shipment's data its lines cannot be counted: not recorded; update "      \
       "with 'ayni-scan init' and scan again")

/* On a terminal, a keyboard-wedge scanner types a code of up to 176 characters: echoed,
 * it fills three lines of a small screen with text nobody reads.  So while codes are
 * awaited the terminal does not echo; it does for the answers to questions (s_ask), and
 * is given back as it was at the end, also on Ctrl-C, a hang-up or a kill. */
static struct termios s_tty;
static int s_tty_fd = -1;

static void
s_echo(bool on)
{
    if (s_tty_fd < 0)
        return;
    struct termios t = s_tty;
    if (!on)
        t.c_lflag &= (tcflag_t)~ECHO;
    tcsetattr(s_tty_fd, TCSANOW, &t);
}

static void
s_on_signal(int sig)
{
    if (s_tty_fd >= 0)
        tcsetattr(s_tty_fd, TCSANOW, &s_tty);
    signal(sig, SIG_DFL);
    raise(sig);
}

bool
scan_tty_quiet(FILE *in)
{
    int fd = fileno(in);
    if (!isatty(fd) || tcgetattr(fd, &s_tty) != 0)
        return false;
    s_tty_fd = fd;
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    s_echo(false);
    return true;
}

void
scan_tty_restore(void)
{
    s_echo(true);
    s_tty_fd = -1;
}

int
scan_read_line(FILE *in, char *buf, size_t size, size_t *len)
{
    size_t n = 0;
    bool too_long = false;
    int c;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n + 1 < size)
            buf[n++] = (char)c;
        else
            too_long = true;
    }
    buf[n] = '\0';
    *len = n;
    if (c == EOF && n == 0 && !too_long)
        return -1;
    return too_long ? 1 : 0;
}

/* Strip surrounding white space (and a CR) in place; the new start. */
static char *
s_trim(char *s, size_t *len)
{
    size_t n = *len;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    s[n] = '\0';
    while (*s && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    *len = n;
    return s;
}

/* Ask and read one answer; NULL at end of input.  An answer that is a scanned code
 * (the team scanned the next package before answering) is set aside with a note. */
static char *
s_ask(struct scan_run *r, const char *question, char *buf, size_t size)
{
    for (;;) {
        s_echo(true); /* before the question: the answer typed after it is seen */
        fprintf(r->out, "  %s ", question);
        fflush(r->out);
        size_t len;
        int rc = scan_read_line(r->answers, buf, size, &len);
        s_echo(false);
        scan_term_answered(r->out);
        if (rc < 0) {
            fputc('\n', r->out);
            clearerr(r->answers); /* Ctrl-D cancels this scan, not the session */
            return NULL;
        }
        char *a = s_trim(buf, &len);
        if (rc == 0 && !(len > 40 && !strncasecmp(a, CORE_TOKEN_PREFIX, 4)))
            return a;
        fprintf(r->out, "  %s\n", _("(that looks like a scanned code: answer the question "
                                   "first; then scan that code again)"));
    }
}

int
scan_ask_yes_no(struct scan_run *r, const char *question, int dflt)
{
    char buf[128];
    for (;;) {
        char *a = s_ask(r, question, buf, sizeof buf);
        if (!a)
            return -1;
        int yes = scan_yes_no(a, dflt);
        if (yes >= 0)
            return yes;
        fprintf(r->out, "  %s\n", _("answer «y» (yes) or «n» (no)"));
    }
}

/* How many of expected arrived: 0 and *got, or -1 at end of input. */
static int
s_ask_count(struct scan_run *r, const char *what, long expected, long *got)
{
    char q[512], buf[64];
    snprintf(q, sizeof q, _("%s: how many arrived, of %ld?"), what, expected);
    for (;;) {
        char *a = s_ask(r, q, buf, sizeof buf), *end;
        if (!a)
            return -1;
        errno = 0;
        long n = strtol(a, &end, 10);
        if (*a && !*end && errno == 0 && n >= 0 && n <= expected) {
            *got = n;
            return 0;
        }
        fprintf(r->out, "  ");
        fprintf(r->out, _("type a number from 0 to %ld"), expected);
        fputc('\n', r->out);
    }
}

static const char *
s_ask_reason(struct scan_run *r, long missing)
{
    char q[256], buf[64];
    snprintf(q, sizeof q,
             ayni_ntr("Why is %ld missing? 1) damaged  2) missing (did not arrive)  "
                      "3) expired  4) refused by the community:",
                      "Why are %ld missing? 1) damaged  2) missing (did not arrive)  "
                      "3) expired  4) refused by the community:",
                      (unsigned long)missing),
             missing);
    for (;;) {
        char *a = s_ask(r, q, buf, sizeof buf);
        if (!a)
            return NULL;
        const char *reason = scan_reason_parse(a);
        if (reason)
            return reason;
        fprintf(r->out, "  %s\n", _("choose 1, 2, 3 or 4"));
    }
}

/* Expected quantity per line: of one package, or of the packages still outstanding. */
static long
s_expected(json_t *m, int line, int package, json_t *outstanding)
{
    json_t *p;
    size_t i;
    long qty = 0;
    json_array_foreach(json_object_get(m, "packages"), i, p) {
        int number = (int)json_integer_value(json_object_get(p, "number"));
        if (json_integer_value(json_object_get(p, "line")) != line)
            continue;
        bool wanted = package ? number == package : false;
        for (size_t k = 0; !package && k < json_array_size(outstanding); k++)
            wanted |= json_integer_value(json_array_get(outstanding, k)) == number;
        qty += wanted ? (long)json_integer_value(json_object_get(p, "qty")) : 0;
    }
    return qty;
}

/* Ask one line; 0 with a shortfall appended to lines if any, -1 at end of input. */
static int
s_ask_line(struct scan_run *r, json_t *line, long expected, json_t *lines)
{
    int number = (int)json_integer_value(json_object_get(line, "line"));
    const char *name = scan_item_name(line);
    char what[256];
    long got;
    snprintf(what, sizeof what, _("%s (line %d)"), name ? name : "?", number);
    if (s_ask_count(r, what, expected, &got) < 0)
        return -1;
    if (got == expected)
        return 0;
    const char *reason = s_ask_reason(r, expected - got);
    if (!reason)
        return -1;
    json_array_append_new(lines, json_pack("{si sI ss}", "line", number, "received",
                                           (json_int_t)got, "reason", reason));
    return 0;
}

/* The --line answers for this code, checked against what it covers: 0 and *lines (NULL
 * if every line arrived whole), or 1 (not recorded) with the reason printed. */
static int
s_given_lines(struct scan_run *r, const struct core_token *t, json_t *m, json_t *outstanding,
              json_t **lines)
{
    if (r->given_used) {
        fprintf(r->out, "  %s\n", _("--line is for one code only, and it was used: this one "
                                   "was not recorded; scan it in another run"));
        return 1;
    }
    if (!m) {
        fprintf(r->out, "  %s\n", _(S_NO_MANIFEST));
        return 1;
    }
    json_t *out = json_array(), *g;
    size_t i;
    json_array_foreach(r->given, i, g) {
        int line = (int)json_integer_value(json_object_get(g, "line"));
        long got = (long)json_integer_value(json_object_get(g, "received"));
        const char *reason = json_string_value(json_object_get(g, "reason"));
        long expected = s_expected(m, line, (int)t->package, outstanding);
        const char *why = expected == 0   ? _("is not in this code")
                          : got > expected ? _("says more than was sent")
                          : got < expected && !reason ? _("lacks its reason (…:damaged)")
                                                      : NULL;
        if (why) {
            fprintf(r->out, "  ");
            fprintf(r->out, _("--line %d=%ld: line %d %s (%ld were sent): not recorded"), line,
                    got, line, why, expected);
            fputc('\n', r->out);
            json_decref(out);
            return 1;
        }
        if (got < expected)
            json_array_append_new(out, json_pack("{si sI ss}", "line", line, "received",
                                                 (json_int_t)got, "reason", reason));
    }
    r->given_used = true;
    if (json_array_size(out) == 0)
        json_decref(out);
    else
        *lines = out;
    return 0;
}

int
scan_ask_lines(struct scan_run *r, const struct core_token *t, json_t *m, json_t *outstanding,
               json_t **lines)
{
    *lines = NULL;
    if (r->given)
        return s_given_lines(r, t, m, outstanding, lines);
    if (!r->answers || r->all_received)
        return 0;
    int all = scan_ask_yes_no(r, t->package ? _("Did the whole package arrive? [Y/n]")
                                            : _("Did the whole shipment arrive? [Y/n]"), 1);
    if (all != 0)
        return all < 0;
    if (!m) {
        fprintf(r->out, "  %s\n", _(S_NO_MANIFEST));
        return 1;
    }
    json_t *out = json_array(), *line;
    size_t i;
    json_array_foreach(json_object_get(m, "lines"), i, line) {
        long expected = s_expected(m, (int)json_integer_value(json_object_get(line, "line")),
                                   (int)t->package, outstanding);
        if (expected > 0 && s_ask_line(r, line, expected, out) < 0) {
            json_decref(out);
            return 1;
        }
    }
    if (json_array_size(out) == 0)
        json_decref(out);
    else
        *lines = out;
    return 0;
}
