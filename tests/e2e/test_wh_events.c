/* test_wh_events.c: `events` (--since, --topic, the last 20, --json) and `events --follow`
 * in the background (a change shows up as one readable line; Ctrl-C ends it with exit 0),
 * and `ledger verify` (0 when the ledger is consistent, 1 when it is not), through the
 * real ayni-warehouse.  A fresh aynid with the demo catalog and some stock for each test.
 */
#include <ctype.h>
#include <setjmp.h>
#include <signal.h>
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
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "SOFTYS", "item",
                                "HYGIENE-KIT", "lot", "SOF-HIG-2611", "qty", 400)));
    *state = e;
    return 0;
}

/* The lines of text, as a JSON array of strings. */
static json_t *
s_lines(const char *text)
{
    json_t *lines = json_array();
    char *copy = xstrdup(text), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        json_array_append_new(lines, json_string(l));
    free(copy);
    return lines;
}

/* A human event line: "   SEQ  YYYY-MM-DDTHH:MM:SSZ  TYPE  what"; its seq, and its type
 * in type (64 bytes). */
static long long
s_parse_line(const char *line, char type[64])
{
    char at[32];
    long long seq = -1;
    if (sscanf(line, "%lld %31s %63s", &seq, at, type) != 3)
        fail_msg("not an event line: '%s'", line);
    /* the core's zone, Lima: local ISO 8601 with its offset */
    if (strlen(at) != 25 || at[4] != '-' || at[10] != 'T' || strcmp(at + 19, "-05:00"))
        fail_msg("the time of '%s' is not ISO 8601 in Lima's time", line);
    return seq;
}

static void
test_events_since_and_topic(void **state)
{
    struct e2e *e = *state;
    long long head = e2e_head(e);
    assert_true(head > 20);
    char since[24];
    snprintf(since, sizeof since, "%lld", head - 3);
    char *out = wh_expect(e, 0, "events", "--since", since, NULL);
    json_t *lines = s_lines(out);
    assert_int_equal(json_array_size(lines), 3);
    char type[64];
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(s_parse_line(json_string_value(json_array_get(lines, i)), type),
                         head - 2 + (long long)i);
    WH_HAS(out, "stock.received");
    WH_HAS(out, "HYGIENE-KIT ALM-LIMA-SJL 400 kit");
    json_decref(lines);
    free(out);

    /* No --since: the last 20. */
    out = wh_expect(e, 0, "events", NULL);
    lines = s_lines(out);
    assert_int_equal(json_array_size(lines), 20);
    assert_int_equal(s_parse_line(json_string_value(json_array_get(lines, 19)), type), head);
    json_decref(lines);
    free(out);

    /* --topic: only that kind, and each says what was added. */
    out = wh_expect(e, 0, "events", "--since", "0", "--topic", "donor.", NULL);
    lines = s_lines(out);
    assert_int_equal(json_array_size(lines), 4);
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l) {
        s_parse_line(json_string_value(l), type);
        assert_string_equal(type, "donor.added");
    }
    WH_HAS(out, "CARE-PE · CARE Perú");
    WH_HAS(out, "AECID · AECID — Agencia Española de Cooperación");
    json_decref(lines);
    free(out);
    out = wh_expect(e, 0, "events", "--since", "0", "--topic", "location.", NULL);
    WH_HAS(out, "COM-HCO-SANTA-ROSA · Comunidad Santa Rosa");
    WH_HASNT(out, "donor.added");
    free(out);

    /* --json: one JSON object a line, in seq order. */
    out = wh_expect(e, 0, "--json", "events", "--since", "0", NULL);
    lines = s_lines(out);
    assert_int_equal(json_array_size(lines), head);
    json_array_foreach(lines, i, l) {
        json_error_t jerr;
        json_t *ev = json_loads(json_string_value(l), 0, &jerr);
        if (!ev)
            fail_msg("events --json line %zu is not JSON (%s): %s", i + 1, jerr.text,
                     json_string_value(l));
        assert_int_equal(json_integer_value(json_object_get(ev, "seq")), (long long)i + 1);
        assert_non_null(json_string_value(json_object_get(ev, "hash")));
        json_decref(ev);
    }
    json_decref(lines);
    free(out);

    /* A slip scan (package 0) is the whole slip, not "paquete 0" as it once read. */
    json_t *sh = e2e_ok(e, "shipment.create", e2e_pack("{ss ss ss}", "from", "ALM-LIMA-SJL",
                                                       "to", "COM-HCO-SANTA-ROSA", "team",
                                                       "Equipo Huánuco"));
    const char *code = json_string_value(json_object_get(sh, "code"));
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", code, "item", "HYGIENE-KIT", "qty",
                                20, "packages", 2)));
    json_t *d = e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code));
    json_decref(e2e_ok(e, "delivery.confirm",
                       e2e_pack("{ss ss s[{si si ss}]}", "token",
                                json_string_value(json_object_get(d, "token")), "scan_id",
                                "slip-1", "lines", "line", 1, "received", 18, "reason",
                                "damaged")));
    out = wh_expect(e, 0, "events", "--since", "0", "--topic", "delivery.", NULL);
    char *want = xasprintf("%s guía completa: 18 de 20", code);
    WH_HAS(out, want);
    free(want);
    want = xasprintf("%s guía completa línea 1: faltan 2", code);
    WH_HAS(out, want);
    free(want);
    WH_HASNT(out, "paquete 0");
    free(out);
    json_decref(d);
    json_decref(sh);

    char *err = wh_expect_err(e, 2, "events", "--since", "yesterday", NULL);
    WH_HAS(err, "--since debe ser un número entero");
    free(err);
}

/* events --follow: started in the background, it shows a change made elsewhere as one
 * line, once, and ends with exit 0 on Ctrl-C (SIGINT). */
static void
test_events_follow(void **state)
{
    struct e2e *e = *state;
    char since[24];
    snprintf(since, sizeof since, "%lld", e2e_head(e) - 1);
    struct wh_bg bg;
    wh_bg_start(&bg, e, "events", "--follow", "--since", since, NULL);
    /* The newest event first: it is following (and Ctrl-C is in its hands) from here. */
    if (!wh_bg_wait_for(&bg, "HYGIENE-KIT ALM-LIMA-SJL 400 kit", E2E_WAIT_MS))
        fail_msg("events --follow did not show the newest event");

    free(wh_expect(e, 0, "transfer", "--from", "ALM-LIMA-SJL", "--to", "ALM-LIMA-VES", "--item",
                   "HYGIENE-KIT", "--qty", "7", NULL));
    if (!wh_bg_wait_for(&bg, "HYGIENE-KIT ALM-LIMA-SJL → ALM-LIMA-VES 7 kit", E2E_WAIT_MS)) {
        char *so_far = wh_bg_output(&bg);
        fail_msg("events --follow did not show the transfer; it showed:\n%s", so_far);
    }
    free(wh_expect(e, 0, "donor", "add", "CARITAS", "--name", "Cáritas del Perú", NULL));
    if (!wh_bg_wait_for(&bg, "CARITAS · Cáritas del Perú", E2E_WAIT_MS))
        fail_msg("events --follow did not show the new donor");
    char *out = NULL;
    assert_int_equal(wh_bg_stop(&bg, SIGINT, &out), 0);
    assert_int_equal(wh_count(out, "stock.transferred"), 1);
    assert_int_equal(wh_count(out, "donor.added"), 1);
    json_t *lines = s_lines(out);
    assert_int_equal(json_array_size(lines), 3);
    json_decref(lines);
    free(out);
}

/* --follow --topic: only what starts so; --json: one JSON object a line. */
static void
test_events_follow_topic_json(void **state)
{
    struct e2e *e = *state;
    char since[24];
    snprintf(since, sizeof since, "%lld", e2e_head(e) - 1);
    struct wh_bg bg;
    wh_bg_start(&bg, e, "--json", "events", "--follow", "--topic", "stock.", "--since", since,
                NULL);
    if (!wh_bg_wait_for(&bg, "\"stock.received\"", E2E_WAIT_MS))
        fail_msg("events --follow --json did not show the newest event");
    free(wh_expect(e, 0, "donor", "add", "CARITAS", "--name", "Cáritas del Perú", NULL));
    free(wh_expect(e, 0, "adjust", "--at", "ALM-LIMA-SJL", "--item", "HYGIENE-KIT", "--lot",
                   "SOF-HIG-2611", "--qty", "-2", "--reason", "damaged", NULL));
    if (!wh_bg_wait_for(&bg, "\"stock.adjusted\"", E2E_WAIT_MS))
        fail_msg("events --follow --topic stock. did not show the adjustment");
    char *out = NULL;
    assert_int_equal(wh_bg_stop(&bg, SIGINT, &out), 0);
    WH_HASNT(out, "donor.added");
    json_t *lines = s_lines(out), *l;
    size_t i;
    assert_int_equal(json_array_size(lines), 2);
    json_array_foreach(lines, i, l) {
        json_t *ev = json_loads(json_string_value(l), 0, NULL);
        assert_non_null(ev);
        assert_true(!strncmp(json_string_value(json_object_get(ev, "type")), "stock.", 6));
        json_decref(ev);
    }
    json_decref(lines);
    free(out);
}

static void
test_ledger_verify(void **state)
{
    struct e2e *e = *state;
    wh_need("sqlite3");
    char *out = wh_expect(e, 0, "ledger", "verify", NULL);
    WH_HAS(out, "libro correcto");
    free(out);
    json_t *r = wh_json(e, 0, "ledger", "verify", NULL);
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "head"), "seq")),
                     e2e_head(e));
    json_decref(r);

    /* A balance changed behind the ledger's back: exit 1, and the problem is shown. */
    assert_int_equal(e2e_stop(e), 0);
    int status;
    char *sql = wh_sh(&status,
                      "sqlite3 '%s' \"UPDATE balances SET qty = qty + 5 WHERE qty > 0 AND "
                      "lot_id = (SELECT MIN(lot_id) FROM balances WHERE qty > 0)\" 2>&1",
                      e->db);
    if (status != 0)
        fail_msg("sqlite3 could not change the ledger: %s", sql);
    free(sql);
    e2e_start(e);
    struct wh_out o;
    wh_run(&o, e, "ledger", "verify", NULL);
    assert_int_equal(o.status, 1);
    WH_HAS(o.out, "PROBLEM");
    WH_HAS(o.out, "  - ");
    wh_out_clear(&o);
    r = wh_json(e, 1, "ledger", "verify", NULL);
    assert_false(json_is_true(json_object_get(r, "ok")));
    assert_true(json_array_size(json_object_get(r, "problems")) > 0);
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events_since_and_topic, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_events_follow, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_events_follow_topic_json, s_setup, e2e_teardown),
        cmocka_unit_test_setup_teardown(test_ledger_verify, s_setup, e2e_teardown),
    };
    return cmocka_run_group_tests_name("ayni-warehouse: events and ledger", tests, NULL, NULL);
}
