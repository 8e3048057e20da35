/* scan_sync.c: sending the queued confirmations to aynid.
 *
 * In the order they were scanned (a whole-shipment scan must not overtake a package
 * scan made before it).  Each send is safe to repeat because the core is idempotent on
 * the scan id: a scan is marked sent only after the core's acknowledgement is
 * committed in the queue, so if the client dies between the two, the next sync sends
 * the same scan id again and the core answers "repeat".  A refusal by the core
 * (cancelled, already delivered, …) is kept as refused with its reason and never sent
 * again; anything else (no answer, the core busy) keeps the scan queued and stops the
 * pass, to try again later, backing off.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "scan.h"

#define S_WAIT_FIRST_S 1
#define S_WAIT_MAX_S 60

enum s_outcome { S_SENT, S_REFUSED, S_LATER, S_UNREACHABLE, S_LOCAL };

/* Fault injection for the crash tests (tests/e2e/test_scan_kill.c), as SQLite's tests
 * do: AYNI_SCAN_FAULT=POINT:N kills this process (SIGKILL, no clean-up) the Nth time it
 * reaches POINT: "attempt" (counted, not yet sent) or "answer" (the core's answer is in,
 * not yet recorded: the worst moment).  Unset in normal use. */
static void
s_fault(const char *point)
{
    static int reached;
    const char *spec = getenv("AYNI_SCAN_FAULT");
    size_t n = strlen(point);
    if (!spec || strncmp(spec, point, n) != 0 || spec[n] != ':')
        return;
    if (++reached == atoi(spec + n + 1))
        raise(SIGKILL);
}

/* The core's judgement on this delivery: kept as refused, not tried again. */
static bool
s_is_refusal(int code)
{
    return code == AYNI_EDELIVERED || code == AYNI_ESTATE || code == AYNI_ETOKEN ||
           code == AYNI_ENOTFOUND || code == AYNI_ECONFLICT || code == AYNI_EINVAL;
}

static char *
s_delivered_text(json_t *details)
{
    const char *at = json_string_value(json_object_get(details, "delivered_at"));
    const char *team = json_string_value(json_object_get(details, "team"));
    const char *device = json_string_value(json_object_get(details, "device"));
    if (!at)
        return xstrdup(_("every package of this shipment was confirmed already; it is not "
                         "counted twice"));
    char when[64];
    scan_when(at, when, sizeof when);
    if (team && device)
        return xasprintf(_("confirmed already on %s by «%s» (device «%s»); it counts once"),
                         when, team, device);
    return xasprintf(_("confirmed already on %s by «%s»; it counts once"), when,
                     team ? team : device ? device : _("another team"));
}

/* A shipment's state (its code on the wire) in the reader's words: "borrador". */
static const char *
s_state_name(const char *state)
{
    static const char *const states[][2] = {
        {"draft", NC_("ayni-scan: a shipment's state", "draft")},
        {"dispatched", NC_("ayni-scan: a shipment's state", "dispatched")},
        {"partial", NC_("ayni-scan: a shipment's state", "partially delivered")},
        {"delivered", NC_("ayni-scan: a shipment's state", "delivered")},
        {"cancelled", NC_("ayni-scan: a shipment's state", "cancelled")},
    };
    for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
        if (!strcmp(state, states[i][0]))
            return C_("ayni-scan: a shipment's state", states[i][1]);
    return state ? state : "?";
}

char *
scan_refusal_text(int code, const char *message, json_t *details)
{
    const char *state = json_string_value(json_object_get(details, "state"));
    switch (code) {
    case AYNI_EDELIVERED:
        return s_delivered_text(details);
    case AYNI_ESTATE:
        if (state && !strcmp(state, "cancelled"))
            return xstrdup(_("the shipment was cancelled: do not deliver it; take the goods "
                             "back to the warehouse"));
        return xasprintf(_("the shipment cannot be confirmed in its state (%s): %s"),
                         s_state_name(state), message);
    case AYNI_ETOKEN:
        return xasprintf(_("the core does not accept this code: %s"), message);
    case AYNI_ENOTFOUND:
        return xasprintf(_("the core does not know this shipment: %s"), message);
    case AYNI_ECONFLICT:
        return xasprintf(_("it contradicts what is recorded already: %s"), message);
    case AYNI_EINVAL:
        return xasprintf(_("data not valid: %s"), message);
    default:
        return xstrdup(message);
    }
}

/* "ENV-2026-000001 paquete 3" or "ENV-2026-000001 (guía completa)", in the reader's
 * language */
static void
s_label(json_t *s, char *out, size_t size)
{
    long package = (long)json_integer_value(json_object_get(s, "package"));
    const char *shipment = json_string_value(json_object_get(s, "shipment"));
    if (package)
        snprintf(out, size, _("%s package %ld"), shipment, package);
    else
        snprintf(out, size, _("%s (whole-shipment slip)"), shipment);
}

/* What the confirmation says of the shipment: whole, closed short, or still open.  A
 * shortfall is never called "completo" (whole). */
static const char *
s_outcome(json_t *result, long long got, long long want)
{
    const char *state = json_string_value(json_object_get(result, "shipment_state"));
    bool closed = state && !strcmp(state, "delivered");
    if (got < want)
        return closed ? _("with shortfalls · shipment closed: all its packages confirmed")
                      : _("with shortfalls · packages of the shipment still to confirm");
    return closed ? _("shipment delivered whole") : _("packages of the shipment still to confirm");
}

static void
s_print_sent(struct scan_run *r, const char *label, json_t *result)
{
    long long got = (long long)json_integer_value(json_object_get(result, "qty_received"));
    long long want = (long long)json_integer_value(json_object_get(result, "qty_expected"));
    fprintf(r->out, _("✓ %s: confirmed on the core · %lld of %lld received · %s%s\n"), label,
            got, want, s_outcome(result, got, want),
            json_is_true(json_object_get(result, "repeat")) ? _(" (recorded already)") : "");
}

static json_t *
s_args(json_t *s)
{
    json_t *args = json_pack("{s:O s:O s:O s:O s:O}", "token", json_object_get(s, "token"),
                             "scan_id", json_object_get(s, "scan_id"), "device_time",
                             json_object_get(s, "device_time"), "team",
                             json_object_get(s, "team"), "device", json_object_get(s, "device"));
    const char *lines = json_string_value(json_object_get(s, "lines"));
    json_t *l = lines ? json_loads(lines, 0, NULL) : NULL;
    if (l)
        json_object_set_new(args, "lines", l);
    return args;
}

static enum s_outcome
s_refused(struct scan_run *r, const char *scan_id, const char *label, struct proto_error *err)
{
    char *why = scan_refusal_text(err->code, err->message, err->details);
    json_t *e = json_pack("{ss ss s:O}", "code", ayni_err_code(err->code), "message",
                          err->message, "details", err->details ? err->details : json_null());
    int rc = scan_queue_mark_refused(r->q, scan_id, ayni_err_code(err->code), why, e);
    json_decref(e);
    if (rc == 0)
        fprintf(r->out, _("✗ %s: the core refused it: %s\n"), label, why);
    free(why);
    return rc == 0 || rc == AYNI_ESTATE ? S_REFUSED : S_LOCAL;
}

static enum s_outcome
s_not_now(struct scan_run *r, const char *scan_id, const char *label, struct proto_error *err)
{
    char *why = err->code == AYNI_EUNAVAILABLE
                    ? xasprintf(_("no answer from the core: %s"), err->message)
                    : xstrdup(err->message);
    int rc = scan_queue_retry_later(r->q, scan_id, ayni_err_code(err->code), why);
    free(why);
    if (err->code == AYNI_EUNAVAILABLE) {
        scan_queue_contact_failed(r->q);
        return rc == 0 ? S_UNREACHABLE : S_LOCAL;
    }
    fprintf(r->out, _("… %s: could not be sent now: %s; it will be tried again\n"), label,
            err->message);
    return rc == 0 ? S_LATER : S_LOCAL;
}

/* Send one queued scan and settle it. */
static enum s_outcome
s_send(struct scan_run *r, proto_client_t *c, json_t *s)
{
    const char *scan_id = json_string_value(json_object_get(s, "scan_id"));
    char label[128];
    s_label(s, label, sizeof label);
    if (scan_queue_attempt(r->q, scan_id) != 0)
        return S_LOCAL;
    s_fault("attempt");
    json_t *result = NULL;
    struct proto_error err = {0};
    int rc = proto_client_call(c, "delivery.confirm", s_args(s), NULL, &result, &err);
    if (rc != AYNI_EUNAVAILABLE)
        s_fault("answer");
    enum s_outcome out;
    if (rc == 0) {
        rc = scan_queue_mark_sent(r->q, scan_id, result);
        if (rc == 0)
            s_print_sent(r, label, result);
        out = rc == 0 || rc == AYNI_ESTATE ? S_SENT : S_LOCAL;
    } else {
        out = s_is_refusal(rc) ? s_refused(r, scan_id, label, &err)
                               : s_not_now(r, scan_id, label, &err);
    }
    json_decref(result);
    proto_error_clear(&err);
    return out;
}

int
scan_sync_pass(struct scan_run *r, int *sent, int *refused)
{
    proto_client_t *c = scan_run_client(r);
    if (!c)
        return SCAN_USAGE;
    int64_t after = 0;
    int rc = SCAN_OK;
    json_t *s;
    while (rc == SCAN_OK && (s = scan_queue_next(r->q, after)) != NULL) {
        after = json_integer_value(json_object_get(s, "id"));
        enum s_outcome out = s_send(r, c, s);
        json_decref(s);
        *sent += out == S_SENT;
        *refused += out == S_REFUSED;
        if (out == S_UNREACHABLE)
            rc = SCAN_UNREACHABLE;
        else if (out == S_LATER)
            rc = SCAN_REFUSED;
        else if (out == S_LOCAL) {
            scan_error("%s", scan_queue_errmsg(r->q));
            rc = SCAN_REFUSED;
        }
        fflush(r->out);
    }
    return rc == SCAN_OK && *refused ? SCAN_REFUSED : rc;
}

static void
s_summary(struct scan_run *r, int sent, int refused, bool reached)
{
    json_t *counts = scan_queue_counts(r->q);
    long queued = (long)json_integer_value(json_object_get(counts, "queued"));
    fprintf(r->out, _("sent %d, refused %d, queued %ld\n"), sent, refused, queued);
    json_decref(counts);
    scan_run_result(r, json_pack("{si si sI sb}", "sent", sent, "refused", refused, "queued",
                                 (json_int_t)queued, "reached", reached));
}

int
scan_cmd_sync(struct scan_run *r, int wait_s)
{
    json_t *counts = scan_queue_counts(r->q);
    long queued = (long)json_integer_value(json_object_get(counts, "queued"));
    json_decref(counts);
    if (queued == 0) {
        fprintf(r->out, "%s\n", _("nothing queued: everything is sent"));
        scan_run_result(r, json_pack("{si si si sb}", "sent", 0, "refused", 0, "queued", 0,
                                     "reached", false));
        return SCAN_OK;
    }
    int sent = 0, refused = 0, rc;
    time_t deadline = time(NULL) + wait_s;
    long pause = S_WAIT_FIRST_S;
    while ((rc = scan_sync_pass(r, &sent, &refused)) == SCAN_UNREACHABLE &&
           time(NULL) + pause <= deadline) {
        fprintf(r->out, _("… no answer from the core; trying again in %ld s\n"), pause);
        fflush(r->out);
        sleep((unsigned)pause);
        pause = pause * 2 < S_WAIT_MAX_S ? pause * 2 : S_WAIT_MAX_S;
    }
    if (rc == SCAN_UNREACHABLE)
        fprintf(r->out, _("no connection to the core at %s: what is queued will be sent on the "
                          "next 'ayni-scan sync'\n"), r->api);
    s_summary(r, sent, refused, rc != SCAN_UNREACHABLE);
    return rc;
}
