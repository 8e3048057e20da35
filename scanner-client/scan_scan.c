/* scan_scan.c: one scanned code, from the text read to the confirmation queued.
 *
 * Verify the signature offline (a code that is not genuine is refused on the spot and
 * never queued); show what it names; report a package already scanned on this device
 * or already confirmed according to the manifest; flag a package for another team's
 * route; ask what arrived (on a terminal); queue the confirmation with a fresh scan id
 * and the device time; then try to send the queue at once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "scan.h"

#define S_ZBAR_PREFIX "QR-Code:" /* what zbarimg and zbarcam print without --raw */

/* What the team is told of a code that is not genuine (the scanner's own words). */
static const char *
s_verdict(enum core_token_verdict v)
{
    switch (v) {
    case CORE_TOKEN_ALTERED:
        return _("altered code: it was changed after it was signed; do not deliver");
    case CORE_TOKEN_FORGED:
        return _("forged code: this system did not sign it; do not deliver");
    default:
        return _("unreadable or incomplete code: scan it once more");
    }
}

static int
s_refuse(struct scan_run *r, enum core_token_verdict v, const struct core_token *t)
{
    fprintf(r->out, "✗ %s %s\n", C_("ayni-scan", "REFUSED:"), s_verdict(v));
    bool signed_ = v == CORE_TOKEN_ALTERED || v == CORE_TOKEN_FORGED;
    if (signed_ && t->package) {
        fputs("  ", r->out);
        fprintf(r->out, _("(the code says: shipment %s, package %u of %u, destination %s; it "
                          "cannot be trusted)\n"), t->shipment, t->package, t->count, t->dest);
    } else if (signed_) {
        fputs("  ", r->out);
        fprintf(r->out, _("(the code says: whole shipment %s, destination %s; it cannot be "
                          "trusted)\n"), t->shipment, t->dest);
    }
    fprintf(r->out, "  %s\n", _("not saved"));
    r->outcome = "refused";
    return SCAN_REFUSED;
}

/* A genuine code whose shipment the manifest describes otherwise: the core would
 * refuse it too, so say so now. */
static bool
s_agrees(struct scan_run *r, const struct core_token *t, json_t *m)
{
    const char *dest = json_string_value(json_object_get(json_object_get(m, "to"), "code"));
    size_t count = json_array_size(json_object_get(m, "packages"));
    if (dest && !strcmp(dest, t->dest) && count == t->count)
        return true;
    fprintf(r->out, "✗ %s ", C_("ayni-scan", "REFUSED:"));
    fprintf(r->out, _("the code says shipment %s to %s with %u packages, but the data kept "
                      "says %s with %zu: do not deliver; ask the coordination\n"),
            t->shipment, t->dest, t->count, dest ? dest : "?", count);
    r->outcome = "refused";
    return false;
}

/* "scanned already on this device on …" for the scan row that covers this code. */
static void
s_print_mine(struct scan_run *r, const struct core_token *t, json_t *row)
{
    char when[64];
    const char *state = json_string_value(json_object_get(row, "state"));
    bool slip = t->package && json_integer_value(json_object_get(row, "package")) == 0;
    scan_when(json_string_value(json_object_get(row, "device_time")), when, sizeof when);
    const char *team = json_string_value(json_object_get(row, "team"));
    fputs("  ", r->out);
    if (slip)
        fprintf(r->out, _("scanned already on this device on %s with the slip's code, which "
                          "covers the whole shipment (team «%s»); it counts once\n"),
                when, team);
    else
        fprintf(r->out, _("scanned already on this device on %s (team «%s»); it counts once\n"),
                when, team);
    fprintf(r->out, "  %s\n", !strcmp(state, "sent") ? _("confirmed already on the core")
                                                   : _("queued: it will be sent on sync"));
}

/* True (after saying so) if this code adds nothing: scanned already on this device, or
 * confirmed already according to the manifest. */
static bool
s_already(struct scan_run *r, const struct core_token *t, json_t *m, json_t *outstanding)
{
    json_t *mine = scan_queue_covering(r->q, t->shipment, (int)t->package);
    if (mine && (t->package || json_integer_value(json_object_get(mine, "package")) == 0)) {
        s_print_mine(r, t, mine);
        json_decref(mine);
        return true;
    }
    json_decref(mine);
    json_t *p = t->package && m ? scan_manifest_package(m, (int)t->package) : NULL;
    if (json_is_true(json_object_get(p, "delivered"))) {
        char when[64];
        const char *team = json_string_value(json_object_get(p, "team"));
        const char *at = json_string_value(json_object_get(p, "delivered_at"));
        scan_when(at ? at : json_string_value(json_object_get(p, "received_at")), when,
                  sizeof when); /* the scan time; an older core gave only the time received */
        fputs("  ", r->out);
        fprintf(r->out, _("confirmed already on %s by «%s»; it counts once\n"), when,
                team ? team : json_string_value(json_object_get(p, "device")));
        return true;
    }
    if (!t->package && json_array_size(outstanding) == 0) {
        fprintf(r->out, "  %s\n", _("every package of this shipment is confirmed or scanned "
                                   "already; it is not recorded again"));
        return true;
    }
    return false;
}

/* 0: this device's route; 1: another team's route, to be recorded anyway (flagged);
 * -1: the person chose not to record it. */
static int
s_check_team(struct scan_run *r, const struct core_token *t, json_t *m)
{
    const char *team = json_string_value(json_object_get(m, "team"));
    if (!team || !*team || !strcasecmp(team, r->team))
        return 0;
    char dest[256];
    scan_destination(m, t, dest, sizeof dest);
    fputs("  ", r->out);
    if (t->package)
        fprintf(r->out, _("Warning! this package is for %s (the route of team «%s»); this team "
                          "is «%s»\n"), dest, team, r->team);
    else
        fprintf(r->out, _("Warning! this shipment is for %s (the route of team «%s»); this team "
                          "is «%s»\n"), dest, team, r->team);
    if (!r->answers) {
        fprintf(r->out, "  %s\n", _("it is recorded all the same; tell your coordination"));
        return 1;
    }
    return scan_ask_yes_no(r, _("Record the delivery all the same? [y/N]"), 0) == 1 ? 1 : -1;
}

static void
s_print_saved(struct scan_run *r, const char *scan_id, json_t *lines)
{
    json_t *l;
    size_t i;
    fputs("  ", r->out);
    if (!lines) {
        fprintf(r->out, _("saved (scan %.8s): all received\n"), scan_id);
        return;
    }
    fprintf(r->out, _("saved (scan %.8s):"), scan_id);
    json_array_foreach(lines, i, l) {
        const char *code = json_string_value(json_object_get(l, "reason"));
        const char *name = scan_reason_name(code);
        char reason[128];
        if (name && code && strcmp(name, code)) /* "dañado (damaged)": the code as well */
            snprintf(reason, sizeof reason, "%s (%s)", name, code);
        else
            snprintf(reason, sizeof reason, "%s", code ? code : "?");
        fputs(i ? "; " : " ", r->out);
        fprintf(r->out, _("line %lld: %lld received; reason: %s"),
                (long long)json_integer_value(json_object_get(l, "line")),
                (long long)json_integer_value(json_object_get(l, "received")), reason);
    }
    fputc('\n', r->out);
}

/* Queue the confirmation: 0, or SCAN_REFUSED if it could not be saved. */
static int
s_record(struct scan_run *r, const struct core_token *t, const char *token, json_t *lines,
         const char *flags)
{
    unsigned char raw[SCAN_ID_LEN / 2];
    char scan_id[SCAN_ID_LEN + 1], now[26];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(scan_id, sizeof scan_id, raw, sizeof raw);
    scan_now_local(now);
    char *text = lines ? json_dumps(lines, JSON_COMPACT) : NULL;
    struct scan_new n = {scan_id, token, t->shipment, t->dest, r->team, r->device, now,
                         (int)t->package, (int)t->count, text, flags};
    json_t *existing = NULL;
    int rc = scan_queue_add(r->q, &n, &existing);
    free(text);
    if (rc == AYNI_EEXISTS) {
        s_print_mine(r, t, existing);
        json_decref(existing);
        r->outcome = "already";
        return 1;
    }
    if (rc) {
        fprintf(r->out, "✗ %s %s\n", _("NOT SAVED:"), scan_queue_errmsg(r->q));
        r->outcome = "refused";
        return SCAN_REFUSED;
    }
    s_print_saved(r, scan_id, lines);
    r->outcome = "saved";
    snprintf(r->scan_id, sizeof r->scan_id, "%s", scan_id);
    return 0;
}

/* Send what is queued now, unless the core was out of reach a moment ago. */
static int
s_send_now(struct scan_run *r)
{
    int sent = 0, refused = 0, rc = SCAN_UNREACHABLE;
    if (scan_queue_contact_due(r->q))
        rc = scan_sync_pass(r, &sent, &refused);
    r->sent_now += sent;
    if (rc == SCAN_UNREACHABLE) {
        fprintf(r->out, "  %s\n", _("no connection to the core: saved; it will be sent on "
                                   "sync"));
        return SCAN_OK;
    }
    return rc;
}

static int
s_confirm(struct scan_run *r, const struct core_token *t, const char *token, json_t *m,
          json_t *outstanding)
{
    if (s_already(r, t, m, outstanding)) {
        r->outcome = "already";
        return SCAN_OK;
    }
    const char *flags = m ? NULL : "unknown_shipment";
    int team = m ? s_check_team(r, t, m) : 0;
    if (team < 0) {
        fprintf(r->out, "  %s\n", _("not recorded"));
        r->outcome = "not_recorded";
        return SCAN_OK;
    }
    flags = team ? "other_team" : flags;
    json_t *lines = NULL;
    if (scan_ask_lines(r, t, m, outstanding, &lines) != 0) {
        r->outcome = r->given ? "refused" : "not_recorded";
        if (r->given) /* --line did not fit this code: a refusal, said already */
            return SCAN_REFUSED;
        fprintf(r->out, "  %s\n", _("cancelled: this scan was not recorded"));
        return SCAN_OK;
    }
    int rc = s_record(r, t, token, lines, flags);
    json_decref(lines);
    if (rc)
        return rc == 1 ? SCAN_OK : rc;
    return s_send_now(r);
}

int
scan_handle(struct scan_run *r, const char *text, size_t len)
{
    struct core_token t;
    enum core_token_verdict v = core_token_verify(text, len, r->pk, &t);
    if (v != CORE_TOKEN_GENUINE) {
        scan_run_note(r, s_refuse(r, v, &t));
        scan_run_code(r, NULL, v == CORE_TOKEN_ALTERED  ? "altered"
                               : v == CORE_TOKEN_FORGED ? "forged"
                                                        : "malformed");
        return SCAN_REFUSED;
    }
    char *token = xstrndup(text, len);
    for (char *p = token; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    json_t *m = scan_queue_manifest(r->q, t.shipment);
    json_t *outstanding = t.package ? NULL : scan_outstanding(r->q, &t, m);
    int rc = SCAN_REFUSED;
    if (!m || s_agrees(r, &t, m)) {
        scan_describe(r, &t, m, outstanding);
        rc = s_confirm(r, &t, token, m, outstanding);
    }
    json_decref(outstanding);
    json_decref(m);
    free(token);
    scan_run_code(r, &t, NULL);
    scan_run_note(r, rc);
    return rc;
}

/* Strip a CR, surrounding blanks and zbar's "QR-Code:" prefix in place. */
static char *
s_clean(char *s, size_t *len)
{
    size_t n = *len;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    s[n] = '\0';
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    if (!strncmp(s, S_ZBAR_PREFIX, strlen(S_ZBAR_PREFIX))) {
        s += strlen(S_ZBAR_PREFIX);
        n -= strlen(S_ZBAR_PREFIX);
    }
    *len = n;
    return s;
}

int
scan_handle_line(struct scan_run *r, char *line, size_t len, bool too_long)
{
    char *text = s_clean(line, &len);
    if (!too_long && len == 0)
        return SCAN_OK;
    if (r->scanned++ > 0 || r->answers)
        fputc('\n', r->out);
    if (too_long || len > SCAN_LINE_MAX) {
        fprintf(r->out, "✗ %s ", C_("ayni-scan", "REFUSED:"));
        fprintf(r->out, _("unreadable line (more than %d characters): not an Ayni code; scan "
                          "it again\n"), SCAN_LINE_MAX);
        scan_run_note(r, SCAN_REFUSED);
        scan_run_code(r, NULL, "line_too_long");
        return SCAN_REFUSED;
    }
    int rc = scan_handle(r, text, len);
    fflush(r->out);
    return rc;
}

int
scan_cmd_scan(struct scan_run *r, FILE *in)
{
    char buf[SCAN_LINE_MAX + 2];
    size_t len;
    int rc;
    bool quiet = r->answers == in && scan_tty_quiet(in);
    if (r->answers == in)
        fprintf(r->out, "%s\n", _("Scan the codes one by one; Ctrl-D to finish"));
    while ((rc = scan_read_line(in, buf, sizeof buf, &len)) >= 0) {
        if (quiet && len > 0)
            fprintf(r->out, ayni_ntr("· code read (%zu character)\n",
                                     "· code read (%zu characters)\n", len), len);
        scan_handle_line(r, buf, len, rc == 1);
    }
    scan_tty_restore();
    scan_run_summary(r);
    return r->exit;
}
