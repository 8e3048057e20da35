/* scan_init.c: `ayni-scan init`: prepare a device while it has signal.
 *
 * Fetches the core's public key (to verify codes offline) and the manifests of the team's
 * shipments on the road (dispatched or partly delivered: destination and contents per
 * package, to show what a code names offline; one request per state), and stores them
 * with the endpoint, the team and the device name in the queue, in one transaction.  Run again, it refreshes
 * all of that and keeps the scans.  It changes nothing if the core cannot be reached.
 * A secure core gives a scanner only its registered team's shipments: init says so when
 * that team is missing or is not the one given with --team.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "scan.h"
#include "spelling.h"
#include "zone.h"

/* Call op; 0 and *result, or an exit code with the error printed. */
static int
s_call(struct scan_run *r, const char *op, json_t *args, json_t **result)
{
    proto_client_t *c = scan_run_client(r);
    if (!c) {
        json_decref(args);
        return SCAN_USAGE;
    }
    struct proto_error err = {0};
    int rc = proto_client_call(c, op, args, NULL, result, &err);
    if (rc == AYNI_EUNAVAILABLE)
        scan_error("no connection to the core: %s", err.message);
    else if (rc)
        scan_error("the core refused '%s': %s", op, err.message);
    proto_error_clear(&err);
    return rc == 0 ? SCAN_OK : rc == AYNI_EUNAVAILABLE ? SCAN_UNREACHABLE : SCAN_REFUSED;
}

/* The core's public key, checked against the key id it announces. */
static int
s_public_key(struct scan_run *r, json_t *settings)
{
    json_t *key = NULL;
    int rc = s_call(r, "keys.public", NULL, &key);
    if (rc)
        return rc;
    const char *hex = json_string_value(json_object_get(key, "public_key"));
    const char *id = json_string_value(json_object_get(key, "key_id"));
    unsigned char kid[CORE_TOKEN_KEYID_LEN];
    char mine[2 * CORE_TOKEN_KEYID_LEN + 1];
    size_t n = 0;
    if (hex && strlen(hex) == 64)
        sodium_hex2bin(r->pk, sizeof r->pk, hex, 64, NULL, &n, NULL);
    if (n == sizeof r->pk) {
        core_token_key_id(r->pk, kid);
        sodium_bin2hex(mine, sizeof mine, kid, sizeof kid);
    }
    if (n != sizeof r->pk || !id || strcmp(id, mine)) {
        scan_error("the core's public key is malformed or does not match its key id: check "
                   "that %s is an aynid of this version", r->api);
        json_decref(key);
        return SCAN_REFUSED;
    }
    json_object_set_new(settings, "public_key", json_string(hex));
    json_object_set_new(settings, "key_id", json_string(id));
    json_decref(key);
    return SCAN_OK;
}

/* Append to out the manifest of every shipment of this team in state, in one request:
 * each as shipment.get gives it, without tokens (the core leaves them out). */
static int
s_shipments(struct scan_run *r, const char *state, json_t *out)
{
    json_t *list = NULL;
    int rc = s_call(r, "shipment.list",
                    json_pack("{ss ss ss}", "state", state, "team", r->team, "detail", "manifest"),
                    &list);
    if (rc == 0)
        json_array_extend(out, list);
    json_decref(list);
    return rc;
}

/* This team's shipments on the road: dispatched, or partly delivered. */
static int
s_road(struct scan_run *r, json_t *out)
{
    int rc = s_shipments(r, "dispatched", out);
    return rc ? rc : s_shipments(r, "partial", out);
}

/* Every team's shipments on the road, in summary (to say which teams have some). */
static int
s_road_summaries(struct scan_run *r, json_t *out)
{
    const char *const states[] = {"dispatched", "partial"};
    int rc = SCAN_OK;
    for (int i = 0; i < 2 && rc == SCAN_OK; i++) {
        json_t *list = NULL;
        if ((rc = s_call(r, "shipment.list", json_pack("{ss}", "state", states[i]), &list)) == 0)
            json_array_extend(out, list);
        json_decref(list);
    }
    return rc;
}

static void
s_default_device(char *out, size_t size)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        snprintf(host, sizeof host, "ayni-scan");
    snprintf(out, size, "%s", host);
}

/* Settle team and device: flag, else what the queue holds, else (device) the host name. */
static int
s_identity(struct scan_run *r, const struct scan_init_opts *o, json_t *settings)
{
    char *team = scan_queue_get(r->q, "team"), *device = scan_queue_get(r->q, "device");
    if (o->team)
        snprintf(r->team, sizeof r->team, "%s", o->team);
    else if (team)
        snprintf(r->team, sizeof r->team, "%s", team);
    if (o->device)
        snprintf(r->device, sizeof r->device, "%s", o->device);
    else if (device)
        snprintf(r->device, sizeof r->device, "%s", device);
    else
        s_default_device(r->device, sizeof r->device);
    free(team);
    free(device);
    if (!r->team[0]) {
        scan_error("--team is missing: say which team uses this device, e.g. --team "
                   "\"Equipo Huánuco\"");
        return SCAN_USAGE;
    }
    json_object_set_new(settings, "team", json_string(r->team));
    json_object_set_new(settings, "device", json_string(r->device));
    json_object_set_new(settings, "api", json_string(r->api));
    if (o->prov) { /* the queue file is 0600 in a 0700 folder: it may hold the secret */
        char hex[65];
        const unsigned char *keys[] = {o->prov->server_key, o->prov->public_key,
                                       o->prov->secret_key};
        const char *names[] = {"curve_server", "curve_public", "curve_secret"};
        for (int i = 0; i < 3; i++) {
            sodium_bin2hex(hex, sizeof hex, keys[i], 32);
            json_object_set_new(settings, names[i], json_string(hex));
        }
        sodium_memzero(hex, sizeof hex);
    }
    return SCAN_OK;
}

static void
s_warn_key_change(struct scan_run *r, json_t *settings)
{
    char *old = scan_queue_get(r->q, "public_key");
    const char *now = json_string_value(json_object_get(settings, "public_key"));
    if (old && strcmp(old, now))
        fprintf(r->out, "%s\n", _("Warning! the core's signing key changed: the codes printed "
                                 "with the previous key will be refused"));
    free(old);
}

/* What a secure core knows of this device (server.info's "device"): warn when it has no
 * team, or another team than --team, since the core then shows it other shipments or
 * none.  Nothing is said to an open core, which knows no device. */
static void
s_check_team(struct scan_run *r)
{
    json_t *info = NULL;
    if (s_call(r, "server.info", NULL, &info) != SCAN_OK)
        return;
    json_t *me = json_object_get(info, "device");
    const char *role = json_string_value(json_object_get(me, "role"));
    const char *team = json_string_value(json_object_get(me, "team"));
    if (role && !strcmp(role, "scanner") && !team)
        fprintf(r->out, "%s\n", _("Warning! the core has no team for this device: it will "
                                 "see no shipment; ask for it to be registered again with "
                                 "--team"));
    else if (role && !strcmp(role, "scanner") && strcasecmp(team, r->team))
        fprintf(r->out, _("Warning! the core registered this device for «%s», not «%s»: it "
                          "will see only the shipments of «%s»\n"), team, r->team, team);
    json_decref(info);
}

/* The core's time zone (server.info time_zone; America/Lima from an older core), kept
 * with the settings: the scanner shows times in it even offline. */
static void
s_time_zone(struct scan_run *r, json_t *settings)
{
    json_t *info = NULL;
    const char *zone = NULL;
    if (s_call(r, "server.info", NULL, &info) == SCAN_OK)
        zone = json_string_value(json_object_get(info, "time_zone"));
    json_object_set_new(settings, "time_zone", json_string(zone ? zone : AYNI_ZONE_DEFAULT));
    json_decref(info);
}

/* The team given matches no shipment on the road: say which teams do (shipments: every
 * team's on the road), and offer the nearest one if it is near (a typo: "Equipo Qero" for
 * "Equipo Q'ero"), asked on a terminal; settings' team becomes the one chosen.  Returns
 * whether the team changed. */
static bool
s_check_road(struct scan_run *r, json_t *settings, json_t *shipments)
{
    bool changed = false;
    json_t *teams = json_array(), *s, *t;
    size_t i, k, best_d = (size_t)-1;
    const char *best = NULL;
    json_array_foreach(shipments, i, s) {
        const char *team = json_string_value(json_object_get(s, "team"));
        bool seen = false;
        if (!team || !*team)
            continue;
        if (!strcasecmp(team, r->team)) {
            json_decref(teams);
            return false;
        }
        json_array_foreach(teams, k, t) seen |= !strcmp(json_string_value(t), team);
        if (!seen)
            json_array_append_new(teams, json_string(team));
        size_t d = ayni_edit_distance(r->team, team);
        if (d < best_d) {
            best_d = d;
            best = team;
        }
    }
    if (json_array_size(teams) > 0) {
        fprintf(r->out, _("Warning! no shipment on the road is for team «%s»; the teams with "
                          "shipments on the road are:"), r->team);
        json_array_foreach(teams, i, t)
            fprintf(r->out, "%s «%s»", i ? "," : "", json_string_value(t));
        fputc('\n', r->out);
    }
    bool near = best && ayni_near_enough(r->team, best_d);
    if (near && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        char q[256];
        FILE *keep = r->answers;
        r->answers = stdin;
        snprintf(q, sizeof q, _("Did you mean «%s»? [Y/n]"), best);
        if (scan_ask_yes_no(r, q, 1) == 1) {
            snprintf(r->team, sizeof r->team, "%s", best);
            json_object_set_new(settings, "team", json_string(r->team));
            changed = true;
        }
        r->answers = keep;
    } else if (near) {
        fputs("  ", r->out);
        fprintf(r->out, _("did you mean «%s»? run 'ayni-scan init' again with --team \"%s\"\n"),
                best, best);
    }
    json_decref(teams);
    return changed;
}

/* No shipment on the road is this team's: check the team against every team's (a typo),
 * and fetch the manifests again if another team was chosen. */
static int
s_no_shipment(struct scan_run *r, json_t *settings, json_t *shipments)
{
    json_t *all = json_array();
    int rc = s_road_summaries(r, all);
    if (rc == 0 && s_check_road(r, settings, all)) {
        json_array_clear(shipments);
        rc = s_road(r, shipments);
    }
    json_decref(all);
    return rc;
}

static void
s_report(struct scan_run *r, json_t *settings, json_t *shipments)
{
    json_t *counts = scan_queue_counts(r->q);
    size_t mine = 0, i;
    json_t *s;
    json_array_foreach(shipments, i, s) {
        const char *team = json_string_value(json_object_get(s, "team"));
        mine += team && !strcasecmp(team, r->team);
    }
    fprintf(r->out, _("ready: team «%s», device «%s», core %s\n"), r->team, r->device, r->api);
    fputs("  ", r->out);
    fprintf(r->out, _("core key %s; shipments on the road kept: %zu (%zu of this team)\n"),
            json_string_value(json_object_get(settings, "key_id")), json_array_size(shipments),
            mine);
    fputs("  ", r->out);
    fprintf(r->out, _("times in the core's zone: %s\n"),
            json_string_value(json_object_get(settings, "time_zone")));
    fputs("  ", r->out);
    fprintf(r->out, _("queue: %lld queued, %lld sent, %lld refused (%s)\n"),
            (long long)json_integer_value(json_object_get(counts, "queued")),
            (long long)json_integer_value(json_object_get(counts, "sent")),
            (long long)json_integer_value(json_object_get(counts, "refused")),
            scan_queue_path(r->q));
    scan_run_result(r, json_pack("{ss ss ss sO sI sI sO ss}", "team", r->team, "device",
                                 r->device, "api", r->api, "key_id",
                                 json_object_get(settings, "key_id"), "shipments",
                                 (json_int_t)json_array_size(shipments), "mine",
                                 (json_int_t)mine, "queue", counts, "queue_path",
                                 scan_queue_path(r->q)));
    json_decref(counts);
}

int
scan_cmd_init(struct scan_run *r, const struct scan_init_opts *o)
{
    json_t *settings = json_object(), *shipments = json_array();
    int rc = s_identity(r, o, settings);
    if (rc == 0 && (rc = s_public_key(r, settings)) == 0 && (rc = s_road(r, shipments)) == 0 &&
        json_array_size(shipments) == 0)
        rc = s_no_shipment(r, settings, shipments);
    if (rc == 0) {
        s_time_zone(r, settings);
        s_warn_key_change(r, settings);
        if (scan_queue_init_commit(r->q, settings, shipments) != 0) {
            scan_error("could not save: %s", scan_queue_errmsg(r->q));
            rc = SCAN_REFUSED;
        }
    }
    if (rc == 0) {
        s_check_team(r);
        s_report(r, settings, shipments);
    }
    json_decref(settings);
    json_decref(shipments);
    return rc;
}
