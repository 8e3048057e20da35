/* fuzz_hookurl.c: libFuzzer target for a webhook's URL (core/lib/url.c, ayni_hook_url),
 * which aynid reads from webhook.add and ayni-web posts to.
 *
 * The input is the URL text (cut at its first NUL).  Checks, besides no crash or sanitizer
 * report: an accepted URL has a host, a port 1..65535 and a path starting with '/', and
 * is at most AYNI_HOOK_URL_MAX bytes with no '@' before its path and no '#'; a refusal
 * says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    struct ayni_hook_url u;
    const char *why = ayni_hook_url(text, &u);
    if (why) {
        if (!*why)
            abort();
    } else {
        const char *auth = strstr(text, "://") + 3;
        size_t n = strcspn(auth, "/?#");
        if (!*u.host || u.port < 1 || u.port > 65535 || u.path[0] != '/' ||
            strlen(text) > AYNI_HOOK_URL_MAX || memchr(auth, '@', n) || strchr(text, '#'))
            abort();
    }
    free(text);
    return 0;
}
