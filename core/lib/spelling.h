/* spelling.h: "did you mean": the nearest known word to a typo.  Pure functions. */
#ifndef AYNI_SPELLING_H
#define AYNI_SPELLING_H

#include <stddef.h>

/* Edit distance between a and b, ignoring case, counting a swap of two neighbouring
 * letters as one edit; (size_t)-1 for words over 63 bytes. */
size_t ayni_edit_distance(const char *a, const char *b);

/* True if candidate is near enough to word to suggest it (a third of its length, at most 3). */
int ayni_near_enough(const char *word, size_t distance);

#endif
