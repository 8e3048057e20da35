/* web_pdf.c: documents for download (web_pdf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "lang.h"
#include "prn_json.h"
#include "web_http.h"
#include "web_pdf.h"

enum web_pdf
web_pdf_kind(const char *name)
{
    if (!strcmp(name, "shipment.slip.pdf"))
        return WEB_PDF_SLIP;
    if (!strcmp(name, "report.donor.pdf"))
        return WEB_PDF_DONOR;
    return WEB_PDF_NONE;
}

/* Query argument key, or NULL with the 400 made in *replied. */
static const char *
s_arg(struct MHD_Connection *c, const char *key, const char *usage, enum MHD_Result *replied)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
    if (v && *v && strlen(v) <= 100)
        return v;
    char msg[300];
    snprintf(msg, sizeof msg, _("the query needs %s=…: %s"), key, usage);
    *replied = web_error(c, 400, AYNI_EINVAL, json_pack("{ss}", "field", key), msg);
    return NULL;
}

/* A safe file name for Content-Disposition: the code's letters, digits, '-' and '_'. */
static void
s_file_name(char *out, size_t size, const char *a, const char *b, const char *c)
{
    size_t n = 0;
    const char *parts[] = {a, b, c};
    for (size_t i = 0; i < 3 && parts[i]; i++)
        for (const char *p = parts[i]; *p && n + 5 < size; p++) {
            unsigned char ch = (unsigned char)*p;
            bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
            out[n++] = ok ? (char)ch : '_';
            if (!p[1] && i < 2 && parts[i + 1])
                out[n++] = '_';
        }
    snprintf(out + n, size - n, ".pdf");
}

static enum MHD_Result
s_send_pdf(struct MHD_Connection *c, unsigned char *pdf, size_t len, const char *name)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, pdf, MHD_RESPMEM_MUST_FREE);
    char disp[200];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
    MHD_add_response_header(r, "Content-Type", "application/pdf");
    MHD_add_response_header(r, "Content-Disposition", disp);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    return web_send(c, 200, r, NULL);
}

enum MHD_Result
web_pdf_serve(proto_client_t *core, struct MHD_Connection *c, enum web_pdf kind,
              const struct web_pdf_who *who)
{
    enum MHD_Result replied = MHD_NO;
    const char *op = kind == WEB_PDF_SLIP ? "shipment.get" : "report.donor";
    json_t *args;
    char name[120];
    if (kind == WEB_PDF_SLIP) {
        const char *code = s_arg(c, "shipment", "?shipment=ENV-2026-000001", &replied);
        if (!code)
            return replied;
        args = json_pack("{ss}", "shipment", code);
        s_file_name(name, sizeof name, code, NULL, NULL);
    } else {
        const char *usage = "?donor=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD";
        const char *donor = s_arg(c, "donor", usage, &replied), *from = NULL, *to = NULL;
        if (!donor || !(from = s_arg(c, "from", usage, &replied)) ||
            !(to = s_arg(c, "to", usage, &replied)))
            return replied;
        args = json_pack("{ss ss ss}", "donor", donor, "from", from, "to", to);
        s_file_name(name, sizeof name, donor, from, to);
    }
    json_t *result = NULL;
    struct proto_error err = {0};
    int rc = who->share ? proto_client_call_share(core, who->share, op, args, &result, &err)
                        : proto_client_call_as(core, who->device, who->secret, op, args, NULL,
                                               &result, &err);
    if (rc)
        return web_core_error(c, rc, &err);
    const char *state = json_string_value(json_object_get(result, "state"));
    bool draft = state && !strcmp(state, "draft"), cancelled = state && !strcmp(state, "cancelled");
    if (kind == WEB_PDF_SLIP && (draft || cancelled)) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 draft ? _("shipment '%s' is still a draft: its slip is printed once it is "
                           "dispatched")
                       : _("shipment '%s' was cancelled: it has no slip"),
                 json_string_value(json_object_get(result, "code")));
        json_t *details = json_pack("{ss}", "state", state); /* state is result's */
        json_decref(result);
        return web_error(c, 409, AYNI_ESTATE, details, msg);
    }
    if (kind == WEB_PDF_SLIP && !json_is_string(json_object_get(result, "token"))) {
        json_decref(result);
        return web_error(c, 403, AYNI_EDENIED, NULL,
                         _("this device does not get the slips' codes (a scanner proves a "
                           "delivery with the paper it holds): download slips as a reader"));
    }
    unsigned char *pdf = NULL;
    size_t len = 0;
    char perr[512];
    rc = kind == WEB_PDF_SLIP
             ? prn_json_shipment_render(result, PRN_LABELS_A6, &pdf, &len, perr, sizeof perr)
             : prn_json_donor_report_render(result, &pdf, &len, perr, sizeof perr);
    json_decref(result);
    if (rc) {
        free(pdf);
        return web_error(c, 500, AYNI_EINTERNAL, NULL, perr);
    }
    return s_send_pdf(c, pdf, len, name);
}
