/* token.c: issuing and verifying the signed QR tokens of token.h.
 *
 * The layout lives in docs/TOKENS.md; keep the two in step.  Verification is a pure
 * function of its input: it must never allocate, read outside the text it is given,
 * or trust a field before the signature has been checked.
 */
#include "token.h"

#include <assert.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "base32.h"
#include "error.h"
#include "lang.h"
#include "mem.h"

/* Byte offsets in the payload; the two codes (length byte + characters) follow. */
enum {
    S_OFF_VERSION = 0,
    S_OFF_KEYID = 1,
    S_OFF_PACKAGE = S_OFF_KEYID + CORE_TOKEN_KEYID_LEN,
    S_OFF_COUNT = S_OFF_PACKAGE + 2,
    S_HEAD_LEN = S_OFF_COUNT + 2,
    S_SIG_LEN = crypto_sign_BYTES,
    S_PAYLOAD_MAX = S_HEAD_LEN + 2 * (1 + CORE_TOKEN_CODE_MAX) + S_SIG_LEN,
    S_PREFIX_LEN = sizeof CORE_TOKEN_PREFIX - 1,
};

/* Signatures cover this context string first, so that nothing else the core's key
 * might ever sign can be passed off as a token, nor a token as anything else. */
static const char s_context[] = "ayni-qr-token";
#define S_CONTEXT_LEN (sizeof s_context - 1)

_Static_assert(S_PAYLOAD_MAX == 155, "docs/TOKENS.md gives 155 bytes");
_Static_assert(S_PREFIX_LEN + (S_PAYLOAD_MAX * 8 + 4) / 5 == CORE_TOKEN_TEXT_MAX,
               "CORE_TOKEN_TEXT_MAX is out of step with the layout");

void
core_token_key_id(const unsigned char pk[32], unsigned char id[CORE_TOKEN_KEYID_LEN])
{
    unsigned char hash[32];
    crypto_generichash(hash, sizeof hash, pk, 32, NULL, 0);
    memcpy(id, hash, CORE_TOKEN_KEYID_LEN);
}

/* True if s[0..n-1] is a valid shipment or community code. */
static bool
s_code_ok(const char *s, size_t n)
{
    if (n < 1 || n > CORE_TOKEN_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

static bool
s_fields_ok(const struct core_token *t)
{
    return t->version == CORE_TOKEN_VERSION &&
           s_code_ok(t->shipment, strnlen(t->shipment, sizeof t->shipment)) &&
           s_code_ok(t->dest, strnlen(t->dest, sizeof t->dest)) && t->count >= 1 &&
           t->count <= CORE_TOKEN_COUNT_MAX && t->package <= t->count;
}

static size_t
s_put_code(unsigned char *p, const char *code)
{
    size_t n = strlen(code);
    p[0] = (unsigned char)n;
    memcpy(p + 1, code, n);
    return 1 + n;
}

/* Write the unsigned part of t's payload to p; returns its length. */
static size_t
s_pack(const struct core_token *t, const unsigned char pk[32], unsigned char *p)
{
    p[S_OFF_VERSION] = (unsigned char)t->version;
    core_token_key_id(pk, p + S_OFF_KEYID);
    p[S_OFF_PACKAGE] = (unsigned char)(t->package >> 8);
    p[S_OFF_PACKAGE + 1] = (unsigned char)t->package;
    p[S_OFF_COUNT] = (unsigned char)(t->count >> 8);
    p[S_OFF_COUNT + 1] = (unsigned char)t->count;
    size_t n = S_HEAD_LEN;
    n += s_put_code(p + n, t->shipment);
    n += s_put_code(p + n, t->dest);
    return n;
}

/* The message that is signed: the context string, then the unsigned payload. */
static size_t
s_message(const unsigned char *p, size_t n, unsigned char *msg)
{
    memcpy(msg, s_context, S_CONTEXT_LEN);
    memcpy(msg + S_CONTEXT_LEN, p, n);
    return S_CONTEXT_LEN + n;
}

int
core_token_issue(const struct core_token *t, const unsigned char sk[64], char **out)
{
    assert(t && sk && out);
    if (!s_fields_ok(t))
        return AYNI_EINVAL;

    unsigned char p[S_PAYLOAD_MAX], msg[S_CONTEXT_LEN + S_PAYLOAD_MAX];
    size_t n = s_pack(t, sk + 32, p);
    size_t mlen = s_message(p, n, msg);
    crypto_sign_detached(p + n, NULL, msg, mlen, sk);
    n += S_SIG_LEN;

    char *text = xmalloc(S_PREFIX_LEN + core_base32_encoded_len(n) + 1);
    memcpy(text, CORE_TOKEN_PREFIX, S_PREFIX_LEN);
    core_base32_encode(p, n, text + S_PREFIX_LEN);
    *out = text;
    return 0;
}

/* Read the code at p[*off] (length byte, then characters) into code. */
static bool
s_take_code(const unsigned char *p, size_t n, size_t *off, char *code)
{
    if (*off >= n)
        return false;
    size_t len = p[*off];
    if (len > n - *off - 1 || !s_code_ok((const char *)p + *off + 1, len))
        return false;
    memcpy(code, p + *off + 1, len);
    code[len] = '\0';
    *off += 1 + len;
    return true;
}

/* True if the payload p (n bytes) ends before the length its code lengths give: the
 * end of a token, cut short (a partial read: scan again), not a token changed. */
static bool
s_cut_short(const unsigned char *p, size_t n)
{
    size_t off = S_HEAD_LEN;
    for (int code = 0; code < 2; code++) {
        if (off >= n)
            return true;
        off += 1 + (size_t)p[off];
    }
    return n < off + S_SIG_LEN;
}

/* Parse a decoded payload into t; false unless it is exactly one well-formed token. */
static bool
s_unpack(const unsigned char *p, size_t n, struct core_token *t)
{
    if (n < S_HEAD_LEN || p[S_OFF_VERSION] != CORE_TOKEN_VERSION)
        return false;
    size_t off = S_HEAD_LEN;
    if (!s_take_code(p, n, &off, t->shipment) || !s_take_code(p, n, &off, t->dest))
        return false;
    if (n - off != S_SIG_LEN)
        return false;
    t->version = p[S_OFF_VERSION];
    t->package = (unsigned)p[S_OFF_PACKAGE] << 8 | p[S_OFF_PACKAGE + 1];
    t->count = (unsigned)p[S_OFF_COUNT] << 8 | p[S_OFF_COUNT + 1];
    return s_fields_ok(t);
}

static bool
s_signature_ok(const unsigned char *p, size_t n, const unsigned char pk[32])
{
    unsigned char msg[S_CONTEXT_LEN + S_PAYLOAD_MAX];
    size_t mlen = s_message(p, n - S_SIG_LEN, msg);
    return crypto_sign_verify_detached(p + n - S_SIG_LEN, msg, mlen, pk) == 0;
}

/* The verdict on a well-formed payload p (which this may modify).  A key id that is
 * not ours means another key signed it: FORGED, unless the signature is ours once
 * our key id is put back, which is a genuine token with its key id changed. */
static enum core_token_verdict
s_judge(unsigned char *p, size_t n, const unsigned char pk[32])
{
    unsigned char id[CORE_TOKEN_KEYID_LEN];
    core_token_key_id(pk, id);
    if (memcmp(p + S_OFF_KEYID, id, sizeof id) == 0)
        return s_signature_ok(p, n, pk) ? CORE_TOKEN_GENUINE : CORE_TOKEN_ALTERED;
    memcpy(p + S_OFF_KEYID, id, sizeof id);
    return s_signature_ok(p, n, pk) ? CORE_TOKEN_ALTERED : CORE_TOKEN_FORGED;
}

/* len without one trailing CR, LF or CR LF. */
static size_t
s_strip_eol(const char *text, size_t len)
{
    if (len > 0 && text[len - 1] == '\n')
        len--;
    if (len > 0 && text[len - 1] == '\r')
        len--;
    return len;
}

static bool
s_prefix_ok(const char *text, size_t len)
{
    if (len < S_PREFIX_LEN)
        return false;
    for (size_t i = 0; i < S_PREFIX_LEN; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != CORE_TOKEN_PREFIX[i])
            return false;
    }
    return true;
}

/* Random bytes are MALFORMED unless, by a chance of about 2^-27 or less, they decode to a
 * payload of exactly the right shape (version 1, two valid codes whose lengths add up,
 * package <= count <= 9999); those are FORGED, as their key id is not ours, or with
 * odds of 2^-32 more ALTERED.  Without the signing key they are never GENUINE. */
/* Decode text into the payload p (n bytes) and the token t: 0 (no verdict yet) if it has
 * a token's shape, else MALFORMED, or ALTERED for one of our version 1 payloads (our key
 * id, where a token has it) broken after it was signed: a length, a code or the tail. */
static int
s_parse(const char *text, size_t len, const unsigned char pk[32],
        unsigned char p[S_PAYLOAD_MAX], size_t *n, struct core_token *t)
{
    if (!text)
        return CORE_TOKEN_MALFORMED;
    len = s_strip_eol(text, len);
    if (len > CORE_TOKEN_TEXT_MAX || !s_prefix_ok(text, len) ||
        core_base32_decode(text + S_PREFIX_LEN, len - S_PREFIX_LEN, p, S_PAYLOAD_MAX, n) != 0)
        return CORE_TOKEN_MALFORMED;
    if (s_unpack(p, *n, t))
        return 0;
    memset(t, 0, sizeof *t);
    unsigned char id[CORE_TOKEN_KEYID_LEN];
    core_token_key_id(pk, id);
    return *n >= S_HEAD_LEN && p[S_OFF_VERSION] == CORE_TOKEN_VERSION &&
                   memcmp(p + S_OFF_KEYID, id, sizeof id) == 0 && !s_cut_short(p, *n)
               ? CORE_TOKEN_ALTERED
               : CORE_TOKEN_MALFORMED;
}

/* Ed25519 signatures are deterministic: the token we issued for a payload carries the one
 * signature our key makes of it, and signing (a fixed-base multiplication) costs about a
 * third of verifying.  True if p carries our key id and that signature. */
static bool
s_resigned_ok(const unsigned char *p, size_t n, const unsigned char sk[64])
{
    unsigned char id[CORE_TOKEN_KEYID_LEN], sig[S_SIG_LEN];
    core_token_key_id(sk + 32, id);
    if (memcmp(p + S_OFF_KEYID, id, sizeof id) != 0)
        return false;
    unsigned char msg[S_CONTEXT_LEN + S_PAYLOAD_MAX];
    size_t mlen = s_message(p, n - S_SIG_LEN, msg);
    crypto_sign_detached(sig, NULL, msg, mlen, sk);
    return sodium_memcmp(sig, p + n - S_SIG_LEN, S_SIG_LEN) == 0;
}

/* With sk (the issuer's), a genuine token is recognised by signing it again; anything
 * else goes the long way, for its exact verdict. */
static enum core_token_verdict
s_verify(const char *text, size_t len, const unsigned char pk[32], const unsigned char *sk,
         struct core_token *out)
{
    unsigned char p[S_PAYLOAD_MAX];
    size_t n = 0;
    struct core_token t = {0};

    if (out)
        memset(out, 0, sizeof *out);
    int broken = s_parse(text, len, pk, p, &n, &t);
    if (broken)
        return (enum core_token_verdict)broken;
    enum core_token_verdict v =
        sk && s_resigned_ok(p, n, sk) ? CORE_TOKEN_GENUINE : s_judge(p, n, pk);
    if (out)
        *out = t;
    return v;
}

enum core_token_verdict
core_token_verify(const char *text, size_t len, const unsigned char pk[32],
                  struct core_token *out)
{
    assert(pk);
    return s_verify(text, len, pk, NULL, out);
}

enum core_token_verdict
core_token_verify_issued(const char *text, size_t len, const unsigned char sk[64],
                         struct core_token *out)
{
    assert(sk);
    return s_verify(text, len, sk + 32, sk, out);
}

const char *
core_token_verdict_message(enum core_token_verdict v)
{
    switch (v) {
    case CORE_TOKEN_GENUINE:
        return _("genuine code");
    case CORE_TOKEN_ALTERED:
        return _("altered code: changed after it was signed, do not deliver");
    case CORE_TOKEN_FORGED:
        return _("forged code: not signed by this system, do not deliver");
    case CORE_TOKEN_MALFORMED:
        break;
    }
    return _("unreadable or incomplete code: scan it again");
}
