/* test_web_downloads.c: the dashboard's documents through ayni-web (docs/WEB.md,
 * "Downloads"): a coordinator's browser, enrolled from the sheet `ayni-warehouse device
 * add --role reader --phone` prints, gets a shipment's slip and a donor report as PDF, the
 * same documents ayni-warehouse prints (read back with pdftotext and zbarimg: the slip's
 * codes are genuine and name the shipment).  Wrong requests get clear errors: no secret,
 * a missing or unknown argument, a draft shipment, another method, a scanner phone (which
 * never gets the slips' codes) and a donor report a scanner may not read. */
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
#include "web_cli.h"
#include "wh_cli.h"

static const char *
s_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void
s_contains(const char *text, const char *want, const char *what)
{
    if (!strstr(text, want))
        fail_msg("%s: '%s' is not in:\n%s", what, want, text);
}

/* GET path as auth into DIR/name: the status; the body's text (a new string) in *body. */
static long
s_get(struct web *w, const char *path, const char *auth, const char *name, char **headers,
      char **body)
{
    char *out = xasprintf("%s/%s", w->e->dir, name);
    long status = web_download(w, path, auth, out, headers);
    if (body) {
        FILE *f = fopen(out, "r");
        assert_non_null(f);
        *body = e2e_read_all(f);
        fclose(f);
    }
    free(out);
    return status;
}

/* A refusal of path as auth with status and aynid's error code. */
static void
s_refused(struct web *w, const char *path, const char *auth, long status, const char *code)
{
    char *body = NULL;
    long got = s_get(w, path, auth, "refused.json", NULL, &body);
    if (got != status || !strstr(body, code))
        fail_msg("GET %s: HTTP %ld '%s', not %ld with %s", path, got, body, status, code);
    free(body);
}

/* A coordinator's browser enrolled from its sheet (ayni-warehouse device add --role reader
 * --phone): the sheet says so, its QR's code enrols once as a reader. "NAME:SECRET". */
static char *
s_reader_from_sheet(struct web *w, const char *name)
{
    char *sheet = xasprintf("%s/%s.pdf", w->e->dir, name);
    char *out = wh_expect(w->e, 0, "device", "add", name, "--role", "reader", "--phone",
                          "--gateway", w->url, "-o", sheet, NULL);
    WH_HAS(out, "(lector)");
    free(out);
    char *text = wh_pdf_text(sheet);
    WH_HAS(text, "Inscripción de un navegador (panel)");
    WH_HAS(text, "lector / reader");
    WH_HAS(text, "Solo puede leer");
    free(text);
    json_t *qr = wh_pdf_qr(sheet, w->e->dir);
    assert_int_equal(json_array_size(qr), 1);
    const char *url = json_string_value(json_array_get(qr, 0)), *code = strstr(url, "#enrol=");
    assert_non_null(code);
    code += strlen("#enrol=");
    char *code_s = xasprintf("%.*s", (int)(strchr(code, '&') - code), code);
    long status = 0;
    json_t *r = web_post(w, "device.enrol", NULL, e2e_pack("{ss}", "code", code_s), &status);
    assert_int_equal(status, 200);
    json_t *res = json_object_get(r, "result");
    char *auth = xasprintf("%s:%s", s_str(res, "name"), s_str(res, "secret"));
    json_decref(r);
    /* the browser is a reader: server.info says so */
    r = web_post(w, "server.info", auth, NULL, &status);
    assert_int_equal(status, 200);
    assert_string_equal(s_str(json_object_get(json_object_get(r, "result"), "device"), "role"),
                        "reader");
    json_decref(r);
    /* a reader has no team */
    char *err = wh_expect_err(w->e, 2, "device", "add", "coord-2", "--role", "reader", "--team",
                              "Equipo 3", "--phone", "--gateway", w->url, "-o", sheet, NULL);
    WH_HAS(err, "--team");
    free(err);
    free(code_s);
    json_decref(qr);
    free(sheet);
    return auth;
}

static void
test_reader_downloads(void **state)
{
    wh_need("pdftotext");
    wh_need("zbarimg");
    struct web w = {.e = *state};
    e2e_seed(w.e);
    json_t *d = e2e_dispatch_sample(w.e);
    const char *code = s_str(d, "code");
    json_t *draft = e2e_ok(w.e, "shipment.create",
                           e2e_pack("{ss ss}", "from", "ALM-LIMA", "to", "COM-0042"));
    web_start(&w, NULL, NULL);
    char *reader = s_reader_from_sheet(&w, "coord-lima");

    /* the slip: a PDF whose codes are this shipment's, genuine */
    char *path = xasprintf("/api/v1/shipment.slip.pdf?shipment=%s", code), *headers = NULL;
    assert_int_equal(s_get(&w, path, reader, "slip.pdf", &headers, NULL), 200);
    s_contains(headers, "Content-Type: application/pdf", "the slip's type");
    char *disp = xasprintf("attachment; filename=\"%s.pdf\"", code);
    s_contains(headers, disp, "the slip's name");
    char *pdf = xasprintf("%s/slip.pdf", w.e->dir);
    wh_assert_pdf(pdf);
    char *text = wh_pdf_text(pdf);
    s_contains(text, code, "the slip's text");
    s_contains(text, "Comunidad", "the slip's destination");
    json_t *qr = wh_pdf_qr(pdf, w.e->dir);
    assert_int_equal(wh_assert_tokens(w.e, qr, code), 1 + 3); /* the slip and 3 labels */
    json_decref(qr);
    free(text);
    free(pdf);
    free(headers);
    free(disp);
    free(path);

    /* a donor report, with the donor's name and the shipment in it */
    assert_int_equal(s_get(&w, "/api/v1/report.donor.pdf?donor=UNICEF&from=2000-01-01&to=2099-12-31",
                           reader, "report.pdf", &headers, NULL),
                     200);
    s_contains(headers, "filename=\"UNICEF_2000-01-01_2099-12-31.pdf\"", "the report's name");
    pdf = xasprintf("%s/report.pdf", w.e->dir);
    wh_assert_pdf(pdf);
    text = wh_pdf_text(pdf);
    s_contains(text, "UNICEF", "the report's donor");
    free(text);
    free(pdf);
    free(headers);

    /* wrong requests */
    path = xasprintf("/api/v1/shipment.slip.pdf?shipment=%s", code);
    s_refused(&w, path, NULL, 401, "forbidden");
    s_refused(&w, "/api/v1/shipment.slip.pdf", reader, 400, "shipment=");
    s_refused(&w, "/api/v1/shipment.slip.pdf?shipment=ENV-1999-000009", reader, 404, "not_found");
    char *dpath = xasprintf("/api/v1/shipment.slip.pdf?shipment=%s", s_str(draft, "code"));
    s_refused(&w, dpath, reader, 409, "invalid_state");
    s_refused(&w, "/api/v1/report.donor.pdf?donor=UNICEF&from=2026-01-01", reader, 400, "to=");
    s_refused(&w, "/api/v1/report.donor.pdf?donor=NADIE&from=2026-01-01&to=2026-12-31", reader,
              404, "not_found");
    long status = 0;
    json_t *r = web_http(&w, "POST", "shipment.slip.pdf", "application/json", reader, "{}",
                         &status);
    assert_int_equal(status, 405);
    json_decref(r);

    /* a phone of the shipment's team sees the shipment, never its codes, nor reports */
    char *phone = web_enrol(&w, "tel-3", "scanner", "Equipo 3", NULL);
    s_refused(&w, path, phone, 403, "forbidden");
    s_refused(&w, "/api/v1/report.donor.pdf?donor=UNICEF&from=2026-01-01&to=2026-12-31", phone,
              403, "forbidden");
    web_alive(&w);
    web_stop(&w);
    free(phone);
    free(dpath);
    free(path);
    free(reader);
    json_decref(draft);
    json_decref(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reader_downloads, e2e_setup, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
