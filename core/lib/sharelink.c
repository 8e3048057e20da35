/* sharelink.c: issuing and reading share link tokens (see sharelink.h).  Reading trusts
 * nothing before the signature: the JSON is parsed only once the bytes are known to be
 * the core's, and every part must be exactly as the issuer writes it. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "mem.h"
#include "sharelink.h"

#define S_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define S_PAYLOAD_MAX 512

static char *
s_b64(const unsigned char *bin, size_t len)
{
    size_t cap = sodium_base64_encoded_len(len, S_VARIANT);
    char *out = xmalloc(cap);
    sodium_bin2base64(out, cap, bin, len, S_VARIANT);
    return out;
}

char *
core_sharelink_issue(const struct core_sharelink *s, const unsigned char sk[64])
{
    json_t *p = json_pack("{ss ss ss ss sI}", "id", s->id, "donor", s->donor, "from", s->from,
                          "to", s->to, "exp", (json_int_t)s->exp);
    char *payload = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    if (!payload)
        abort(); /* jansson out of memory */
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)payload, strlen(payload), sk);
    char *a = s_b64((const unsigned char *)payload, strlen(payload)), *b = s_b64(sig, sizeof sig);
    char *text = xasprintf("%s%s.%s", CORE_SHARELINK_PREFIX, a, b);
    free(payload);
    free(a);
    free(b);
    return text;
}

/* Strict base64url of text[0..len) into bin (cap bytes): 0 and *n, or -1.  Strict: the
 * alphabet only, no padding, no unused bits set (it must encode back to the same text). */
static int
s_unb64(const char *text, size_t len, unsigned char *bin, size_t cap, size_t *n)
{
    const char *end = NULL;
    if (len == 0 ||
        sodium_base642bin(bin, cap, text, len, NULL, n, &end, S_VARIANT) != 0 || end != text + len)
        return -1;
    char *again = s_b64(bin, *n);
    int same = strlen(again) == len && !memcmp(again, text, len);
    free(again);
    return same ? 0 : -1;
}

static bool
s_text(json_t *o, const char *key, char *out, size_t min, size_t max)
{
    json_t *v = json_object_get(o, key);
    size_t n = json_is_string(v) ? json_string_length(v) : 0;
    if (n < min || n > max || strlen(json_string_value(v)) != n)
        return false;
    memcpy(out, json_string_value(v), n + 1);
    return true;
}

/* The payload's JSON into out: exactly its five fields, of their types. */
static bool
s_payload(const unsigned char *bytes, size_t len, struct core_sharelink *out)
{
    json_t *p = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *exp = json_object_get(p, "exp");
    bool ok = json_is_object(p) && json_object_size(p) == 5 && s_text(p, "id", out->id, 16, 16) &&
              strspn(out->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 16 &&
              s_text(p, "donor", out->donor, 1, 40) && s_text(p, "from", out->from, 10, 10) &&
              s_text(p, "to", out->to, 10, 10) && json_is_integer(exp) &&
              json_integer_value(exp) > 0;
    if (ok)
        out->exp = (int64_t)json_integer_value(exp);
    json_decref(p);
    return ok;
}

enum core_sharelink_verdict
core_sharelink_open(const char *text, const unsigned char pk[32], struct core_sharelink *out)
{
    memset(out, 0, sizeof *out);
    size_t plen = strlen(CORE_SHARELINK_PREFIX);
    if (!text || strlen(text) > CORE_SHARELINK_MAX || strncmp(text, CORE_SHARELINK_PREFIX, plen))
        return CORE_SHARELINK_PREFIX_BAD;
    const char *a = text + plen, *dot = strchr(a, '.');
    unsigned char payload[S_PAYLOAD_MAX], sig[crypto_sign_BYTES + 3];
    size_t n = 0, m = 0;
    if (!dot || strchr(dot + 1, '.') ||
        s_unb64(a, (size_t)(dot - a), payload, sizeof payload, &n) != 0 ||
        s_unb64(dot + 1, strlen(dot + 1), sig, sizeof sig, &m) != 0 || m != crypto_sign_BYTES)
        return CORE_SHARELINK_ENCODING;
    if (crypto_sign_verify_detached(sig, payload, n, pk) != 0)
        return CORE_SHARELINK_SIGNATURE;
    if (!s_payload(payload, n, out)) {
        memset(out, 0, sizeof *out);
        return CORE_SHARELINK_PAYLOAD;
    }
    return CORE_SHARELINK_OK;
}
