/* test_wh_proof.c: donor reports that prove themselves (docs/PROOF.md), end to end with
 * the real binaries: `ayni-warehouse report donor` writes a PDF whose QR holds the signed
 * statement; `ayni-scan verify` checks it (the PDF, and a picture of its first page)
 * against the core's key, and catches one character changed in the QR's text, a
 * statement signed by another key, and a page whose printed totals differ from the
 * signed ones (the same report rendered with a patched total, by prn-donor-patched);
 * `ayni-warehouse report verify` says the ledger supports the report, and no longer does
 * once a delivery row is changed by SQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "mem.h"
#include "wh_cli.h"

struct fx {
    struct e2e *e;
    char from[11], to[11];
    char *pdf;        /* the donor report */
    char *pk;         /* the core's public key, 64 hex digits */
};

static const char *
s_now(void)
{
    static char buf[21];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static void
s_deliver(struct e2e *e, const char *to, const char *team, int qty, int packages,
          const char *scan_prefix, bool by_label)
{
    json_t *r = e2e_ok(e, "shipment.create",
                       e2e_pack("{ss ss ss}", "from", "ALM-LIMA-SJL", "to", to, "team", team));
    char code[32];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(r, "code")));
    json_decref(r);
    json_decref(e2e_ok(e, "shipment.add_line",
                       e2e_pack("{ss ss si si}", "shipment", code, "item", "FOOD-KIT", "qty", qty,
                                "packages", packages)));
    json_t *d = e2e_ok(e, "shipment.dispatch", e2e_pack("{ss}", "shipment", code));
    for (int i = 0; i < (by_label ? packages : 1); i++) {
        json_t *pkg = json_array_get(json_object_get(d, "packages"), (size_t)i);
        const char *token = json_string_value(json_object_get(by_label ? pkg : d, "token"));
        char scan_id[64];
        snprintf(scan_id, sizeof scan_id, "%s-%d", scan_prefix, i + 1);
        json_t *args = e2e_pack("{ss ss ss ss}", "token", token, "scan_id", scan_id, "team", team,
                                "device", "telefono-7");
        if (by_label) /* a phone's scan carries its own time: "scan-confirmed" */
            json_object_set_new(args, "device_time", json_string(s_now()));
        json_decref(e2e_ok(e, "delivery.confirm", args));
    }
    json_decref(d);
}

static int
s_setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    struct e2e *e = fx->e = e2e_new();
    e2e_start(e);
    wh_seed_catalog(e);
    char later[11];
    e2e_date(400, later);
    e2e_date(-30, fx->from);
    e2e_date(1, fx->to);
    json_decref(e2e_ok(e, "stock.receive",
                       e2e_pack("{ss ss ss ss ss si}", "at", "ALM-LIMA-SJL", "donor", "CARE-PE",
                                "item", "FOOD-KIT", "lot", "CARE-ALI-2701", "expiry", later, "qty",
                                120)));
    s_deliver(e, "COM-HCO-CHURUBAMBA", "Equipo Huánuco", 12, 2, "churubamba", true);
    s_deliver(e, "COM-HCO-SANTA-ROSA", "Equipo Huánuco", 9, 3, "santa-rosa", false);
    json_t *keys = e2e_ok(e, "keys.public", NULL);
    fx->pk = xstrdup(json_string_value(json_object_get(keys, "public_key")));
    json_decref(keys);
    fx->pdf = xasprintf("%s/care.pdf", e->dir);
    free(wh_expect(e, 0, "report", "donor", "CARE-PE", "--from", fx->from, "--to", fx->to, "-o",
                   fx->pdf, NULL));
    *state = fx;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fx *fx = *state;
    e2e_destroy(&fx->e);
    free(fx->pdf);
    free(fx->pk);
    free(fx);
    return 0;
}

/* ayni-scan verify FILE with the core's key (or key, if not NULL): its exit code, and
 * its output in *out (a new string). */
static int
s_verify(struct fx *fx, const char *file, const char *key, const char *lang, char **out)
{
    int status;
    const char *scan = getenv("AYNI_SCAN");
    if (!scan)
        skip();
    *out = wh_sh(&status, "AYNI_LANG=%s '%s' verify --key '%s' '%s' 2>&1", lang, scan,
                 key ? key : fx->pk, file);
    return status;
}

/* report.donor's result for the fixture's period, as ayni-warehouse printed it: no event
 * came since, so no new checkpoint and the same statement. */
static json_t *
s_report(struct fx *fx)
{
    return e2e_ok(fx->e, "report.donor", e2e_pack("{ss ss ss}", "donor", "CARE-PE", "from",
                                                  fx->from, "to", fx->to));
}

/* r printed by the test-only printer (prn-donor-json) into dir/name; the path. */
static char *
s_print(struct fx *fx, json_t *r, const char *name)
{
    const char *tool = getenv("AYNI_PRN_DONOR_JSON");
    if (!tool)
        skip();
    char *json = xasprintf("%s/%s.json", fx->e->dir, name);
    char *pdf = xasprintf("%s/%s.pdf", fx->e->dir, name);
    assert_int_equal(json_dump_file(r, json, 0), 0);
    int status;
    free(wh_sh(&status, "'%s' '%s' '%s'", tool, json, pdf));
    assert_int_equal(status, 0);
    free(json);
    return pdf;
}

static void
test_report_verifies(void **state)
{
    struct fx *fx = *state;
    wh_need("pdftoppm");
    wh_need("pdftotext");
    char *text = wh_pdf_text(fx->pdf);
    WH_HAS(text, "Cifras firmadas");
    WH_HAS(text, "Entregado / Delivered FOOD-KIT: 21");
    WH_HAS(text, "Entregas / Deliveries: 3");
    WH_HAS(text, "Confirmadas por escaneo / Scan-confirmed: 2");
    WH_HAS(text, "Anexo: cada entrega");
    WH_HAS(text, "telefono-7");
    WH_HASNT(text, "churubamba-1"); /* scan ids are not printed */
    free(text);
    char *out;
    assert_int_equal(s_verify(fx, fx->pdf, NULL, "es", &out), 0);
    WH_HAS(out, "✓ auténtico");
    WH_HAS(out, "entregado: FOOD-KIT 21");
    WH_HAS(out, "entregas: 3, confirmadas por escaneo: 2");
    WH_HAS(out, "✓ las cifras impresas en la página son las firmadas");
    free(out);
    assert_int_equal(s_verify(fx, fx->pdf, NULL, "en", &out), 0);
    WH_HAS(out, "✓ genuine");
    WH_HAS(out, "delivered: FOOD-KIT 21");
    free(out);
    /* a photo of the first page: the signature is checked, the figures not read */
    int status;
    free(wh_sh(&status, "pdftoppm -r 150 -png -f 1 -singlefile '%s' '%s/foto'", fx->pdf,
               fx->e->dir));
    char *png = xasprintf("%s/foto.png", fx->e->dir);
    assert_int_equal(s_verify(fx, png, NULL, "es", &out), 0);
    WH_HAS(out, "✓ auténtico");
    free(out);
    free(png);
}

/* One character of the QR's text changed (a total), or the QR of a statement checked
 * against another core's key: exit 1; a QR that is no statement at all: exit 4. */
static void
test_qr_changed(void **state)
{
    struct fx *fx = *state;
    wh_need("pdftoppm");
    json_t *r = s_report(fx);
    json_t *st = json_object_get(r, "statement");
    char *text = xstrdup(json_string_value(json_object_get(st, "text")));
    char *p = strstr(text, "~item*FOOD-KIT*21~");
    assert_non_null(p);
    p[strlen("~item*FOOD-KIT*2")] = '2'; /* 21 -> 22 */
    json_object_set_new(st, "text", json_string(text));
    char *pdf = s_print(fx, r, "qr-changed"), *out;
    assert_int_equal(s_verify(fx, pdf, NULL, "es", &out), 1);
    WH_HAS(out, "✗ alterado");
    WH_HAS(out, "NO verificado");
    free(out);
    free(pdf);
    /* another key: the fingerprint is not its */
    assert_int_equal(s_verify(fx, fx->pdf, "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
                              "es", &out), 1);
    WH_HAS(out, "✗ firmado con otra clave");
    free(out);
    /* a report whose QR holds no statement: printed the old way, the chain's head */
    json_object_set_new(r, "statement", json_null());
    pdf = s_print(fx, r, "no-statement");
    assert_int_equal(s_verify(fx, pdf, NULL, "es", &out), 4);
    free(out);
    free(pdf);
    free(text);
    json_decref(r);
}

/* The same report with a printed total patched (the QR untouched): exit 5, naming it. */
static void
test_printed_total_changed(void **state)
{
    struct fx *fx = *state;
    wh_need("pdftoppm");
    wh_need("pdftotext");
    json_t *r = s_report(fx);
    json_t *item = json_array_get(json_object_get(json_object_get(r, "totals"), "by_item"), 0);
    json_object_set_new(item, "qty", json_integer(27));
    json_t *row = json_array_get(json_object_get(r, "deliveries"), 0);
    json_object_set_new(row, "qty", json_integer(json_integer_value(json_object_get(row, "qty")) + 6));
    char *pdf = s_print(fx, r, "total-changed"), *out;
    char *text = wh_pdf_text(pdf);
    WH_HAS(text, "Entregado / Delivered FOOD-KIT: 27");
    free(text);
    assert_int_equal(s_verify(fx, pdf, NULL, "es", &out), 5);
    WH_HAS(out, "✓ auténtico"); /* the QR itself is genuine */
    WH_HAS(out, "FOOD-KIT: impreso '27', firmado 21");
    WH_HAS(out, "FOOD-KIT (cover): impreso '27', firmado 21");
    free(out);
    free(pdf);
    json_decref(r);
}

/* `report verify`: the ledger supports the report as printed, and says so. */
static void
test_ledger_supports(void **state)
{
    struct fx *fx = *state;
    wh_need("pdftoppm");
    wh_need("zbarimg");
    char *out = wh_expect(fx->e, 0, "report", "verify", fx->pdf, NULL);
    WH_HAS(out, "firma auténtica");
    WH_HAS(out, "cifras correctas");
    WH_HAS(out, "el libro respalda este informe");
    free(out);
    json_t *r = wh_json(fx->e, 0, "report", "verify", fx->pdf, NULL);
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_int_equal(json_array_size(json_object_get(r, "differences")), 0);
    assert_true(json_is_true(json_object_get(json_object_get(json_object_get(r, "ledger"),
                                                             "checkpoints"), "ok")));
    json_decref(r);
    /* a PDF with no statement on it */
    json_t *rep = s_report(fx);
    json_object_set_new(rep, "statement", json_null());
    char *old = s_print(fx, rep, "unsigned");
    char *err = wh_expect_err(fx->e, 1, "report", "verify", old, NULL);
    WH_HAS(err, "AYNI-R1~");
    free(err);
    free(old);
    json_decref(rep);
}

static void
s_sql(const char *db_path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* The ledger's delivery rows changed by SQL, aynid stopped: one package scan made a slip
 * confirmation, one delivered kit fewer.  `report verify` no longer supports the report,
 * and names what changed; the printed report still verifies offline (it was genuine). */
static void
test_ledger_changed(void **state)
{
    struct fx *fx = *state;
    struct e2e *e = fx->e;
    wh_need("pdftoppm");
    wh_need("zbarimg");
    assert_int_equal(e2e_stop(e), 0);
    s_sql(e->db, "BEGIN; UPDATE deliveries SET scanned_at = NULL WHERE scan_id = 'churubamba-1';"
                 "DROP TRIGGER movements_append_only_u;"
                 "UPDATE movements SET qty = qty - 1 WHERE id = (SELECT MIN(id) FROM movements"
                 " WHERE kind = 'deliver'); COMMIT");
    e2e_start(e);
    char *out = wh_expect(e, 1, "report", "verify", fx->pdf, NULL);
    WH_HAS(out, "firma auténtica");
    WH_HAS(out, "CIFRAS CAMBIADAS");
    WH_HAS(out, "FOOD-KIT: firmado 21, ahora 20");
    WH_HAS(out, "scanned: firmado 2, ahora 1");
    WH_HAS(out, "el libro NO respalda este informe");
    free(out);
    json_t *r = wh_json(e, 1, "report", "verify", fx->pdf, NULL);
    assert_false(json_is_true(json_object_get(r, "ok")));
    assert_true(json_array_size(json_object_get(r, "differences")) >= 2);
    json_decref(r);
    char *ok;
    assert_int_equal(s_verify(fx, fx->pdf, NULL, "es", &ok), 0);
    free(ok);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_verifies),
        cmocka_unit_test(test_qr_changed),
        cmocka_unit_test(test_printed_total_changed),
        cmocka_unit_test(test_ledger_supports),
        cmocka_unit_test(test_ledger_changed), /* last: it changes the ledger */
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
