/* wh_states.c: a shipment's state as staff read and write it: in Spanish first
 * ("despachado"), and as the core's code ("dispatched"), which --state also accepts.
 * Calls the core only through wh_run_op. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wh.h"

static const struct {
    const char *code, *es, *also; /* also: other Spanish spellings accepted */
} s_states[] = {
    {"draft", "borrador", "borradores"},
    {"dispatched", "despachado", "despachados en camino"},
    {"partial", "entregado parcialmente", "parcial parcialmente"},
    {"delivered", "entregado", "entregados"},
    {"cancelled", "anulado", "anulados cancelado cancelados"},
};
#define S_N (sizeof s_states / sizeof s_states[0])

const char *
wh_state_es(const char *code)
{
    for (size_t i = 0; i < S_N; i++)
        if (code && !strcmp(code, s_states[i].code))
            return s_states[i].es;
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
        if (!strcasecmp(given, s_states[i].code) || !strcasecmp(given, s_states[i].es) ||
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
            wh_error("--state '%s' no es un estado: use borrador, despachado, entregado "
                     "parcialmente, entregado o anulado (o draft, dispatched, partial, "
                     "delivered, cancelled)", given);
            json_decref(args);
            return WH_USAGE;
        }
        json_object_set_new(args, "state", json_string(code));
    }
    return wh_run_op(w, c, args);
}
