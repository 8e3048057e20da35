/* isotime.h: ISO 8601 times from outside (a scanner's clock), checked and made UTC.
 * Pure functions: no clock, no locale, no allocation.
 */
#ifndef AYNI_ISOTIME_H
#define AYNI_ISOTIME_H

#include <stdbool.h>
#include <time.h>

/* The one format Ayni accepts, for messages. */
#define AYNI_ISOTIME_FORMAT "YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DDTHH:MM:SS±HH:MM (fractional seconds allowed)"

/* Parse text as YYYY-MM-DDTHH:MM:SS, optional fraction (.d+, dropped), then Z or ±HH:MM;
 * a real calendar date (leap years counted), hour 0..23, minute and second 0..59, the
 * offset at most 18:00, year 1..9999 in UTC too.  true and the same instant in UTC as
 * YYYY-MM-DDTHH:MM:SSZ in utc (and *t, if not NULL); false for anything else, utc untouched. */
bool ayni_isotime_utc(const char *text, char utc[21], time_t *t);

#endif
