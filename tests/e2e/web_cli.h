/* web_cli.h: driving a real ayni-web from the end-to-end tests: started on a loopback
 * port against the harness's aynid (its request and event sockets), spoken to with curl
 * pinned to the certificate it made, and stopped with SIGTERM (it must exit 0).
 * Test-only: anything unexpected fails the test (cmocka); every wait has a deadline.
 */
#ifndef AYNI_WEB_CLI_H
#define AYNI_WEB_CLI_H

#include <sys/types.h>

#include <jansson.h>

#include "harness.h"

struct web {
    struct e2e *e;
    pid_t pid;
    char *url, *cert, *log, *app;
};

/* The binary: $AYNI_WEB, or the path CMake compiled in. */
const char *web_path(void);
/* Start ayni-web for w->e serving app (a folder; NULL: a tree of one index.html made in
 * w->e's folder), with the NULL-terminated extra arguments (may be NULL: none), and wait
 * for "ayni-web ready" with its fingerprint; its key must be mode 0600. */
void web_start(struct web *w, const char *app, const char *const *extra);
/* SIGTERM, and it must exit 0 within E2E_WAIT_MS; frees what web_start made. */
void web_stop(struct web *w);
/* It is still running. */
void web_alive(struct web *w);

/* curl to /api/v1/op: method (NULL: POST), Content-Type type and "Bearer auth" (each
 * NULL: none), body as it is.  The reply's JSON (new reference), its HTTP status in
 * *status; a reply that is not JSON fails the test. */
json_t *web_http(struct web *w, const char *method, const char *op, const char *type,
                 const char *auth, const char *body, long *status);
/* As web_http with POST and JSON, args (stolen; NULL: none) packed into {"args":…}. */
json_t *web_post(struct web *w, const char *op, const char *auth, json_t *args, long *status);
/* GET path (from "/", query included) with "Bearer auth" (NULL: none) into the file out:
 * the HTTP status; the response's headers in *headers (a new string) if not NULL. */
long web_download(struct web *w, const char *path, const char *auth, const char *out,
                  char **headers);
/* Enrol name through the gateway with a code made for role (and team, for a phone; NULL
 * for a reader): "NAME:SECRET" (caller frees); the code, if code is not NULL. */
char *web_enrol(struct web *w, const char *name, const char *role, const char *team,
                char **code);

#endif
