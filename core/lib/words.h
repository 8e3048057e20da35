/* words.h: plurals, for quantities people read: Spanish ("1 kit", "120 kits", "3
 * unidades", "2 kits de higiene") and English ("3 boxes", "2 hygiene kits").  No
 * allocation; ayni_quantity says them in this thread's language (lang.h).
 */
#ifndef AYNI_WORDS_H
#define AYNI_WORDS_H

#include <stddef.h>

/* The plural of a Spanish noun phrase into out: the words before the first connector
 * or detail take the plural ("tableta educativa" -> "tabletas educativas", "kit de
 * higiene" -> "kits de higiene"); vowel + s; l r n d j y + es, dropping a last
 * syllable's accent ("botiquín" -> "botiquines"); z -> ces; s x unchanged; any other
 * consonant (kit, laptop) + s; acronyms and words with digits stay. */
void ayni_plural(const char *name, char *out, size_t size);
/* The plural of an English noun phrase into out: its head noun, the last word before
 * the first connector (of, for, with ...) that is no detail, takes the plural ("hygiene
 * kit" -> "hygiene kits", "box of gloves" -> "boxes of gloves"): s x z ch sh + es,
 * consonant + y -> ies, else + s.  A phrase of another language (data: "unidad") gets
 * English rules too ("unidads"). */
void ayni_plural_en(const char *name, char *out, size_t size);
/* "qty noun" with noun in the plural unless qty is 1 or -1, by the rules of this
 * thread's language (ayni_lang): "1 kit", "0 kits", "3 unidades" in Spanish, "3 boxes"
 * in English; qty alone if noun is NULL or empty.  Returns out. */
const char *ayni_quantity(long long qty, const char *noun, char *out, size_t size);

#endif
