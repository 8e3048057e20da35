/* prn_utf8.c: UTF-8 decoding and the Windows-1252 mapping the built-in fonts use.
 *
 * libharu's built-in fonts take single bytes in WinAnsiEncoding (CP1252), so text
 * is converted before it reaches a page; this file says which characters can be.
 * It never "repairs" input: invalid UTF-8 is refused by the checks upstream.
 */
#include "prn_int.h"

/* Code points of CP1252 bytes 0x80..0x9F; 0 where the byte is unassigned. */
static const uint16_t s_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Length of the sequence a lead byte starts, and the smallest code point it may hold. */
static int
s_seq_len(unsigned char c, uint32_t *min)
{
    if (c < 0x80) {
        *min = 0;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        *min = 0x80;
        return 2;
    }
    if ((c & 0xF0) == 0xE0) {
        *min = 0x800;
        return 3;
    }
    if ((c & 0xF8) == 0xF0) {
        *min = 0x10000;
        return 4;
    }
    return 0;
}

/* Decode one sequence at s; 0 if it is not well-formed UTF-8. */
static int
s_decode(const unsigned char *s, uint32_t *cp)
{
    uint32_t min;
    int n = s_seq_len(s[0], &min);
    if (n <= 1) {
        *cp = s[0];
        return n;
    }
    uint32_t v = s[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

bool
prn__utf8_valid(const char *s, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int n = s_decode(p, &cp);
        if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F) {
            if (bad)
                *bad = (size_t)(p - (const unsigned char *)s);
            return false;
        }
        p += n;
    }
    return true;
}

uint32_t
prn__utf8_next(const char **p)
{
    uint32_t cp;
    int n = s_decode((const unsigned char *)*p, &cp);
    if (n == 0) { /* cannot happen on checked input; step over the byte */
        cp = 0xFFFD;
        n = 1;
    }
    *p += n;
    return cp;
}

int
prn__cp1252(uint32_t cp)
{
    if (cp == '\t' || cp == '\n')
        return ' ';
    if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (s_high[i] && s_high[i] == cp)
            return 0x80 + i;
    return -1;
}

uint32_t
prn__cp1252_ucs(int b)
{
    if (b >= 0x80 && b < 0xA0 && s_high[b - 0x80])
        return s_high[b - 0x80];
    return (uint32_t)b;
}

bool
prn__is_cp1252(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (prn__cp1252(prn__utf8_next(&p)) < 0)
            return false;
    }
    return true;
}
