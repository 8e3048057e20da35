/* wh.h: ayni-warehouse, the warehouse staff's command-line tool (shared declarations).
 *
 * Every command goes through aynid's API (core/lib/proto.h); none touches a database.  Most
 * commands are rows of one table (wh_commands.c): options map to op arguments and a
 * printer shows the result.  Exit codes: 0 done, 1 refused by the core, 2 wrong usage,
 * 3 the core cannot be reached.
 */
#ifndef AYNI_WH_H
#define AYNI_WH_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "proto.h"
#include "provision.h"

enum wh_exit { WH_OK = 0, WH_REFUSED = 1, WH_USAGE = 2, WH_UNREACHABLE = 3 };

struct wh {
    const char *api;     /* request endpoint */
    const char *events;  /* event endpoint */
    struct proto_provision provision; /* this device, from --provision or AYNI_PROVISION */
    struct proto_curve keys;
    const struct proto_curve *curve;  /* &keys when provisioned, else NULL (insecure core) */
    int timeout_ms;
    bool json;           /* machine-readable output */
    bool quiet;          /* wh_call leaves the error's message (w->err) to its caller */
    proto_client_t *client;
    struct proto_error err;
    bool zone_set;       /* the core's time zone is this process's (wh_zone) */
    const struct wh_cmd *cmd; /* the command run, or NULL */
    json_t *given;            /* what its flags and positional gave (owned), or NULL */
};

/* Option types: 's' text, 'u' code (upper-cased), 'i' whole number, 'f' flag (no value),
 * 'l' comma-separated list, 'd' date YYYY-MM-DD. */
struct wh_opt {
    const char *flag; /* "--name-es" */
    const char *arg;  /* the op argument it fills, "name_es"; NULL: used by the runner */
    char type;
    bool required;
    const char *help;
};

struct wh_cmd;
typedef int (*wh_run_fn)(struct wh *w, const struct wh_cmd *c, json_t *args);
typedef void (*wh_print_fn)(struct wh *w, json_t *args, json_t *result);

struct wh_cmd {
    const char *path;       /* "shipment add" */
    const char *usage;      /* the command line after the program name */
    const char *summary;    /* one line of help */
    const char *op;         /* the API op, for commands run by wh_run_op */
    const char *positional; /* the argument the one positional fills, or NULL */
    const struct wh_opt *opts;
    wh_run_fn run;          /* NULL: wh_run_op */
    wh_print_fn print;      /* the human output of wh_run_op */
};

extern const struct wh_cmd wh_commands[];

/* Call op with args (stolen); 0 and *result, or an exit code with the error printed. */
int wh_call(struct wh *w, const char *op, json_t *args, json_t **result);
/* Print the error in w->err as wh_call does (JSON on stdout with --json; the message on
 * stderr unless w->quiet); returns its exit code.  The one mapping of errors to exit
 * codes: the core unreachable 3; a malformed endpoint, or a value the core finds
 * malformed (invalid_argument, bad_request) that came from one of the command's flags, 2
 * (the message names the flag); any other refusal 1. */
int wh_report(struct wh *w);
/* The default runner: call c->op with args, print the result (JSON or human). */
int wh_run_op(struct wh *w, const struct wh_cmd *c, json_t *args);
/* Print an error the git way: "ayni-warehouse: <message>". */
void wh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print v as indented JSON on stdout. */
void wh_print_json(json_t *v);
/* Create folder dir and its parents as needed (mode 0755, as mkdir -p); WH_OK, or
 * WH_USAGE with the error printed. */
int wh_mkdirs(const char *dir);
/* The same for the folder that file goes in. */
int wh_mkdirs_for(const char *file);
/* Make the core's time zone (server.info time_zone; America/Lima from an older core) this
 * process's local time, once: what wh_when and the printed days show.  A zone not installed here
 * leaves times in UTC, with a warning. */
void wh_zone(struct wh *w);
/* iso as people read it, "22/11/2026 07:50" in the core's zone (zone.h), in buf. */
const char *wh_when(struct wh *w, const char *iso, char buf[48]);
/* A string field of o, or "" (never NULL). */
const char *wh_s(json_t *o, const char *key);
long long wh_i(json_t *o, const char *key);

/* ---- tables (wh_table.c): columns aligned by characters, not bytes ---- */
struct wh_table;
/* align: a letter per column, 'l' left (the default), 'r' right, or 'q' a quantity with
 * its unit ("120 kit"): the numbers end in one place, the units start in one place. */
struct wh_table *wh_table_new(int ncols, const char *const *headers, const char *align);
/* One row of ncols strings (copied); NULL prints as "". */
void wh_table_row(struct wh_table *t, const char *const *cells);
void wh_table_print(struct wh_table *t, FILE *out);
void wh_table_free(struct wh_table *t);
/* Display width of UTF-8 text (one column per character; combining accents none). */
size_t wh_width(const char *s);
/* The same for the first len bytes of s. */
size_t wh_widthn(const char *s, size_t len);

/* ---- human printers (wh_print.c) ---- */
void wh_print_items(struct wh *w, json_t *args, json_t *r);
void wh_print_locations(struct wh *w, json_t *args, json_t *r);
void wh_print_donors(struct wh *w, json_t *args, json_t *r);
void wh_print_added(struct wh *w, json_t *args, json_t *r);
void wh_print_receipt(struct wh *w, json_t *args, json_t *r);
void wh_print_moved(struct wh *w, json_t *args, json_t *r);
void wh_print_stock(struct wh *w, json_t *args, json_t *r);
void wh_print_shipment_new(struct wh *w, json_t *args, json_t *r);
void wh_print_line(struct wh *w, json_t *args, json_t *r);
void wh_print_shipment(struct wh *w, json_t *args, json_t *r);
void wh_print_shipments(struct wh *w, json_t *args, json_t *r);
void wh_print_cancelled(struct wh *w, json_t *args, json_t *r);

/* ---- CSV imports (wh_csv.c) ---- */
/* A column of an import file, named as the op's argument it fills: type 's' text, 'u' a
 * code (upper-cased), 'i' a whole number, 'b' yes or no, 'l' a list (serial numbers);
 * required: the header must name it. */
struct wh_csv_column {
    const char *name;
    char type;
    bool required;
};
/* What `import KIND` reads and sends: its columns and its batch op. */
struct wh_csv_kind {
    const char *name;       /* "receipts": the word after `import` */
    const char *op;         /* "stock.receive_batch" */
    const char *count;      /* the op's result that counts the rows recorded: "received" */
    /* what was done, for one row and for many: "imported %lld receipt from '%s'" (the
     * count, the file), marked NN_ and translated with ayni_ntr */
    const char *done[2];
    const struct wh_csv_column *columns; /* ends with {NULL} */
};
extern const struct wh_csv_kind wh_csv_kinds[]; /* ends with {NULL} */
/* The kind of that name, or NULL. */
const struct wh_csv_kind *wh_csv_kind(const char *name);
/* Read an import CSV held in data[0..len) (name: for messages) by kind's columns into
 * *rows (the rows of kind's batch op) and *lines (each row's line in the file).  0, or -1
 * with a message naming the line and column in err. */
int wh_csv_read(const char *data, size_t len, const char *name, const struct wh_csv_kind *kind,
                json_t **rows, json_t **lines, char *err, size_t errlen);

/* ---- runners of their own ---- */
int wh_run_import(struct wh *w, const struct wh_cmd *c, json_t *args);
int wh_run_events(struct wh *w, const struct wh_cmd *c, json_t *args);
int wh_run_device_add(struct wh *w, const struct wh_cmd *c, json_t *args);
/* wh_webhook.c */
int wh_run_webhook_add(struct wh *w, const struct wh_cmd *c, json_t *args);
int wh_run_webhook_id(struct wh *w, const struct wh_cmd *c, json_t *args);
void wh_print_webhooks(struct wh *w, json_t *args, json_t *r);
void wh_print_webhook_removed(struct wh *w, json_t *args, json_t *r);
void wh_print_webhook_log(struct wh *w, json_t *args, json_t *r);
/* wh_gateway.c: the SHA-256 of the certificate ayni-web at url shows, as 64 upper-case hex digits in
 * hex: WH_OK, or WH_USAGE (not such a URL) or WH_UNREACHABLE with why in err. */
int wh_gateway_fingerprint(const char *url, char hex[65], char *err, size_t errlen);
void wh_print_devices(struct wh *w, json_t *args, json_t *r);
void wh_print_disabled(struct wh *w, json_t *args, json_t *r);
/* wh_share.c: read-only share links to a donor's report. */
int wh_run_share_add(struct wh *w, const struct wh_cmd *c, json_t *args);
void wh_print_shares(struct wh *w, json_t *args, json_t *r);
void wh_print_share_revoked(struct wh *w, json_t *args, json_t *r);
/* wh_ledger.c: ledger verify (with --checkpoints FILE) and ledger checkpoints -o FILE. */
int wh_run_verify(struct wh *w, const struct wh_cmd *c, json_t *args);
struct core_checkpoint;
/* ledger.verify, and the ledger's chain against the checkpoint c (its seq and hash; at only
 * for showing): *r ledger.verify's result with "checkpoints" the comparison, as `ledger
 * verify --checkpoints --json` gives it (label in place of the file), *ok whether the
 * chain is intact and extends c.  WH_OK, or an exit code with the error printed. */
int wh_ledger_against(struct wh *w, const char *label, const struct core_checkpoint *c, json_t **r,
                      bool *ok);
/* wh_ledger_against's result, for people (as `ledger verify --checkpoints`). */
void wh_ledger_print(struct wh *w, json_t *r);
int wh_run_checkpoints(struct wh *w, const struct wh_cmd *c, json_t *args);
/* wh_events.c: ledger.verify's result r as people read it. */
void wh_print_verify(json_t *r);
int wh_run_slip(struct wh *w, const struct wh_cmd *c, json_t *args);
/* shipment list: --state in either language or as the core's code (wh_states.c). */
int wh_run_shipment_list(struct wh *w, const struct wh_cmd *c, json_t *args);
/* A shipment state's name in the reader's language ("dispatched" -> "despachado" in
 * Spanish); an unknown code as it is. */
const char *wh_state_name(const char *code);
/* The core's code of a state written either way ("Despachado", "dispatched"); NULL if none. */
const char *wh_state_code(const char *given);
int wh_run_slips(struct wh *w, const struct wh_cmd *c, json_t *args);
int wh_run_report_donor(struct wh *w, const struct wh_cmd *c, json_t *args);
int wh_run_report_stock(struct wh *w, const struct wh_cmd *c, json_t *args);
int wh_run_report_verify(struct wh *w, const struct wh_cmd *c, json_t *args);

#endif
