/* web_api.h: the gateway's HTTP rules, apart from any socket: which ops a phone may
 * reach, and the HTTP status for each error code of docs/PROTOCOL.md section 5
 * (docs/WEB.md).  Every business rule stays in aynid. */
#ifndef AYNI_WEB_API_H
#define AYNI_WEB_API_H

#include <stdbool.h>
#include <stddef.h>

/* The largest request body the gateway reads (aynid's own frame cap). */
#define WEB_BODY_MAX (1024 * 1024)

/* Whether op is on the allow-list a phone scanner needs. */
bool web_op_allowed(const char *op);
/* The allowed ops, "server.info, keys.public, …", in buf (256 bytes are enough). */
const char *web_op_names(char *buf, size_t size);
/* Whether op needs no device secret (a phone enrolling has none yet). */
bool web_op_open(const char *op);
/* The HTTP status for an AYNI_E... code (0: 200). */
unsigned web_http_status(int code);

#endif
