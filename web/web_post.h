/* web_post.h: the smallest HTTP/1.1 client that delivers a webhook (web_hooks.c): one
 * POST on a new connection (Connection: close), plain TCP or TLS with the system's trust
 * store and the host name checked, and the status line of the answer.  No redirects, no
 * keep-alive, no body read back.  It must not block past its deadline, nor past a byte on
 * its stop descriptor. */
#ifndef AYNI_WEB_POST_H
#define AYNI_WEB_POST_H

#include <stddef.h>

#include "url.h"

/* What web_post did. */
enum web_post_result {
    WEB_POST_ANSWERED = 0, /* *status holds the HTTP status of the answer */
    WEB_POST_FAILED = -1,  /* no status: why in err (connection refused, time-out, TLS) */
    WEB_POST_STOPPED = -2, /* stop_fd became readable: the gateway is stopping */
};

/* POST body (len bytes) to u with the extra header lines headers (each ending "\r\n";
 * Host, Content-Length and Connection are added), within timeout_ms for the whole
 * exchange; a readable stop_fd (-1: none) ends it at once. */
enum web_post_result web_post(const struct ayni_hook_url *u, const char *headers,
                              const char *body, size_t len, int timeout_ms, int stop_fd,
                              int *status, char *err, size_t errlen);

#endif
