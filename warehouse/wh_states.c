/* wh_states.c: a shipment's state as staff read and write it: in the reader's language
 * ("despachado", "dispatched"; gettext, context "shipment state"), and as the core's
 * code, which --state also accepts, as it accepts either language's words.  Calls the
 * core only through wh_run_op. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "lang.h"
#include "wh.h"

static const struct {
    const char *code, *name; /* name: English, translated in context "shipment state" */
    const char *also;        /* other spellings accepted, space separated */
} s_states[] = {
    {"draft", NC_("shipment state", "draft"), "borradores drafts"},
    {"dispatched", NC_("shipment state", "dispatched"), "despachados en camino"},
    {"partial", NC_("shipment state", "partially delivered"), "parcial parcialmente"},
    {"delivered", NC_("shipment state", "delivered"), "entregados"},
    {"cancelled", NC_("shipment state", "cancelled"), "anulados cancelado cancelados canceled"},
};
#define S_N (sizeof s_states / sizeof s_states[0])

const char *
wh_state_name(const char *code)
{
    for (size_t i = 0; i < S_N; i++)
        if (code && !strcmp(code, s_states[i].code))
            return C_("shipment state", s_states[i].name);
    return code ? code : "";
}

/* True if word is one of the space-separated words of list (case ignored). */
static bool
s_in(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, " ");
        if (m == n && !strncasecmp(p, word, n))
            return true;
        p += m + (p[m] == ' ');
    }
    return false;
}

const char *
wh_state_code(const char *given)
{
    for (size_t i = 0; i < S_N; i++)
        if (!strcasecmp(given, s_states[i].code) || !strcasecmp(given, s_states[i].name) ||
            !strcasecmp(given, ayni_ptr_in("es", "shipment state", s_states[i].name)) ||
            s_in(given, s_states[i].also))
            return s_states[i].code;
    return NULL;
}

int
wh_run_shipment_list(struct wh *w, const struct wh_cmd *c, json_t *args)
{
    const char *given = wh_s(args, "state");
    if (*given) {
        const char *code = wh_state_code(given);
        if (!code) {
            /* wrong usage, told as a value the core refused is: the flag, the right form,
             * and the error object with --json */
            proto_error_set(&w->err, AYNI_EINVAL, json_pack("{ss ss}", "field", "state", "value",
                                                            given),
                            "'%s' is not a state: use draft, dispatched, partially delivered, "
                            "delivered or cancelled",
                            given);
            json_decref(args);
            return wh_report(w);
        }
        json_object_set_new(args, "state", json_string(code));
    }
    return wh_run_op(w, c, args);
}
