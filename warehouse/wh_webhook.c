/* wh_webhook.c: `webhook add|list|remove|log` (admin): the URLs ayni-web posts events to
 * (docs/WEB.md, "Webhooks").  `webhook add` prints the hook's secret once: aynid never
 * shows it again, and the receiver needs it to check each delivery's signature. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lang.h"
#include "mem.h"
#include "wh.h"

/* "delivery.*, stock.*", or "all" for a hook of every event (a new string). */
static char *
s_events_text(json_t *events)
{
    if (!json_is_array(events))
        return xstrdup(_("all"));
    size_t i, cap = 1, len = 0;
    json_t *e;
    json_array_foreach(events, i, e)
        cap += strlen(json_string_value(e) ? json_string_value(e) : "") + 2;
    char *out = xmalloc(cap);
    json_array_foreach(events, i, e) {
        const char *t = json_string_value(e) ? json_string_value(e) : "";
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? ", " : "", t);
    }
    out[len] = '\0';
    return out;
}

int
wh_run_webhook_add(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    json_t *r = NULL;
    int rc = wh_call(w, c->op, args, &r);
    if (rc)
        return rc;
    if (w->json) {
        wh_print_json(r);
    } else {
        char *events = s_events_text(json_object_get(r, "events"));
        printf(_("webhook %lld added: %s (events: %s)\n"), wh_i(r, "id"), wh_s(r, "url"), events);
        printf(_("secret: %s\n"), wh_s(r, "secret"));
        printf(_("Keep this secret now: it will not be shown again.  The receiver checks "
                 "each delivery's X-Ayni-Signature with it (docs/WEB.md, \"Webhooks\").\n"));
        free(events);
    }
    const char *secret = wh_s(r, "secret");
    sodium_memzero((char *)secret, strlen(secret));
    json_decref(r);
    return WH_OK;
}

/* remove and log: the positional ID as the op's integer id. */
int
wh_run_webhook_id(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    const char *given = wh_s(args, "webhook");
    char *end = NULL;
    long long id = strtoll(given, &end, 10);
    if (!*given || *end || id < 1) {
        wh_error("'%s' is no webhook id: give the number 'webhook list' shows", given);
        json_decref(args);
        return WH_USAGE;
    }
    json_object_del(args, "webhook");
    json_object_set_new(args, "id", json_integer(id));
    return wh_run_op(w, c, args);
}

void
wh_print_webhooks(struct wh *w, json_t *args, json_t *r)
{
    (void)args;
    if (json_array_size(r) == 0) {
        printf(_("no webhooks: add one with 'webhook add URL'\n"));
        return;
    }
    const char *const h[] = {_("ID"), _("NAME"), _("URL"), _("EVENTS"), _("DELIVERED"),
                             _("LAST ATTEMPT")};
    struct wh_table *t = wh_table_new(6, h, "r");
    size_t i;
    json_t *k;
    json_array_foreach(r, i, k) {
        char id[24], seq[24], when[48], last[160] = "—";
        snprintf(id, sizeof id, "%lld", wh_i(k, "id"));
        snprintf(seq, sizeof seq, "%lld", wh_i(k, "delivered"));
        json_t *l = json_object_get(k, "last");
        if (json_is_object(l))
            snprintf(last, sizeof last, "%s %s (%s %lld)", wh_when(w, wh_s(l, "at"), when),
                     json_is_true(json_object_get(l, "ok")) ? _("delivered") : _("failed"),
                     _("seq"), wh_i(l, "seq"));
        char *events = s_events_text(json_object_get(k, "events"));
        const char *name = wh_s(k, "name");
        const char *row[] = {id, *name ? name : "—", wh_s(k, "url"), events, seq, last};
        wh_table_row(t, row);
        free(events);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}

void
wh_print_webhook_removed(struct wh *w, json_t *args, json_t *r)
{
    (void)w;
    (void)args;
    printf(_("webhook %lld removed: nothing more is posted to %s\n"), wh_i(r, "id"),
           wh_s(r, "url"));
}

void
wh_print_webhook_log(struct wh *w, json_t *args, json_t *r)
{
    if (json_array_size(r) == 0) {
        printf(_("webhook %lld has no attempts yet\n"), wh_i(args, "id"));
        return;
    }
    wh_zone(w);
    const char *const h[] = {_("WHEN"), _("SEQ"), _("ATTEMPT"), _("STATUS"), _("RESULT"),
                             _("ERROR")};
    struct wh_table *t = wh_table_new(6, h, "lrrr");
    size_t i;
    json_t *a;
    json_array_foreach(r, i, a) {
        char when[48], seq[24], attempt[24], status[24];
        snprintf(seq, sizeof seq, "%lld", wh_i(a, "seq"));
        snprintf(attempt, sizeof attempt, "%lld", wh_i(a, "attempt"));
        if (wh_i(a, "status"))
            snprintf(status, sizeof status, "%lld", wh_i(a, "status"));
        else
            snprintf(status, sizeof status, "—");
        const char *err = wh_s(a, "error");
        const char *row[] = {wh_when(w, wh_s(a, "at"), when), seq, attempt, status,
                             json_is_true(json_object_get(a, "ok")) ? _("delivered")
                                                                    : _("failed"),
                             *err ? err : "—"};
        wh_table_row(t, row);
    }
    wh_table_print(t, stdout);
    wh_table_free(t);
}
