/* web_http.h: ayni-web's replies and what it reads off a request (docs/WEB.md): the
 * headers every response carries, JSON errors in aynid's form with their HTTP status, the
 * device's "Authorization: Bearer NAME:SECRET" and the phone's language. */
#ifndef AYNI_WEB_HTTP_H
#define AYNI_WEB_HTTP_H

#include <stdbool.h>

#include <jansson.h>
#include <microhttpd.h>

#include "proto.h"

/* Queue r with status, the headers every response carries added (and Allow, if not NULL,
 * for a 405); r is destroyed (its reference). */
enum MHD_Result web_send(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                         const char *allow);
/* A JSON reply with status; body stolen.  A 405 says Allow: allow (web_reply: POST). */
enum MHD_Result web_reply_allow(struct MHD_Connection *c, unsigned status, json_t *body,
                                const char *allow);
enum MHD_Result web_reply(struct MHD_Connection *c, unsigned status, json_t *body);
/* An error reply as aynid gives one (code an AYNI_E..., details stolen, may be NULL). */
enum MHD_Result web_error(struct MHD_Connection *c, unsigned status, int code, json_t *details,
                          const char *msg);
/* A plain-text reply, for what is not the API (a browser shows it as it is). */
enum MHD_Result web_text(struct MHD_Connection *c, unsigned status, const char *msg,
                         const char *allow);
/* aynid's refusal rc as the reply, with its HTTP status (401 for a wrong secret); err is
 * cleared. */
enum MHD_Result web_core_error(struct MHD_Connection *c, int rc, struct proto_error *err);
/* "es" or "en", whichever Accept-Language prefers; NULL when it names neither. */
const char *web_phone_lang(struct MHD_Connection *c);
/* The device in "Authorization: Bearer NAME:SECRET", into name and secret; false if none. */
bool web_bearer(struct MHD_Connection *c, char name[101], char secret[201]);
/* The share link token in "Authorization: Share TOKEN" (borrowed from c, for the
 * request), or NULL if the request has none; aynid checks it. */
const char *web_share(struct MHD_Connection *c);

#endif
