/* test_wh_lang.c: ayni-warehouse speaks one language at a time: the same commands in
 * Spanish (the default, AYNI_LANG=es) and in English (AYNI_LANG=en, or LANG=en_*), each
 * output wholly in its language: help, wrong usage, "did you mean", tables, a shipment's
 * state, an import error, a refusal by the core; --state accepted in both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "mem.h"
#include "wh_cli.h"

struct fx {
    struct e2e *e;
    char *shipment; /* dispatched */
};

static int
s_setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    fx->e = e2e_new();
    e2e_start(fx->e);
    wh_seed_catalog(fx->e);
    struct e2e *e = fx->e;
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "CARE-PE",
                                "item", "HYGIENE-KIT", "lot", "LANG-1", "qty", 50)));
    json_t *sh = e2e_ok(e, "shipment.create", e2e_pack("{ss ss ss}", "from", "ALM-LIMA-SJL",
                                                       "to", "COM-HCO-SANTA-ROSA", "team",
                                                       "Equipo Huánuco"));
    fx->shipment = xstrdup(json_string_value(json_object_get(sh, "code")));
    json_decref(sh);
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", fx->shipment, "item",
                                "HYGIENE-KIT", "qty", 20, "packages", 2)));
    json_decref(e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", fx->shipment)));
    *state = fx;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *fx = *state;
    wh_set_lang(NULL);
    free(fx->shipment);
    e2e_teardown((void **)&fx->e);
    free(fx);
    return 0;
}

/* text has every word of want and none of avoid (NUL-separated lists). */
static void
s_words(const char *text, const char *want, const char *avoid)
{
    for (const char *w = want; *w; w += strlen(w) + 1)
        WH_HAS(text, w);
    for (const char *w = avoid; *w; w += strlen(w) + 1)
        WH_HASNT(text, w);
}

#define S_ES(text, want, avoid) s_words(text, want "\0", avoid "\0")

static void
test_help(void **state)
{
    struct fx *fx = *state;
    wh_set_lang("es");
    char *out = wh_expect(fx->e, 0, "--help", NULL);
    S_ES(out, "uso: ayni-warehouse\0Órdenes:\0añadir un artículo al catálogo\0Opciones generales",
         "usage:\0Commands\0add an item\0Global options");
    free(out);
    out = wh_expect(fx->e, 0, "shipment", "add", "--help", NULL);
    S_ES(out, "uso: ayni-warehouse shipment add CODE\0armar una línea\0(obligatoria)",
         "usage:\0pack a line\0(required)");
    free(out);
    wh_set_lang("en");
    out = wh_expect(fx->e, 0, "--help", NULL);
    S_ES(out, "usage: ayni-warehouse\0Commands:\0add an item to the catalog\0Global options",
         "uso:\0Órdenes\0añadir\0Opciones");
    free(out);
    out = wh_expect(fx->e, 0, "shipment", "add", "--help", NULL);
    S_ES(out, "usage: ayni-warehouse shipment add CODE\0pack a line\0(required)",
         "uso:\0armar\0obligatoria");
    free(out);
    /* a locale asks for English too, and no variable at all means Spanish */
    wh_set_lang("LANG=en_US.UTF-8");
    out = wh_expect(fx->e, 0, "--help", NULL);
    S_ES(out, "Commands:", "Órdenes");
    free(out);
    wh_set_lang("");
    out = wh_expect(fx->e, 0, "--help", NULL);
    S_ES(out, "Órdenes:", "Commands");
    free(out);
}

static void
test_usage_and_typos(void **state)
{
    struct fx *fx = *state;
    wh_set_lang("es");
    char *err = wh_expect_err(fx->e, 2, "shipment", "new", "--from", "ALM-LIMA-SJL", NULL);
    S_ES(err, "falta --to\0uso: ayni-warehouse shipment new", "missing\0usage");
    free(err);
    err = wh_expect_err(fx->e, 2, "shipmnet", "list", NULL);
    S_ES(err, "orden desconocida 'shipmnet': ¿quisiste decir 'shipment'?", "unknown\0did you");
    free(err);
    wh_set_lang("en");
    err = wh_expect_err(fx->e, 2, "shipment", "new", "--from", "ALM-LIMA-SJL", NULL);
    S_ES(err, "missing --to\0usage: ayni-warehouse shipment new", "falta\0uso:");
    free(err);
    err = wh_expect_err(fx->e, 2, "shipmnet", "list", NULL);
    S_ES(err, "unknown command 'shipmnet': did you mean 'shipment'?", "desconocida\0quisiste");
    free(err);
}

static void
test_tables_and_states(void **state)
{
    struct fx *fx = *state;
    wh_set_lang("es");
    char *out = wh_expect(fx->e, 0, "item", "list", NULL);
    S_ES(out, "CÓDIGO\0SEGUIMIENTO\0lote\0serie", "CODE\0TRACKING\0serial");
    free(out);
    out = wh_expect(fx->e, 0, "shipment", "show", fx->shipment, NULL);
    S_ES(out, "Envío \0despachado\0  desde  \0pendiente\0PAQUETE", "Shipment\0dispatched\0pending");
    free(out);
    wh_set_lang("en");
    out = wh_expect(fx->e, 0, "item", "list", NULL);
    S_ES(out, "CODE\0TRACKING\0lot\0serial", "CÓDIGO\0SEGUIMIENTO\0serie");
    free(out);
    out = wh_expect(fx->e, 0, "shipment", "show", fx->shipment, NULL);
    S_ES(out, "Shipment \0dispatched\0  from   \0pending\0PACKAGE", "Envío\0despachado\0pendiente");
    free(out);
    /* --state in either language, whatever the reader's */
    static const char *const langs[] = {"es", "en"};
    for (size_t l = 0; l < 2; l++) {
        wh_set_lang(langs[l]);
        for (const char *s = "despachado\0dispatched\0Despachado\0"; *s; s += strlen(s) + 1) {
            json_t *r = wh_json(fx->e, 0, "shipment", "list", "--state", s, NULL);
            assert_int_equal(json_array_size(r), 1);
            json_decref(r);
        }
    }
    wh_set_lang("en");
    out = wh_expect(fx->e, 0, "shipment", "list", "--state", "despachado", NULL);
    S_ES(out, "dispatched\0STATE", "despachado\0ESTADO");
    free(out);
    /* a state neither language has: wrong usage, told as the core's refusals are */
    char *err = wh_expect_err(fx->e, 2, "shipment", "list", "--state", "perdido", NULL);
    S_ES(err, "invalid --state: 'perdido' is not a state\0usage: ayni-warehouse shipment list",
         "no es un estado\0uso:");
    free(err);
    json_t *r = wh_json(fx->e, 2, "shipment", "list", "--state", "perdido", NULL);
    json_t *error = json_object_get(r, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "invalid_argument");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(error, "details"), "flag")), "--state");
    json_decref(r);
    wh_set_lang("es");
    err = wh_expect_err(fx->e, 2, "shipment", "list", "--state", "perdido", NULL);
    S_ES(err, "valor no válido para --state: 'perdido' no es un estado: usa borrador, despachado\0uso: ayni-warehouse",
         "is not a state\0usage:");
    free(err);
}

/* What the core refuses and what an import finds wrong read in the reader's language too:
 * the request carries it. */
static void
test_refusals_and_imports(void **state)
{
    struct fx *fx = *state;
    char *csv = wh_write(fx->e->dir, "donantes.csv", "code,name\nCARE-PE,CARE Perú otra vez\n");
    wh_set_lang("es");
    char *err = wh_expect_err(fx->e, 1, "stock", "--item", "HYGEINE-KIT", NULL);
    S_ES(err, "¿quisiste decir 'HYGIENE-KIT'?", "did you mean\0unknown");
    free(err);
    err = wh_expect_err(fx->e, 1, "import", "donors", csv, NULL);
    S_ES(err, "línea 2\0ya existe\0no se importó nada", "line 2\0already\0nothing was");
    free(err);
    wh_set_lang("en");
    err = wh_expect_err(fx->e, 1, "stock", "--item", "HYGEINE-KIT", NULL);
    S_ES(err, "did you mean 'HYGIENE-KIT'?", "quisiste\0desconocido");
    free(err);
    err = wh_expect_err(fx->e, 1, "import", "donors", csv, NULL);
    S_ES(err, "line 2\0already exists\0nothing was imported", "línea\0ya existe\0no se importó");
    free(err);
    free(csv);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_usage_and_typos),
        cmocka_unit_test(test_tables_and_states),
        cmocka_unit_test(test_refusals_and_imports),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: one language at a time", tests, s_setup,
                                       s_teardown);
}
