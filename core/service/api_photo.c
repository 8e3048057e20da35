/* api_photo.c: what a phone adds to a delivery: the op photo.put (a photo sent once,
 * named by its SHA-256 afterwards), and the photo and position arguments of
 * delivery.confirm, read into the store's struct.  The wire's side only: base64 and the
 * shape of the JSON; what a photo or a position may be is the store's rule
 * (store_photo.c, store_delivery.c).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"

int
api_photo_put(struct api *a, json_t *args, json_t **r)
{
    json_t *data = json_object_get(args, "data");
    const char *b64 = json_string_value(data);
    size_t len = json_string_length(data), max = len / 4 * 3 + 3, n = 0;
    unsigned char *bytes = xmalloc(max);
    /* Standard base64 with its padding; the line breaks of a MIME encoder are let by. */
    if (sodium_base642bin(bytes, max, b64, len, "\r\n", &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(bytes);
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "data"),
                        "data is not standard base64 (A-Z, a-z, 0-9, + and /, padded with =): "
                        "encode the photo's bytes again");
    }
    int rc = core_photo_put(a->store, bytes, n, json_string_value(json_object_get(args, "sha256")),
                            r);
    free(bytes);
    return rc;
}

/* A position's one coordinate: a number of degrees. */
static bool
s_degrees(json_t *position, const char *key, double *out)
{
    json_t *v = json_object_get(position, key);
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

int
api_delivery_photo_position(struct api *a, json_t *args, struct core_delivery *d)
{
    json_t *position = json_object_get(args, "position");
    d->photo = json_string_value(json_object_get(args, "photo"));
    d->has_position = false;
    if (!position || json_is_null(position))
        return 0;
    /* Exactly the two numbers: a finer field (an address, an accuracy) is not kept. */
    if (!json_is_object(position) || json_object_size(position) != 2 ||
        !s_degrees(position, "lat", &d->lat) || !s_degrees(position, "lon", &d->lon))
        return api_fail(a, AYNI_EINVAL, json_pack("{ss}", "field", "position"),
                        "position must be {\"lat\": degrees, \"lon\": degrees}, two numbers "
                        "and nothing else, or left out");
    d->has_position = true;
    return 0;
}
