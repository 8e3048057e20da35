/* scan_text.c: the words and times ayni-scan shows a delivery team, in its language.
 *
 * Pure functions (apart from reading the clock and the local time zone): "40 kits de
 * higiene" ("40 hygiene kits") from a quantity and an item name, the names of shortfall
 * reasons,
 * answers to yes/no questions, and times as "22/11/2026 01:08" in the core's time zone
 * (zone.h: the one format every Ayni tool shows; scan_main.c makes the zone the one init
 * stored from server.info, since the scanner works offline).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang.h"
#include "mem.h"
#include "scan.h"
#include "words.h"
#include "zone.h"

/* ---- time ---- */

void
scan_now_utc(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
scan_now_local(char out[26])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char base[20];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    off = off < 0 ? -off : off;
    snprintf(out, 26, "%s%c%02ld:%02ld", base, sign, off / 60 % 100, off % 60);
}

/* The offset in seconds of "Z", "+05:00", "-0500"; 1 when it is not one. */
static long
s_offset(const char *s)
{
    int h, m;
    if (!strcmp(s, "Z") || !*s)
        return 0;
    if ((s[0] != '+' && s[0] != '-') || strlen(s) < 5)
        return 1;
    if (sscanf(s + 1, "%2d:%2d", &h, &m) != 2 && sscanf(s + 1, "%2d%2d", &h, &m) != 2)
        return 1;
    long off = h * 3600L + m * 60L;
    return s[0] == '-' ? -off : off;
}

time_t
scan_parse_time(const char *iso)
{
    struct tm tm = {0};
    int n = 0;
    if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                       &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
        return -1;
    long off = s_offset(iso + n);
    if (off == 1)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm) - off;
}

void
scan_when(const char *iso, char *out, size_t size)
{
    if (!iso)
        snprintf(out, size, "?");
    else
        ayni_when(iso, out, size);
}

/* ---- quantities ---- */

/* Lower-case the first letter unless the first word is an acronym ("USB"). */
static void
s_lower_first(char *s)
{
    if (isupper((unsigned char)s[0]) && !isupper((unsigned char)s[1]))
        s[0] = (char)tolower((unsigned char)s[0]);
}

const char *
scan_item_name(json_t *line)
{
    const char *en = json_string_value(json_object_get(line, "item_name_en"));
    const char *es = json_string_value(json_object_get(line, "item_name_es"));
    return !strcmp(ayni_lang(), "en") && en && *en ? en : es;
}

char *
scan_quantity(long qty, const char *name)
{
    char out[600];
    ayni_quantity(qty, name, out, sizeof out);
    char *noun = strchr(out, ' ');
    if (noun)
        s_lower_first(noun + 1);
    return xstrdup(out);
}

/* ---- reasons and answers ---- */

/* Each reason's code (on the wire, and the English answer), its name (NC_) and the
 * Spanish words a team may answer with. */
static const struct {
    const char *code, *name, *words;
} s_reasons[] = {
    {"damaged", NC_("shortfall reason", "damaged"),
     "dañado dañados dañada dañadas danado roto rotos"},
    {"missing", NC_("shortfall reason", "missing"), "faltante faltantes falta perdido perdidos"},
    {"expired", NC_("shortfall reason", "expired"),
     "vencido vencidos vencida vencidas caducado"},
    {"refused", NC_("shortfall reason", "refused"), "rechazado rechazados rechazada rechazo"},
};

const char *
scan_reason_name(const char *reason)
{
    for (size_t i = 0; reason && i < sizeof s_reasons / sizeof s_reasons[0]; i++)
        if (!strcmp(reason, s_reasons[i].code))
            return C_("shortfall reason", s_reasons[i].name);
    return NULL;
}

/* True if word is one of the space-separated words of list, ignoring ASCII case. */
static bool
s_in_list(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncasecmp(p, word, n))
            return true;
        p += k + (p[k] == ' ');
    }
    return false;
}

const char *
scan_reason_parse(const char *answer)
{
    size_t n = sizeof s_reasons / sizeof s_reasons[0];
    if (answer[0] >= '1' && answer[0] <= '0' + (char)n && answer[1] == '\0')
        return s_reasons[answer[0] - '1'].code;
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(answer, s_reasons[i].code) || s_in_list(answer, s_reasons[i].words))
            return s_reasons[i].code;
    return NULL;
}

int
scan_yes_no(const char *answer, int dflt)
{
    if (!*answer)
        return dflt;
    if (s_in_list(answer, "s si sí y yes ok"))
        return 1;
    if (s_in_list(answer, "n no"))
        return 0;
    return -1;
}
