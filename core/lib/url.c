/* url.c: ayni-web's address, as ayni-web --listen and ayni-warehouse --gateway read it; and
 * a webhook's URL, as aynid checks it (webhook.add) and ayni-web posts to it. */
#include "url.h"

#include "lang.h"

#include <ctype.h>
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

/* A host name: letters, digits, '-' and '.', as DNS has them; an IPv4 address is one too. */
static bool
s_host_name(const char *h, size_t n)
{
    if (n == 0 || h[0] == '.' || h[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
            return false;
    return true;
}

/* An IPv6 address in brackets: hex digits, ':' and '.' (an IPv4 tail). */
static bool
s_host_v6(const char *h, size_t n)
{
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
            return false;
    return strchr(h, ':') < h + n;
}

/* The authority auth (n bytes: host and optional port) into out; NULL or why not. */
static const char *
s_authority(const char *auth, size_t n, struct ayni_hook_url *out)
{
    const char *port = NULL, *host = auth;
    size_t hn = n;
    if (n && auth[0] == '[') {
        const char *close = memchr(auth, ']', n);
        if (!close || !s_host_v6(auth + 1, (size_t)(close - auth - 1)))
            return N_("the host in brackets must be an IPv6 address, as in http://[::1]:8080/");
        host = auth + 1;
        hn = (size_t)(close - auth - 1);
        if (close + 1 < auth + n && close[1] != ':')
            return N_("after an IPv6 address in brackets only ':PORT' may follow");
        port = close + 1 < auth + n ? close + 2 : NULL;
    } else {
        const char *colon = memchr(auth, ':', n);
        if (colon) {
            hn = (size_t)(colon - auth);
            port = colon + 1;
        }
        if (!s_host_name(host, hn))
            return N_("the host must be a name or an address (letters, digits, '-' and '.')");
    }
    if (hn > 255)
        return N_("the host is longer than 255 bytes");
    snprintf(out->host, sizeof out->host, "%.*s", (int)hn, host);
    out->port = out->tls ? 443 : 80;
    if (port) {
        size_t pn = (size_t)(auth + n - port);
        unsigned long p = 0;
        for (size_t i = 0; i < pn && p <= 65535; i++)
            p = isdigit((unsigned char)port[i]) ? p * 10 + (unsigned long)(port[i] - '0') : 70000;
        if (pn == 0 || pn > 5 || p == 0 || p > 65535)
            return N_("the port must be a number from 1 to 65535");
        out->port = (unsigned)p;
    }
    return NULL;
}

const char *
ayni_hook_url(const char *url, struct ayni_hook_url *out)
{
    memset(out, 0, sizeof *out);
    if (!url || !*url)
        return N_("the URL is empty");
    size_t len = strlen(url);
    if (len > AYNI_HOOK_URL_MAX)
        return N_("the URL is longer than 2000 bytes");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
            return N_("the URL may hold only printable ASCII, with no spaces (percent-encode "
                   "anything else)");
    if (!strncmp(url, "https://", 8))
        out->tls = true;
    else if (strncmp(url, "http://", 7))
        return N_("the URL must start with http:// or https://");
    const char *auth = url + (out->tls ? 8 : 7);
    size_t n = strcspn(auth, "/?#");
    if (memchr(auth, '@', n))
        return N_("the URL may not hold a user name or password ('user@'): the hook's secret "
               "signs each delivery");
    if (strchr(url, '#'))
        return N_("the URL may not hold a fragment ('#'): it is never sent to the server");
    const char *why = s_authority(auth, n, out);
    if (why)
        return why;
    const char *rest = auth + n;
    snprintf(out->path, sizeof out->path, "%s%s", *rest == '?' ? "/" : "", *rest ? rest : "/");
    return NULL;
}
