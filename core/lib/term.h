/* term.h: how wide the terminal people read is, so that what the tools print there fits
 * it (ayni-warehouse's tables and progress bar, ayni-scan's messages).
 */
#ifndef AYNI_TERM_H
#define AYNI_TERM_H

#include <stddef.h>

/* The narrowest terminal output is fitted to: a phone's or a small tablet's. */
#define AYNI_MIN_COLUMNS 40

/* How many columns output to fd may use: the terminal's width when fd is a terminal, else
 * COLUMNS, else 0 (no limit: a pipe or a file); never less than AYNI_MIN_COLUMNS. */
size_t ayni_term_width(int fd);

#endif
