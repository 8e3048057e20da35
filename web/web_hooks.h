/* web_hooks.h: ayni-web's webhook deliverer (docs/WEB.md, "Webhooks"): one thread that
 * posts aynid's events to every registered hook, in seq order, at least once, signed with
 * the hook's secret, retried with back-off, and tells aynid each attempt (webhook.record).
 * What a hook is and where its cursor stands is aynid's; this module keeps only the
 * back-off. */
#ifndef AYNI_WEB_HOOKS_H
#define AYNI_WEB_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "proto.h"

/* No answer in this long is a failed attempt. */
#define WEB_HOOK_TIMEOUT_MS 10000
/* The first retry after this long, doubling up to WEB_HOOK_BACKOFF_MAX_MS. */
#define WEB_HOOK_BACKOFF_MS 1000
#define WEB_HOOK_BACKOFF_MAX_MS (300 * 1000)
/* The hooks are read again this often, and at once on webhook.added or webhook.removed. */
#define WEB_HOOK_RELOAD_MS 5000

typedef struct web_hooks web_hooks_t;

/* Start the deliverer: its own client of aynid's request socket at api and subscriber of
 * its event socket at events, with curve (NULL: an aynid run --insecure).  NULL, with
 * the reason in err, if a socket or the thread cannot be made. */
web_hooks_t *web_hooks_new(const char *api, const char *events, const struct proto_curve *curve,
                           char *err, size_t errlen);
/* Stop the thread (an attempt in flight is cut) and free everything.  Idempotent. */
void web_hooks_destroy(web_hooks_t **self_p);

/* The X-Ayni-Signature of body (len bytes) for a hook whose secret is secret_hex (64 hex
 * digits): "sha256=" and the lower-case hex HMAC-SHA256 of the body keyed with the 32
 * bytes the secret spells, into out.  False if secret_hex is not 64 hex digits. */
#define WEB_HOOK_SIG_LEN (7 + 64 + 1)
bool web_hook_sign(const char *secret_hex, const char *body, size_t len,
                   char out[WEB_HOOK_SIG_LEN]);

#endif
