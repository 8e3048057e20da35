/* checkpoint.h: a signed checkpoint of the event hash chain.
 *
 * aynid signs the chain's head (seq and hash) with its Ed25519 token key from time to
 * time; anyone who keeps the checkpoints can later prove that a ledger still extends each
 * of them: a ledger rewritten after a checkpoint has another hash at its seq, one cut
 * short ends before it.  The signed message and the JSON form are specified in
 * docs/PROOF.md.  Pure functions: no state, no I/O, no allocation but the JSON made.
 */
#ifndef AYNI_CHECKPOINT_H
#define AYNI_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The first bytes of every signed message: no token ("ayni-qr-token") and nothing else
 * the key signs can pass for a checkpoint, nor a checkpoint for them. */
#define CORE_CHECKPOINT_CONTEXT "ayni-checkpoint-v1"
#define CORE_CHECKPOINT_CONTEXT_LEN 18
/* context, seq (8 bytes, big-endian), hash (32 bytes), at (20 ASCII characters) */
#define CORE_CHECKPOINT_MESSAGE_LEN (CORE_CHECKPOINT_CONTEXT_LEN + 8 + 32 + 20)

struct core_checkpoint {
    int64_t seq;                 /* the event signed: 1 or more */
    char hash[65];               /* its chain hash, 64 lower-case hex digits */
    char at[21];                 /* when it was signed, YYYY-MM-DDTHH:MM:SSZ */
    unsigned char key_id[4];     /* the signing key's id (core_token_key_id) */
    unsigned char signature[64]; /* Ed25519 of the message */
};

enum core_checkpoint_verdict {
    CORE_CHECKPOINT_GENUINE = 0, /* signed by the key given, unchanged */
    CORE_CHECKPOINT_ALTERED,     /* carries that key's id but the signature fails */
    CORE_CHECKPOINT_FOREIGN      /* carries another key's id: another core's checkpoint */
};

/* The message c's signature covers, in out.  Returns 0, or AYNI_EINVAL (out untouched)
 * if seq is below 1, hash is not 64 lower-case hex digits or at is not a UTC time in
 * exactly the form YYYY-MM-DDTHH:MM:SSZ. */
int core_checkpoint_message(const struct core_checkpoint *c,
                            unsigned char out[CORE_CHECKPOINT_MESSAGE_LEN]);

/* Sign c's seq, hash and at with sk (libsodium's 64 bytes, the public key in the last
 * 32): fills key_id and signature.  Returns 0, or AYNI_EINVAL as core_checkpoint_message. */
int core_checkpoint_sign(struct core_checkpoint *c, const unsigned char sk[64]);

/* Check c against the public key pk.  A c whose fields are malformed is ALTERED. */
enum core_checkpoint_verdict core_checkpoint_verify(const struct core_checkpoint *c,
                                                    const unsigned char pk[32]);

/* c as {"seq","hash","at","key_id","signature"} (key id and signature in lower-case
 * hex): a new reference. */
json_t *core_checkpoint_to_json(const struct core_checkpoint *c);

/* Read o (one line of an export) into c.  Returns 0, or AYNI_EINVAL with a message
 * naming the field in err (if not NULL) when o is not an object with exactly those five
 * fields, each of its form; the signature is not checked here. */
int core_checkpoint_from_json(json_t *o, struct core_checkpoint *c, char *err, size_t errlen);

#endif
