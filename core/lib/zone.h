/* zone.h: the organisation's time zone, and times as people read them in it.
 *
 * Stored times stay UTC (DESIGN.md section 7); a person reads them in one zone, the core's
 * (aynid --tz, served in server.info as time_zone), in one format made here so that aynid,
 * ayni-warehouse and ayni-scan all print the same text for the same time.  The zone is the
 * process's local time (TZ): set it once, at start, with ayni_zone_use; not for threads
 * that read the time zone while another sets it.
 */
#ifndef AYNI_ZONE_H
#define AYNI_ZONE_H

#include <stddef.h>

#define AYNI_ZONE_DEFAULT "America/Lima"
/* Bytes enough for ayni_when's text, and for a zone name. */
#define AYNI_WHEN_MAX 48
#define AYNI_ZONE_MAX 64

/* Check that zone names a zone of the system's time zone database (TZDIR, else
 * /usr/share/zoneinfo: a TZif file) and make it this process's local time (setenv TZ,
 * tzset).  0; or -1 and a message in err saying what to do. */
int ayni_zone_use(const char *zone, char *err, size_t errlen);

/* The zone ayni_zone_use last set ("" if none: the process's own TZ). */
const char *ayni_zone(void);

/* iso (an ISO 8601 time, isotime.h) as "22/11/2026 07:50" in the local time zone, in out;
 * iso itself if it is not such a time, "" if it is NULL.  Returns out. */
const char *ayni_when(const char *iso, char *out, size_t size);

/* iso as an ISO 8601 time in the local time zone, to the second and with its offset
 * ("2026-11-22T07:50:12-05:00"): for logs people read that must also sort and parse; iso
 * itself if it is not an ISO time, "" if NULL.  Returns out. */
const char *ayni_when_iso(const char *iso, char *out, size_t size);

/* The local day of iso as "YYYY-MM-DD" in out (the first 10 bytes of iso if it is not an
 * ISO time, "" if NULL).  Returns out. */
const char *ayni_local_day(const char *iso, char out[11]);

/* The start of local day "YYYY-MM-DD" as a UTC ISO time in utc ("2026-11-30T05:00:00Z" in
 * Lima); 0, or -1 if day is not such a date. */
int ayni_day_start_utc(const char *day, char utc[21]);

#endif
