/* prn_enrol.c: a phone's enrolment sheet — one A4 page with the QR a delivery team's
 * phone scans once to join Ayni (docs/WEB.md "Enrolling a phone"): what the phone will
 * be called and for which team, the steps, the gateway's address, its certificate's
 * fingerprint to compare with the browser's, the one-time code to type where a camera
 * cannot read the QR, and when that code stops working.  Without a team it is a
 * coordinator's browser's (role reader), which opens the dashboard.  The sheet is a
 * secret until it is used: it is written mode 0600 and says to destroy it.
 */
#include "prn_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define M 54.0f        /* page margin */
#define QR_SIDE 220.0f /* about 4.5 pt a module for a gateway's URL: reads at arm's length */
#define S_URL_MAX 512
#define S_STEP_W (PRN_A4_W - 2 * M - 22)

static bool
s_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!isxdigit((unsigned char)*p))
            return false;
    return true;
}

static bool
s_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 8 || n > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p))
            return false;
    return true;
}

/* "YYYY-MM-DD HH:MM" */
static bool
s_when(const char *s)
{
    if (!s || strlen(s) != 16 || s[10] != ' ' || s[13] != ':')
        return false;
    for (int i = 11; i < 16; i++)
        if (i != 13 && !isdigit((unsigned char)s[i]))
            return false;
    return (s[11] - '0') * 10 + (s[12] - '0') < 24 && (s[14] - '0') * 10 + (s[15] - '0') < 60;
}

static int
s_check(const struct prn_enrol *e, char *err, size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (!e)
        return prn__check_fail(&c, "missing enrolment sheet");
    prn__check_name(&c, e->device, true, "device");
    prn__check_name(&c, e->team, false, "team");
    prn__check_name(&c, e->org_name, false, "org_name");
    prn__check_name(&c, e->gateway, true, "gateway");
    prn__check_name(&c, e->time_zone, false, "time_zone");
    prn__check_token(&c, e->url, "url");
    char day[11] = "";
    if (e->expires && strlen(e->expires) >= 10)
        snprintf(day, sizeof day, "%.10s", e->expires);
    prn__check_date(&c, day[0] ? day : NULL, true, "expires");
    if (c.rc)
        return c.rc;
    if (!s_hex64(e->fingerprint))
        return prn__check_fail(&c, "'fingerprint' must be 64 hex digits (a SHA-256)");
    if (!s_code(e->code))
        return prn__check_fail(&c, "'code' must be 8 to 64 letters and digits");
    if (!s_when(e->expires))
        return prn__check_fail(&c, "'expires' must be YYYY-MM-DD HH:MM: '%.40s'", e->expires);
    if (strlen(e->url) > S_URL_MAX)
        return prn__check_fail(&c, "'url' is too long (at most %d bytes)", S_URL_MAX);
    return 0;
}

/* "4D:83:07:…" in two lines of 16 bytes, into l1 and l2 (48 bytes each). */
static void
s_fingerprint_lines(const char *hex, char l1[48], char l2[48])
{
    char *out[2] = {l1, l2};
    for (int half = 0; half < 2; half++) {
        char *o = out[half];
        for (int i = 0; i < 16; i++) {
            const char *h = hex + half * 32 + i * 2;
            *o++ = (char)toupper((unsigned char)h[0]);
            *o++ = (char)toupper((unsigned char)h[1]);
            if (i < 15)
                *o++ = ':';
        }
        *o = '\0';
    }
}

/* The code in groups of four, "K7QH 2M4X WZ3T …", as a person copies it. */
static void
s_code_groups(const char *code, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; code[i] && o + 2 < n; i++) {
        if (i && i % 4 == 0)
            out[o++] = ' ';
        out[o++] = (char)toupper((unsigned char)code[i]);
    }
    out[o] = '\0';
}

/* A numbered step: Spanish, then English under it in grey.  Returns the height used. */
static float
s_step(struct prn_doc *d, HPDF_Page pg, float y, int n, const char *es, const char *en)
{
    char num[8];
    snprintf(num, sizeof num, "%d", n);
    prn__text(d, pg, M + 4, y - 10, PRN_LEFT, PRN_STYLE(11, true, 0), num);
    float h = prn__para(d, pg, M + 22, y, S_STEP_W, PRN_LEFT, PRN_STYLE(10.5f, false, 0), es, 0);
    h += prn__para(d, pg, M + 22, y - h, S_STEP_W, PRN_LEFT, PRN_STYLE(8, false, PRN_GREY_SUB),
                   en, 0);
    return h + 7;
}

/* A field: its label ("Es / En") and its value in the given style.  Returns the height. */
static float
s_field(struct prn_doc *d, HPDF_Page pg, float y, const char *es, const char *en,
        struct prn_style st, const char *value)
{
    prn__label(d, pg, M, y - 8, 8, es, en);
    return 12 + prn__para(d, pg, M, y - 12, PRN_A4_W - 2 * M, PRN_LEFT, st, value, 0) + 6;
}

static void
s_draw(struct prn_doc *d, const void *arg)
{
    const struct prn_enrol *e = arg;
    HPDF_Page pg = prn__doc_page(d, PRN_A4_W, PRN_A4_H);
    float y = PRN_A4_H - M, w = PRN_A4_W - 2 * M;
    if (e->org_name) {
        prn__text(d, pg, M, y - 9, PRN_LEFT, PRN_STYLE(9, false, 0.3f), e->org_name);
        y -= 16;
    }
    /* no team: a coordinator's browser (role reader), which opens the dashboard */
    bool reader = !e->team;
    prn__text(d, pg, M, y - 20, PRN_LEFT, PRN_STYLE(21, true, 0),
              reader ? "Inscripción de un navegador (panel)" : "Inscripción de un teléfono");
    prn__text(d, pg, M, y - 34, PRN_LEFT, PRN_STYLE(11, false, PRN_GREY_SUB),
              reader ? "Dashboard browser enrolment · Ayni" : "Phone enrolment · Ayni");
    y -= 48;
    char who[400];
    snprintf(who, sizeof who, "%s · %s", e->device, reader ? "lector / reader" : e->team);
    if (reader)
        prn__label(d, pg, M, y - 8, 8, "Navegador y permiso", "Browser and role");
    else
        prn__label(d, pg, M, y - 8, 8, "Teléfono y equipo", "Phone and team");
    y -= 12 + prn__para(d, pg, M, y - 12, w, PRN_LEFT, PRN_STYLE(14, true, 0), who, 2);

    /* the QR, centred, with the instruction under it */
    float mod = prn__qr_module(d, e->url, QR_SIDE, 1.5f);
    float side = prn__qr_side(d, e->url, mod);
    prn__qr(d, pg, (PRN_A4_W - side) / 2, y - 6, mod, e->url);
    y -= side + 12;
    prn__text(d, pg, PRN_A4_W / 2, y - 11, PRN_CENTER, PRN_STYLE(11.5f, true, 0),
              reader ? "Escanea este código con la cámara, o abre la dirección de abajo"
                     : "Escanea este código con la cámara del teléfono");
    prn__text(d, pg, PRN_A4_W / 2, y - 23, PRN_CENTER, PRN_STYLE(8.5f, false, PRN_GREY_SUB),
              reader ? "Scan this code with a camera, or open the address below"
                     : "Scan this code with the phone's camera");
    y -= 36;

    if (reader) {
        y -= s_step(d, pg, y, 1,
                    "Conecta el teléfono o la computadora a la red donde corre ayni-web.",
                    "Connect the phone or computer to the network where ayni-web runs.");
        y -= s_step(d, pg, y, 2,
                    "Escanea este código y abre el enlace; en una computadora, abre la "
                    "dirección de abajo y escribe el código de un solo uso.",
                    "Scan this code and open the link; on a computer, open the address below "
                    "and type the one-time code.");
    } else {
        y -= s_step(d, pg, y, 1,
                    "Conecta el teléfono a la red del almacén (wifi), la misma de ayni-web.",
                    "Connect the phone to the warehouse network (Wi-Fi), where ayni-web runs.");
        y -= s_step(d, pg, y, 2,
                    "Abre la cámara, apunta a este código y abre el enlace que te muestra.",
                    "Open the camera, point it at this code and open the link it shows.");
    }
    y -= s_step(d, pg, y, 3,
                "Si el navegador te advierte del certificado, mira su huella SHA-256: sigue "
                "solo si es igual a la de esta hoja.",
                "If the browser warns about the certificate, look at its SHA-256 fingerprint: "
                "go on only if it is the one on this sheet.");
    if (reader)
        y -= s_step(d, pg, y, 4,
                    "Se abre el panel de Ayni: existencias, envíos en camino y entregas, en "
                    "vivo. Solo puede leer; no cambia nada.",
                    "Ayni's dashboard opens: stock, shipments on the road and deliveries, live. "
                    "It can only read; it changes nothing.");
    else
        y -= s_step(d, pg, y, 4,
                    "En la app, toca «Instalar» o «Añadir a la pantalla de inicio»: así se abre "
                    "aunque no haya señal.",
                    "In the app, tap Install or Add to Home screen: it then opens with no "
                    "signal.");
    y -= 4;
    prn__rule(pg, M, y, PRN_A4_W - M, y, 0.6f, PRN_GREY_RULE);
    y -= 10;

    y -= s_field(d, pg, y, "Dirección de ayni-web", "ayni-web address",
                 PRN_STYLE(11, true, 0), e->gateway);
    char l1[48], l2[48], code[96], when[96], date[16];
    s_fingerprint_lines(e->fingerprint, l1, l2);
    prn__label(d, pg, M, y - 8, 8, "Huella SHA-256 del certificado",
               "Certificate SHA-256 fingerprint");
    struct prn_style mono = {9.5f, false, true, 0};
    prn__text(d, pg, M, y - 23, PRN_LEFT, mono, l1);
    prn__text(d, pg, M, y - 36, PRN_LEFT, mono, l2);
    y -= 46;
    s_code_groups(e->code, code, sizeof code);
    y -= s_field(d, pg, y, "Código de un solo uso (si no puedes escanear)",
                 "One-time code (where the QR cannot be scanned)",
                 (struct prn_style){15, true, true, 0}, code);
    snprintf(when, sizeof when, "%s %s%s%s%s", prn__date(date, sizeof date, e->expires),
             e->expires + 11, e->time_zone ? " (" : "", e->time_zone ? e->time_zone : "",
             e->time_zone ? ")" : "");
    y -= s_field(d, pg, y, "Vence", "Expires", PRN_STYLE(11, true, 0), when);

    /* the warning, in a box at the foot */
    const char *wes = reader ? "Esta hoja da acceso a los datos de Ayni como este navegador. El "
                               "código sirve una sola vez y vence; cuando el navegador esté "
                               "inscrito, destruye la hoja."
                             : "Esta hoja da acceso a Ayni como este teléfono. El código sirve "
                               "una sola vez y vence; cuando el teléfono esté inscrito, "
                               "destruye la hoja.";
    const char *wen = reader ? "This sheet gives access to Ayni's data as this browser. The code "
                               "works once and expires; once the browser is enrolled, destroy "
                               "the sheet."
                             : "This sheet gives access to Ayni as this phone. The code works "
                               "once and expires; once the phone is enrolled, destroy the "
                               "sheet.";
    float bw = w - 16, hes = prn__para_h(d, bw, PRN_STYLE(9.5f, true, 0), wes, 0),
          hen = prn__para_h(d, bw, PRN_STYLE(8, false, PRN_GREY_SUB), wen, 0);
    float bh = hes + hen + 14, by = M + bh;
    if (by > y - 6)
        by = y - 6;
    prn__box(pg, M, by - bh, w, bh, 1.2f, 0);
    prn__para(d, pg, M + 8, by - 6, bw, PRN_LEFT, PRN_STYLE(9.5f, true, 0), wes, 0);
    prn__para(d, pg, M + 8, by - 6 - hes, bw, PRN_LEFT, PRN_STYLE(8, false, PRN_GREY_SUB), wen,
              0);
}

int
prn_enrol_render(const struct prn_enrol *e, unsigned char **pdf, size_t *len, char *err,
                 size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (prn__check_out(&c, pdf, "output buffer 'pdf'") || prn__check_out(&c, len, "'len'"))
        return c.rc;
    *pdf = NULL;
    int rc = s_check(e, err, errlen);
    if (rc)
        return rc;
    char title[200];
    snprintf(title, sizeof title, "Inscripción de %s", e->device);
    return prn__render(s_draw, e, title, pdf, len, err, errlen);
}

int
prn_enrol_write(const struct prn_enrol *e, const char *path, char *err, size_t errlen)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = prn_enrol_render(e, &pdf, &len, err, errlen);
    if (rc == 0)
        rc = prn__file_write_mode(pdf, len, path, true, 0600, err, errlen);
    free(pdf);
    return rc;
}
