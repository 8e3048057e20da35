/* fuzz_scanline.c: libFuzzer target for ayni-scan's line reader: scan_read_line, then
 * scan_handle_line (strip blanks, a CR and zbar's prefix, the length limit, the token
 * check, the description, the questions, the queue), as `ayni-scan scan` runs them.
 *
 * The input is what the scanner types: one code per line.  After a line "--" the rest
 * of the input is what the person answers on the terminal (as with --ask); without it
 * nothing is asked and everything counts as received.  The queue is a real one on a
 * temporary folder (tmpfs when there is one) holding the manifest of ENV-2026-000001
 * from a real core (fuzz_core.h), whose signing key made the genuine tokens of the
 * seed corpus.  The core is never reached: the queue says the next contact is far in
 * the future, and scan_run_client (scan_main.c, not linked here) makes no client.  An
 * input that recorded a scan gets a fresh queue for the next, so every input starts
 * from the same queue.
 *
 * Checks: no crash or sanitizer report, and the run's exit code is one of scan.h's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "fuzz_core.h"
#include "scan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char s_dir[256], s_path[300];
static json_t *s_manifests;
static unsigned char s_pk[32];
static scan_queue_t *s_queue;
static FILE *s_out;

/* ---- what scan_main.c gives the library in the real program ---- */

void
scan_error(const char *fmt, ...)
{
    (void)fmt; /* the fuzzer's output stays readable */
}

void
scan_run_note(struct scan_run *r, int exit_code)
{
    if (exit_code > r->exit)
        r->exit = exit_code;
}

proto_client_t *
scan_run_client(struct scan_run *r)
{
    (void)r;
    return NULL; /* no core here: a sync pass stops at once */
}

/* ---- the queue ---- */

static void
s_die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_scanline: %s: %s\n", what, detail);
    abort();
}

static void
s_queue_open(void)
{
    char err[512], hex[65], id[2 * CORE_TOKEN_KEYID_LEN + 1];
    unsigned char kid[CORE_TOKEN_KEYID_LEN];
    const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[320];
        snprintf(p, sizeof p, "%s%s", s_path, suffixes[i]);
        unlink(p);
    }
    if (!(s_queue = scan_queue_open(s_path, err, sizeof err)))
        s_die("cannot open the queue", err);
    sodium_bin2hex(hex, sizeof hex, s_pk, sizeof s_pk);
    core_token_key_id(s_pk, kid);
    sodium_bin2hex(id, sizeof id, kid, sizeof kid);
    json_t *settings = json_pack("{ss ss ss ss ss}", "api", "tcp://127.0.0.1:1", "team",
                                 "Equipo Norte", "device", "tablet-1", "public_key", hex,
                                 "key_id", id);
    if (scan_queue_init_commit(s_queue, settings, s_manifests) != 0 ||
        scan_queue_set(s_queue, "next_contact_at", "2999-01-01T00:00:00Z") != 0)
        s_die("cannot fill the queue", scan_queue_errmsg(s_queue));
    json_decref(settings);
}

/* The manifests an `ayni-scan init` would store: shipment.get without tokens. */
static void
s_load_manifests(void)
{
    struct api a;
    json_t *s = NULL, *p;
    size_t i;
    fuzz_core_open(&a);
    memcpy(s_pk, a.pk, sizeof s_pk);
    fuzz_core_must(&a, "{\"v\":1,\"op\":\"shipment.get\",\"args\":{\"shipment\":\"ENV-2026-000001\"}}",
                   &s);
    json_object_del(s, "token");
    json_array_foreach(json_object_get(s, "packages"), i, p)
        json_object_del(p, "token");
    s_manifests = json_pack("[o]", s);
    fuzz_core_close(&a);
}

/* Remove the queue and its folders (at exit). */
static void
s_cleanup(void)
{
    const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[320];
    scan_queue_close(&s_queue);
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", s_path, suffixes[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/queue", s_dir);
    rmdir(p);
    rmdir(s_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0)
        tmp = "/dev/shm"; /* the queue commits every scan: keep those syncs off the disk */
    snprintf(s_dir, sizeof s_dir, "%s/ayni-fuzz-scan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s_dir))
        s_die("cannot make a temporary folder", s_dir);
    snprintf(s_path, sizeof s_path, "%s/queue/scan.db", s_dir);
    if (!(s_out = fopen("/dev/null", "w")))
        s_die("cannot open", "/dev/null");
    s_load_manifests();
    s_queue_open();
    atexit(s_cleanup);
    return 0;
}

/* True if the queue holds any scan (then the next input needs a fresh one). */
static bool
s_queue_used(void)
{
    json_t *counts = scan_queue_counts(s_queue), *v;
    const char *key;
    bool used = false;
    json_object_foreach(counts, key, v)
        used |= json_integer_value(v) != 0;
    json_decref(counts);
    return used;
}

/* ---- one input ---- */

/* Where the answers start (after a line "--"), or NULL. */
static const uint8_t *
s_answers(const uint8_t *data, size_t size, size_t *codes_len)
{
    for (size_t at = 0; at + 2 <= size;) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - data) : size;
        if (end - at == 2 && data[at] == '-' && data[at + 1] == '-') {
            *codes_len = at;
            return nl ? nl + 1 : data + size;
        }
        if (!nl)
            break;
        at = end + 1;
    }
    *codes_len = size;
    return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t codes_len;
    const uint8_t *answers = s_answers(data, size, &codes_len);
    if (codes_len == 0)
        return 0; /* fmemopen wants at least one byte */
    FILE *in = fmemopen((void *)data, codes_len, "r");
    FILE *ask = NULL;
    if (answers && answers < data + size)
        ask = fmemopen((void *)answers, (size_t)(data + size - answers), "r");
    else if (answers)
        ask = fopen("/dev/null", "r"); /* asked, but nothing answered: end of input */
    if (!in || (answers && !ask))
        s_die("cannot read the input", "fmemopen");

    struct scan_run r = {.q = s_queue, .api = "tcp://127.0.0.1:1", .team = "Equipo Norte",
                         .device = "tablet-1", .answers = ask, .out = s_out, .timeout_ms = 1};
    memcpy(r.pk, s_pk, sizeof r.pk);
    char buf[SCAN_LINE_MAX + 2];
    size_t len;
    int rc;
    while ((rc = scan_read_line(in, buf, sizeof buf, &len)) >= 0)
        scan_handle_line(&r, buf, len, rc == 1);
    fclose(in);
    if (ask)
        fclose(ask);
    json_decref(r.codes);
    if (r.exit < SCAN_OK || r.exit > SCAN_UNREACHABLE)
        s_die("an exit code out of range", "scan_handle_line");
    if (s_queue_used()) {
        scan_queue_close(&s_queue);
        s_queue_open();
    }
    return 0;
}
