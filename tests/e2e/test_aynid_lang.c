/* test_aynid_lang.c: one language at a time on the wire (docs/PROTOCOL.md section 2): the
 * same failing request, sent as a raw frame with "lang":"es", "lang":"en" and without
 * lang, is answered wholly in Spanish, in English and in English; a lang that is neither
 * (or not a string) is a bad_request naming the field "lang".  Also aynid's own words
 * (its usage and a wrong flag) in the language of its environment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "mem.h"

/* A failing request: its op, its args as JSON text, the wire code, and words only the
 * Spanish and only the English message hold. */
struct s_case {
    const char *op;
    const char *args;
    const char *code;
    const char *es[3];
    const char *en[3];
};

/* The error of op with args sent with lang (a JSON value as text; NULL: none), checked
 * against code; returns its message as a new string. */
static char *
s_message(struct e2e *e, const struct s_case *c, const char *lang)
{
    char *text = lang ? xasprintf("{\"v\":1,\"id\":7,\"op\":\"%s\",\"args\":%s,\"lang\":%s}", c->op,
                                  c->args, lang)
                      : xasprintf("{\"v\":1,\"id\":7,\"op\":\"%s\",\"args\":%s}", c->op, c->args);
    json_t *reply = e2e_raw(e, text, strlen(text), E2E_WAIT_MS);
    if (!reply)
        fail_msg("no reply to %s", text);
    json_t *err = json_object_get(reply, "error");
    const char *code = json_string_value(json_object_get(err, "code"));
    const char *msg = json_string_value(json_object_get(err, "message"));
    if (!json_is_false(json_object_get(reply, "ok")) || !code || strcmp(code, c->code) || !msg)
        fail_msg("%s: expected %s, got %s", text, c->code, proto_dump(reply));
    char *copy = xstrdup(msg);
    json_decref(reply);
    free(text);
    return copy;
}

static void
s_has(const char *msg, const char *const *words, bool present)
{
    for (size_t i = 0; i < 3 && words[i]; i++)
        if ((strstr(msg, words[i]) != NULL) != present)
            fail_msg("'%s' %s '%s'", msg, present ? "lacks" : "holds", words[i]);
}

/* Spanish with "es" (and none of the English); English with "en" and without lang (and
 * none of the Spanish). */
static void
s_check(struct e2e *e, const struct s_case *c)
{
    char *es = s_message(e, c, "\"es\"");
    s_has(es, c->es, true);
    s_has(es, c->en, false);
    const char *langs[] = {"\"en\"", NULL};
    for (int i = 0; i < 2; i++) {
        char *en = s_message(e, c, langs[i]);
        s_has(en, c->en, true);
        s_has(en, c->es, false);
        free(en);
    }
    free(es);
}

static void
test_unknown_code(void **state)
{
    struct e2e *e = *state;
    e2e_seed(e);
    s_check(e, &(struct s_case){"stock.levels",
                                "{\"item\":\"FOOD-KTI\"}",
                                "not_found",
                                {"artículo desconocido 'FOOD-KTI'", "¿quisiste decir 'FOOD-KIT'?"},
                                {"unknown item 'FOOD-KTI'", "did you mean 'FOOD-KIT'?"}});
    s_check(e, &(struct s_case){"stock.levels",
                                "{\"at\":\"ALM-LIMX\"}",
                                "not_found",
                                {"lugar desconocido 'ALM-LIMX'", "¿quisiste decir"},
                                {"unknown location 'ALM-LIMX'", "did you mean"}});
    /* a community where a warehouse must be: the kinds are words of the sentence */
    s_check(e, &(struct s_case){"shipment.create",
                                "{\"from\":\"COM-0042\",\"to\":\"ALM-CUSCO\"}",
                                "invalid_argument",
                                {"'COM-0042' es una comunidad, no un almacén"},
                                {"from 'COM-0042' is a community, not a warehouse"}});
}

static void
test_insufficient_stock(void **state)
{
    struct e2e *e = *state;
    s_check(e, &(struct s_case){"stock.transfer",
                                "{\"from\":\"ALM-LIMA\",\"to\":\"ALM-CUSCO\",\"item\":\"FOOD-KIT\","
                                "\"qty\":1000}",
                                "insufficient_stock",
                                {"no hay stock suficiente de 'FOOD-KIT' en 'ALM-LIMA'",
                                 "se piden 1000, hay 100"},
                                {"insufficient stock of 'FOOD-KIT' at 'ALM-LIMA'",
                                 "1000 requested, 100 available"}});
}

static void
test_bad_date(void **state)
{
    struct e2e *e = *state;
    s_check(e, &(struct s_case){"stock.receive",
                                "{\"at\":\"ALM-LIMA\",\"donor\":\"UNICEF\",\"item\":\"FOOD-KIT\","
                                "\"lot\":\"L9\",\"expiry\":\"2027-02-30\",\"qty\":5}",
                                "invalid_argument",
                                {"'2027-02-30' no es una fecha", "escríbela como AAAA-MM-DD"},
                                {"expiry '2027-02-30' is not a date", "write it as YYYY-MM-DD"}});
    /* the state of a shipment is a word of the sentence too */
    json_t *s = e2e_dispatch_sample(e);
    char *args = xasprintf("{\"shipment\":\"%s\",\"item\":\"FOOD-KIT\",\"qty\":1}",
                           json_string_value(json_object_get(s, "code")));
    s_check(e,
            &(struct s_case){"shipment.add_line",
                             args,
                             "invalid_state",
                             {"está despachado", "solo se agregan líneas a un envío en borrador"},
                             {"is dispatched", "lines are added only to a draft shipment"}});
    free(args);
    json_decref(s);
}

/* A lang that names neither language, or is no string: bad_request naming "lang", its
 * message in English (the language a request without lang gets). */
static void
test_bad_lang(void **state)
{
    struct e2e *e = *state;
    const char *bad[] = {"\"fr\"", "5", "\"\"", "null", "[\"es\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = xasprintf("{\"v\":1,\"id\":3,\"op\":\"server.info\",\"lang\":%s}", bad[i]);
        json_t *reply = e2e_raw(e, text, strlen(text), E2E_WAIT_MS);
        if (!reply)
            fail_msg("no reply to %s", text);
        json_t *err = json_object_get(reply, "error");
        assert_false(json_is_true(json_object_get(reply, "ok")));
        assert_string_equal(json_string_value(json_object_get(err, "code")), "bad_request");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(err, "details"), "field")), "lang");
        assert_int_equal(json_integer_value(json_object_get(reply, "id")), 3);
        assert_non_null(strstr(json_string_value(json_object_get(err, "message")),
                               "'lang' must be \"es\" or \"en\""));
        json_decref(reply);
        free(text);
    }
    /* and the same request in a known language is answered */
    const char *good = "{\"v\":1,\"id\":4,\"op\":\"server.info\",\"lang\":\"es\"}";
    json_t *reply = e2e_raw(e, good, strlen(good), E2E_WAIT_MS);
    assert_non_null(reply);
    assert_true(json_is_true(json_object_get(reply, "ok")));
    json_decref(reply);
}

/* aynid's own words: a wrong flag and --help in the language of its environment. */
static void
test_aynid_usage(void **state)
{
    (void)state;
    struct e2e *e = e2e_new();
    const char *flag[] = {"--log-level", "loud", NULL};
    const char *help[] = {"--help", NULL};
    e->lang = "es";
    assert_int_equal(e2e_start_args(e, flag), 2);
    assert_true(e2e_log_has(e, "nivel de registro desconocido 'loud'"));
    assert_false(e2e_log_has(e, "unknown log level"));
    assert_int_equal(e2e_start_args(e, help), 255); /* exits 0 before it is ready */
    assert_true(e2e_log_has(e, "uso: aynid [--db RUTA]"));
    assert_true(e2e_log_has(e, "la base de datos del libro"));
    assert_false(e2e_log_has(e, "usage:"));
    assert_false(e2e_log_has(e, "the ledger database"));
    e->lang = "en";
    assert_int_equal(e2e_start_args(e, flag), 2);
    assert_true(e2e_log_has(e, "unknown log level 'loud'"));
    assert_false(e2e_log_has(e, "nivel de registro"));
    assert_int_equal(e2e_start_args(e, help), 255);
    assert_true(e2e_log_has(e, "usage: aynid [--db PATH]"));
    assert_false(e2e_log_has(e, "uso:"));
    e2e_destroy(&e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_code),
        cmocka_unit_test(test_insufficient_stock),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_bad_lang),
        cmocka_unit_test(test_aynid_usage),
    };
    /* One aynid for the whole group, seeded by the first case. */
    return cmocka_run_group_tests(tests, e2e_setup, e2e_teardown);
}
