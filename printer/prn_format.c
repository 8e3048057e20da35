/* prn_format.c: how numbers, dates and reasons read on paper.
 *
 * Peru writes 1,200 and 94.5; dates are printed dd/mm/yyyy.  The reason names are
 * the ones the receipt box asks the community to use.
 */
#include "prn_int.h"
#include "words.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *code, *es, *en;
} s_reasons[] = {
    [PRN_REASON_DAMAGED] = {"damaged", "dañado", "damaged"},
    [PRN_REASON_MISSING] = {"missing", "faltante", "missing"},
    [PRN_REASON_EXPIRED] = {"expired", "vencido", "expired"},
    [PRN_REASON_REJECTED] = {"rejected", "rechazado", "rejected"},
    [PRN_REASON_OTHER] = {"other", "otro", "other"},
};

char *
prn__qty(char *buf, size_t n, long v)
{
    char digits[32];
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    int len = snprintf(digits, sizeof digits, "%lu", u);
    size_t o = 0;
    if (v < 0 && o + 1 < n)
        buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < n)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *
prn__unit(char *buf, size_t n, long v, const char *unit)
{
    if (v != 1 && unit && *unit)
        ayni_plural(unit, buf, n);
    else
        snprintf(buf, n, "%s", unit ? unit : "");
    return buf;
}

char *
prn__qty_unit(char *buf, size_t n, long v, const char *unit)
{
    char q[32], u[160];
    prn__unit(u, sizeof u, v, unit);
    snprintf(buf, n, "%s%s%s", prn__qty(q, sizeof q, v), *u ? " " : "", u);
    return buf;
}

char *
prn__percent(char *buf, size_t n, double share)
{
    snprintf(buf, n, "%.1f %%", 100.0 * share);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = ','; /* Spanish writes the decimal comma: "93,5 %" */
    return buf;
}

char *
prn__date(char *buf, size_t n, const char *iso)
{
    if (!iso || strlen(iso) < 10)
        snprintf(buf, n, "%s", iso ? iso : "");
    else
        snprintf(buf, n, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return buf;
}

const char *
prn__reason_es(enum prn_reason r)
{
    return r >= PRN_REASON_DAMAGED && r <= PRN_REASON_OTHER ? s_reasons[r].es : "";
}

const char *
prn__reason_en(enum prn_reason r)
{
    return r >= PRN_REASON_DAMAGED && r <= PRN_REASON_OTHER ? s_reasons[r].en : "";
}

int
prn_reason_from_code(const char *code)
{
    for (int r = PRN_REASON_DAMAGED; code && r <= PRN_REASON_OTHER; r++)
        if (strcmp(code, s_reasons[r].code) == 0)
            return r;
    return 0;
}

char *
prn_chain_qr_text(char *buf, size_t buflen, int64_t seq, const char *hash)
{
    int n = snprintf(buf, buflen, "AYNI-CHAIN:%lld:", (long long)seq);
    for (size_t i = 0; n >= 0 && hash && hash[i] && (size_t)n + 1 < buflen; i++) {
        char c = hash[i];
        buf[n++] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
    }
    if (n >= 0 && (size_t)n < buflen)
        buf[n] = '\0';
    return buf;
}
