/* test_web_sign.c: a webhook delivery's X-Ayni-Signature (web/web_hooks.c) against the
 * test vector in docs/WEB.md ("Webhooks"), which a receiver's own check is tested with;
 * and a secret that is not 64 hex digits signs nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "mem.h"
#include "testutil.h"
#include "web_hooks.h"

/* The next line of the block at *p, its indentation dropped (a new string). */
static char *
s_line(const char **p)
{
    const char *s = *p + strspn(*p, " ");
    size_t n = strcspn(s, "\n");
    *p = s + n + (s[n] == '\n');
    return xstrndup(s, n);
}

static void
test_vector(void **state)
{
    (void)state;
    char *md = tu_doc("docs/WEB.md");
    const char *p = tu_block(md, "webhook-vector");
    if (!p)
        fail_msg("docs/WEB.md has no ```webhook-vector block");
    char *secret = s_line(&p), *body = s_line(&p), *want = s_line(&p);
    char sig[WEB_HOOK_SIG_LEN];
    assert_true(web_hook_sign(secret, body, strlen(body), sig));
    assert_string_equal(sig, want);
    /* one byte of the body changed: another signature */
    body[strlen(body) - 2] = 'X';
    assert_true(web_hook_sign(secret, body, strlen(body), sig));
    assert_string_not_equal(sig, want);
    free(secret), free(body), free(want), free(md);
}

static void
test_bad_secret(void **state)
{
    (void)state;
    char sig[WEB_HOOK_SIG_LEN];
    const char *bad[] = {NULL, "", "00", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                         "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(web_hook_sign(bad[i], "{}", 2, sig));
}

int
main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_bad_secret),
    };
    return cmocka_run_group_tests_name("web_hook_sign", tests, NULL, NULL);
}
