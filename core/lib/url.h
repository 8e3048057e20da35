/* url.h: the one kind of URL Ayni's tools take: ayni-web's address, https://HOST:PORT. */
#ifndef AYNI_URL_H
#define AYNI_URL_H

#include <stdbool.h>

/* "https://HOST:PORT" into host and port: HOST a name or an IPv4 address, or an IPv6
 * address in brackets ("https://[::1]:8443"), given back without them; no path.  False
 * if url is not that. */
bool ayni_https_url(const char *url, char host[256], unsigned *port);

#endif
