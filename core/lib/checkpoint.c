/* checkpoint.c: signing and checking the checkpoints of checkpoint.h.
 *
 * Must not accept two spellings of one checkpoint: the hex digits are lower case and the
 * time has one form, so that a checkpoint's JSON is the same wherever it was copied.
 */
#include "checkpoint.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "isotime.h"
#include "lang.h"
#include "token.h"

/* n lower-case hex digits exactly, into n / 2 bytes of out. */
static bool
s_hex(const char *text, size_t n, unsigned char *out)
{
    size_t bin_len = 0;
    if (!text || strlen(text) != n || strspn(text, "0123456789abcdef") != n)
        return false;
    return sodium_hex2bin(out, n / 2, text, n, NULL, &bin_len, NULL) == 0 && bin_len == n / 2;
}

static bool
s_time_ok(const char *at)
{
    char utc[21];
    return strlen(at) == 20 && ayni_isotime_utc(at, utc, NULL) && strcmp(utc, at) == 0;
}

int
core_checkpoint_message(const struct core_checkpoint *c,
                        unsigned char out[CORE_CHECKPOINT_MESSAGE_LEN])
{
    unsigned char hash[32];
    if (c->seq < 1 || !s_hex(c->hash, 64, hash) || !s_time_ok(c->at))
        return AYNI_EINVAL;
    unsigned char *p = out;
    memcpy(p, CORE_CHECKPOINT_CONTEXT, CORE_CHECKPOINT_CONTEXT_LEN);
    p += CORE_CHECKPOINT_CONTEXT_LEN;
    for (int i = 7; i >= 0; i--)
        *p++ = (unsigned char)((uint64_t)c->seq >> (8 * i));
    memcpy(p, hash, 32);
    memcpy(p + 32, c->at, 20);
    return 0;
}

int
core_checkpoint_sign(struct core_checkpoint *c, const unsigned char sk[64])
{
    unsigned char m[CORE_CHECKPOINT_MESSAGE_LEN];
    int rc = core_checkpoint_message(c, m);
    if (rc)
        return rc;
    core_token_key_id(sk + 32, c->key_id);
    crypto_sign_detached(c->signature, NULL, m, sizeof m, sk);
    return 0;
}

enum core_checkpoint_verdict
core_checkpoint_verify(const struct core_checkpoint *c, const unsigned char pk[32])
{
    unsigned char m[CORE_CHECKPOINT_MESSAGE_LEN], id[4];
    core_token_key_id(pk, id);
    if (memcmp(id, c->key_id, sizeof id) != 0)
        return CORE_CHECKPOINT_FOREIGN;
    if (core_checkpoint_message(c, m) != 0 ||
        crypto_sign_verify_detached(c->signature, m, sizeof m, pk) != 0)
        return CORE_CHECKPOINT_ALTERED;
    return CORE_CHECKPOINT_GENUINE;
}

json_t *
core_checkpoint_to_json(const struct core_checkpoint *c)
{
    char id[9], sig[129];
    sodium_bin2hex(id, sizeof id, c->key_id, sizeof c->key_id);
    sodium_bin2hex(sig, sizeof sig, c->signature, sizeof c->signature);
    return json_pack("{sI ss ss ss ss}", "seq", (json_int_t)c->seq, "hash", c->hash, "at", c->at,
                     "key_id", id, "signature", sig);
}

int
core_checkpoint_from_json(json_t *o, struct core_checkpoint *c, char *err, size_t errlen)
{
    static const char *const fields[] = {"seq", "hash", "at", "key_id", "signature"};
    if (!json_is_object(o))
        return ayni_err_invalid(err, errlen, _("a checkpoint is a JSON object"));
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t i = 0;
        while (i < 5 && strcmp(key, fields[i]))
            i++;
        if (i == 5)
            return ayni_err_invalid(err, errlen, _("unknown field '%s' (a checkpoint has seq, hash, at, "
                                        "key_id and signature)"), key);
    }
    memset(c, 0, sizeof *c);
    json_t *seq = json_object_get(o, "seq");
    const char *hash = json_string_value(json_object_get(o, "hash"));
    const char *at = json_string_value(json_object_get(o, "at"));
    const char *id = json_string_value(json_object_get(o, "key_id"));
    const char *sig = json_string_value(json_object_get(o, "signature"));
    unsigned char bin[32];
    if (!json_is_integer(seq) || json_integer_value(seq) < 1)
        return ayni_err_invalid(err, errlen, _("'seq' must be a whole number, 1 or more"));
    if (!s_hex(hash, 64, bin))
        return ayni_err_invalid(err, errlen, _("'hash' must be 64 lower-case hex digits"));
    if (!at || !s_time_ok(at))
        return ayni_err_invalid(err, errlen, _("'at' must be a UTC time as YYYY-MM-DDTHH:MM:SSZ"));
    if (!s_hex(id, 8, c->key_id))
        return ayni_err_invalid(err, errlen, _("'key_id' must be 8 lower-case hex digits"));
    if (!s_hex(sig, 128, c->signature))
        return ayni_err_invalid(err, errlen, _("'signature' must be 128 lower-case hex digits"));
    c->seq = (int64_t)json_integer_value(seq);
    memcpy(c->hash, hash, 65);
    memcpy(c->at, at, 21);
    return 0;
}
