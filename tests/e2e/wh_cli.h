/* wh_cli.h: driving the real ayni-warehouse binary from the end-to-end tests.
 *
 * Runs it as staff or a script would, against the harness's aynid (AYNI_API and
 * AYNI_EVENTS in its environment point there): piped (standard output and error
 * captured, with the exit code), in a pseudo-terminal (where the progress bar shows),
 * or in the background (events --follow, stopped with a signal).  Also reads back what
 * it wrote: PDFs with qpdf, pdftotext and zbarimg, and the columns of its tables.
 * Test-only: anything unexpected fails the test (cmocka); every wait has a deadline.
 */
#ifndef AYNI_WH_CLI_H
#define AYNI_WH_CLI_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "harness.h"

/* The binary: $AYNI_WAREHOUSE, or the path CMake compiled in. */
const char *wh_cli_path(void);

/* How long a run given --timeout 1 may take in all: the second, and the start and end of
 * a process in a slow (sanitizer, loaded) build.  Far below the 10 s default: it did not
 * wait for the default, and did not hang. */
#define WH_TIMEOUT1_MS 8000

struct wh_out {
    int status; /* exit code, or 128 + signal */
    char *out;  /* standard output (in a terminal: everything it showed) */
    char *err;  /* standard error ("" in a terminal) */
    long ms;    /* how long it ran */
};

/* Run ayni-warehouse with the arguments (NULL-terminated) against e's aynid, standard
 * input from /dev/null; wait for it to end (failing the test after 30 s).  A sanitizer
 * report in its standard error fails the test. */
void wh_run(struct wh_out *o, struct e2e *e, ...) __attribute__((sentinel));
void wh_runv(struct wh_out *o, struct e2e *e, const char *const *args);
/* The same in a new pseudo-terminal: standard input, output and error are the terminal. */
void wh_run_pty(struct wh_out *o, struct e2e *e, ...) __attribute__((sentinel));
void wh_out_clear(struct wh_out *o);
/* The width of the terminal of the runs from now on: COLUMNS in their environment, and the
 * size of wh_run_pty's terminal; 0 (the default): COLUMNS unset, a terminal of 160. */
void wh_set_columns(int columns);
/* The language of the runs from now on: AYNI_LANG "es" (the default, also NULL) or "en";
 * "" for no language variable at all; "LANG=en_US.UTF-8" for that variable alone.  The
 * caller's own language variables never reach the runs. */
void wh_set_lang(const char *lang);

/* Run and require exit code want (the failure shows both outputs); standard output as
 * a new string. */
char *wh_expect(struct e2e *e, int want, ...) __attribute__((sentinel));
/* Run and require exit code want; standard error as a new string. */
char *wh_expect_err(struct e2e *e, int want, ...) __attribute__((sentinel));
/* Run with --json in front, require exit code want, and parse standard output as one
 * JSON value (caller decrefs). */
json_t *wh_json(struct e2e *e, int want, ...) __attribute__((sentinel));

/* ---- in the background ---- */
struct wh_bg {
    pid_t pid;
    char *out_path, *err_path;
};
/* Start ayni-warehouse with the arguments, output to files in e's folder. */
void wh_bg_start(struct wh_bg *b, struct e2e *e, ...) __attribute__((sentinel));
/* Its standard output so far (a new string). */
char *wh_bg_output(const struct wh_bg *b);
/* Wait until its output holds needle, or it ends, or timeout_ms pass; true if it does. */
bool wh_bg_wait_for(const struct wh_bg *b, const char *needle, int timeout_ms);
/* Send sig and wait for it to end: the exit status (128 + signal if it died of one), and
 * (if out is not NULL) all its standard output in *out, a new string.  Fails the test if
 * it does not end within E2E_WAIT_MS. */
int wh_bg_stop(struct wh_bg *b, int sig, char **out);

/* ---- reading output ---- */
/* Assert that text holds needle, showing text when it does not. */
#define WH_HAS(text, needle) wh_assert_has(text, needle, __FILE__, __LINE__)
#define WH_HASNT(text, needle) wh_assert_hasnt(text, needle, __FILE__, __LINE__)
void wh_assert_has(const char *text, const char *needle, const char *file, int line);
void wh_assert_hasnt(const char *text, const char *needle, const char *file, int line);
/* Assert that no line of text, as a terminal shows it (a carriage return starts the line
 * again, escape sequences take no room), is wider than columns characters. */
void wh_assert_fits(const char *text, size_t columns);
/* Assert that every word of value stands whole in text (between spaces or line ends). */
void wh_assert_words_whole(const char *text, const char *value);
/* How many times needle occurs in text. */
int wh_count(const char *text, const char *needle);
/* The last non-empty line of text (a new string, without its newline). */
char *wh_last_line(const char *text);
/* Assert that the columns of every row of a table line up with the header (the first
 * line; its columns are separated by two spaces or more).  Offsets count characters, not
 * bytes.  spec has a letter per column, from the first: 'l' the text starts where the
 * header's does, 'r' (right-aligned) it ends two characters before the next header
 * starts, '.' not checked (a column that may be empty, or a quantity). */
void wh_assert_aligned(const char *table, const char *spec);

/* ---- files and tools ---- */
/* Skip the running test (saying so) unless program is installed. */
void wh_need(const char *program);
/* Run a shell command: its standard output (a new string); *status its exit code. */
char *wh_sh(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool wh_exists(const char *path);
/* Write text to a new file dir/name; the path as a new string. */
char *wh_write(const char *dir, const char *name, const char *text);
/* qpdf --check passes on pdf. */
void wh_assert_pdf(const char *pdf);
/* The text pdftotext reads in pdf (a new string). */
char *wh_pdf_text(const char *pdf);
/* The QR codes zbarimg reads in pdf rasterised at 150 dpi (pdftoppm), as a JSON array of
 * strings in page order.  Pages go to files in dir. */
json_t *wh_pdf_qr(const char *pdf, const char *dir);
/* Check every token of tokens (a JSON array of strings) against aynid's public key
 * (keys.public): each must be GENUINE and name shipment; returns how many there are. */
size_t wh_assert_tokens(struct e2e *e, json_t *tokens, const char *shipment);

/* A loopback TCP listener that reads 10 bytes of each connection (a ZMTP greeting's
 * signature, or the start of a TLS hello) and hangs up: what a secure aynid often does to
 * a client without keys, and a server that is not the one a tool expects. */
struct wh_hangup {
    int fd;
    unsigned port;
    pthread_t thread;
};
void wh_hangup_start(struct wh_hangup *h);
void wh_hangup_stop(struct wh_hangup *h);

/* ---- data ---- */
/* The source tree ($AYNI_SOURCE_DIR, or the path CMake compiled in). */
const char *wh_source_dir(void);
/* The demo catalog (data/items.csv, locations.csv, donors.csv) loaded through the API. */
void wh_seed_catalog(struct e2e *e);
/* Make the CURVE keys and the first admin's provisioning file (aynid --init-admin, into
 * admin_file), then start aynid secure: every request must then come from a registered
 * device (ayni-warehouse --provision FILE); the harness's own client cannot talk to it. */
void wh_start_secure(struct e2e *e, const char *admin_file);
/* The quantity of item at a location, over its lots (stock.levels through the API). */
long wh_stock(struct e2e *e, const char *at, const char *item);

#endif
