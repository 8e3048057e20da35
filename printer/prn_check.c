/* prn_check.c: checks of the caller's input, each naming the field it refuses.
 *
 * All checks run before a document is started, so bad input never leaves half a
 * file.  The first failure wins; later checks on the same prn_check do nothing.
 * Field names are printf formats ("lines[%zu].lot") so callers need no buffers.
 */
#include "prn_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

#define PRN_TOKEN_MAX 512
#define PRN_TEXT_MAX 2000 /* bytes of any text: a table row may run over pages, no more */
#define PRN_NAME_MAX 160  /* bytes of a name or code shown in a header or on a label */

int
prn__check_fail(struct prn_check *c, const char *fmt, ...)
{
    if (c->rc)
        return c->rc;
    c->rc = AYNI_EINVAL;
    if (c->err && c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return c->rc;
}

static int
s_str(struct prn_check *c, const char *s, bool required, const char *field, size_t max)
{
    size_t bad = 0, len;
    if (!s || !*s)
        return required ? prn__check_fail(c, "missing '%s'", field) : 0;
    if ((len = strlen(s)) > max)
        return prn__check_fail(c, "'%s' is too long (%zu bytes, at most %zu)", field, len, max);
    if (prn__utf8_valid(s, &bad))
        return 0;
    if ((unsigned char)s[bad] < 0x80)
        return prn__check_fail(c, "control character in '%s' at byte %zu", field, bad);
    return prn__check_fail(c, "invalid UTF-8 in '%s' at byte %zu", field, bad);
}

#define S_FIELD(buf, fmt)                                                                        \
    do {                                                                                       \
        va_list ap_;                                                                           \
        va_start(ap_, fmt);                                                                    \
        vsnprintf(buf, sizeof buf, fmt, ap_);                                                  \
        va_end(ap_);                                                                           \
    } while (0)

int
prn__check_str(struct prn_check *c, const char *s, bool required, const char *field, ...)
{
    char name[128];
    if (c->rc)
        return c->rc;
    S_FIELD(name, field);
    return s_str(c, s, required, name, PRN_TEXT_MAX);
}

int
prn__check_name(struct prn_check *c, const char *s, bool required, const char *field, ...)
{
    char name[128];
    if (c->rc)
        return c->rc;
    S_FIELD(name, field);
    return s_str(c, s, required, name, PRN_NAME_MAX);
}

static bool
s_is_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

int
prn__check_date(struct prn_check *c, const char *s, bool required, const char *field, ...)
{
    char name[128];
    if (c->rc)
        return c->rc;
    S_FIELD(name, field);
    if (s_str(c, s, required, name, PRN_NAME_MAX) || !s || !*s)
        return c->rc;
    if (!s_is_date(s))
        return prn__check_fail(c, "'%s' is not a date (YYYY-MM-DD): '%.40s'", name, s);
    return 0;
}

int
prn__check_min(struct prn_check *c, long v, long min, const char *field, ...)
{
    char name[128];
    if (c->rc || v >= min)
        return c->rc;
    S_FIELD(name, field);
    if (v < 0 && min >= 0)
        return prn__check_fail(c, "'%s' is negative (%ld)", name, v);
    return prn__check_fail(c, "'%s' is %ld; it must be at least %ld", name, v, min);
}

int
prn__check_place(struct prn_check *c, const struct prn_place *p, bool need_region,
                 const char *field)
{
    prn__check_name(c, p->code, true, "%s.code", field);
    prn__check_name(c, p->name, true, "%s.name", field);
    prn__check_name(c, p->region, need_region, "%s.region", field);
    return prn__check_name(c, p->district, false, "%s.district", field);
}

int
prn__check_token(struct prn_check *c, const char *s, const char *field, ...)
{
    char name[128];
    if (c->rc)
        return c->rc;
    S_FIELD(name, field);
    if (s && strlen(s) > PRN_TOKEN_MAX)
        return prn__check_fail(c, "'%s' is too long for a QR code (%zu characters, at most %d)",
                               name, strlen(s), PRN_TOKEN_MAX);
    return s_str(c, s, true, name, PRN_TOKEN_MAX);
}

int
prn__check_reason(struct prn_check *c, enum prn_reason r, const char *field, ...)
{
    char name[128];
    if (c->rc || (r >= PRN_REASON_DAMAGED && r <= PRN_REASON_OTHER))
        return c->rc;
    S_FIELD(name, field);
    return prn__check_fail(c, "'%s' is not a known reason (%d)", name, (int)r);
}

int
prn__check_out(struct prn_check *c, const void *out, const char *what)
{
    if (c->rc || out)
        return c->rc;
    return prn__check_fail(c, "missing %s", what);
}
