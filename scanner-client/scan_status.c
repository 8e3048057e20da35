/* scan_status.c: `ayni-scan status`: what is queued, sent and refused, and when the
 * device last reached the core.  Reads the queue only; never talks to the network.
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "mem.h"
#include "scan.h"

#define S_SENT_SHOWN 10 /* the most recent sent scans listed; the rest are counted */

static const char *
s_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

/* A row with its JSON columns (lines, result) as JSON, for --json. */
static json_t *
s_row_json(json_t *row)
{
    const char *cols[] = {"lines", "result"};
    for (size_t i = 0; i < 2; i++) {
        const char *text = json_string_value(json_object_get(row, cols[i]));
        json_t *v = text ? json_loads(text, 0, NULL) : NULL;
        if (v)
            json_object_set_new(row, cols[i], v);
    }
    return row;
}

static json_t *
s_setting(scan_queue_t *q, const char *key)
{
    char *v = scan_queue_get(q, key);
    json_t *j = v ? json_string(v) : json_null();
    free(v);
    return j;
}

static int
s_print_json(struct scan_run *r)
{
    const char *keys[] = {"api", "team", "device", "key_id", "last_contact", "next_contact_at",
                          "manifests_at"};
    json_t *o = json_pack("{ss}", "queue", scan_queue_path(r->q));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(o, keys[i], s_setting(r->q, keys[i]));
    json_object_set_new(o, "manifests", json_integer(scan_queue_manifest_count(r->q, NULL)));
    json_object_set_new(o, "counts", scan_queue_counts(r->q));
    json_t *scans = scan_queue_list(r->q, NULL), *row;
    size_t i;
    json_array_foreach(scans, i, row)
        s_row_json(row);
    json_object_set_new(o, "scans", scans);
    char *text = json_dumps(o, JSON_INDENT(2));
    fprintf(r->out, "%s\n", text);
    free(text);
    json_decref(o);
    return SCAN_OK;
}

static void
s_print_when(struct scan_run *r, const char *label, const char *key, const char *never)
{
    char *v = scan_queue_get(r->q, key), when[64];
    if (v)
        scan_when(v, when, sizeof when);
    fprintf(r->out, "%s: %s\n", label, v ? when : never);
    free(v);
}

static void
s_print_header(struct scan_run *r)
{
    char *api = scan_queue_get(r->q, "api"), *team = scan_queue_get(r->q, "team");
    char *device = scan_queue_get(r->q, "device"), *key = scan_queue_get(r->q, "key_id");
    fprintf(r->out, _("Scan queue: %s\n"), scan_queue_path(r->q));
    if (!team)
        fprintf(r->out, "%s\n", _("This device is not prepared: run 'ayni-scan init --api "
                                 "ENDPOINT --team TEAM' with signal"));
    else
        fprintf(r->out, _("Team «%s» · device «%s» · core %s · key %s\n"), team,
                device ? device : "?", api ? api : "?", key ? key : "?");
    free(api);
    free(team);
    free(device);
    free(key);
    char *at = scan_queue_get(r->q, "manifests_at"), when[64] = "";
    if (at)
        scan_when(at, when, sizeof when);
    long kept = scan_queue_manifest_count(r->q, NULL);
    if (at)
        fprintf(r->out, _("Shipments on the road kept: %ld, updated on %s\n"), kept, when);
    else
        fprintf(r->out, _("Shipments on the road kept: %ld\n"), kept);
    free(at);
    s_print_when(r, _("Last contact with the core"), "last_contact", C_("contact", "never"));
    char *next = scan_queue_get(r->q, "next_contact_at");
    if (next)
        s_print_when(r, _("No answer at the last try; next automatic send"), "next_contact_at",
                     "");
    free(next);
}

static void
s_print_row(struct scan_run *r, json_t *row)
{
    char when[64], what[96];
    long package = (long)json_integer_value(json_object_get(row, "package"));
    const char *state = s_str(row, "state"), *flags = s_str(row, "flags");
    scan_when(s_str(row, "device_time"), when, sizeof when);
    if (package)
        snprintf(what, sizeof what, _("%s package %ld of %lld"), s_str(row, "shipment"), package,
                 (long long)json_integer_value(json_object_get(row, "package_count")));
    else
        snprintf(what, sizeof what, _("%s whole-shipment slip"), s_str(row, "shipment"));
    fputs("  ", r->out);
    fprintf(r->out, _("%s · scanned on %s"), what, when);
    if (!strcmp(flags, "other_team"))
        fprintf(r->out, " · %s", _("[another team's route]"));
    else if (!strcmp(flags, "unknown_shipment"))
        fprintf(r->out, " · %s", _("[shipment was not in the data]"));
    if (!strcmp(state, "refused")) {
        fputs("\n    ", r->out);
        fprintf(r->out, _("reason: %s (%s)\n"), s_str(row, "last_error"),
                s_str(row, "error_code"));
        return;
    }
    if (!strcmp(state, "queued")) {
        long long tries = (long long)json_integer_value(json_object_get(row, "attempts"));
        fputs(" · ", r->out);
        fprintf(r->out, ayni_ntr("%lld try", "%lld tries", (unsigned long)tries), tries);
        if (*s_str(row, "last_error")) {
            fputs("\n    ", r->out);
            fprintf(r->out, _("last error: %s"), s_str(row, "last_error"));
        }
        fputc('\n', r->out);
        return;
    }
    json_t *res = json_loads(s_str(row, "result"), 0, NULL);
    fputs(" · ", r->out);
    fprintf(r->out, _("%lld of %lld received\n"),
            (long long)json_integer_value(json_object_get(res, "qty_received")),
            (long long)json_integer_value(json_object_get(res, "qty_expected")));
    json_decref(res);
}

static void
s_print_state(struct scan_run *r, const char *state, const char *title, size_t last)
{
    json_t *rows = scan_queue_list(r->q, state), *row;
    size_t n = json_array_size(rows), i;
    fprintf(r->out, "\n%s (%zu)\n", title, n);
    if (last && n > last) {
        fputs("  ", r->out);
        fprintf(r->out, ayni_ntr("… %zu earlier one not shown\n", "… %zu earlier ones not shown\n",
                                 n - last),
                n - last);
    }
    json_array_foreach(rows, i, row) {
        if (!last || i + last >= n)
            s_print_row(r, row);
    }
    json_decref(rows);
}

int
scan_cmd_status(struct scan_run *r, bool json)
{
    if (json)
        return s_print_json(r);
    s_print_header(r);
    s_print_state(r, "queued", C_("scan queue", "Queued"), 0);
    s_print_state(r, "refused", _("Refused by the core"), 0);
    s_print_state(r, "sent", C_("scan queue", "Sent"), S_SENT_SHOWN);
    return SCAN_OK;
}
