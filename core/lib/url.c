/* url.c: ayni-web's address, as ayni-web --listen and ayni-warehouse --gateway read it. */
#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
ayni_https_url(const char *url, char host[256], unsigned *port)
{
    if (!url || strncmp(url, "https://", 8))
        return false;
    const char *h = url + 8, *colon = strrchr(h, ':');
    if (!colon || colon == h || colon - h > 255 || strchr(h, '/') || colon[1] == '\0')
        return false;
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (*end || p == 0 || p > 65535)
        return false;
    if (h[0] == '[') { /* [::1] */
        if (colon[-1] != ']' || colon - h < 3)
            return false;
        snprintf(host, 256, "%.*s", (int)(colon - h - 2), h + 1);
    } else {
        size_t n = (size_t)(colon - h);
        if (strcspn(h, ":[]") < n) /* an IPv6 address goes in brackets */
            return false;
        snprintf(host, 256, "%.*s", (int)n, h);
    }
    *port = (unsigned)p;
    return true;
}
