/* wh_events.c: `events` (past events, and live with --follow until Ctrl-C) and
 * how `ledger verify` prints the core's answer.  Live events come from aynid's PUB socket; anything missed while
 * connecting, or in a gap, is fetched with events.since, so no event shows twice or
 * goes missing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "lang.h"
#include "mem.h"
#include "wh.h"
#include "words.h"
#include "zone.h"

static volatile sig_atomic_t s_interrupted;

static void
s_on_sigint(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

/* "ENV-2026-000001 paquete 3", or "ENV-2026-000001 guía completa" for a slip scan
 * (package 0 confirms every package of the shipment), in the reader's language. */
static void
s_package(json_t *e, char *out, size_t size)
{
    long long package = wh_i(e, "package");
    if (package)
        snprintf(out, size, _("%s package %lld"), wh_s(e, "shipment"), package);
    else
        snprintf(out, size, _("%s whole slip"), wh_s(e, "shipment"));
}

/* One readable line: seq, time (local, to the second, with its offset), type, and the
 * facts that matter for that type. */
static void
s_show(struct wh *w, json_t *e)
{
    if (w->json) {
        char *text = json_dumps(e, JSON_COMPACT);
        puts(text);
        free(text);
        fflush(stdout);
        return;
    }
    const char *type = wh_s(e, "type");
    char what[256] = "";
    /* item.added carries "item", location.added "location", donor.added "donor". */
    const char *dot = strchr(type, '.');
    char kind[32] = "";
    if (dot && !strcmp(dot, ".added"))
        snprintf(kind, sizeof kind, "%.*s", (int)(dot - type), type);
    json_t *added = json_object_get(e, kind);
    char qty[160];
    ayni_quantity(wh_i(e, "qty"), wh_s(e, "unit"), qty, sizeof qty); /* "400 kits" */
    if (json_is_object(added))
        snprintf(what, sizeof what, "%s · %s", wh_s(added, "code"),
                 *wh_s(added, "name")                     ? wh_s(added, "name")
                 : strcmp(ayni_lang(), "en") || !*wh_s(added, "name_en") ? wh_s(added, "name_es")
                                                                          : wh_s(added, "name_en"));
    else if (!strcmp(type, "stock.transferred"))
        snprintf(what, sizeof what, "%s %s → %s %s", wh_s(e, "item"), wh_s(e, "from"),
                 wh_s(e, "to"), qty);
    else if (!strcmp(type, "stock.low"))
        snprintf(what, sizeof what, _("%s %s %s (threshold %lld)"), wh_s(e, "item"),
                 wh_s(e, "location"), qty, wh_i(e, "threshold"));
    else if (!strncmp(type, "stock.", 6))
        snprintf(what, sizeof what, "%s %s %s%s%s", wh_s(e, "item"),
                 *wh_s(e, "location") ? wh_s(e, "location") : wh_s(e, "from"), qty,
                 *wh_s(e, "reason") ? " · " : "", wh_s(e, "reason"));
    else if (!strcmp(type, "delivery.discrepancy")) {
        char pkg[96];
        s_package(e, pkg, sizeof pkg);
        snprintf(what, sizeof what, _("%s line %lld: %lld %s short (%s)"), pkg, wh_i(e, "line"),
                 wh_i(e, "short"), wh_s(e, "item"), wh_s(e, "reason"));
    } else if (!strcmp(type, "delivery.confirmed")) {
        char pkg[96];
        s_package(e, pkg, sizeof pkg);
        snprintf(what, sizeof what, _("%s: %lld of %lld · %s"), pkg, wh_i(e, "qty_received"),
                 wh_i(e, "qty_expected"), wh_s(e, "team"));
    }
    else if (!strncmp(type, "shipment.", 9))
        snprintf(what, sizeof what, "%s", wh_s(e, "shipment"));
    char at[48];
    wh_zone(w);
    printf("%6lld  %s  %-22s %s\n", wh_i(e, "seq"), ayni_when_iso(wh_s(e, "at"), at, sizeof at),
           type, what);
    fflush(stdout);
}

static bool
s_wanted(json_t *e, const char *topic)
{
    return !topic || !strncmp(wh_s(e, "type"), topic, strlen(topic));
}

/* Show the events after *last (and no more than the head); advance *last. */
static int
s_catch_up(struct wh *w, long long *last, const char *topic)
{
    for (;;) {
        json_t *r = NULL;
        int rc = wh_call(w, "events.since", json_pack("{sIsi}", "since", (json_int_t)*last,
                                                      "limit", 1000), &r);
        if (rc)
            return rc;
        json_t *events = json_object_get(r, "events"), *e;
        size_t i, n = json_array_size(events);
        json_array_foreach(events, i, e) {
            if (s_wanted(e, topic))
                s_show(w, e);
            *last = wh_i(e, "seq");
        }
        json_decref(r);
        if (n < 1000)
            return WH_OK;
    }
}

static int
s_follow(struct wh *w, long long last, const char *topic)
{
    void *ctx = zmq_ctx_new(), *sub = zmq_socket(ctx, ZMQ_SUB);
    int linger = 0, ipv6 = 1, rc = WH_OK;
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sub, ZMQ_IPV6, &ipv6, sizeof ipv6);
    if (w->curve)
        proto_curve_apply(sub, w->curve);
    /* Every event, filtered here: a gap in seq then always means a lost event, never one
     * of another topic, and is fetched with events.since. */
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(sub, w->events) != 0) {
        wh_error("cannot use event endpoint '%s': %s", w->events, zmq_strerror(errno));
        rc = WH_USAGE;
        goto out;
    }
    struct sigaction sa = {.sa_handler = s_on_sigint};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Subscribed first, then caught up: nothing falls between the two. */
    if ((rc = s_catch_up(w, &last, topic)))
        goto out;
    while (!s_interrupted) {
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 1000) <= 0) {
            /* A quiet second: ask for anything published before the subscription was up
             * (ZeroMQ's slow joiner) or lost on the way, so nothing waits for a next event. */
            if (!s_interrupted && (rc = s_catch_up(w, &last, topic)))
                break;
            continue;
        }
        char type[128];
        char *body = xmalloc(1 << 20);
        int n = zmq_recv(sub, type, sizeof type, 0);
        int m = n >= 0 ? zmq_recv(sub, body, (1 << 20) - 1, 0) : -1;
        json_t *e = m >= 0 ? json_loadb(body, (size_t)(m < (1 << 20) ? m : (1 << 20) - 1), 0, NULL)
                           : NULL;
        free(body);
        long long seq = e ? wh_i(e, "seq") : 0;
        if (seq > last + 1) /* a gap: fetch what is missing, in order */
            rc = s_catch_up(w, &last, topic);
        else if (seq == last + 1) {
            if (s_wanted(e, topic))
                s_show(w, e);
            last = seq;
        }
        json_decref(e);
        if (rc)
            break;
    }
out:
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return rc;
}

int
wh_run_events(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    const char *topic = json_string_value(json_object_get(args, "topic"));
    json_t *since = json_object_get(args, "since");
    long long last = since ? (long long)json_integer_value(since) : -1;
    bool follow = json_is_true(json_object_get(args, "follow"));
    int rc = WH_OK;
    if (last < 0) { /* the last 20 */
        json_t *info = NULL;
        if ((rc = wh_call(w, "server.info", NULL, &info)))
            goto out;
        last = wh_i(json_object_get(info, "events"), "head") - 20;
        last = last < 0 ? 0 : last;
        json_decref(info);
    }
    rc = follow ? s_follow(w, last, topic) : s_catch_up(w, &last, topic);
out:
    json_decref(args);
    return rc;
}

void
wh_print_verify(json_t *r)
{
    bool ok = json_is_true(json_object_get(r, "ok"));
    json_t *checked = json_object_get(r, "checked"), *head = json_object_get(r, "head");
    printf(_("%s: %lld movements, %lld balances, %lld serial units, %lld deliveries, %lld "
             "events\nevent chain: seq %lld, hash %s\n"),
           ok ? _("ledger OK") : _("PROBLEMS"),
           wh_i(checked, "movements"), wh_i(checked, "balances"), wh_i(checked, "units"),
           wh_i(checked, "deliveries"), wh_i(checked, "events"), wh_i(head, "seq"),
           wh_s(head, "hash"));
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "problems"), i, p) {
        char *text = json_dumps(p, JSON_COMPACT);
        printf("  - %s: %s\n", wh_s(p, "message"), text);
        free(text);
    }
}
