/* statement.c: making, signing and checking the donor report statements of statement.h.
 *
 * Must not accept two spellings of one statement: a parsed statement is written out again
 * and compared with what was read, byte for byte, so the signed bytes are the only text
 * that can stand for those figures.
 */
#include "statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"

#define S_SIG_TAG "~sig*"
#define S_SIG_B64_LEN 86 /* 64 bytes in unpadded base64url */
#define S_NUM_MAX 999999999999999LL /* 15 digits: exact in a JavaScript number too */

static bool
s_code_ok(const char *c)
{
    size_t n = strlen(c);
    return n >= 1 && n <= CORE_STATEMENT_CODE_MAX &&
           strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static bool
s_date_ok(const char *d)
{
    int y, m, day;
    char tail;
    if (strlen(d) != 10 || strspn(d, "0123456789-") != 10 || d[4] != '-' || d[7] != '-' ||
        sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    return m >= 1 && m <= 12 && back.tm_mday == day && back.tm_mon == m - 1;
}

static bool
s_hex_ok(const char *h, size_t n)
{
    return strlen(h) == n && strspn(h, "0123456789abcdef") == n;
}

static bool
s_num_ok(int64_t v)
{
    return v >= 0 && v <= S_NUM_MAX;
}

void
core_statement_fingerprint(const unsigned char pk[32], unsigned char out[CORE_STATEMENT_FPR_LEN])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, pk, 32, NULL, 0);
    memcpy(out, h, CORE_STATEMENT_FPR_LEN);
}

static bool
s_fields_ok(const struct core_statement *st)
{
    if (!s_code_ok(st->donor) || !s_date_ok(st->from) || !s_date_ok(st->to) ||
        strcmp(st->from, st->to) > 0 || st->n_items > CORE_STATEMENT_ITEMS_MAX)
        return false;
    for (size_t i = 0; i < st->n_items; i++)
        if (!s_code_ok(st->items[i].code) || st->items[i].qty < 1 || !s_num_ok(st->items[i].qty) ||
            (i > 0 && strcmp(st->items[i - 1].code, st->items[i].code) >= 0))
            return false;
    return s_num_ok(st->communities) && s_num_ok(st->deliveries) && s_num_ok(st->scanned) &&
           st->scanned <= st->deliveries && s_num_ok(st->checkpoint_seq) &&
           s_hex_ok(st->checkpoint_hash, 64);
}

char *
core_statement_text(const struct core_statement *st)
{
    if (!s_fields_ok(st))
        return NULL;
    size_t cap = 512 + st->n_items * (CORE_STATEMENT_CODE_MAX + 24), n = 0;
    char *out = xmalloc(cap), digest[65], fpr[2 * CORE_STATEMENT_FPR_LEN + 1];
    n += (size_t)snprintf(out + n, cap - n, "%s~donor*%s~period*%s*%s", CORE_STATEMENT_VERSION,
                          st->donor, st->from, st->to);
    for (size_t i = 0; i < st->n_items; i++)
        n += (size_t)snprintf(out + n, cap - n, "~item*%s*%lld", st->items[i].code,
                              (long long)st->items[i].qty);
    sodium_bin2hex(digest, sizeof digest, st->community_digest, 32);
    sodium_bin2hex(fpr, sizeof fpr, st->fingerprint, CORE_STATEMENT_FPR_LEN);
    snprintf(out + n, cap - n, "~communities*%lld*%s~deliveries*%lld*%lld~checkpoint*%lld*%s~key*%s",
             (long long)st->communities, digest, (long long)st->deliveries,
             (long long)st->scanned, (long long)st->checkpoint_seq, st->checkpoint_hash, fpr);
    return out;
}

char *
core_statement_sign(struct core_statement *st, const unsigned char sk[64])
{
    core_statement_fingerprint(sk + 32, st->fingerprint);
    char *text = core_statement_text(st);
    if (!text)
        return NULL;
    unsigned char sig[64];
    size_t n = strlen(text);
    crypto_sign_detached(sig, NULL, (const unsigned char *)text, n, sk);
    char *out = xmalloc(n + strlen(S_SIG_TAG) + S_SIG_B64_LEN + 1);
    memcpy(out, text, n);
    memcpy(out + n, S_SIG_TAG, strlen(S_SIG_TAG));
    sodium_bin2base64(out + n + strlen(S_SIG_TAG), S_SIG_B64_LEN + 1, sig, sizeof sig,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(text);
    return out;
}

static bool
s_num(const char *s, int64_t *v)
{
    size_t n = strlen(s);
    if (n < 1 || n > 15 || strspn(s, "0123456789") != n || (n > 1 && s[0] == '0'))
        return false;
    *v = strtoll(s, NULL, 10);
    return true;
}

static bool
s_copy(char *dst, size_t cap, const char *src)
{
    if (strlen(src) >= cap)
        return false;
    memcpy(dst, src, strlen(src) + 1);
    return true;
}

/* Split field f (changed) at '*' into its tag and values v: whether its tag is tag and
 * it has exactly nv values. */
static bool
s_split(char *f, const char *tag, char **v, size_t nv)
{
    char *star = strchr(f, '*');
    if (star)
        *star++ = '\0';
    if (strcmp(f, tag))
        return false;
    size_t n = 0;
    for (char *p = star; p; n++) {
        if (n == nv)
            return false;
        v[n] = p;
        if ((p = strchr(p, '*')))
            *p++ = '\0';
    }
    return n == nv;
}

/* The numbers v[0..n-1] into out[0..n-1]. */
static bool
s_nums(char **v, size_t n, int64_t **out)
{
    for (size_t i = 0; i < n; i++)
        if (!s_num(v[i], out[i]))
            return false;
    return true;
}

static int
s_parse_tail(char **f, struct core_statement *st, char *err, size_t errlen)
{
    char *v[2], fpr[2 * CORE_STATEMENT_FPR_LEN + 1], digest[65];
    size_t bin = 0;
    if (!s_split(f[0], "communities", v, 2) || !s_num(v[0], &st->communities) ||
        !s_copy(digest, sizeof digest, v[1]) || !s_hex_ok(digest, 64))
        return ayni_err_invalid(err, errlen, _("the statement's 'communities' field is malformed"));
    sodium_hex2bin(st->community_digest, 32, digest, 64, NULL, &bin, NULL);
    if (!s_split(f[1], "deliveries", v, 2) ||
        !s_nums(v, 2, (int64_t *[]){&st->deliveries, &st->scanned}))
        return ayni_err_invalid(err, errlen, _("the statement's 'deliveries' field is malformed"));
    if (!s_split(f[2], "checkpoint", v, 2) || !s_num(v[0], &st->checkpoint_seq) ||
        !s_copy(st->checkpoint_hash, sizeof st->checkpoint_hash, v[1]))
        return ayni_err_invalid(err, errlen, _("the statement's 'checkpoint' field is malformed"));
    if (!s_split(f[3], "key", v, 1) || !s_copy(fpr, sizeof fpr, v[0]) ||
        !s_hex_ok(fpr, sizeof fpr - 1))
        return ayni_err_invalid(err, errlen, _("the statement's 'key' field is not 32 lower-case hex "
                                    "digits"));
    sodium_hex2bin(st->fingerprint, CORE_STATEMENT_FPR_LEN, fpr, sizeof fpr - 1, NULL, &bin,
                   NULL);
    return 0;
}

/* Read the body (no signature) of a statement in buf (changed).  Only the fields and
 * their order are checked here: the caller writes the statement again and compares. */
static int
s_parse_fields(char *buf, struct core_statement *st, char *err, size_t errlen)
{
    char *f[CORE_STATEMENT_ITEMS_MAX + 8], *v[2];
    size_t n = 0;
    for (char *p = buf; p; n++) {
        if (n == sizeof f / sizeof f[0])
            return ayni_err_invalid(err, errlen, _("the statement has too many fields (at most %d items)"),
                         CORE_STATEMENT_ITEMS_MAX);
        f[n] = p;
        if ((p = strchr(p, '~')))
            *p++ = '\0';
    }
    if (n - 7 > CORE_STATEMENT_ITEMS_MAX)
        return ayni_err_invalid(err, errlen, _("the statement has too many fields (at most %d items)"),
                     CORE_STATEMENT_ITEMS_MAX);
    if (n < 7 || strcmp(f[0], CORE_STATEMENT_VERSION))
        return ayni_err_invalid(err, errlen, _("not an Ayni report statement (it starts with '%s~donor*')"),
                     CORE_STATEMENT_VERSION);
    if (!s_split(f[1], "donor", v, 1) || !s_copy(st->donor, sizeof st->donor, v[0]))
        return ayni_err_invalid(err, errlen, _("the statement's 'donor' field is malformed"));
    if (!s_split(f[2], "period", v, 2) || !s_copy(st->from, sizeof st->from, v[0]) ||
        !s_copy(st->to, sizeof st->to, v[1]))
        return ayni_err_invalid(err, errlen, _("the statement's 'period' field is malformed"));
    for (size_t i = 3; i < n - 4; i++) {
        struct core_statement_item *it = &st->items[st->n_items];
        if (!s_split(f[i], "item", v, 2) || !s_copy(it->code, sizeof it->code, v[0]) ||
            !s_num(v[1], &it->qty))
            return ayni_err_invalid(err, errlen, _("field %zu of the statement is not an item"), i + 1);
        st->n_items++;
    }
    return s_parse_tail(f + n - 4, st, err, errlen);
}

int
core_statement_parse(const char *text, size_t len, struct core_statement *out,
                     unsigned char sig[64], char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len && text[len - 1] == '\n')
        len -= len > 1 && text[len - 2] == '\r' ? 2 : 1;
    if (len > CORE_STATEMENT_TEXT_MAX || memchr(text, '\0', len))
        return ayni_err_invalid(err, errlen, _("not an Ayni report statement (too long, or not text)"));
    const char *tag = NULL;
    for (size_t i = 0; i + strlen(S_SIG_TAG) <= len; i++)
        if (!memcmp(text + i, S_SIG_TAG, strlen(S_SIG_TAG)))
            tag = text + i;
    if (!tag)
        return ayni_err_invalid(err, errlen, _("the statement carries no signature ('~sig*')"));
    size_t body = (size_t)(tag - text), b64 = len - body - strlen(S_SIG_TAG), got = 0;
    char enc[S_SIG_B64_LEN + 1];
    if (b64 != S_SIG_B64_LEN ||
        sodium_base642bin(sig, 64, tag + strlen(S_SIG_TAG), b64, NULL, &got, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || got != 64)
        return ayni_err_invalid(err, errlen, _("the statement's signature is not 64 bytes in base64url"));
    sodium_bin2base64(enc, sizeof enc, sig, 64, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (memcmp(enc, tag + strlen(S_SIG_TAG), S_SIG_B64_LEN))
        return ayni_err_invalid(err, errlen, _("the statement's signature is not 64 bytes in base64url"));
    char *buf = xmalloc(body + 1);
    memcpy(buf, text, body);
    buf[body] = '\0';
    int rc = s_parse_fields(buf, out, err, errlen);
    free(buf);
    if (rc)
        return rc;
    char *again = core_statement_text(out);
    bool same = again && strlen(again) == body && !memcmp(again, text, body);
    free(again);
    if (!same)
        return ayni_err_invalid(err, errlen, _("the statement's figures are out of their form (a number "
                                    "with a leading zero, an item out of order, a bad date "
                                    "or digest)"));
    return 0;
}

enum core_statement_verdict
core_statement_verify(const char *text, size_t len, const unsigned char pk[32],
                      struct core_statement *out, char *err, size_t errlen)
{
    struct core_statement st;
    unsigned char sig[64], fpr[CORE_STATEMENT_FPR_LEN];
    if (core_statement_parse(text, len, &st, sig, err, errlen) != 0) {
        if (out)
            memset(out, 0, sizeof *out);
        return CORE_STATEMENT_MALFORMED;
    }
    if (out)
        *out = st;
    core_statement_fingerprint(pk, fpr);
    if (memcmp(fpr, st.fingerprint, sizeof fpr))
        return CORE_STATEMENT_FOREIGN;
    if (len && text[len - 1] == '\n') /* as parsed: the signed bytes end before "~sig*" */
        len -= len > 1 && text[len - 2] == '\r' ? 2 : 1;
    size_t body = len - strlen(S_SIG_TAG) - S_SIG_B64_LEN;
    if (crypto_sign_verify_detached(sig, (const unsigned char *)text, body, pk) != 0)
        return CORE_STATEMENT_ALTERED;
    return CORE_STATEMENT_GENUINE;
}

const char *
core_statement_verdict_message(enum core_statement_verdict v)
{
    switch (v) {
    case CORE_STATEMENT_GENUINE:
        return _("genuine: signed by this core's key, unchanged");
    case CORE_STATEMENT_ALTERED:
        return _("altered: changed after it was signed, do not trust these figures");
    case CORE_STATEMENT_FOREIGN:
        return _("signed by another key: not this core's statement, or the wrong key");
    case CORE_STATEMENT_MALFORMED:
        break;
    }
    return _("not a readable report statement: scan it again, or copy all of it");
}

/* Bytewise order of the listing's lines "COMMUNITY ITEM QTY": by community, then item. */
static int
s_by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
core_statement_community_digest(json_t *deliveries, unsigned char digest[32],
                                int64_t *communities)
{
    json_t *sums = json_object(), *seen = json_object(), *row;
    size_t i;
    json_array_foreach(deliveries, i, row) {
        const char *c = json_string_value(json_object_get(row, "community"));
        const char *it = json_string_value(json_object_get(row, "item"));
        if (!c || !it)
            continue;
        char key[2 * CORE_STATEMENT_CODE_MAX + 4];
        snprintf(key, sizeof key, "%s %s", c, it);
        json_int_t had = json_integer_value(json_object_get(sums, key));
        json_object_set_new(sums, key,
                            json_integer(had + json_integer_value(json_object_get(row, "qty"))));
        json_object_set_new(seen, c, json_true());
    }
    size_t n = json_object_size(sums), k = 0;
    const char **keys = xcalloc(n ? n : 1, sizeof *keys);
    const char *key;
    json_t *v;
    json_object_foreach(sums, key, v)
        keys[k++] = key;
    qsort(keys, n, sizeof *keys, s_by_key);
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    for (k = 0; k < n; k++) {
        char line[2 * CORE_STATEMENT_CODE_MAX + 32];
        int len = snprintf(line, sizeof line, "%s %lld\n", keys[k],
                           (long long)json_integer_value(json_object_get(sums, keys[k])));
        crypto_generichash_update(&h, (const unsigned char *)line, (size_t)len);
    }
    crypto_generichash_final(&h, digest, 32);
    *communities = (int64_t)json_object_size(seen);
    free(keys);
    json_decref(sums);
    json_decref(seen);
}

static int
s_by_item(const void *a, const void *b)
{
    return strcmp(((const struct core_statement_item *)a)->code,
                  ((const struct core_statement_item *)b)->code);
}

/* Deliveries (distinct scan ids) of the rows, and those confirmed by a package scan. */
static void
s_count_deliveries(json_t *rows, int64_t *all, int64_t *scanned)
{
    json_t *ids = json_object(), *scans = json_object(), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        const char *id = json_string_value(json_object_get(row, "scan_id"));
        if (!id)
            continue;
        json_object_set_new(ids, id, json_true());
        if (json_is_true(json_object_get(row, "scanned")))
            json_object_set_new(scans, id, json_true());
    }
    *all = (int64_t)json_object_size(ids);
    *scanned = (int64_t)json_object_size(scans);
    json_decref(ids);
    json_decref(scans);
}

int
core_statement_from_report(json_t *report, json_t *checkpoint, struct core_statement *st)
{
    memset(st, 0, sizeof *st);
    const char *donor = json_string_value(json_object_get(json_object_get(report, "donor"), "code"));
    const char *from = json_string_value(json_object_get(report, "from"));
    const char *to = json_string_value(json_object_get(report, "to"));
    json_t *items = json_object_get(json_object_get(report, "totals"), "by_item"), *e;
    json_t *rows = json_object_get(report, "deliveries");
    if (!donor || !from || !to || !s_copy(st->donor, sizeof st->donor, donor) ||
        !s_copy(st->from, sizeof st->from, from) || !s_copy(st->to, sizeof st->to, to) ||
        json_array_size(items) > CORE_STATEMENT_ITEMS_MAX)
        return AYNI_EINVAL;
    size_t i;
    json_array_foreach(items, i, e) {
        const char *code = json_string_value(json_object_get(e, "item"));
        if (!code || !s_copy(st->items[i].code, sizeof st->items[i].code, code))
            return AYNI_EINVAL;
        st->items[i].qty = (int64_t)json_integer_value(json_object_get(e, "qty"));
    }
    st->n_items = json_array_size(items);
    qsort(st->items, st->n_items, sizeof st->items[0], s_by_item);
    core_statement_community_digest(rows, st->community_digest, &st->communities);
    s_count_deliveries(rows, &st->deliveries, &st->scanned);
    const char *hash = json_string_value(json_object_get(checkpoint, "hash"));
    st->checkpoint_seq = (int64_t)json_integer_value(json_object_get(checkpoint, "seq"));
    if (!s_copy(st->checkpoint_hash, sizeof st->checkpoint_hash,
                hash ? hash : "0000000000000000000000000000000000000000000000000000000000000000"))
        return AYNI_EINVAL;
    return s_fields_ok(st) ? 0 : AYNI_EINVAL;
}

bool
core_statement_same_figures(const struct core_statement *a, const struct core_statement *b)
{
    if (strcmp(a->donor, b->donor) || strcmp(a->from, b->from) || strcmp(a->to, b->to) ||
        a->n_items != b->n_items || a->communities != b->communities ||
        memcmp(a->community_digest, b->community_digest, 32) || a->deliveries != b->deliveries ||
        a->scanned != b->scanned)
        return false;
    for (size_t i = 0; i < a->n_items; i++)
        if (strcmp(a->items[i].code, b->items[i].code) || a->items[i].qty != b->items[i].qty)
            return false;
    return true;
}

json_t *
core_statement_to_json(const struct core_statement *st)
{
    char digest[65], fpr[2 * CORE_STATEMENT_FPR_LEN + 1];
    sodium_bin2hex(digest, sizeof digest, st->community_digest, 32);
    sodium_bin2hex(fpr, sizeof fpr, st->fingerprint, CORE_STATEMENT_FPR_LEN);
    json_t *items = json_array();
    for (size_t i = 0; i < st->n_items; i++)
        json_array_append_new(items, json_pack("{ss sI}", "item", st->items[i].code, "qty",
                                               (json_int_t)st->items[i].qty));
    return json_pack("{ss ss ss so sI ss sI sI s{sI ss} ss}", "donor", st->donor, "from",
                     st->from, "to", st->to, "items", items, "communities",
                     (json_int_t)st->communities, "community_digest", digest, "deliveries",
                     (json_int_t)st->deliveries, "scanned", (json_int_t)st->scanned,
                     "checkpoint", "seq", (json_int_t)st->checkpoint_seq, "hash",
                     st->checkpoint_hash, "key_fingerprint", fpr);
}
