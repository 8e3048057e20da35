/* wh_share.c: `share add`, `share list`, `share revoke`: read-only links to one donor's
 * report for one period, for a donor who has no device (docs/WEB.md, share links).  The
 * core makes and signs the link's token (share.create); this file only puts it behind
 * the gateway's address, in the fragment (#share=), which a browser never sends to a
 * server.  Must not print the token anywhere but the link itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lang.h"
#include "mem.h"
#include "url.h"
#include "wh.h"
#include "zone.h"

#define S_HOURS_MAX 2160 /* the core's CORE_SHARE_HOURS_MAX: 90 days */

/* The gateway's address from --gateway, else AYNI_WEB_URL, without a trailing "/":
 * WH_OK, or WH_USAGE said. */
static int
s_gateway(json_t *args, char out[512])
{
    const char *given = wh_s(args, "gateway");
    if (!*given)
        given = getenv("AYNI_WEB_URL") ? getenv("AYNI_WEB_URL") : "";
    snprintf(out, 512, "%s", given);
    for (size_t n = strlen(out); n > 0 && out[n - 1] == '/'; n--)
        out[n - 1] = '\0';
    char host[256];
    unsigned port = 0;
    if (!*out) {
        wh_error("share add needs --gateway URL (or AYNI_WEB_URL): the address at which the "
                 "donor reaches ayni-web, e.g. --gateway https://ayni.example.org:8443");
        return WH_USAGE;
    }
    if (!ayni_https_url(out, host, &port)) {
        wh_error("--gateway must be ayni-web's address, https://HOST:PORT, not '%s'", out);
        return WH_USAGE;
    }
    return WH_OK;
}

static void
s_print_link(struct wh *w, json_t *r, const char *gateway, const char *link)
{
    char when[48];
    wh_when(w, wh_s(r, "expires_at"), when);
    if (w->json) {
        json_t *out = json_pack("{sO sO sO sO sO ss ss ss ss}", "id", json_object_get(r, "id"),
                                "donor", json_object_get(r, "donor"), "from",
                                json_object_get(r, "from"), "to", json_object_get(r, "to"),
                                "expires_at", json_object_get(r, "expires_at"), "expires_local",
                                when, "time_zone", *ayni_zone() ? ayni_zone() : "UTC", "gateway",
                                gateway, "link", link);
        json_object_set(out, "token", json_object_get(r, "token"));
        wh_print_json(out);
        json_decref(out);
        return;
    }
    printf(_("share link %s: donor %s, %s to %s, works until %s (%s)\n%s\n"), wh_s(r, "id"),
           wh_s(r, "donor"), wh_s(r, "from"), wh_s(r, "to"), when,
           *ayni_zone() ? ayni_zone() : "UTC", link);
    fprintf(stderr,
            _("whoever has the link reads that report: send it by a safe means; 'share "
              "revoke %s' stops it\n"),
            wh_s(r, "id"));
}

int
wh_run_share_add(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    char gateway[512];
    int rc = s_gateway(args, gateway);
    long long hours = json_object_get(args, "hours") ? wh_i(args, "hours") : 168;
    if (rc == WH_OK && (hours < 1 || hours > S_HOURS_MAX)) {
        wh_error("--hours must be 1 to %d (90 days), not %lld: how long the link works",
                 S_HOURS_MAX, hours);
        rc = WH_USAGE;
    }
    if (rc) {
        json_decref(args);
        return rc;
    }
    json_t *r = NULL;
    rc = wh_call(w, "share.create",
                 json_pack("{ss ss ss sI}", "donor", wh_s(args, "donor"), "from",
                           wh_s(args, "from"), "to", wh_s(args, "to"), "hours",
                           (json_int_t)hours),
                 &r);
    json_decref(args);
    if (rc)
        return rc;
    char *link = xasprintf("%s/dash.html#share=%s", gateway, wh_s(r, "token"));
    s_print_link(w, r, gateway, link);
    sodium_memzero(link, strlen(link));
    free(link);
    json_decref(r);
    return WH_OK;
}

/* A share's state in the reader's language. */
static const char *
s_state(const char *code)
{
    if (!strcmp(code, "active"))
        return C_("share state", "active");
    if (!strcmp(code, "expired"))
        return C_("share state", "expired");
    if (!strcmp(code, "revoked"))
        return C_("share state", "revoked");
    return code;
}

void
wh_print_shares(struct wh *w, json_t *args, json_t *r)
{
    (void)args;
    if (json_array_size(r) == 0) {
        puts(_("no share links: make one with 'share add DONOR --from DATE --to DATE'"));
        return;
    }
    const char *const h[] = {_("ID"), _("DONOR"), _("FROM"), _("TO"), _("EXPIRES"), _("STATE")};
    struct wh_table *t = wh_table_new(6, h, NULL);
    size_t i;
    json_t *s;
    json_array_foreach(r, i, s) {
        char expires[48];
        const char *row[] = {wh_s(s, "id"), wh_s(s, "donor"), wh_s(s, "from"), wh_s(s, "to"),
                             wh_when(w, wh_s(s, "expires_at"), expires),
                             s_state(wh_s(s, "state"))};
        wh_table_row(t, row);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_share_revoked(struct wh *w, json_t *args, json_t *r)
{
    (void)args;
    char when[48];
    printf(_("share link %s revoked (%s): it no longer opens anything\n"), wh_s(r, "id"),
           wh_when(w, wh_s(r, "revoked_at"), when));
}
