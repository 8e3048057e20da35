/* scan_cli.h: driving the real ayni-scan binary from the end-to-end tests.
 *
 * Runs it as a person or a script would: with standard input from a text (piped), in a
 * pseudo-terminal (interactive prompts), or in the background to be killed.  Also
 * renders QR codes into PNG and JPEG photos (scan_qr.c) for `ayni-scan image`.
 * Test-only: anything unexpected fails the test (cmocka).
 */
#ifndef AYNI_SCAN_CLI_H
#define AYNI_SCAN_CLI_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "harness.h"

/* The binary: $AYNI_SCAN, or the path CMake compiled in. */
const char *scan_cli_path(void);
/* The language of every ayni-scan started from now on (run, in the background or in a
 * terminal): "es" or "en" as AYNI_LANG; "" the default, with AYNI_LANG, LC_ALL,
 * LC_MESSAGES, LANG and LANGUAGE unset (Spanish); NULL this process's environment as it
 * is.  At start "es": the caller's LANG (a CI machine's en_US, say) never decides what
 * the tests read. */
void scan_cli_lang(const char *lang);

struct scan_cli_out {
    int status; /* exit code, or 128 + signal */
    char *out;  /* standard output */
    char *err;  /* standard error */
};

/* Run ayni-scan with the arguments (NULL-terminated) and input on standard input (NULL:
 * /dev/null), in folder dir (for its temporary files); wait for it to end. */
void scan_cli_run(struct scan_cli_out *o, const char *dir, const char *input, ...)
    __attribute__((sentinel));
void scan_cli_clear(struct scan_cli_out *o);
/* How many times needle occurs in text. */
int scan_count(const char *text, const char *needle);

/* ---- in the background ---- */
struct scan_bg {
    pid_t pid;
    char *out_path;
};
/* Start ayni-scan with the arguments, input on standard input (NULL: /dev/null) and
 * standard output to a file in dir.  env_extra (NAME=VALUE, may be NULL) is added to
 * its environment. */
void scan_bg_start(struct scan_bg *b, const char *dir, const char *env_extra, const char *input,
                   ...) __attribute__((sentinel));
/* Its output so far (a new string). */
char *scan_bg_output(const struct scan_bg *b);
/* Wait until its output holds needle n times, or it ends; true if it did. */
bool scan_bg_wait_for(const struct scan_bg *b, const char *needle, int n, int timeout_ms);
/* Wait for it to end: the exit status (128 + signal if killed). */
int scan_bg_wait(struct scan_bg *b);
void scan_bg_kill(struct scan_bg *b);

/* ---- in a terminal ---- */
struct scan_pty {
    pid_t pid;
    int fd;     /* the terminal's master side */
    char *seen; /* everything it printed so far */
    size_t len, cap;
    size_t from; /* where the next expect starts looking */
};
/* Start ayni-scan in a new pseudo-terminal (its standard input and output). */
void scan_pty_start(struct scan_pty *p, ...) __attribute__((sentinel));
/* Wait (up to E2E_WAIT_MS) until the output since the last expect holds text; fails
 * the test, showing what was printed, if it does not come. */
void scan_pty_expect(struct scan_pty *p, const char *text);
/* Type a line and Enter. */
void scan_pty_type(struct scan_pty *p, const char *line);
/* Ctrl-D at the start of a line: end of input. */
void scan_pty_eof(struct scan_pty *p);
/* Wait for it to end: the exit status. */
int scan_pty_wait(struct scan_pty *p);

/* ---- QR photos (scan_qr.c) ---- */
/* Write n QR codes side by side into a PNG (jpeg false) or JPEG file at path; n = 0:
 * a white photo with no code. */
void scan_qr_photo(const char *path, const char *const *texts, int n, bool jpeg);

/* ---- data ---- */
/* The token of package n (0: the slip) of a dispatched shipment (borrowed). */
const char *scan_token(json_t *shipment, int n);
/* A genuine-looking token for the same shipment and package, signed by another key. */
char *scan_forged(json_t *shipment, int n);
/* Dispatch a shipment ALM-LIMA -> COM-0042 for team: food FOOD-KIT in food_packages
 * packages, then (if serial) one TABLET package with that serial; the dispatch result. */
json_t *scan_dispatch(struct e2e *e, const char *team, int food, int food_packages,
                      const char *serial);
/* The quantity of item at a location, over its lots. */
long scan_stock(struct e2e *e, const char *at, const char *item);
/* Every event of type so far (a new array). */
json_t *scan_events(struct e2e *e, const char *type);
/* `ayni-scan status --json --queue queue`, parsed (caller decrefs). */
json_t *scan_status(const char *dir, const char *queue);
/* The count of scans in state from a status. */
long scan_state_count(json_t *status, const char *state);

#endif
