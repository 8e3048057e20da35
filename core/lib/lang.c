/* lang.c: the language people read, and GNU gettext set up for it (lang.h).
 *
 * gettext picks a catalog from LANGUAGE, and ignores LANGUAGE under the "C" locale;
 * "C.UTF-8" is always there on Debian (no generated locale is needed), so LC_MESSAGES is
 * set to it and LANGUAGE to the one language with a catalog.  English bypasses gettext:
 * the messages are English.
 */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lang.h"

#define S_DOMAIN "ayni"

static const char *s_process = AYNI_LANG_DEFAULT;
static _Thread_local const char *s_thread;

const char *
ayni_lang_known(const char *lang)
{
    if (!lang)
        return NULL;
    size_t n = strcspn(lang, "_.@-");
    if (n == 2 && !strncasecmp(lang, "es", 2))
        return "es";
    if (n == 2 && !strncasecmp(lang, "en", 2))
        return "en";
    return NULL;
}

const char *
ayni_lang_from_env(const char **bad)
{
    if (bad)
        *bad = NULL;
    const char *ayni = getenv("AYNI_LANG");
    if (ayni && *ayni) {
        const char *lang = ayni_lang_known(ayni);
        if (!lang && bad)
            *bad = ayni;
        return lang ? lang : AYNI_LANG_DEFAULT;
    }
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) /* the first set decides, as for the C library */
            return ayni_lang_known(v) ? ayni_lang_known(v) : AYNI_LANG_DEFAULT;
    }
    return AYNI_LANG_DEFAULT;
}

static bool
s_is_dir(const char *path)
{
    struct stat st;
    return path && *path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void
ayni_lang_init(const char *lang)
{
    s_process = ayni_lang_known(lang) ? ayni_lang_known(lang) : AYNI_LANG_DEFAULT;
    const char *dir = getenv("AYNI_LOCALEDIR");
#ifdef AYNI_BUILD_LOCALEDIR
    if (!s_is_dir(dir))
        dir = AYNI_BUILD_LOCALEDIR;
#endif
#ifdef AYNI_INSTALL_LOCALEDIR
    if (!s_is_dir(dir))
        dir = AYNI_INSTALL_LOCALEDIR;
#endif
    if (!setlocale(LC_MESSAGES, "C.UTF-8"))
        setlocale(LC_MESSAGES, "");
    /* Other libraries' catalogs (libc's strerror, GnuTLS) are converted to LC_CTYPE's
     * charset: under "C" that is ASCII, and "Conexión rehusada" prints "Conexi?n".  Ayni
     * reads and writes UTF-8 only. */
    const char *ctype = setlocale(LC_CTYPE, NULL);
    if (!ctype || !strcmp(ctype, "C") || !strcmp(ctype, "POSIX"))
        setlocale(LC_CTYPE, "C.UTF-8");
    setenv("LANGUAGE", "es", 1);
    if (s_is_dir(dir))
        bindtextdomain(S_DOMAIN, dir);
    bind_textdomain_codeset(S_DOMAIN, "UTF-8");
}

void
ayni_lang_start(const char *program)
{
    const char *bad;
    ayni_lang_init(ayni_lang_from_env(&bad));
    if (bad)
        fprintf(stderr, _("%s: AYNI_LANG '%s' is not a language of Ayni: set it to es "
                          "(Spanish) or en (English); going on in Spanish\n"),
                program, bad);
}

const char *
ayni_lang(void)
{
    return s_thread ? s_thread : s_process;
}

void
ayni_lang_set(const char *lang)
{
    s_thread = ayni_lang_known(lang);
}

const char *
ayni_tr(const char *msgid)
{
    if (!msgid || !*msgid || !strcmp(ayni_lang(), "en"))
        return msgid;
    return dgettext(S_DOMAIN, msgid);
}

const char *
ayni_ntr(const char *singular, const char *plural, unsigned long n)
{
    if (!strcmp(ayni_lang(), "en"))
        return n == 1 ? singular : plural;
    return dngettext(S_DOMAIN, singular, plural, n);
}

const char *
ayni_ptr(const char *ctx, const char *msgid)
{
    return ayni_ptr_in(ayni_lang(), ctx, msgid);
}

const char *
ayni_ptr_in(const char *lang, const char *ctx, const char *msgid)
{
    if (!lang || !strcmp(lang, "en"))
        return msgid;
    /* gettext keeps a message with a context as "ctx\004msgid" (its pgettext) */
    char key[512];
    int n = snprintf(key, sizeof key, "%s\004%s", ctx, msgid);
    if (n < 0 || (size_t)n >= sizeof key)
        return msgid;
    const char *t = dgettext(S_DOMAIN, key);
    return t == key ? msgid : t;
}
