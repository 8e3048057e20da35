/* store_devices.c: the registered client devices (name, role, CURVE public key,
 * enabled, team: a scanner works for one team and sees only its shipments).  A device
 * is never deleted, only disabled, so the ledger's actors stay meaningful.  Key
 * material here is public keys only. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static const char *const s_roles[] = {"scanner", "warehouse", "reader", "admin", NULL};

static int
s_check(core_store_t *s, const char *name, const char *role, const char *key, const char *team)
{
    int rc = core__check_lot_code(s, "name", name); /* letters, digits, - _ . / */
    if (rc)
        return rc;
    bool known = false;
    for (const char *const *r = s_roles; *r && role; r++)
        known |= !strcmp(*r, role);
    if (!known)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "role"),
                          "role must be scanner, warehouse, reader or admin");
    bool hex = key && strlen(key) == 64;
    for (size_t i = 0; hex && i < 64; i++)
        hex = isxdigit((unsigned char)key[i]) && !isupper((unsigned char)key[i]);
    if (!hex)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "public_key"),
                          "public_key must be the device's CURVE public key as 64 lower-case "
                          "hex digits");
    if (strspn(key, "0") == 64) /* no secret key has it: a placeholder, not a device */
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "public_key"),
                          "public_key is all zeros, which is no device's key: make the "
                          "device's own key pair");
    /* A scanner sees its team's shipments only: without a team it would see none. */
    if (!strcmp(role, "scanner") && (!team || !*team))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "team"),
                          "a scanner needs a team: give 'team', the delivery team it works "
                          "for, as shipments name it (e.g. \"Equipo Huánuco\")");
    return core__check_text(s, "team", team, false, 100);
}

int
core_device_add(core_store_t *s, const char *name, const char *role, const char *key,
                json_t **result)
{
    struct core_device dev = {name, role, key, NULL};
    return core_device_register(s, &dev, result);
}

int
core_device_register(core_store_t *s, const struct core_device *dev, json_t **result)
{
    core__clear_error(s);
    const char *name = dev->name, *role = dev->role, *key = dev->public_key;
    const char *team = dev->team && *dev->team ? dev->team : NULL;
    int rc = s_check(s, name, role, key, team);
    if (rc || (rc = core__tx_begin(s)))
        return rc;
    char now[21];
    core__now_iso(s, now);
    rc = core__run(s, ST_DEV_INSERT, "ttttt", name, role, key, now, team);
    if (rc == AYNI_ECONFLICT)
        rc = core__fail(s, AYNI_EEXISTS, json_pack("{ss}", "name", name),
                        "a device named '%s' (or with that key) is already registered: choose "
                        "another name, and make a new key for each device", name);
    json_t *res = NULL;
    if (rc == 0) {
        res = json_pack("{ss ss ss sb ss s:s?}", "name", name, "role", role, "public_key", key,
                        "enabled", 1, "created_at", now, "team", team);
        rc = core__event(s, "device.added",
                         json_pack("{ss ss s:s?}", "device", name, "role", role, "team", team));
    }
    return core__finish(s, rc, res, result);
}

static json_t *
s_device_row(sqlite3_stmt *st)
{
    return json_pack("{s:o s:o s:o s:b s:o s:o}", "name", core__jstr(st, 0), "role",
                     core__jstr(st, 1), "public_key", core__jstr(st, 2), "enabled",
                     sqlite3_column_int(st, 3), "created_at", core__jstr(st, 4), "team",
                     core__jstr(st, 5));
}

int
core_device_list(core_store_t *s, json_t **result)
{
    core__clear_error(s);
    return core__rows(s, core__query(s, ST_DEV_LIST, ""), s_device_row, result);
}

int
core_device_disable(core_store_t *s, const char *name, json_t **result)
{
    core__clear_error(s);
    char role[16];
    bool enabled = false;
    int rc = core_device_by_name(s, name, role, &enabled);
    if (rc == AYNI_ENOTFOUND) {
        char *hint = core__suggest(s, ST_DEV_NAMES, NULL, name ? name : "");
        json_t *d = json_pack("{ss}", "name", name ? name : "");
        rc = hint ? core__fail(s, AYNI_ENOTFOUND, d, "unknown device '%s': did you mean '%s'?",
                               name ? name : "", hint)
                  : core__fail(s, AYNI_ENOTFOUND, d,
                               "unknown device '%s': list them with 'device list'",
                               name ? name : "");
        free(hint);
    }
    if (rc || (rc = core__tx_begin(s)))
        return rc;
    int64_t admins = 0;
    if (enabled && !strcmp(role, "admin") &&
        (rc = core_device_admins(s, &admins)) == 0 && admins <= 1)
        rc = core__fail(s, AYNI_ESTATE, json_pack("{ss}", "name", name),
                        "'%s' is the last enabled admin: with it disabled nobody could add or "
                        "disable a device; add another admin first (device add NAME --role "
                        "admin)", name);
    if (rc)
        return core__finish(s, rc, NULL, result);
    json_t *res = json_pack("{ss ss sb}", "name", name, "role", role, "enabled", 0);
    rc = core__run(s, ST_DEV_DISABLE, "t", name);
    if (rc == 0 && enabled)
        rc = core__event(s, "device.disabled", json_pack("{ss}", "device", name));
    return core__finish(s, rc, res, result);
}

int
core_device_by_key(core_store_t *s, const char *key, char name[101], char role[16],
                   bool *enabled)
{
    sqlite3_stmt *st = core__query(s, ST_DEV_BY_KEY, "t", key);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : AYNI_ENOTFOUND;
    snprintf(name, 101, "%s", sqlite3_column_text(st, 0));
    snprintf(role, 16, "%s", sqlite3_column_text(st, 1));
    *enabled = sqlite3_column_int(st, 2) != 0;
    core__reset(st);
    return 0;
}

int
core_device_by_name(core_store_t *s, const char *name, char role[16], bool *enabled)
{
    if (!name)
        return AYNI_ENOTFOUND;
    sqlite3_stmt *st = core__query(s, ST_DEV_BY_NAME, "t", name);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : AYNI_ENOTFOUND;
    snprintf(role, 16, "%s", sqlite3_column_text(st, 0));
    *enabled = sqlite3_column_int(st, 1) != 0;
    core__reset(st);
    return 0;
}

int
core_device_team(core_store_t *s, const char *name, char team[101])
{
    team[0] = '\0';
    if (!name)
        return 0;
    sqlite3_stmt *st = core__query(s, ST_DEV_TEAM, "t", name);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc;
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        snprintf(team, 101, "%s", sqlite3_column_text(st, 0));
    core__reset(st);
    return 0;
}

int
core_device_admins(core_store_t *s, int64_t *count)
{
    return core__scalar(s, count, ST_DEV_ADMINS, "");
}
