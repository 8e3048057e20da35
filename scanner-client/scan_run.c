/* scan_run.c: what every ayni-scan command shares while it runs: its error messages, the
 * exit code it has earned so far, and the one connection to aynid (made on first use,
 * with the device's keys).  Below the command files and scan_main.c, which call it; it
 * calls none of them, only scan_term.c to fit an error to the terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "lang.h"
#include "scan.h"

void
scan_error(const char *fmt, ...)
{
    va_list ap;
    fflush(NULL); /* what was said before comes before */
    FILE *err = scan_term_open(stderr);
    fputs("ayni-scan: ", err);
    va_start(ap, fmt);
    vfprintf(err, ayni_tr(fmt), ap);
    va_end(ap);
    fputc('\n', err);
    scan_term_close(&err, stderr);
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
    if (r->client)
        return r->client;
    struct proto_error err = {0};
    struct proto_curve keys;
    bool secure = r->prov != NULL;
    if (secure) {
        memcpy(keys.server_key, r->prov->server_key, 32);
        memcpy(keys.public_key, r->prov->public_key, 32);
        memcpy(keys.secret_key, r->prov->secret_key, 32);
    } else {
        secure = scan_queue_curve(r->q, &keys);
    }
    r->client = proto_client_new(r->api, r->timeout_ms, secure ? &keys : NULL, &err);
    sodium_memzero(&keys, sizeof keys);
    if (!r->client)
        scan_error("%s", err.message);
    proto_error_clear(&err);
    return r->client;
}
