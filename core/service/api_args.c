/* api_args.c: the request in hand: failing it with a code and a message, and checking
 * its arguments against a spec (known names, types, required ones).  Below the dispatcher
 * (api.c) and the handlers (api_ops.c), which both call it; it calls neither.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "error.h"
#include "lang.h"
#include "mem.h"
#include "spelling.h"

int
api_fail(struct api *a, int code, json_t *details, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[sizeof a->err.message];
    vsnprintf(msg, sizeof msg, ayni_tr(fmt), ap);
    va_end(ap);
    proto_error_set(&a->err, code, details, "%s", msg);
    return code;
}

/* The nearest of the NULL-terminated names to word, or NULL if none is near. */
const char *
api_nearest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (; *names; names++) {
        size_t d = ayni_edit_distance(word, *names);
        if (d < bestd) {
            bestd = d;
            best = *names;
        }
    }
    return best && ayni_near_enough(word, bestd) ? best : NULL;
}

static bool
s_type_ok(json_t *v, char type)
{
    switch (type) {
    case 's': return json_is_string(v);
    case 'i': return json_is_integer(v);
    case 'b': return json_is_boolean(v);
    case 'a':
    case 'p': return json_is_array(v);
    case 'o': return json_is_object(v);
    case 'j': return true;
    default: assert(!"bad arg type"); return false;
    }
}

static const char *
s_type_name(char type)
{
    switch (type) {
    case 's': return _("a string");
    case 'i': return _("an integer");
    case 'b': return _("true or false");
    case 'a':
    case 'p': return _("an array");
    default: return _("an object");
    }
}

int
api_check_args(struct api *a, const char *what, const struct api_arg *specs, json_t *args)
{
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v) {
        const struct api_arg *spec = specs;
        while (spec->name && strcmp(spec->name, key))
            spec++;
        if (!spec->name) {
            const char *names[32];
            size_t n = 0;
            for (spec = specs; spec->name && n < 31; spec++)
                names[n++] = spec->name;
            names[n] = NULL;
            const char *hint = api_nearest(key, names);
            json_t *d = json_pack("{ss}", "field", key);
            if (hint)
                return api_fail(a, AYNI_EBADREQ, d,
                                "unknown argument '%s' for '%s': did you mean '%s'?", key, what,
                                hint);
            return api_fail(a, AYNI_EBADREQ, d, "unknown argument '%s' for '%s'", key, what);
        }
        if (json_is_null(v) && !spec->required)
            continue;
        if (!s_type_ok(v, spec->type))
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", key),
                            "argument '%s' of '%s' must be %s", key, what,
                            s_type_name(spec->type));
    }
    for (const struct api_arg *spec = specs; spec->name; spec++)
        if (spec->required && !json_object_get(args, spec->name))
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", spec->name),
                            "argument '%s' of '%s' is required", spec->name, what);
    return 0;
}

/* ---- reading arguments in handlers (types are already checked) ---- */

const char *
api_str(json_t *args, const char *key)
{
    return json_string_value(json_object_get(args, key));
}

long
api_int(json_t *args, const char *key, long dflt)
{
    json_t *v = json_object_get(args, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

/* One rule for every list inside arguments (serials, lines, rows): at least min and at
 * most PROTO_MAX_LIST entries, else invalid_argument naming the field. */
int
api_list_size(struct api *a, json_t *arr, const char *key, size_t min)
{
    size_t n = json_array_size(arr);
    if (n >= min && n <= PROTO_MAX_LIST)
        return 0;
    json_t *d = json_pack("{sssIsI}", "field", key, "count", (json_int_t)n, "max",
                          (json_int_t)PROTO_MAX_LIST);
    if (n < min)
        return api_fail(a, AYNI_EINVAL, d, "'%s' is empty: give 1 to %d entries", key,
                        PROTO_MAX_LIST);
    return api_fail(a, AYNI_EINVAL, d,
                    "'%s' holds %zu entries, more than the %d one request may carry: send "
                    "the rest in another request", key, n, PROTO_MAX_LIST);
}

/* args[key] as an array of strings in *out (borrowed from args; free the array only). */
static int
s_strings(struct api *a, json_t *args, const char *key, const char ***out, size_t *n)
{
    json_t *arr = json_object_get(args, key), *v;
    size_t i;
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr))
        return 0;
    int rc = api_list_size(a, arr, key, 0);
    if (rc)
        return rc;
    *out = xcalloc(json_array_size(arr) + 1, sizeof **out);
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v)) {
            free(*out);
            *out = NULL;
            return api_fail(a, AYNI_EBADREQ, json_pack("{ss}", "field", key),
                            "'%s' must be an array of strings", key);
        }
        (*out)[(*n)++] = json_string_value(v);
    }
    return 0;
}

/* A take: item, lot, qty, serials. */
int
api_take(struct api *a, json_t *args, struct core_take *t)
{
    memset(t, 0, sizeof *t);
    t->item = api_str(args, "item");
    t->lot = api_str(args, "lot");
    t->qty = api_int(args, "qty", 0);
    return s_strings(a, args, "serials", (const char ***)&t->serials, &t->nserials);
}
