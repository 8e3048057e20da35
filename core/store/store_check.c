/* store_check.c: checking what callers give the store, and finding catalog records.
 *
 * Every message names the field and the value, says what is expected, and for an
 * unknown code suggests the nearest known one.  Nothing here writes the database.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "spelling.h"
#include "store_int.h"

#define S_CODE_MAX 40

int
core__check_code(core_store_t *s, const char *field, const char *code)
{
    if (!code || !*code)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                          "'%s' is required: give a code such as 'FOOD-KIT'", field);
    size_t n = strlen(code);
    if (n > S_CODE_MAX)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                          "%s '%.40s...' is too long: at most %d characters", field, code,
                          S_CODE_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!(isupper(c) || isdigit(c) || c == '-' || c == '_' || c == '.'))
            return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                              "%s '%s' has a character that codes cannot hold: use upper-case "
                              "letters A-Z, digits and - _ .",
                              field, code);
    }
    return 0;
}

/* True if p starts with one of the letters Spanish adds to ASCII, in UTF-8 (two bytes):
 * á é í ó ú ü ñ and their capitals. */
static bool
s_spanish_letter(const char *p)
{
    static const char *const letters = "\x81\x89\x8d\x93\x9a\x9c\x91\xa1\xa9\xad\xb3\xba\xbc\xb1";
    return (unsigned char)p[0] == 0xc3 && p[1] && strchr(letters, p[1]) != NULL;
}

int
core__check_lot_code(core_store_t *s, const char *field, const char *code)
{
    if (!code || !*code)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field), "'%s' is required",
                          field);
    size_t n = strlen(code), chars = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++, chars++) {
        unsigned char c = (unsigned char)code[i];
        ok = isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
        if (!ok && s_spanish_letter(code + i)) { /* "LOTE-AÑO-2026", "CUSCO-ÁREA" */
            ok = true;
            i++;
        }
    }
    if (ok && chars <= 64)
        return 0;
    return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                      "%s '%.64s' is not valid: use 1 to 64 letters (ñ and accented vowels "
                      "too), digits and - _ . /", field, code);
}

static bool
s_utf8_valid(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    while (*u) {
        int n;
        if (*u < 0x80) {
            if ((*u < 0x20 && *u != '\t') || *u == 0x7f)
                return false; /* control characters never belong in a name */
            u++;
            continue;
        }
        if ((*u & 0xe0) == 0xc0 && *u >= 0xc2)
            n = 1;
        else if ((*u & 0xf0) == 0xe0)
            n = 2;
        else if ((*u & 0xf8) == 0xf0 && *u <= 0xf4)
            n = 3;
        else
            return false;
        unsigned cp = *u & (0x3f >> n);
        for (int i = 1; i <= n; i++) {
            if ((u[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (u[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        /* C1 controls, and the embeddings, overrides and isolates that make a printed
         * name read otherwise than it is stored ("Comas" shown, "samoC" kept). */
        if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return false;
        u += n + 1;
    }
    return true;
}

int
core__check_text(core_store_t *s, const char *field, const char *text, bool required, size_t max)
{
    if (!text || !*text) {
        if (!required)
            return 0;
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field), "'%s' is required",
                          field);
    }
    if (strlen(text) > max)
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                          "%s is too long: at most %zu bytes", field, max);
    if (!s_utf8_valid(text))
        return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                          "%s is not valid UTF-8 text, or holds a control or "
                          "bidirectional-override character: type it again as plain text",
                          field);
    return 0;
}

static bool
s_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
core__check_date(core_store_t *s, const char *field, const char *date)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    char tail;
    if (date && strlen(date) == 10 && date[4] == '-' && date[7] == '-' &&
        sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && y >= 2000 && y <= 2200 &&
        m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && s_leap(y)) &&
        isdigit((unsigned char)date[5]) && isdigit((unsigned char)date[8]))
        return 0;
    return core__fail(s, AYNI_EINVAL, json_pack("{ss}", "field", field),
                      "%s '%s' is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31", field,
                      date ? date : "");
}

/* ---- suggestions ---- */

json_t *
core__near(core_store_t *s, enum core_stmt id, const char *kind, const char *code, size_t max)
{
    json_t *near = json_array();
    if (!code || !*code || max == 0)
        return near;
    struct s_near {
        size_t d;
        char *code;
    } *best = xcalloc(max, sizeof *best);
    size_t n = 0;
    sqlite3_stmt *st = kind || id == ST_LOC_CODES ? core__query(s, id, "t", kind)
                                                  : core__query(s, id, "");
    while (core__step(s, st) == 1) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        size_t d = ayni_edit_distance(code, c), i;
        if (!ayni_near_enough(code, d) || (n == max && d >= best[n - 1].d))
            continue;
        if (n == max)
            free(best[--n].code);
        for (i = n; i > 0 && best[i - 1].d > d; i--) /* sorted by distance, first seen first */
            best[i] = best[i - 1];
        best[i] = (struct s_near){d, xstrdup(c)};
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(near, json_string(best[i].code));
        free(best[i].code);
    }
    free(best);
    return near;
}

char *
core__suggest(core_store_t *s, enum core_stmt id, const char *kind, const char *code)
{
    json_t *near = core__near(s, id, kind, code, 1);
    const char *first = json_string_value(json_array_get(near, 0));
    char *found = first ? xstrdup(first) : NULL;
    json_decref(near);
    return found;
}

/* What an unknown code was looked up as: each has its own sentences, so that every
 * language can say them whole ("artículo desconocido", "comunidad desconocida"). */
enum s_what { S_ITEM, S_DONOR, S_LOCATION, S_WAREHOUSE, S_COMMUNITY };

static enum s_what
s_what_of_kind(const char *kind)
{
    if (kind && !strcmp(kind, "warehouse"))
        return S_WAREHOUSE;
    if (kind && !strcmp(kind, "community"))
        return S_COMMUNITY;
    return S_LOCATION;
}

/* how: what to do instead, marked with N_() (translated here). */
static int
s_not_found(core_store_t *s, const char *field, enum s_what what, const char *code,
            enum core_stmt codes, const char *kind, const char *how)
{
    char *hint = core__suggest(s, codes, kind, code);
    json_t *d = json_pack("{ssss}", "field", field, "code", code);
    int rc = AYNI_ENOTFOUND;
    if (hint)
        json_object_set_new(d, "suggestion", json_string(hint));
    switch (what) {
    case S_ITEM:
        rc = hint ? core__fail(s, rc, d, "unknown item '%s': did you mean '%s'?", code, hint)
                  : core__fail(s, rc, d, "unknown item '%s': %s", code, _(how));
        break;
    case S_DONOR:
        rc = hint ? core__fail(s, rc, d, "unknown donor '%s': did you mean '%s'?", code, hint)
                  : core__fail(s, rc, d, "unknown donor '%s': %s", code, _(how));
        break;
    case S_WAREHOUSE:
        rc = hint ? core__fail(s, rc, d, "unknown warehouse '%s': did you mean '%s'?", code, hint)
                  : core__fail(s, rc, d, "unknown warehouse '%s': %s", code, _(how));
        break;
    case S_COMMUNITY:
        rc = hint ? core__fail(s, rc, d, "unknown community '%s': did you mean '%s'?", code, hint)
                  : core__fail(s, rc, d, "unknown community '%s': %s", code, _(how));
        break;
    default:
        rc = hint ? core__fail(s, rc, d, "unknown location '%s': did you mean '%s'?", code, hint)
                  : core__fail(s, rc, d, "unknown location '%s': %s", code, _(how));
        break;
    }
    free(hint);
    return rc;
}

/* A location kind as a noun with its article ("a warehouse"), in the message's language. */
static const char *
s_kind_noun(const char *kind)
{
    if (!strcmp(kind, "warehouse"))
        return C_("location kind", "a warehouse");
    if (!strcmp(kind, "community"))
        return C_("location kind", "a community");
    if (!strcmp(kind, "transit"))
        return C_("location kind", "a transit");
    if (!strcmp(kind, "loss"))
        return C_("location kind", "a loss");
    return kind;
}

/* ---- lookups ---- */

int
core__item(core_store_t *s, const char *field, const char *code, struct core__item *out)
{
    int rc = core__check_code(s, field, code);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_ITEM_BY_CODE, "t", code);
    rc = core__step(s, st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return s_not_found(s, field, S_ITEM, code, ST_ITEM_CODES, NULL,
                           N_("list the items with 'item list', or add it with 'item add'"));
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->code, sizeof out->code, "%s", sqlite3_column_text(st, 1));
    snprintf(out->unit, sizeof out->unit, "%s", sqlite3_column_text(st, 4));
    out->serial = strcmp((const char *)sqlite3_column_text(st, 5), "serial") == 0;
    out->perishable = sqlite3_column_int(st, 6) != 0;
    out->low = (long)sqlite3_column_int64(st, 7);
    core__reset(st);
    return 0;
}

int
core__place(core_store_t *s, const char *field, const char *code, const char *kind,
            struct core__place *out)
{
    int rc = core__check_code(s, field, code);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_LOC_BY_CODE, "t", code);
    rc = core__step(s, st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return s_not_found(s, field, s_what_of_kind(kind), code, ST_LOC_CODES, kind,
                           N_("list them with 'location list', or add it with 'location add'"));
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->code, sizeof out->code, "%s", code);
    snprintf(out->kind, sizeof out->kind, "%s", sqlite3_column_text(st, 1));
    core__reset(st);
    if (kind && strcmp(out->kind, kind) != 0)
        return core__fail(s, AYNI_EINVAL,
                          json_pack("{ssssss}", "field", field, "code", code, "kind", out->kind),
                          "%s '%s' is %s, not %s", field, code, s_kind_noun(out->kind),
                          s_kind_noun(kind));
    return 0;
}

int
core__donor(core_store_t *s, const char *field, const char *code, int64_t *id)
{
    int rc = core__check_code(s, field, code);
    if (rc)
        return rc;
    sqlite3_stmt *st = core__query(s, ST_DONOR_BY_CODE, "t", code);
    rc = core__step(s, st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return s_not_found(s, field, S_DONOR, code, ST_DONOR_CODES, NULL,
                           N_("list them with 'donor list', or add it with 'donor add'"));
    *id = sqlite3_column_int64(st, 0);
    core__reset(st);
    return 0;
}

int
core__place_by_id(core_store_t *s, int64_t id, struct core__place *out)
{
    sqlite3_stmt *st = core__query(s, ST_LOC_BY_ID, "I", id);
    int rc = core__step(s, st);
    if (rc <= 0)
        return rc < 0 ? rc : core__fail(s, AYNI_EINTERNAL, NULL, "no location with id %lld",
                                        (long long)id);
    out->id = id;
    snprintf(out->code, sizeof out->code, "%s", sqlite3_column_text(st, 0));
    snprintf(out->kind, sizeof out->kind, "%s", sqlite3_column_text(st, 1));
    core__reset(st);
    return 0;
}

json_t *
core__place_json(core_store_t *s, int64_t id)
{
    sqlite3_stmt *st = core__query(s, ST_LOC_BY_ID, "I", id);
    if (core__step(s, st) != 1)
        return json_null();
    json_t *o = json_pack("{s:o,s:o,s:o,s:o,s:o}", "code", core__jstr(st, 0), "kind",
                          core__jstr(st, 1), "name", core__jstr(st, 2), "region",
                          core__jstr(st, 3), "district", core__jstr(st, 4));
    core__reset(st);
    return o;
}
