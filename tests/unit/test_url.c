/* test_url.c: ayni-web's address as --listen and --gateway read it (core/lib/url.c):
 * https://HOST:PORT, an IPv6 host in brackets given back bare, and everything else
 * refused; and a webhook's URL (ayni_hook_url). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

static void
s_good(const char *url, const char *host, unsigned port)
{
    char h[256] = "";
    unsigned p = 0;
    assert_true(ayni_https_url(url, h, &p));
    assert_string_equal(h, host);
    assert_int_equal(p, port);
}

static void
test_good(void **state)
{
    (void)state;
    s_good("https://127.0.0.1:8443", "127.0.0.1", 8443);
    s_good("https://192.168.1.20:1", "192.168.1.20", 1);
    s_good("https://localhost:65535", "localhost", 65535);
    s_good("https://almacen.care.org.pe:443", "almacen.care.org.pe", 443);
    s_good("https://[::1]:8443", "::1", 8443);
    s_good("https://[fe80::1%eth0]:8443", "fe80::1%eth0", 8443);
}

static void
test_bad(void **state)
{
    (void)state;
    const char *bad[] = {NULL, "", "http://127.0.0.1:8443", "https://127.0.0.1",
                         "https://127.0.0.1:", "https://:8443", "https://127.0.0.1:0",
                         "https://127.0.0.1:65536", "https://127.0.0.1:84x3",
                         "https://127.0.0.1:8443/", "https://127.0.0.1:8443/app",
                         "https://[::1:8443", "https://::1]:8443", "https://[]:8443",
                         "HTTPS://127.0.0.1:8443"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char h[256];
        unsigned p;
        if (ayni_https_url(bad[i], h, &p))
            fail_msg("'%s' read as an https URL", bad[i] ? bad[i] : "(null)");
    }
}

static void
s_hook(const char *url, bool tls, const char *host, unsigned port, const char *path)
{
    struct ayni_hook_url u;
    const char *why = ayni_hook_url(url, &u);
    if (why)
        fail_msg("'%s' refused: %s", url, why);
    assert_int_equal(u.tls, tls);
    assert_string_equal(u.host, host);
    assert_int_equal(u.port, port);
    assert_string_equal(u.path, path);
}

static void
test_hook_good(void **state)
{
    (void)state;
    s_hook("http://127.0.0.1:8080/hook", false, "127.0.0.1", 8080, "/hook");
    s_hook("https://dhis2.example.org/api/events?x=1", true, "dhis2.example.org", 443,
           "/api/events?x=1");
    s_hook("http://localhost", false, "localhost", 80, "/");
    s_hook("http://localhost?a=b", false, "localhost", 80, "/?a=b");
    s_hook("https://[::1]:9443/", true, "::1", 9443, "/");
    s_hook("http://[::1]/x", false, "::1", 80, "/x");
}

static void
test_hook_bad(void **state)
{
    (void)state;
    char longer[2100];
    memset(longer, 'a', sizeof longer - 1);
    memcpy(longer, "http://h/", 9);
    longer[sizeof longer - 1] = '\0';
    const char *bad[] = {NULL, "", "ftp://h/", "HTTP://h/", "http://", "http:///x",
                         "http://user:pw@h/", "http://user@h/", "http://h/x#frag",
                         "http://h:0/", "http://h:65536/", "http://h:/", "http://h:8x/",
                         "http://h x/", "http://h/\xc3\xb1", "http://[::1/", "http://[g::1]/",
                         "http://[::1]x/", "http://-h/", "http://h_h/", longer};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ayni_hook_url u;
        if (!ayni_hook_url(bad[i], &u))
            fail_msg("'%.60s' read as a webhook URL", bad[i] ? bad[i] : "(null)");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_hook_good),
        cmocka_unit_test(test_hook_bad),
    };
    return cmocka_run_group_tests_name("ayni_https_url", tests, NULL, NULL);
}
