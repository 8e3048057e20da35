/* words.h: Spanish plurals, for quantities people read ("1 kit", "120 kits",
 * "3 unidades", "2 kits de higiene").  Pure functions: no locale, no allocation.
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
/* "qty noun" with noun in the plural unless qty is 1 ("1 kit", "0 kits", "3
 * unidades"); qty alone if noun is NULL or empty.  Returns out. */
const char *ayni_quantity(long long qty, const char *noun, char *out, size_t size);

#endif
