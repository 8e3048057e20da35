/* scan.h: ayni-scan, the delivery team's scanner client (shared declarations).
 *
 * ayni-scan verifies QR tokens offline with the core's public key, keeps each
 * confirmation in its own small SQLite queue (scan_queue.c), and sends the queue to
 * aynid when it can reach it (scan_sync.c).  It never touches the core's database and
 * never queues a code that is not genuine.  Exit codes: 0 done, 1 something refused
 * (a bad code, or a confirmation the core refused), 2 wrong usage, 3 the core cannot
 * be reached (init, sync).
 */
#ifndef AYNI_SCAN_H
#define AYNI_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "proto.h"
#include "provision.h"
#include "token.h"

enum scan_exit {
    SCAN_OK = 0, SCAN_REFUSED = 1, SCAN_USAGE = 2, SCAN_UNREACHABLE = 3,
    SCAN_NO_STATEMENT = 4, /* verify: no readable signed statement in the file */
    SCAN_MISMATCH = 5      /* verify: the page prints figures other than the signed ones */
};

#define SCAN_LINE_MAX 1000   /* a scanned line longer than this is unreadable */
#define SCAN_ID_LEN 32       /* hex characters of a scan id */
#define SCAN_TEXT_MAX 100    /* team and device names */

/* ---- the queue (scan_queue.c, scan_queue_scans.c) ---- */
typedef struct scan_queue scan_queue_t;

/* Open (creating it, its folder 0700 and the file 0600) the queue at path.  NULL with
 * a message in err if it cannot be opened or was written by a newer ayni-scan. */
scan_queue_t *scan_queue_open(const char *path, char *err, size_t errlen);
void scan_queue_close(scan_queue_t **self_p);
/* The last error's message; valid until the next call on q. */
const char *scan_queue_errmsg(const scan_queue_t *q);
const char *scan_queue_path(const scan_queue_t *q);

/* A setting (api, team, device, public_key, key_id, last_contact, manifests_at, ...):
 * a new string, or NULL when it is not set. */
char *scan_queue_get(scan_queue_t *q, const char *key);
int scan_queue_set(scan_queue_t *q, const char *key, const char *value);
/* Record that the core did not answer: back off before the next automatic try. */
int scan_queue_contact_failed(scan_queue_t *q);
/* True if an automatic send (from a scan) may try the core now. */
bool scan_queue_contact_due(scan_queue_t *q);

/* The CURVE keys stored by init from a provisioning file: true and *keys, or false (the
 * core runs --insecure). */
bool scan_queue_curve(scan_queue_t *q, struct proto_curve *keys);

/* Replace every manifest, store the settings in settings (an object of strings) and
 * note that the core answered, in one transaction.  shipments: an array of
 * shipment.get results (tokens removed). */
int scan_queue_init_commit(scan_queue_t *q, json_t *settings, json_t *shipments);
/* The stored shipment (a new reference), or NULL if it is not in the manifests. */
json_t *scan_queue_manifest(scan_queue_t *q, const char *shipment);
long scan_queue_manifest_count(scan_queue_t *q, const char *team);

/* A scan record is a JSON object with the columns of the scans table. */
struct scan_new {
    const char *scan_id, *token, *shipment, *dest, *team, *device, *device_time;
    int package, count;
    const char *lines; /* JSON text, or NULL: everything received */
    const char *flags; /* "other_team", "unknown_shipment", or NULL */
};
/* Add a new queued scan in one transaction.  AYNI_EEXISTS with *existing (a new
 * reference) when a scan that is not refused already covers this package. */
int scan_queue_add(scan_queue_t *q, const struct scan_new *n, json_t **existing);
/* The scan of this device that covers shipment's package (0: the whole shipment
 * scan), not refused; NULL if there is none. */
json_t *scan_queue_covering(scan_queue_t *q, const char *shipment, int package);
/* The packages of shipment that scans on this device (not refused) cover; a new array
 * of numbers, 0 meaning all. */
json_t *scan_queue_covered(scan_queue_t *q, const char *shipment);
/* The first queued scan after id (in the order scanned), or NULL. */
json_t *scan_queue_next(scan_queue_t *q, int64_t after_id);
/* One attempt started: attempts + 1 (committed before the request goes out). */
int scan_queue_attempt(scan_queue_t *q, const char *scan_id);
/* Settle a queued scan: sent with the core's result, or refused with its error; and
 * note that the core answered (last_contact), in one transaction.  AYNI_ESTATE if it
 * is no longer queued (another ayni-scan settled it meanwhile). */
int scan_queue_mark_sent(scan_queue_t *q, const char *scan_id, json_t *result);
int scan_queue_mark_refused(scan_queue_t *q, const char *scan_id, const char *code,
                            const char *message, json_t *error);
/* Keep it queued: the error, and when to try again (backing off by attempts). */
int scan_queue_retry_later(scan_queue_t *q, const char *scan_id, const char *code,
                           const char *message);
/* Counts by state: {"queued":n,"sent":n,"refused":n}. */
json_t *scan_queue_counts(scan_queue_t *q);
/* Every scan in state (NULL: all), oldest first; a new array. */
json_t *scan_queue_list(scan_queue_t *q, const char *state);

/* ---- time (scan_text.c) ---- */
/* Now in UTC, "2026-11-22T06:08:11Z". */
void scan_now_utc(char out[21]);
/* Now in local time with its offset, "2026-11-22T01:08:11-05:00". */
void scan_now_local(char out[26]);
/* An ISO 8601 time (Z or an offset) as "22/11/2026 01:08" in the local time zone, which
 * is the core's (time_zone, kept at init); the text itself when it cannot be read. */
void scan_when(const char *iso, char *out, size_t size);
/* Seconds since the epoch of an ISO 8601 time, or -1. */
time_t scan_parse_time(const char *iso);

/* ---- the terminal (scan_term.c) ---- */
/* A stream that writes to f's terminal with its lines broken at spaces to fit its width,
 * or f itself when f is no terminal (or its width is unknown). */
FILE *scan_term_open(FILE *f);
/* Close what scan_term_open(under) gave (flushing it); *f_p becomes under. */
void scan_term_close(FILE **f_p, FILE *under);
/* The person answered a question on f's terminal: its cursor is at a line's start. */
void scan_term_answered(FILE *f);

/* ---- words (scan_text.c) ---- */
/* The item name of a manifest line in the reader's language: item_name_en in English
 * (when the core gave one), else item_name_es; borrowed from line, or NULL. */
const char *scan_item_name(json_t *line);
/* "40 kits de higiene" ("40 hygiene kits") from qty and the item name in the reader's
 * language (ayni_quantity); a new string. */
char *scan_quantity(long qty, const char *name);
/* The word for a shortfall reason in the reader's language ("dañado", "damaged"), or NULL
 * if unknown. */
const char *scan_reason_name(const char *reason);
/* The reason for an answer: "1".."4", a Spanish word or the English code; or NULL. */
const char *scan_reason_parse(const char *answer);
/* 1 yes, 0 no, -1 not an answer; an empty answer gives dflt. */
int scan_yes_no(const char *answer, int dflt);

/* ---- one run of a command (scan_run.c) ---- */
struct scan_run {
    scan_queue_t *q;
    const char *api;          /* request endpoint (flag, env or queue) */
    char team[SCAN_TEXT_MAX + 1];
    char device[SCAN_TEXT_MAX + 1];
    unsigned char pk[32];     /* the core's public key, to verify tokens */
    bool all_received;        /* --all-received */
    FILE *answers;            /* where prompts are answered; NULL: not interactive */
    FILE *out;                /* what the team reads (stdout) */
    int timeout_ms;           /* per request to the core */
    proto_client_t *client;   /* made on first use */
    const struct proto_provision *prov; /* --provision given to init, else NULL */
    int exit;                 /* the worst outcome so far */
    int scanned;              /* codes handled so far (for spacing the output) */
    json_t *given;            /* --line: what arrived, for one code only (borrowed) */
    bool given_used;          /* a code took the --line answers */
    bool json;                /* --json: the result on stdout as JSON, the text on stderr */
    json_t *codes;            /* scan, image: what became of each code, in order */
    const char *outcome;      /* of the code in hand: saved, already, refused, not_recorded */
    char scan_id[SCAN_ID_LEN + 1]; /* of the code in hand, when saved */
    int sent_now;             /* confirmations sent to the core during this run */
    const char *photo;        /* image: the file in hand */
};

/* What became of one code (t NULL: none is trusted), for the summary and --json:
 * r->outcome and r->scan_id as the handling left them (then reset), why (may be NULL,
 * e.g. "altered") and the photo it came from (r->photo). */
void scan_run_code(struct scan_run *r, const struct core_token *t, const char *why);
/* The end of scan and image: the summary of the codes (on r->out), or with --json the
 * codes and the summary as one JSON object on stdout. */
void scan_run_summary(struct scan_run *r);
/* With --json, print result (stolen) on stdout as the command's answer; else drop it. */
void scan_run_result(struct scan_run *r, json_t *result);
/* Note an outcome: the run's exit code becomes the worse of the two. */
void scan_run_note(struct scan_run *r, int exit_code);
/* The client of the core (made on first use); NULL with the error printed. */
proto_client_t *scan_run_client(struct scan_run *r);
/* Print an error the git way on stderr: "ayni-scan: <message>", with fmt translated
 * (ayni_tr: a keyword of po/po). */
void scan_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- commands ---- */
struct scan_init_opts {
    const char *api, *team, *device;
    const struct proto_provision *prov; /* NULL: the core runs --insecure */
};
int scan_cmd_init(struct scan_run *r, const struct scan_init_opts *o);
/* Read tokens, one per line, from in; handle each.  The run's exit code. */
int scan_cmd_scan(struct scan_run *r, FILE *in);
int scan_cmd_image(struct scan_run *r, char **files, int n);
/* wait_s: keep trying (backing off) for up to this many seconds; 0: one pass. */
int scan_cmd_sync(struct scan_run *r, int wait_s);
int scan_cmd_status(struct scan_run *r, bool json);

/* ---- scanning (scan_scan.c, scan_ask.c) ---- */
/* If in is a terminal: stop its echo while codes are awaited (questions turn it on for
 * their answers) until scan_tty_restore, which a signal's default action also gets;
 * true if so. */
bool scan_tty_quiet(FILE *in);
void scan_tty_restore(void);
/* Handle one scanned text: verify, show, ask, record, try to send. */
int scan_handle(struct scan_run *r, const char *text, size_t len);
/* Handle one line as scan_read_line read it (line[0..len-1], NUL-terminated; too_long
 * when it returned 1): strip blanks, a CR and zbar's "QR-Code:" prefix in place, skip a
 * blank line (SCAN_OK), refuse a line over SCAN_LINE_MAX (SCAN_REFUSED), else
 * scan_handle the text.  Returns the line's outcome, also noted in the run. */
int scan_handle_line(struct scan_run *r, char *line, size_t len, bool too_long);
/* Print what a genuine token names, from the manifest m (may be NULL); for a
 * whole-shipment code, outstanding lists the packages it still covers. */
void scan_describe(struct scan_run *r, const struct core_token *t, json_t *m,
                   json_t *outstanding);
/* Package or line number n of manifest m (borrowed), or NULL. */
json_t *scan_manifest_package(json_t *m, int n);
json_t *scan_manifest_line(json_t *m, int n);
/* "Comunidad Santa Rosa, Huánuco" from m, or the token's destination code. */
void scan_destination(json_t *m, const struct core_token *t, char *out, size_t size);
/* The packages of t's shipment (1..count) neither delivered per m nor covered by a scan
 * on this device: a new array of numbers. */
json_t *scan_outstanding(scan_queue_t *q, const struct core_token *t, json_t *m);
/* Ask what arrived.  0 and *lines (NULL: everything; else a JSON array of shortfalls),
 * or 1 if the person cancelled this scan. */
int scan_ask_lines(struct scan_run *r, const struct core_token *t, json_t *m,
                   json_t *outstanding, json_t **lines);
/* Ask a yes/no question; dflt for an empty answer; -1 at end of input. */
int scan_ask_yes_no(struct scan_run *r, const char *question, int dflt);
/* Read one line (without its end) into buf; -1 at end of input, 1 when it was longer
 * than size - 1 bytes (the rest of it is skipped), else 0. */
int scan_read_line(FILE *in, char *buf, size_t size, size_t *len);

/* ---- sending (scan_sync.c) ---- */
/* One pass over the queue in the order scanned, printing each outcome and counting the
 * sent and refused: 0 when all went through, SCAN_UNREACHABLE when the core did not
 * answer, SCAN_REFUSED if the core refused something or a scan is kept for later. */
int scan_sync_pass(struct scan_run *r, int *sent, int *refused);
/* The explanation of a refusal by the core, in the reader's language; a new string. */
char *scan_refusal_text(int code, const char *message, json_t *details);

/* ---- images (scan_image.c) ---- */
/* Decode the QR codes in a PNG or JPEG file: 0 and *codes (a new array of strings), or
 * a negative AYNI_E code with err set. */
int scan_image_decode(const char *path, json_t **codes, char *err, size_t errlen);

/* ---- donor reports' signed statements (scan_verify.c, docs/PROOF.md) ---- */
struct core_statement;
/* --key: 64 hex digits, or a file holding them (sign.pub, keys.public's JSON), into pk.
 * 0, or AYNI_EINVAL with err set. */
int scan_verify_key(const char *arg, unsigned char pk[32], char *err, size_t errlen);
/* `ayni-scan verify FILE`: the statement in the QR of a PDF or photo checked against pk,
 * shown on out; for a PDF its printed figures compared with the signed ones.  SCAN_OK,
 * SCAN_REFUSED (the signature fails, or another key's), SCAN_NO_STATEMENT, SCAN_MISMATCH,
 * SCAN_USAGE (the file cannot be read). */
int scan_cmd_verify(FILE *out, const char *path, const unsigned char pk[32]);
/* The figures the text of a donor report's page (pdftotext -layout) prints that differ
 * from st's, or that st has and the page lacks: a new array of {"figure","printed",
 * "signed"}, empty when the page agrees. */
json_t *scan_verify_page(const char *text, const struct core_statement *st);

#endif
