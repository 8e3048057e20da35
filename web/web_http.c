/* web_http.c: the replies of ayni-web (web_http.h): every response with the headers it
 * must carry, JSON errors as aynid gives them, and what a request says of its device and
 * its language.  It must not know any route or op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "lang.h"
#include "mem.h"
#include "web_api.h"
#include "web_http.h"

/* What a page may do, on every response (the API's too): its own scripts, styles, images
 * and service worker only, no inline script or style, the camera's stream, calls to this
 * gateway alone; never framed, no forms sent elsewhere. */
#define S_CSP                                                                              \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " \
    "media-src 'self' blob: mediastream:; connect-src 'self'; manifest-src 'self'; "        \
    "worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* Send r with status, the headers every response carries added (and Allow, if not NULL,
 * for a 405); r is destroyed. */
enum MHD_Result
web_send(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, const char *allow)
{
    MHD_add_response_header(r, "Content-Security-Policy", S_CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Permissions-Policy", "camera=(self), geolocation=(self)");
    MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* A JSON reply with status; body stolen.  A 405 says Allow: allow. */
enum MHD_Result
web_reply_allow(struct MHD_Connection *c, unsigned status, json_t *body, const char *allow)
{
    char *text = proto_dump(body);
    json_decref(body);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (status == 401)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"ayni\"");
    return web_send(c, status, r, status == 405 ? allow : NULL);
}

enum MHD_Result
web_reply(struct MHD_Connection *c, unsigned status, json_t *body)
{
    return web_reply_allow(c, status, body, "POST");
}

/* An error reply as aynid gives one, with the HTTP status given. */
enum MHD_Result
web_error(struct MHD_Connection *c, unsigned status, int code, json_t *details, const char *msg)
{
    json_t *err = json_pack("{ss ss}", "code", ayni_err_code(code), "message", msg);
    if (details)
        json_object_set_new(err, "details", details);
    return web_reply(c, status, json_pack("{sb so}", "ok", 0, "error", err));
}

/* A plain-text reply, for what is not the API (a browser shows it as it is). */
enum MHD_Result
web_text(struct MHD_Connection *c, unsigned status, const char *msg, const char *allow)
{
    char *text = xasprintf("%s\n", msg);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    return web_send(c, status, r, allow);
}

/* The language the phone asks for in Accept-Language ("en-US,en;q=0.9,es;q=0.8"): of es
 * and en, the one with the higher q (the first on a tie); NULL when the header names
 * neither, and the gateway's own language stays (AYNI_LANG, Spanish by default). */
const char *
web_phone_lang(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    const char *lang = NULL;
    double best = 0;
    for (const char *p = h; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ","), tag = strcspn(p, "; \t,");
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int)(tag < 63 ? tag : 63), p);
        const char *q = memchr(p, ';', len) ? strstr(p, "q=") : NULL;
        double weight = q && q < p + len ? strtod(q + 2, NULL) : 1.0;
        const char *known = ayni_lang_known(item);
        if (known && weight > best) {
            best = weight;
            lang = known;
        }
        p += len;
    }
    return lang;
}

/* The phone in "Authorization: Bearer NAME:SECRET", into name and secret; false if none. */
bool
web_bearer(struct MHD_Connection *c, char name[101], char secret[201])
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h || strncmp(h, "Bearer ", 7))
        return false;
    h += 7;
    const char *colon = strchr(h, ':');
    if (!colon || colon == h || colon - h > 100 || strlen(colon + 1) > 200 || !colon[1])
        return false;
    snprintf(name, 101, "%.*s", (int)(colon - h), h);
    snprintf(secret, 201, "%s", colon + 1);
    return true;
}

const char *
web_share(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h || strncmp(h, "Share ", 6))
        return NULL;
    h += 6;
    return *h ? h : NULL;
}

/* aynid's refusal rc (err cleared here) as the reply, with its HTTP status. */
enum MHD_Result
web_core_error(struct MHD_Connection *c, int rc, struct proto_error *err)
{
    unsigned status = web_http_status(rc);
    /* A secret that is wrong (or no such phone) is authentication; a disabled phone is
     * refused as forbidden (aynid's details say which, docs/PROTOCOL.md section 2). */
    const char *field = json_string_value(json_object_get(err->details, "field"));
    if (rc == AYNI_EDENIED && field && !strcmp(field, "as"))
        status = 401;
    enum MHD_Result ok = web_error(c, status, rc, json_incref(err->details), err->message);
    proto_error_clear(err);
    return ok;
}
