/* wh_device.c: `device add`: a new device's key pair, made here, registered with the
 * core (with its team: a scanner sees only its team's shipments), and handed over in a
 * provisioning file (mode 0600).  The file is written first and removed if the core
 * refuses, so no device exists without its file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "lang.h"
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

int
wh_run_device_add(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    (void)c;
    struct proto_provision p = {0};
    const char *path = wh_s(args, "output");
    const char *team = wh_s(args, "team");
    char err[512], hex[65];
    snprintf(p.device, sizeof p.device, "%s", wh_s(args, "device"));
    snprintf(p.role, sizeof p.role, "%s", wh_s(args, "role"));
    snprintf(p.api, sizeof p.api, "%s", w->api);
    snprintf(p.events, sizeof p.events, "%s", w->events);
    int rc = WH_USAGE;
    if (!strcmp(p.role, "scanner") && !*team) {
        wh_error("--role scanner needs --team: the delivery team its shipments name, e.g. "
                 "--team \"Equipo Huánuco\"; it sees only that team's shipments");
        goto out;
    }
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
