/* isotime.c: ISO 8601 times from outside, checked field by field and made UTC (see
 * isotime.h).  Must not read the clock or the time zone: the same text gives the same
 * answer everywhere. */
#include <stdio.h>
#include <string.h>

#include "isotime.h"

/* n decimal digits at s as *out; false if any is not a digit. */
static bool
s_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool
s_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
s_mdays(long y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && s_leap(y) ? 29 : mdays[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static long long
s_days(long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The date of day z since 1970-01-01 (the inverse of s_days). */
static void
s_civil(long long z, long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (long)(yoe + era * 400 + (*m <= 2));
}

/* The offset at s ("Z", "+05:00", "-03:30") in seconds east of UTC; false if none. */
static bool
s_offset(const char *s, long *off)
{
    int hh, mm;
    if (!strcmp(s, "Z")) {
        *off = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
        !s_digits(s + 1, 2, &hh) || !s_digits(s + 4, 2, &mm) || mm > 59 ||
        hh * 60 + mm > 18 * 60)
        return false;
    *off = (s[0] == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
    return true;
}

bool
ayni_isotime_utc(const char *text, char utc[21], time_t *t)
{
    int y, mo, d, h, mi, sec;
    long off;
    if (!text || strlen(text) < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || !s_digits(text, 4, &y) ||
        !s_digits(text + 5, 2, &mo) || !s_digits(text + 8, 2, &d) ||
        !s_digits(text + 11, 2, &h) || !s_digits(text + 14, 2, &mi) ||
        !s_digits(text + 17, 2, &sec))
        return false;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > s_mdays(y, mo) || h > 23 || mi > 59 ||
        sec > 59)
        return false;
    const char *rest = text + 19;
    if (*rest == '.') {
        size_t n = strspn(rest + 1, "0123456789");
        if (n == 0 || n > 9)
            return false;
        rest += 1 + n;
    }
    if (!s_offset(rest, &off))
        return false;
    long long secs = s_days(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + sec - off;
    long long day = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long in_day = secs - day * 86400;
    long uy;
    int um, ud;
    s_civil(day, &uy, &um, &ud);
    if (uy < 1 || uy > 9999)
        return false;
    char out[64]; /* room for any long, so that the compiler sees no truncation */
    snprintf(out, sizeof out, "%04ld-%02d-%02dT%02d:%02d:%02dZ", uy, um, ud,
             (int)(in_day / 3600), (int)(in_day / 60 % 60), (int)(in_day % 60));
    memcpy(utc, out, 21);
    if (t)
        *t = (time_t)secs;
    return true;
}
