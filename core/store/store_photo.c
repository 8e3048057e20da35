/* store_photo.c: the photos a delivery team takes of what arrived, kept by the SHA-256 of
 * their bytes.
 *
 * A photo is sent once (photo.put) and then named by its hash in a confirmation, so that
 * a confirmation stays small and a photo sent again, after a lost answer, is the same row.
 * Only what a phone's camera makes is kept: JPEG or PNG, told by their first bytes, at
 * most CORE_PHOTO_MAX bytes.  The bytes are kept as they came; nothing here decodes them.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"

/* The type whose magic bytes data starts with, or NULL. */
static const char *
s_type(const unsigned char *data, size_t len)
{
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF};
    static const unsigned char png[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    if (len >= sizeof jpeg && !memcmp(data, jpeg, sizeof jpeg))
        return "image/jpeg";
    if (len >= sizeof png && !memcmp(data, png, sizeof png))
        return "image/png";
    return NULL;
}

static bool
s_sha256_ok(const char *hex)
{
    if (!hex || strlen(hex) != 64)
        return false;
    for (const char *p = hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* The bytes, checked: size, type, and the hash the client gave (*type: the type). */
static int
s_check(core_store_t *s, const unsigned char *data, size_t len, const char *sha256,
        const char **type)
{
    if (!s_sha256_ok(sha256))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "sha256"),
                          "sha256 must be the SHA-256 of the photo's bytes as 64 lower-case "
                          "hex digits");
    if (len == 0)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "data"),
                          "the photo is empty: send the bytes of a JPEG or PNG");
    if (len > CORE_PHOTO_MAX)
        return core__fail(s, AYNI_ETOOBIG,
                          json_pack("{ss sI sI}", "field", "data", "size", (json_int_t)len,
                                    "limit", (json_int_t)CORE_PHOTO_MAX),
                          "the photo has %zu bytes, more than the %ld KiB one may have: send "
                          "it smaller (fewer pixels, or more JPEG compression)",
                          len, CORE_PHOTO_MAX / 1024);
    if (!(*type = s_type(data, len)))
        return core__fail(s, AYNI_EINVAL,
                          json_pack("{ss s[ss]}", "field", "data", "allowed", "image/jpeg",
                                    "image/png"),
                          "the photo is neither a JPEG nor a PNG image: only those two types "
                          "are kept");
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    if (strcmp(hex, sha256))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss ss}", "field", "sha256", "actual", hex),
                          "sha256 '%s' is not the SHA-256 of the photo's bytes (%s): the "
                          "photo was damaged on the way, or the hash is of other bytes; send "
                          "it again", sha256, hex);
    return 0;
}

int
core_photo_put(core_store_t *s, const void *data, size_t len, const char *sha256,
               json_t **result)
{
    core__clear_error(s);
    const char *type = NULL;
    int rc = s_check(s, data, len, sha256, &type);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_PHOTO_GET, "t", sha256);
    if ((rc = core__step(s, st)) < 0)
        return rc;
    if (rc == 1) { /* the same bytes (the same hash): kept already */
        *result = json_pack("{ss s:o sI sb}", "sha256", sha256, "type", core__jstr(st, 0),
                            "bytes", (json_int_t)sqlite3_column_int64(st, 1), "repeat", 1);
        core__reset(st);
        return 0;
    }
    char now[21];
    core__now_iso(s, now);
    if ((rc = core__tx_begin(s)))
        return rc;
    json_t *res = json_pack("{ss ss sI sb}", "sha256", sha256, "type", type, "bytes",
                            (json_int_t)len, "repeat", 0);
    rc = core__run(s, ST_PHOTO_INSERT, "ttIbtt", sha256, type, (int64_t)len, data, len, now,
                   s->actor);
    if (rc == 0)
        rc = core__event(s, "photo.stored",
                         /* "type" of an event body is the event's (store_events.c) */
                         json_pack("{ss ss sI}", "sha256", sha256, "media_type", type, "bytes",
                                   (json_int_t)len));
    return core__finish(s, rc, res, result);
}

int
core__photo_known(core_store_t *s, const char *sha256)
{
    if (!s_sha256_ok(sha256))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", "photo"),
                          "photo must be the SHA-256 of a stored photo, as 64 lower-case hex "
                          "digits");
    sqlite3_stmt *st = core__query(s, ST_PHOTO_GET, "t", sha256);
    int rc = core__step(s, st);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        core__reset(st);
        return 0;
    }
    return core__fail(s, AYNI_ENOTFOUND, json_pack("{ss ss}", "field", "photo", "sha256", sha256),
                      "photo '%s' is not stored: send it with photo.put first, then confirm "
                      "again", sha256);
}
