/* api_args.c: the request in hand: failing it with a code and a message, and checking
 * its arguments against a spec (known names, types, required ones).  Below the dispatcher
 * (api.c) and the handlers (api_ops.c), which both call it; it calls neither.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "error.h"
#include "lang.h"
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
