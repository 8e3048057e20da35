/* lang.h: one language at a time.  People read Ayni in Spanish first, in English when
 * they ask (AYNI_LANG=en, or LANG/LC_MESSAGES/LC_ALL en_*).
 *
 * Messages are written in English in the code and translated with GNU gettext: the
 * domain "ayni", its catalogs made at build time from the .po files of po/es/ (po/README.md).  English
 * is the messages themselves, so it needs no catalog; a message missing from the Spanish
 * catalog shows in English (tests/i18n checks that none is missing).
 *
 * The language is the process's (ayni_lang_init, once, at start), except in a thread
 * that sets its own with ayni_lang_set: aynid answers each request in the language it
 * asks for.
 */
#ifndef AYNI_LANG_H
#define AYNI_LANG_H

#include <stdbool.h>

#define AYNI_LANG_DEFAULT "es"

/* "es" or "en" if lang names one of them (case-insensitive, "es_PE.UTF-8" names "es"),
 * else NULL. */
const char *ayni_lang_known(const char *lang);

/* The language the environment asks for: AYNI_LANG if set, else the first set of LC_ALL,
 * LC_MESSAGES and LANG when it names English or Spanish; else Spanish.  An AYNI_LANG that
 * names neither is reported in bad (NULL if none) and Spanish is used. */
const char *ayni_lang_from_env(const char **bad);

/* Make lang ("es" or "en") this process's language and load the catalogs from
 * AYNI_LOCALEDIR, else the build's locale folder, else the installed one.  Sets
 * LC_MESSAGES and LANGUAGE for gettext: call it at start, before any thread. */
void ayni_lang_init(const char *lang);

/* ayni_lang_init in the language the environment asks for; a bad AYNI_LANG gets a
 * warning from program on stderr.  What every program's main calls first. */
void ayni_lang_start(const char *program);

/* The language of this thread's messages: its own (ayni_lang_set), else the process's. */
const char *ayni_lang(void);
/* This thread's language from now on (NULL: the process's again). */
void ayni_lang_set(const char *lang);

/* msgid in this thread's language. */
const char *ayni_tr(const char *msgid) __attribute__((format_arg(1)));
/* The singular or plural message for n, in this thread's language. */
const char *ayni_ntr(const char *singular, const char *plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));

/* msgid as meant in context ctx (a word that means different things: the state
 * "dispatched" of a shipment, say), in this thread's language. */
const char *ayni_ptr(const char *ctx, const char *msgid) __attribute__((format_arg(2)));

/* The same in language lang, whichever this thread's is (input accepted in both
 * languages). */
const char *ayni_ptr_in(const char *lang, const char *ctx, const char *msgid)
    __attribute__((format_arg(3)));

#define _(msgid) ayni_tr(msgid)
#define C_(ctx, msgid) ayni_ptr(ctx, msgid)
/* Marks a message for translation where it is defined (tables); translate it with _()
 * where it is shown. */
#define N_(msgid) msgid
/* The same for a message with a plural, a table's pair (translate with ayni_ntr). */
#define NN_(singular, plural) singular, plural
/* The same for a message with a context. */
#define NC_(ctx, msgid) msgid

#endif
