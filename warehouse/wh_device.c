/* wh_device.c: `device add`: a new device's key pair, made here, registered with the
 * core (with its team: a scanner sees only its team's shipments), and handed over in a
 * provisioning file (mode 0600).  The file is written first and removed if the core
 * refuses, so no device exists without its file.
 *
 * `device add NAME --role scanner --phone` registers a phone instead (`--role reader
 * --phone`: a coordinator's browser, for the dashboard): it has no key
 * pair, only a one-time enrolment code (device.enrol_code) printed on an enrolment
 * sheet (PDF, mode 0600) with the gateway's address and certificate fingerprint; the
 * phone redeems the code through ayni-web for its device secret (docs/WEB.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "lang.h"
#include "mem.h"
#include "prn_json.h"
#include "zone.h"
#include "wh.h"

/* The core's CURVE key, from server.info. */
static int
s_server_key(struct wh *w, unsigned char key[32])
{
    json_t *info = NULL;
    int rc = wh_call(w, "server.info", NULL, &info);
    if (rc)
        return rc;
    const char *hex = json_string_value(json_object_get(info, "curve_key"));
    size_t n = 0;
    rc = hex && sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &n, NULL) == 0 && n == 32
             ? WH_OK
             : WH_REFUSED;
    if (rc)
        wh_error("aynid at %s runs without device keys (--insecure): devices are registered "
                 "only on a secure aynid", w->api);
    json_decref(info);
    return rc;
}

/* The enrolment QR's text (docs/WEB.md): the gateway's address, and in the fragment,
 * which never reaches a server, the code and the certificate's fingerprint. */
static char *
s_enrol_url(const char *gateway, const char *code, const char *fingerprint)
{
    return xasprintf("%s/#enrol=%s&fp=%s", gateway, code, fingerprint);
}

/* --phone: an enrolment code for the phone, on a sheet. */
static int
s_phone(struct wh *w, json_t *args)
{
    const char *name = wh_s(args, "device"), *team = wh_s(args, "team");
    const char *path = wh_s(args, "output"), *given = wh_s(args, "gateway");
    char err[512], fp[65], gateway[512];
    bool reader = !strcmp(wh_s(args, "role"), "reader");
    if (!reader && strcmp(wh_s(args, "role"), "scanner")) {
        wh_error("--phone is for a delivery team's phone (--role scanner) or a coordinator's "
                 "browser that opens the dashboard (--role reader), not a %s",
                 wh_s(args, "role"));
        return WH_USAGE;
    }
    if (reader && *team) {
        wh_error("--team is for a scanner: a reader's browser sees every team");
        return WH_USAGE;
    }
    if (!*given)
        given = getenv("AYNI_WEB_URL") ? getenv("AYNI_WEB_URL") : "";
    /* "https://HOST:PORT/" as a browser's address bar shows it is the same address */
    snprintf(gateway, sizeof gateway, "%s", given);
    for (size_t n = strlen(gateway); n > 0 && gateway[n - 1] == '/'; n--)
        gateway[n - 1] = '\0';
    if (!*gateway) {
        wh_error("--phone needs --gateway URL (or AYNI_WEB_URL): the address at which phones "
                 "reach ayni-web, e.g. --gateway https://192.168.1.20:8443");
        return WH_USAGE;
    }
    long long hours = json_object_get(args, "hours") ? wh_i(args, "hours") : 24;
    if (hours < 1 || hours > 720) {
        wh_error("--hours must be 1 to 720 (30 days), not %lld: how long the code works", hours);
        return WH_USAGE;
    }
    int rc = wh_gateway_fingerprint(gateway, fp, err, sizeof err);
    if (rc) {
        wh_error("%s", err);
        return rc;
    }
    json_t *r = NULL;
    json_t *req = json_pack("{ss ss sI}", "name", name, "role", reader ? "reader" : "scanner",
                            "ttl_s", (json_int_t)hours * 3600);
    if (!reader)
        json_object_set_new(req, "team", json_string(team));
    rc = wh_call(w, "device.enrol_code", req, &r);
    if (rc)
        return rc;
    wh_zone(w);
    char local[48], expires[17], when[48];
    ayni_when_iso(wh_s(r, "expires_at"), local, sizeof local);
    snprintf(expires, sizeof expires, "%.16s", local);
    if (strlen(expires) == 16)
        expires[10] = ' ';
    char *url = s_enrol_url(gateway, wh_s(r, "code"), fp);
    struct prn_enrol sheet = {.device = wh_s(r, "name"),
                              .team = reader ? NULL : team,
                              .org_name = prn_org_name(),
                              .gateway = gateway,
                              .fingerprint = fp,
                              .code = wh_s(r, "code"),
                              .expires = expires,
                              .time_zone = *ayni_zone() ? ayni_zone() : NULL,
                              .url = url};
    if (prn_enrol_write(&sheet, path, err, sizeof err) != 0) {
        wh_error("cannot write the enrolment sheet %s: %s (the code is not used: run the same "
                 "command again for a new one)",
                 path, err);
        rc = WH_USAGE;
    } else if (w->json) {
        json_t *out = json_pack("{sO sO sO ss ss ss ss}", "name", json_object_get(r, "name"),
                                "created", json_object_get(r, "created"), "expires_at",
                                json_object_get(r, "expires_at"), "gateway", gateway,
                                "fingerprint", fp, "sheet", path, "url", url);
        wh_print_json(out);
        json_decref(out);
    } else if (reader) {
        printf(_("browser '%s' (reader) can enrol until %s: its enrolment sheet is %s (the "
                 "code works once; hand the sheet over by a safe means and destroy it once the "
                 "browser is enrolled)\n"),
               wh_s(r, "name"), wh_when(w, wh_s(r, "expires_at"), when), path);
    } else {
        printf(_("phone '%s' (scanner, %s) can enrol until %s: its enrolment sheet is %s "
                 "(the code works once; hand the sheet over by a safe means and destroy it "
                 "once the phone is enrolled)\n"),
               wh_s(r, "name"), team, wh_when(w, wh_s(r, "expires_at"), when), path);
    }
    sodium_memzero(url, strlen(url));
    free(url);
    json_decref(r);
    return rc;
}

int
wh_run_device_add(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    if (!strcmp(wh_s(args, "role"), "scanner") && !*wh_s(args, "team")) {
        wh_error("--role scanner needs --team: the delivery team its shipments name, e.g. "
                 "--team \"Equipo Huánuco\"; it sees only that team's shipments");
        json_decref(args);
        return WH_USAGE;
    }
    bool phone = json_is_true(json_object_get(args, "phone"));
    if (!phone && (json_object_get(args, "gateway") || json_object_get(args, "hours"))) {
        wh_error("--gateway and --hours are for a phone's enrolment sheet: add --phone, or "
                 "leave them out for a device with a provisioning file");
        json_decref(args);
        return WH_USAGE;
    }
    if (phone) {
        int rc = s_phone(w, args);
        json_decref(args);
        return rc;
    }
    struct proto_provision p = {0};
    const char *path = wh_s(args, "output");
    const char *team = wh_s(args, "team");
    char err[512], hex[65];
    snprintf(p.device, sizeof p.device, "%s", wh_s(args, "device"));
    snprintf(p.role, sizeof p.role, "%s", wh_s(args, "role"));
    snprintf(p.api, sizeof p.api, "%s", w->api);
    snprintf(p.events, sizeof p.events, "%s", w->events);
    int rc = WH_USAGE;
    if ((rc = s_server_key(w, p.server_key)))
        goto out;
    proto_provision_keypair(&p);
    sodium_bin2hex(hex, sizeof hex, p.public_key, 32);
    if (proto_provision_write(path, &p, err, sizeof err) != 0) {
        wh_error("%s", err);
        rc = WH_USAGE;
        goto out;
    }
    json_t *r = NULL, *req = json_pack("{ssssss}", "name", p.device, "role", p.role,
                                       "public_key", hex);
    if (*team)
        json_object_set_new(req, "team", json_string(team));
    rc = wh_call(w, "device.add", req, &r);
    if (rc) {
        unlink(path);
        goto out;
    }
    if (w->json)
        wh_print_json(r);
    else
        printf(_("device '%s' (%s%s%s) registered; its provisioning file is %s (hand it over "
                 "by a safe means)\n"),
               p.device, p.role, *team ? ", " : "", team, path);
    json_decref(r);
out:
    sodium_memzero(&p, sizeof p);
    json_decref(args);
    return rc;
}
