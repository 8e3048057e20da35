/* scan_text.c: the words and times ayni-scan shows a delivery team, in Spanish.
 *
 * Pure functions (apart from reading the clock and the local time zone): "40 kits de
 * higiene" from a quantity and an item name, the Spanish names of shortfall reasons,
 * answers to yes/no questions, and times as "22/11/2026 01:08" in the core's time zone
 * (zone.h: the one format every Ayni tool shows; scan_main.c makes the zone the one init
 * stored from server.info, since the scanner works offline).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "scan.h"
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

static bool
s_is_connector(const char *w, size_t n)
{
    static const char *const words[] = {"de", "del", "para", "con", "sin", "a", "en", "por",
                                        "y", "o", "e", "u"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && !strncasecmp(w, words[i], n))
            return true;
    return false;
}

/* The accented vowel (2 bytes of UTF-8) at p, made plain: "í" -> 'i'; 0 if none. */
static char
s_plain_vowel(const unsigned char *p)
{
    static const char *const accented[] = {"\xc3\xa1", "\xc3\xa9", "\xc3\xad", "\xc3\xb3",
                                           "\xc3\xba"};
    static const char plain[] = "aeiou";
    for (int i = 0; i < 5; i++)
        if (p[0] == (unsigned char)accented[i][0] && p[1] == (unsigned char)accented[i][1])
            return plain[i];
    return 0;
}

/* Append the plural of word w[0..n) to out: vowel + s; l r n d j y + es (dropping the
 * accent of a last syllable, "botiquín" -> "botiquines"); z -> ces; s x unchanged;
 * any other consonant (anglicisms: kit, laptop) + s. */
static void
s_plural_word(const char *w, size_t n, char *out, size_t size)
{
    size_t len = strlen(out);
    char last = (char)tolower((unsigned char)w[n - 1]);
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)n, w);
    if (strchr("aeiou", last) || (unsigned char)w[n - 1] >= 0x80) {
        snprintf(out + len, size - len, "%ss", word);
    } else if (strchr("sx", last)) {
        snprintf(out + len, size - len, "%s", word);
    } else if (last == 'z') {
        snprintf(out + len, size - len, "%.*sces", (int)n - 1, word);
    } else if (strchr("lrndjy", last)) {
        char v = n >= 3 ? s_plain_vowel((const unsigned char *)w + n - 3) : 0;
        if (v)
            snprintf(out + len, size - len, "%.*s%c%ces", (int)n - 3, word, v, last);
        else
            snprintf(out + len, size - len, "%ses", word);
    } else {
        snprintf(out + len, size - len, "%ss", word);
    }
}

/* True if w[0..n) holds a digit or a bracket (a size or a model) or is an acronym in
 * capitals ("USB"): never pluralised. */
static bool
s_is_detail(const char *w, size_t n)
{
    bool caps = n >= 2;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)w[i]) || w[i] == '(')
            return true;
        caps = caps && !islower((unsigned char)w[i]);
    }
    return caps;
}

/* The plural of a Spanish noun phrase: the words before the first connector or detail
 * ("kit", "tableta educativa") take the plural; the rest ("de higiene") stays. */
static void
s_plural(const char *name, char *out, size_t size)
{
    bool plural = true;
    out[0] = '\0';
    for (const char *p = name; *p;) {
        size_t sp = strspn(p, " ");
        const char *w = p + sp;
        size_t n = strcspn(w, " "), len = strlen(out);
        snprintf(out + len, size - len, "%.*s", (int)sp, p);
        if (n == 0)
            break;
        plural = plural && !s_is_connector(w, n) && !s_is_detail(w, n);
        len = strlen(out);
        if (plural)
            s_plural_word(w, n, out, size);
        else
            snprintf(out + len, size - len, "%.*s", (int)n, w);
        p = w + n;
    }
}

/* Lower-case the first letter unless the first word is an acronym ("USB"). */
static void
s_lower_first(char *s)
{
    if (isupper((unsigned char)s[0]) && !isupper((unsigned char)s[1]))
        s[0] = (char)tolower((unsigned char)s[0]);
}

char *
scan_quantity(long qty, const char *name_es)
{
    char name[512];
    if (!name_es || !*name_es)
        return xasprintf("%ld", qty);
    if (qty == 1)
        snprintf(name, sizeof name, "%s", name_es);
    else
        s_plural(name_es, name, sizeof name);
    s_lower_first(name);
    return xasprintf("%ld %s", qty, name);
}

/* ---- reasons and answers ---- */

static const struct {
    const char *code, *es, *words;
} s_reasons[] = {
    {"damaged", "dañado", "dañado dañados dañada dañadas danado roto rotos"},
    {"missing", "faltante", "faltante faltantes falta perdido perdidos"},
    {"expired", "vencido", "vencido vencidos vencida vencidas caducado"},
    {"refused", "rechazado", "rechazado rechazados rechazada rechazo"},
};

const char *
scan_reason_es(const char *reason)
{
    for (size_t i = 0; reason && i < sizeof s_reasons / sizeof s_reasons[0]; i++)
        if (!strcmp(reason, s_reasons[i].code))
            return s_reasons[i].es;
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
