/* store_devices.c: the registered client devices (name, role, CURVE public key,
 * enabled, team: a scanner works for one team and sees only its shipments).  A device
 * is never deleted, only disabled, so the ledger's actors stay meaningful.  Key
 * material here is public keys, and the hashes of phones' enrolment codes and device
 * secrets (never the codes or secrets themselves). */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store_int.h"

static const char *const s_roles[] = {"scanner", "warehouse", "reader", "admin", "gateway",
                                      NULL};

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
                          "role must be scanner, warehouse, reader, admin or gateway");
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

/* ---- phones: enrolment codes and device secrets (docs/WEB.md) ---- */

/* BLAKE2b-256 of text, as 64 lower-case hex digits.  Codes and secrets are random (128
 * and 256 bits), so a fast hash is right: there is nothing to guess by brute force. */
static void
s_hash_hex(const char *text, char out[65])
{
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)text, strlen(text), NULL, 0);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}

/* n random bytes as upper-case Base32 without padding (RFC 4648 alphabet), into out. */
static void
s_random_base32(size_t n, char *out, size_t cap)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char bytes[32];
    assert(n <= sizeof bytes && cap > (n * 8 + 4) / 5);
    randombytes_buf(bytes, n);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | bytes[i];
        for (bits += 8; bits >= 5; bits -= 5)
            out[o++] = alphabet[(acc >> (bits - 5)) & 31];
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
    sodium_memzero(bytes, sizeof bytes);
}

/* The scanner that will enrol: an existing enabled one, or a new phone (no CURVE key)
 * when team is given and the name is free. */
static int
s_enrol_target(core_store_t *s, const char *name, const char *want, const char *team,
               bool *created)
{
    char role[16];
    bool enabled = false;
    *created = false;
    int rc = core__check_lot_code(s, "name", name);
    if (rc)
        return rc;
    if (want && strcmp(want, "scanner") && strcmp(want, "reader"))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "role"),
                          "role must be scanner (a phone) or reader (a coordinator's browser), "
                          "not '%s'", want);
    /* A reader sees every team's work: a team on it would mean nothing. */
    if (want && !strcmp(want, "reader") && team && *team)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "team"),
                          "a reader has no team: leave 'team' out for a reader");
    rc = core_device_by_name(s, name, role, &enabled);
    bool reader = want && !strcmp(want, "reader");
    if (rc == AYNI_ENOTFOUND && (reader || (team && *team))) {
        if (!reader && (rc = core__check_text(s, "team", team, true, 100)))
            return rc;
        char now[21];
        core__now_iso(s, now);
        const char *r = reader ? "reader" : "scanner";
        rc = core__run(s, ST_DEV_PHONE_INSERT, "tttt", name, r, now, reader ? NULL : team);
        if (rc == 0)
            rc = core__event(s, "device.added",
                             reader ? json_pack("{ss ss}", "device", name, "role", r)
                                    : json_pack("{ss ss ss}", "device", name, "role", r, "team",
                                                team));
        *created = rc == 0;
        return rc;
    }
    if (rc == AYNI_ENOTFOUND)
        return core__fail(s, AYNI_ENOTFOUND, json_pack("{ss}", "name", name),
                          "unknown device '%s': give 'team' to register it as a new phone, or "
                          "'role' reader for a new reader, or list the devices with 'device "
                          "list'", name);
    if (rc)
        return rc;
    if (strcmp(role, "scanner") && strcmp(role, "reader"))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "name"),
                          "'%s' is a %s device: only a scanner or a reader can be enrolled "
                          "through the gateway", name, role);
    if (want && strcmp(role, want))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss ss}", "field", "role", "role", role),
                          "'%s' is a %s, not a %s: leave 'role' out, or register the new "
                          "device under another name", name, role, want);
    if (!enabled)
        return core__fail(s, AYNI_ESTATE, json_pack("{ss}", "name", name),
                          "'%s' is disabled: a disabled device cannot be enrolled; register "
                          "the phone under a new name", name);
    return 0;
}

int
core_device_enrol_code(core_store_t *s, const char *name, const char *role, const char *team,
                       int64_t ttl_s, json_t **result)
{
    core__clear_error(s);
    if (ttl_s < 60 || ttl_s > 30 * 86400)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "ttl_s"),
                          "ttl_s must be between 60 seconds and 30 days (2592000)");
    int rc = core__tx_begin(s);
    if (rc)
        return rc;
    bool created = false;
    if ((rc = s_enrol_target(s, name, role, team, &created)))
        return core__finish(s, rc, NULL, result);
    char code[27], hash[65], expires[21];
    s_random_base32(16, code, sizeof code); /* 128 bits: 26 characters */
    s_hash_hex(code, hash);
    time_t until = core_store_now(s) + (time_t)ttl_s;
    struct tm tm;
    gmtime_r(&until, &tm);
    strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *res = NULL;
    rc = core__run(s, ST_DEV_ENROL_SET, "ttt", name, hash, expires);
    if (rc == 0) {
        res = json_pack("{ss ss ss sb}", "name", name, "code", code, "expires_at", expires,
                        "created", created);
        rc = core__event(s, "device.enrol_code",
                         json_pack("{ss ss}", "device", name, "expires_at", expires));
    }
    sodium_memzero(code, sizeof code);
    return core__finish(s, rc, res, result);
}

/* The device whose enrolment code hashes to hash: its name, team, and whether the code can
 * still be redeemed (a clear error if not). */
static int
s_enrol_find(core_store_t *s, const char *hash, char name[101], char role[16], char team[101])
{
    sqlite3_stmt *st = core__query(s, ST_DEV_BY_ENROL, "t", hash);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc
                      : core__fail(s, AYNI_ENOTFOUND, json_pack("{ss}", "field", "code"),
                                   "unknown enrolment code: scan the sheet again, or ask for a "
                                   "new one");
    char expires[21], used[21] = "";
    snprintf(name, 101, "%s", sqlite3_column_text(st, 0));
    snprintf(role, 16, "%s", sqlite3_column_text(st, 1));
    bool enabled = sqlite3_column_int(st, 2) != 0;
    snprintf(expires, sizeof expires, "%s", sqlite3_column_text(st, 3));
    if (sqlite3_column_type(st, 4) != SQLITE_NULL)
        snprintf(used, sizeof used, "%s", sqlite3_column_text(st, 4));
    team[0] = '\0';
    if (sqlite3_column_type(st, 5) != SQLITE_NULL)
        snprintf(team, 101, "%s", sqlite3_column_text(st, 5));
    core__reset(st);
    char now[21];
    core__now_iso(s, now);
    if (*used)
        return core__fail(s, AYNI_ESTATE, json_pack("{ss ss}", "field", "code", "used_at", used),
                          "this enrolment code was already used (%s): each code works once; "
                          "ask for a new enrolment sheet", used);
    if (strcmp(now, expires) >= 0)
        return core__fail(s, AYNI_ESTATE,
                          json_pack("{ss ss}", "field", "code", "expires_at", expires),
                          "this enrolment code expired (%s): ask for a new enrolment sheet",
                          expires);
    if (!enabled)
        return core__fail(s, AYNI_EDENIED, json_pack("{ss}", "device", name),
                          "device '%s' is disabled", name);
    return 0;
}

int
core_device_enrol(core_store_t *s, const char *code, json_t **result)
{
    core__clear_error(s);
    if (!code || !*code || strlen(code) > 64)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "code"),
                          "code must be the enrolment code of the sheet (26 letters and digits)");
    int rc = core__tx_begin(s);
    if (rc)
        return rc;
    char hash[65], name[101], role[16], team[101];
    s_hash_hex(code, hash);
    if ((rc = s_enrol_find(s, hash, name, role, team)))
        return core__finish(s, rc, NULL, result);
    char secret[53], secret_hash[65], now[21];
    s_random_base32(32, secret, sizeof secret); /* 256 bits: 52 characters */
    s_hash_hex(secret, secret_hash);
    core__now_iso(s, now);
    json_t *res = NULL;
    rc = core__run(s, ST_DEV_ENROL_USE, "ttt", name, secret_hash, now);
    if (rc == 0) {
        res = json_pack("{ss ss ss s:s?}", "name", name, "role", role, "secret", secret,
                        "team", *team ? team : NULL);
        rc = core__event(s, "device.enrolled", json_pack("{ss}", "device", name));
    }
    sodium_memzero(secret, sizeof secret);
    return core__finish(s, rc, res, result);
}

int
core_device_by_secret(core_store_t *s, const char *name, const char *secret, char role[16],
                      bool *enabled)
{
    if (!name || !secret)
        return AYNI_EDENIED;
    sqlite3_stmt *st = core__query(s, ST_DEV_SECRET, "t", name);
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    char want[65] = "", got[65];
    if (rc > 0) {
        snprintf(role, 16, "%s", sqlite3_column_text(st, 0));
        *enabled = sqlite3_column_int(st, 1) != 0;
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            snprintf(want, sizeof want, "%s", sqlite3_column_text(st, 2));
        core__reset(st);
    }
    /* Hash even for an unknown name, and compare in constant time, so that timing says
     * nothing about which names exist or how much of a secret was right. */
    s_hash_hex(secret, got);
    bool ok = strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0;
    return ok ? 0 : AYNI_EDENIED;
}
