/* prn_slip_check.c: the checks a shipment passes before its slip or labels are drawn.
 *
 * Everything the slip and label code later relies on is established here: required
 * fields present and UTF-8, line numbers unique, serial counts matching quantities,
 * package numbers within their count, packages pointing at lines that exist.
 */
#include "prn_int.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define PRN_REMARKS_MAX 1000

static void
s_common(struct prn_check *c, const struct prn_slip *s)
{
    prn__check_name(c, s->code, true, "code");
    prn__check_date(c, s->date, true, "date");
    prn__check_name(c, s->org_name, false, "org_name");
    prn__check_place(c, &s->origin, false, "origin");
    prn__check_place(c, &s->dest, false, "dest");
    prn__check_name(c, s->team, false, "team");
    prn__check_name(c, s->vehicle, false, "vehicle");
    prn__check_name(c, s->driver, false, "driver");
    prn__check_str(c, s->remarks, false, "remarks");
    /* the remarks share a page with the signature blocks */
    if (!c->rc && s->remarks && strlen(s->remarks) > PRN_REMARKS_MAX)
        prn__check_fail(c, "'remarks' is too long (%zu bytes, at most %d)", strlen(s->remarks),
                        PRN_REMARKS_MAX);
}

static void
s_line(struct prn_check *c, const struct prn_slip_line *l, size_t i)
{
    prn__check_min(c, l->line_no, 1, "lines[%zu].line_no", i);
    prn__check_name(c, l->item_code, true, "lines[%zu].item_code", i);
    prn__check_str(c, l->item_name_es, true, "lines[%zu].item_name_es", i);
    prn__check_str(c, l->item_name_en, false, "lines[%zu].item_name_en", i);
    prn__check_name(c, l->unit, false, "lines[%zu].unit", i);
    prn__check_name(c, l->lot, false, "lines[%zu].lot", i);
    prn__check_date(c, l->expiry, false, "lines[%zu].expiry", i);
    prn__check_min(c, l->qty, 1, "lines[%zu].qty", i);
    prn__check_min(c, l->packages, 0, "lines[%zu].packages", i);
    prn__check_name(c, l->donor, true, "lines[%zu].donor", i);
    if (l->nserials && !l->serials)
        prn__check_fail(c, "missing 'lines[%zu].serials'", i);
    for (size_t k = 0; k < l->nserials && !c->rc; k++)
        prn__check_str(c, l->serials[k], true, "lines[%zu].serials[%zu]", i, k);
    if (!c->rc && l->nserials && (long)l->nserials != l->qty)
        prn__check_fail(c, "'lines[%zu]' lists %zu serials for a quantity of %ld", i,
                        l->nserials, l->qty);
}

static int
s_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The slip's line numbers, sorted; checks that no two lines share one. */
static int *
s_line_nos(struct prn_check *c, const struct prn_slip *s)
{
    int *v = xmalloc((s->nlines ? s->nlines : 1) * sizeof *v);
    for (size_t i = 0; i < s->nlines; i++)
        v[i] = s->lines[i].line_no;
    qsort(v, s->nlines, sizeof *v, s_cmp_int);
    for (size_t i = 1; i < s->nlines && !c->rc; i++)
        if (v[i] == v[i - 1])
            prn__check_fail(c, "two lines have 'line_no' %d", v[i]);
    return v;
}

static void
s_lines(struct prn_check *c, const struct prn_slip *s, bool required)
{
    if (s->nlines == 0) {
        if (required)
            prn__check_fail(c, "the slip has no lines ('nlines' is 0)");
        return;
    }
    if (!s->lines) {
        prn__check_fail(c, "missing 'lines'");
        return;
    }
    for (size_t i = 0; i < s->nlines && !c->rc; i++)
        s_line(c, &s->lines[i], i);
}

static void
s_package(struct prn_check *c, const struct prn_package *p, size_t i, const int *nos,
          size_t nlines)
{
    prn__check_min(c, p->count, 1, "packages[%zu].count", i);
    if (!c->rc && (p->number < 1 || p->number > p->count))
        prn__check_fail(c, "'packages[%zu].number' is out of range: package %d of %d", i,
                        p->number, p->count);
    prn__check_min(c, p->line_no, 0, "packages[%zu].line_no", i);
    if (!c->rc && p->line_no > 0 && nlines > 0 &&
        !bsearch(&p->line_no, nos, nlines, sizeof *nos, s_cmp_int))
        prn__check_fail(c, "'packages[%zu].line_no' is %d but the slip has no such line", i,
                        p->line_no);
    prn__check_min(c, p->qty, 0, "packages[%zu].qty", i);
    prn__check_name(c, p->contents, false, "packages[%zu].contents", i);
    prn__check_token(c, p->token, "packages[%zu].token", i);
}

static void
s_packages(struct prn_check *c, const struct prn_slip *s, bool required)
{
    if (s->npackages == 0) {
        if (required)
            prn__check_fail(c, "the shipment has no packages ('npackages' is 0)");
        return;
    }
    if (!s->packages) {
        prn__check_fail(c, "missing 'packages'");
        return;
    }
    int *nos = s_line_nos(c, s);
    for (size_t i = 0; i < s->npackages && !c->rc; i++)
        s_package(c, &s->packages[i], i, nos, s->nlines);
    free(nos);
}

int
prn__check_slip(const struct prn_slip *s, char *err, size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (!s)
        return prn__check_fail(&c, "missing slip");
    s_common(&c, s);
    s_lines(&c, s, true);
    if (!c.rc)
        free(s_line_nos(&c, s));
    prn__check_token(&c, s->token, "token");
    s_packages(&c, s, false);
    return c.rc;
}

int
prn__check_labels(const struct prn_slip *s, enum prn_label_layout layout, char *err,
                  size_t errlen)
{
    struct prn_check c = {err, errlen, 0};
    if (!s)
        return prn__check_fail(&c, "missing slip");
    if (layout != PRN_LABELS_A6 && layout != PRN_LABELS_A4)
        return prn__check_fail(&c, "'layout' is not a label layout (%d)", (int)layout);
    s_common(&c, s);
    s_lines(&c, s, false);
    s_packages(&c, s, true);
    return c.rc;
}
