/* test_url.c: ayni-web's address as --listen and --gateway read it (core/lib/url.c):
 * https://HOST:PORT, an IPv6 host in brackets given back bare, and everything else
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests_name("ayni_https_url", tests, NULL, NULL);
}
