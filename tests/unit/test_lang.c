/* test_lang.c: the language people read (core/lib/lang.c): which one the environment
 * asks for, and messages in it from this build's catalog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang.h"

static void
s_env(const char *ayni, const char *lc_all, const char *lc_messages, const char *lang)
{
    const char *names[] = {"AYNI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"};
    const char *values[] = {ayni, lc_all, lc_messages, lang};
    for (int i = 0; i < 4; i++) {
        if (values[i])
            setenv(names[i], values[i], 1);
        else
            unsetenv(names[i]);
    }
}

static void
test_from_env(void **state)
{
    const char *bad;
    s_env(NULL, NULL, NULL, NULL);
    assert_string_equal(ayni_lang_from_env(&bad), "es");
    assert_null(bad);
    s_env(NULL, NULL, NULL, "en_GB.UTF-8");
    assert_string_equal(ayni_lang_from_env(&bad), "en");
    s_env(NULL, NULL, NULL, "C.UTF-8");
    assert_string_equal(ayni_lang_from_env(&bad), "es");
    s_env(NULL, "es_PE.UTF-8", NULL, "en_US.UTF-8"); /* LC_ALL first */
    assert_string_equal(ayni_lang_from_env(&bad), "es");
    s_env(NULL, NULL, "en_US", "es_PE");
    assert_string_equal(ayni_lang_from_env(&bad), "en");
    s_env("en", NULL, NULL, "es_PE.UTF-8"); /* AYNI_LANG before all */
    assert_string_equal(ayni_lang_from_env(&bad), "en");
    s_env("ES", NULL, NULL, "en_US.UTF-8");
    assert_string_equal(ayni_lang_from_env(&bad), "es");
    s_env("fr", NULL, NULL, "en_US.UTF-8");
    assert_string_equal(ayni_lang_from_env(&bad), "es");
    assert_string_equal(bad, "fr");
    assert_null(ayni_lang_known("english"));
    assert_null(ayni_lang_known(""));
    assert_string_equal(ayni_lang_known("en-GB"), "en");
}

#define S_MSG                                                                              \
    "%s: AYNI_LANG '%s' is not a language of Ayni: set it to es (Spanish) or en "          \
    "(English); going on in Spanish\n"

/* Spanish from the catalog the build made; English is the message itself; a thread's
 * language (aynid's request) wins over the process's until it is cleared. */
static void
test_messages(void **state)
{
    s_env(NULL, "C", NULL, NULL); /* no locale of the caller's stands in the way */
    ayni_lang_init("es");
    assert_string_equal(ayni_lang(), "es");
    assert_non_null(strstr(ayni_tr(S_MSG), "no es un idioma de Ayni"));
    assert_string_equal(ayni_tr("a message no catalog has"), "a message no catalog has");
    assert_string_equal(ayni_ntr("%d kit", "%d kits", 2), "%d kits"); /* none: English */
    assert_string_equal(C_("state", "a state no catalog has"), "a state no catalog has");
    ayni_lang_set("en");
    assert_string_equal(ayni_lang(), "en");
    assert_string_equal(ayni_tr(S_MSG), S_MSG);
    ayni_lang_set(NULL);
    assert_string_equal(ayni_lang(), "es");
    ayni_lang_init("en");
    assert_string_equal(ayni_tr(S_MSG), S_MSG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_env),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests_name("lang", tests, NULL, NULL);
}
