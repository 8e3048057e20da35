/* mem.h: allocation that never returns NULL.
 *
 * Running out of memory is not something Ayni can recover from in a useful way, so
 * these abort with a message instead of spreading untested NULL branches.
 */
#ifndef AYNI_MEM_H
#define AYNI_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A newly allocated string formatted as by printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
