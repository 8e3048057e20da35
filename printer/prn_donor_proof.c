/* prn_donor_proof.c: the donor report's proof (docs/PROOF.md): the QR of the signed
 * statement with the same figures printed beside it, the key's fingerprint and where
 * its public key is published, then the annex listing every delivery behind the totals.
 *
 * The figures are printed one a line, "label: value", in the order of the statement, so
 * that a reader of the page's text (ayni-scan verify, with pdftotext) finds each one;
 * keep the labels in step with scanner-client/scan_verify.c.  Must print no personal
 * data: the annex names shipments, packages, communities, teams and devices only.
 */
#include "prn_int.h"

#include <stdio.h>
#include <string.h>

#define S_QR_SIDE 150.0f  /* the QR's width, about, in points */
#define S_QR_MODULE 1.5f  /* the smallest module a phone's camera reads off paper */

/* One figure line: "Label es / Label en: value". */
static void
s_figure(struct prn_flow *f, float w, const char *label, const char *value)
{
    char line[400];
    snprintf(line, sizeof line, "%s: %s", label, value);
    f->y -= prn__para(f->d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_STYLE(8.5f, false, 0), line,
                      0) + 1.5f;
}

static void
s_number(struct prn_flow *f, float w, const char *label, long v)
{
    char q[32];
    s_figure(f, w, label, prn__qty(q, sizeof q, v));
}

/* The fingerprint in groups of four: 9d24 e2ee af27 ... */
static const char *
s_grouped(char *out, size_t n, const char *hex)
{
    size_t o = 0;
    for (size_t i = 0; hex[i] && o + 2 < n; i++) {
        if (i && i % 4 == 0)
            out[o++] = ' ';
        out[o++] = hex[i];
    }
    out[o] = '\0';
    return out;
}

static void
s_figures(struct prn_flow *f, const struct prn_donor_report *r, float w)
{
    const struct prn_proof *p = r->proof;
    char buf[200], from[16], to[16];
    prn__label(f->d, f->pg, f->left, f->y - 8, 8, "Cifras firmadas", "Signed figures");
    f->y -= 14;
    s_figure(f, w, "Donante / Donor", p->donor_code);
    snprintf(buf, sizeof buf, "%s – %s", prn__date(from, sizeof from, r->from),
             prn__date(to, sizeof to, r->to));
    s_figure(f, w, "Periodo / Period", buf);
    for (size_t i = 0; i < p->nitems; i++) {
        snprintf(buf, sizeof buf, "Entregado / Delivered %s", p->items[i].code);
        s_number(f, w, buf, p->items[i].qty);
    }
    s_number(f, w, "Entregas / Deliveries", p->deliveries);
    s_number(f, w, "Confirmadas por escaneo / Scan-confirmed", p->scanned);
    s_number(f, w, "Comunidades / Communities", p->communities);
    snprintf(buf, sizeof buf, "%lld", (long long)p->checkpoint_seq);
    s_figure(f, w, "Punto de control / Checkpoint", buf);
    s_figure(f, w, "Huella de la clave / Key fingerprint",
             s_grouped(buf, sizeof buf, p->fingerprint));
}

static void
s_how(struct prn_flow *f, const struct prn_proof *p, float w)
{
    char es[900], en[900], where[300];
    snprintf(where, sizeof where, "%s%s", p->key_url ? " o en " : "", p->key_url ? p->key_url : "");
    snprintf(es, sizeof es,
             "El código QR lleva estas cifras firmadas con la clave del sistema. Compruébalo sin "
             "acceso a nuestra base de datos: «ayni-scan verify» con este PDF o una foto de la "
             "página, o la pantalla «Verificar informe» de la app. La clave pública se publica con "
             "«keys.public» y en la pasarela (/api/v1/keys.public)%s: compara su huella con la "
             "impresa. Cada entrega está en el anexo, para que puedas preguntar a la comunidad.",
             where);
    snprintf(where, sizeof where, "%s%s", p->key_url ? " or at " : "", p->key_url ? p->key_url : "");
    snprintf(en, sizeof en,
             "The QR code holds these figures signed with the system's key. Check it without our "
             "database: 'ayni-scan verify' with this PDF or a photo of the page, or the app's "
             "'Verify report' screen. The public key is published by keys.public and at the "
             "gateway (/api/v1/keys.public)%s: compare its fingerprint with the printed one. "
             "Every delivery is in the annex, so you can ask the community.",
             where);
    f->y -= 4;
    f->y -= prn__para(f->d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_STYLE(8, false, 0), es, 0) + 3;
    f->y -= prn__para(f->d, f->pg, f->left, f->y, w, PRN_LEFT, PRN_SUB, en, 0);
}

void
prn__donor_proof(struct prn_flow *f, const struct prn_donor_report *r)
{
    struct prn_doc *d = f->d;
    const struct prn_proof *p = r->proof;
    float mod = prn__qr_module(d, p->qr_text, S_QR_SIDE, S_QR_MODULE);
    float side = prn__qr_side(d, p->qr_text, mod), w = f->right - f->left, tw = w - side - 12;
    prn__flow_need(f, 40 + side + 10);
    prn__section(f, "Verificación", "Verification");
    float top = f->y;
    prn__qr(d, f->pg, f->right - side, top, mod, p->qr_text);
    s_figures(f, r, tw);
    s_how(f, p, tw);
    if (f->y > top - side)
        f->y = top - side;
    f->y -= 10;
}

static const struct prn_col s_annex_cols[] = {
    {"Envío", "Shipment", 96, PRN_LEFT},
    {"Bulto", "Package", 44, PRN_RIGHT},
    {"Comunidad", "Community", 110, PRN_LEFT},
    {"Escaneo", "Scanned", 78, PRN_LEFT},
    {"Equipo", "Team", 100, PRN_LEFT},
    {"Dispositivo", "Device", 95, PRN_LEFT},
};

void
prn__donor_annex(struct prn_flow *f, const struct prn_donor_report *r)
{
    const struct prn_proof *p = r->proof;
    struct prn_table tab = {0};
    prn__flow_page(f);
    prn__section(f, "Anexo: cada entrega", "Annex: every delivery");
    f->y -= prn__para(f->d, f->pg, f->left, f->y, f->right - f->left, PRN_LEFT, PRN_SUB,
                      "Bulto 0: confirmada con la guía del envío / Package 0: confirmed with the "
                      "shipment's slip. Horas en la zona horaria de la organización / Times in "
                      "the organisation's time zone.",
                      0) + 6;
    prn__table_open(f, &tab, s_annex_cols, 6);
    for (size_t i = 0; i < p->nannex; i++) {
        const struct prn_annex_row *a = &p->annex[i];
        char pkg[24];
        struct prn_cell c[6];
        memset(c, 0, sizeof c);
        snprintf(pkg, sizeof pkg, "%ld", a->package);
        c[0].p[0] = PRN_P1(a->shipment, PRN_BODY);
        c[1].p[0] = PRN_P1(pkg, PRN_BODY);
        c[2].p[0] = PRN_P1(a->community, PRN_BODY);
        c[3].p[0] = PRN_P1(a->when, PRN_BODY);
        c[4].p[0] = PRN_P1(a->team ? a->team : "—", PRN_BODY);
        c[5].p[0] = PRN_P1(a->device, PRN_BODY);
        prn__table_row(f, &tab, c, i % 2 ? 0.965f : 1.0f);
    }
    if (p->nannex == 0) {
        struct prn_cell c[6] = {{{PRN_P("Sin entregas / No deliveries", PRN_BODY)}}};
        prn__table_row(f, &tab, c, 1.0f);
    }
    prn__table_close(f, &tab);
}
