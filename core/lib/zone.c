/* zone.c: the organisation's time zone and the one format of times people read (see
 * zone.h).  Reads the time zone database; never the clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "isotime.h"
#include "lang.h"
#include "zone.h"

static char s_zone[AYNI_ZONE_MAX];

/* "America/Lima": letters, digits, _ + - and / between parts, no "..", not absolute. */
static int
s_name_ok(const char *zone)
{
    size_t n = strlen(zone);
    if (n == 0 || n >= AYNI_ZONE_MAX || zone[0] == '/' || strstr(zone, ".."))
        return 0;
    return strspn(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") ==
           n;
}

/* Whether path is a TZif file. */
static int
s_tzif(const char *path)
{
    struct stat st;
    char magic[4] = {0};
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && !memcmp(magic, "TZif", 4);
}

int
ayni_zone_use(const char *zone, char *err, size_t errlen)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    if (!zone || !s_name_ok(zone)) {
        snprintf(err, errlen, _("'%s' is not a time zone name: use one like '%s'"),
                 zone ? zone : "", AYNI_ZONE_DEFAULT);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s", dir, zone);
    if (!s_tzif(path)) {
        snprintf(err, errlen, _("unknown time zone '%s': it is not in '%s' (install tzdata, "
                                "or use a zone like '%s')"),
                 zone, dir, AYNI_ZONE_DEFAULT);
        return -1;
    }
    setenv("TZ", zone, 1);
    tzset();
    struct tm tm;
    time_t t = 0;
    if (!localtime_r(&t, &tm)) {
        snprintf(err, errlen, _("time zone '%s' cannot convert times: reinstall tzdata"), zone);
        return -1;
    }
    snprintf(s_zone, sizeof s_zone, "%s", zone);
    return 0;
}

const char *
ayni_zone(void)
{
    return s_zone;
}

const char *
ayni_when(const char *iso, char *out, size_t size)
{
    char utc[21];
    time_t t;
    struct tm tm;
    if (!iso || !ayni_isotime_utc(iso, utc, &t) || !localtime_r(&t, &tm))
        snprintf(out, size, "%s", iso ? iso : "");
    else
        strftime(out, size, "%d/%m/%Y %H:%M", &tm);
    return out;
}

const char *
ayni_when_iso(const char *iso, char *out, size_t size)
{
    char utc[21], zone[8];
    time_t t;
    struct tm tm;
    if (!iso || !ayni_isotime_utc(iso, utc, &t) || !localtime_r(&t, &tm) ||
        strftime(zone, sizeof zone, "%z", &tm) != 5) {
        snprintf(out, size, "%s", iso ? iso : "");
        return out;
    }
    char local[20];
    strftime(local, sizeof local, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s%.3s:%s", local, zone, zone + 3); /* -0500 as -05:00 */
    return out;
}

const char *
ayni_local_day(const char *iso, char out[11])
{
    char utc[21];
    time_t t;
    struct tm tm;
    if (!iso || !ayni_isotime_utc(iso, utc, &t) || !localtime_r(&t, &tm))
        snprintf(out, 11, "%s", iso && strlen(iso) >= 10 ? iso : "");
    else
        strftime(out, 11, "%Y-%m-%d", &tm);
    return out;
}

int
ayni_day_start_utc(const char *day, char utc[21])
{
    struct tm tm = {0};
    char rest;
    if (!day || strlen(day) != 10 ||
        sscanf(day, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &rest) != 3)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return -1;
    gmtime_r(&t, &tm);
    strftime(utc, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}
