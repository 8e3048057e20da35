/* url.h: the URLs Ayni's tools take: ayni-web's address, https://HOST:PORT; and a
 * webhook's, http(s)://HOST[:PORT][/PATH], which aynid checks and ayni-web posts to. */
#ifndef AYNI_URL_H
#define AYNI_URL_H

#include <stdbool.h>

/* "https://HOST:PORT" into host and port: HOST a name or an IPv4 address, or an IPv6
 * address in brackets ("https://[::1]:8443"), given back without them; no path.  False
 * if url is not that. */
bool ayni_https_url(const char *url, char host[256], unsigned *port);

/* A webhook's URL, taken apart. */
struct ayni_hook_url {
    bool tls;           /* https */
    char host[256];     /* a name, an IPv4 address, or an IPv6 address (without brackets) */
    unsigned port;      /* 80 or 443 when the URL names none */
    char path[2001];    /* from the first '/' on, query included; "/" when there is none */
};
#define AYNI_HOOK_URL_MAX 2000
/* url as http:// or https://, a host, an optional port 1..65535 and a path, at most
 * AYNI_HOOK_URL_MAX bytes of printable ASCII with no user name or password ("user@") and
 * no fragment ("#"): NULL and out filled, or why not (an English sentence, static,
 * marked with N_(): translate it with _()). */
const char *ayni_hook_url(const char *url, struct ayni_hook_url *out);

#endif
