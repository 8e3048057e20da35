/* test_wh_shipment.c: `shipment new/add/dispatch/cancel/show/list` through the real
 * ayni-warehouse: `shipment new` prints the code alone on its last line (for scripts),
 * quantities carry their unit, tables line up, --json parsed back, refusals exit 1 and
 * change nothing.  A fresh aynid with the demo catalog and some stock for each test.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "wh_cli.h"

static int
s_setup(void **state)
{
    struct e2e *e = e2e_new();
    e2e_start(e);
    wh_seed_catalog(e);
    char later[11];
    e2e_date(400, later);
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "SOFTYS", "item",
                                "HYGIENE-KIT", "lot", "SOF-HIG-2611", "qty", 400)));
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "AECID",
                                "item", "MEDICAL-KIT", "lot", "AECID-BOT-2709", "expiry", later,
                                "qty", 60)));
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss s[ssss]}", "at", "ALM-LIMA-SJL", "donor", "AECID",
                                "item", "TABLET", "serials", "TAB-AE-0010", "TAB-AE-0011",
                                "TAB-AE-0012", "TAB-AE-0013")));
    *state = e;
    return 0;
}

/* True if s is a shipment code and nothing else: ENV-YYYY-NNNNNN. */
static bool
s_is_code(const char *s)
{
    if (strlen(s) != 15 || strncmp(s, "ENV-", 4) || s[8] != '-')
        return false;
    for (int i = 4; i < 15; i++)
        if (i != 8 && !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* `shipment new` as a script uses it: the code, from the last line. */
static char *
s_new(struct e2e *e, const char *to, const char *team)
{
    char *out = wh_expect(e, 0, "shipment", "new", "--from", "ALM-LIMA-SJL", "--to", to,
                          "--team", team, NULL);
    char *code = wh_last_line(out);
    if (!s_is_code(code))
        fail_msg("the last line of 'shipment new' is not the code alone: '%s' in\n%s", code, out);
    free(out);
    return code;
}

/* The part of text from the line that starts with head (a table), as a new string. */
static char *
s_table(const char *text, const char *head)
{
    const char *at = strstr(text, head);
    if (!at)
        fail_msg("no table starting with '%s' in:\n%s", head, text);
    const char *end = strstr(at, "\n\n");
    return end ? xstrndup(at, (size_t)(end - at) + 1) : xstrdup(at);
}

static void
test_new_prints_code_last(void **state)
{
    struct e2e *e = *state;
    char *out = wh_expect(e, 0, "shipment", "new", "--from", "alm-lima-sjl", "--to",
                          "com-hco-santa-rosa", "--team", "Equipo Huánuco", "--vehicle",
                          "Camión HCO-205", NULL);
    WH_HAS(out, "Comunidad Santa Rosa");
    WH_HAS(out, "Huánuco");
    char *code = wh_last_line(out);
    assert_true(s_is_code(code));
    assert_int_equal(wh_count(out, code), 1); /* only on its own line */
    json_t *s = e2e_ok(e, "shipment.get", e2e_pack("{ss}", "shipment", code));
    assert_string_equal(json_string_value(json_object_get(s, "state")), "draft");
    assert_string_equal(json_string_value(json_object_get(s, "vehicle")), "Camión HCO-205");
    json_decref(s);
    free(code);
    free(out);

    json_t *r = wh_json(e, 0, "shipment", "new", "--from", "ALM-LIMA-SJL", "--to",
                        "COM-CUSCO-QUELLO", NULL);
    assert_true(s_is_code(json_string_value(json_object_get(r, "code"))));
    assert_string_equal(json_string_value(json_object_get(r, "state")), "draft");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r, "to"), "name")), "Q'ero Hatun");
    json_decref(r);

    char *err = wh_expect_err(e, 1, "shipment", "new", "--from", "ALM-LIMA-SJL", "--to",
                              "ALM-LIMA-VES", NULL);
    WH_HAS(err, "ALM-LIMA-VES");
    free(err);
    err = wh_expect_err(e, 2, "shipment", "new", "--from", "ALM-LIMA-SJL", NULL);
    WH_HAS(err, "falta --to");
    WH_HAS(err, "uso: ayni-warehouse shipment new --from WH --to COMMUNITY");
    free(err);
}

static void
test_pack_show_dispatch(void **state)
{
    struct e2e *e = *state;
    char *code = s_new(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco");
    char *out = wh_expect(e, 0, "shipment", "add", code, "--item", "hygiene-kit", "--qty", "40",
                          "--packages", "4", NULL);
    WH_HAS(out, "40 kit");
    WH_HAS(out, "4 paquetes");
    WH_HAS(out, "SOF-HIG-2611");
    free(out);
    json_t *r = wh_json(e, 0, "shipment", "add", code, "--item", "MEDICAL-KIT", "--qty", "8",
                        NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "line")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "qty")), 8);
    assert_int_equal(json_integer_value(json_object_get(r, "packages")), 1);
    json_decref(r);
    out = wh_expect(e, 0, "shipment", "add", code, "--item", "TABLET", "--serials",
                    "TAB-AE-0010,TAB-AE-0011", NULL);
    WH_HAS(out, "2 unidad");
    WH_HAS(out, "TAB-AE-0010");
    free(out);

    out = wh_expect(e, 0, "shipment", "show", code, NULL);
    char *title = xasprintf("Envío %s · borrador", code); /* states in Spanish */
    WH_HAS(out, title);
    WH_HAS(out, "Comunidad Santa Rosa (COM-HCO-SANTA-ROSA), Amarilis, Huánuco");
    WH_HAS(out, "Equipo Huánuco");
    WH_HAS(out, "40 kit");
    WH_HAS(out, "2 unidad");
    char *table = s_table(out, "LÍNEA");
    wh_assert_aligned(table, "rl.rl");
    free(table);
    free(title);
    free(out);
    r = wh_json(e, 0, "shipment", "show", code, NULL);
    assert_int_equal(json_array_size(json_object_get(r, "lines")), 3);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "draft");
    json_decref(r);

    out = wh_expect(e, 0, "shipment", "dispatch", code, NULL);
    WH_HAS(out, "despachado");
    WH_HAS(out, "10 kit"); /* each of the four packages of line 1 */
    WH_HAS(out, "pendiente");
    table = s_table(out, "PAQUETE  ");
    wh_assert_aligned(table, "rr.l");
    assert_int_equal(wh_count(table, "\n"), 1 + 6); /* header and six packages */
    free(table);
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 360);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "MEDICAL-KIT"), 52);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "TABLET"), 2);

    /* --json dispatch: the shipment with its signed tokens. */
    char *second = s_new(e, "COM-CUSCO-QUELLO", "Equipo Cusco");
    free(wh_expect(e, 0, "shipment", "add", second, "--item", "HYGIENE-KIT", "--qty", "20",
                   "--packages", "2", NULL));
    r = wh_json(e, 0, "shipment", "dispatch", second, NULL);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "dispatched");
    assert_true(json_string_length(json_object_get(r, "token")) > 0);
    assert_int_equal(json_array_size(json_object_get(r, "packages")), 2);
    json_decref(r);
    free(second);
    free(code);
}

static void
test_list(void **state)
{
    struct e2e *e = *state;
    char *a = s_new(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco");
    char *b = s_new(e, "COM-CAJ-82015", "Equipo Cajamarca");
    free(wh_expect(e, 0, "shipment", "add", a, "--item", "HYGIENE-KIT", "--qty", "10", NULL));
    free(wh_expect(e, 0, "shipment", "dispatch", a, NULL));

    char *out = wh_expect(e, 0, "shipment", "list", NULL);
    WH_HAS(out, a);
    WH_HAS(out, b);
    WH_HAS(out, "I.E. Nº 82015 Las Niñas de Cajamarca");
    WH_HAS(out, "Huánuco");
    wh_assert_aligned(out, "llllllr");
    free(out);
    out = wh_expect(e, 0, "shipment", "list", "--state", "dispatched", NULL);
    WH_HAS(out, a);
    WH_HASNT(out, b);
    free(out);
    json_t *r = wh_json(e, 0, "shipment", "list", "--state", "draft", NULL);
    assert_int_equal(json_array_size(r), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "code")), b);
    json_decref(r);
    r = wh_json(e, 0, "shipment", "list", NULL);
    assert_int_equal(json_array_size(r), 2);
    json_decref(r);
    out = wh_expect(e, 0, "shipment", "list", "--state", "delivered", NULL);
    WH_HAS(out, "no hay envíos");
    free(out);
    /* the state in Spanish, either way round, and shown so */
    out = wh_expect(e, 0, "shipment", "list", "--state", "Despachado", NULL);
    WH_HAS(out, a);
    WH_HAS(out, "despachado");
    WH_HASNT(out, "dispatched");
    WH_HASNT(out, b);
    free(out);
    r = wh_json(e, 0, "shipment", "list", "--state", "borrador", NULL);
    assert_int_equal(json_array_size(r), 1);
    json_decref(r);
    char *err = wh_expect_err(e, 2, "shipment", "list", "--state", "despachadoo", NULL);
    WH_HAS(err, "valor no válido para --state: 'despachadoo' no es un estado");
    free(err);
    free(a);
    free(b);
}

static void
test_cancel(void **state)
{
    struct e2e *e = *state;
    char *code = s_new(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco");
    free(wh_expect(e, 0, "shipment", "add", code, "--item", "HYGIENE-KIT", "--qty", "50",
                   "--packages", "5", NULL));
    free(wh_expect(e, 0, "shipment", "dispatch", code, NULL));
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 350);
    char *out = wh_expect(e, 0, "shipment", "cancel", code, "--reason", "carretera bloqueada",
                          NULL);
    WH_HAS(out, code);
    WH_HAS(out, "carretera bloqueada");
    WH_HAS(out, "50");
    free(out);
    assert_int_equal(wh_stock(e, "ALM-LIMA-SJL", "HYGIENE-KIT"), 400);
    out = wh_expect(e, 0, "shipment", "show", code, NULL);
    WH_HAS(out, "anulado");
    WH_HAS(out, "carretera bloqueada");
    free(out);

    char *draft = s_new(e, "COM-CUSCO-QUELLO", "Equipo Cusco");
    json_t *r = wh_json(e, 0, "shipment", "cancel", draft, "--reason", "sin vehículo", NULL);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "cancelled");
    assert_string_equal(json_string_value(json_object_get(r, "reason")), "sin vehículo");
    json_decref(r);

    char *err = wh_expect_err(e, 1, "shipment", "cancel", code, "--reason", "otra vez", NULL);
    WH_HAS(err, "anulado");
    free(err);
    err = wh_expect_err(e, 2, "shipment", "cancel", code, NULL);
    WH_HAS(err, "falta --reason");
    free(err);
    free(draft);
    free(code);
}

/* Refusals exit 1, say why, and leave the stock as it was. */
static void
test_refusals(void **state)
{
    struct e2e *e = *state;
    char *code = s_new(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco");
    json_t *before = e2e_ok(e, "stock.levels", NULL);
    char *err = wh_expect_err(e, 1, "shipment", "add", code, "--item", "HYGIENE-KIT", "--qty",
                              "401", NULL);
    WH_HAS(err, "no hay stock suficiente de 'HYGIENE-KIT' en 'ALM-LIMA-SJL'");
    free(err);
    err = wh_expect_err(e, 1, "shipment", "add", code, "--item", "TABLET", "--serials",
                        "TAB-AE-0099", NULL);
    WH_HAS(err, "TAB-AE-0099");
    free(err);
    err = wh_expect_err(e, 1, "shipment", "dispatch", code, NULL); /* nothing packed */
    WH_HAS(err, code);
    free(err);
    json_t *after = e2e_ok(e, "stock.levels", NULL);
    assert_true(json_equal(before, after));
    json_decref(before);
    json_decref(after);

    /* A typo in a shipment code is usually another real shipment's code: the near codes
     * are listed, none is offered as "did you mean" (it once was, to dispatch and cancel
     * too), and nothing changes. */
    char *other = s_new(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco");
    free(wh_expect(e, 0, "shipment", "add", other, "--item", "HYGIENE-KIT", "--qty", "1", NULL));
    char *typo = xstrdup(code);
    typo[strlen(typo) - 1] = '7';
    static const char *const verbs[][4] = {{"show"}, {"dispatch"}, {"cancel", "--reason", "x"}};
    for (size_t v = 0; v < 3; v++) {
        err = wh_expect_err(e, 1, "shipment", verbs[v][0], typo, verbs[v][1], verbs[v][2], NULL);
        char *near = xasprintf("'%s', '%s'", code, other);
        WH_HAS(err, near);
        WH_HAS(err, "no se hizo nada");
        assert_null(strstr(err, "quisiste decir"));
        free(near);
        free(err);
    }
    json_t *sh = e2e_ok(e, "shipment.get", e2e_pack("{ss}", "shipment", other));
    assert_string_equal(json_string_value(json_object_get(sh, "state")), "draft");
    json_decref(sh);
    free(typo);
    free(other);

    free(wh_expect(e, 0, "shipment", "add", code, "--item", "HYGIENE-KIT", "--qty", "1", NULL));
    free(wh_expect(e, 0, "shipment", "dispatch", code, NULL));
    err = wh_expect_err(e, 1, "shipment", "add", code, "--item", "HYGIENE-KIT", "--qty", "1",
                        NULL);
    WH_HAS(err, "borrador");
    free(err);
    err = wh_expect_err(e, 1, "shipment", "dispatch", code, NULL);
    WH_HAS(err, "despachado");
    free(err);
    free(code);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_prints_code_last, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_pack_show_dispatch, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_list, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_cancel, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, s_setup, e2e_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: shipments", tests, NULL, NULL);
}
