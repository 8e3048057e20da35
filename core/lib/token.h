/* token.h: the signed token in a slip's or a package's QR code.
 *
 * A token names a shipment, one of its packages (or the whole shipment) and the
 * destination community, signed with Ed25519 by the core's key, so a scanner can
 * refuse a forged or altered slip offline.  It carries no personal data.  The byte
 * layout and the text form are specified in docs/TOKENS.md.  Pure functions: no
 * state, no I/O; only core_token_issue allocates (its result).
 */
#ifndef AYNI_TOKEN_H
#define AYNI_TOKEN_H

#include <stddef.h>

#define CORE_TOKEN_VERSION 1
#define CORE_TOKEN_PREFIX "AYNI"     /* fixed start of every token's text */
#define CORE_TOKEN_CODE_MAX 40       /* shipment and destination codes: [A-Z0-9._-]{1,40} */
#define CORE_TOKEN_COUNT_MAX 9999    /* packages in one shipment */
#define CORE_TOKEN_KEYID_LEN 4
#define CORE_TOKEN_TEXT_MAX 252      /* longest token text, without NUL or line ending */

struct core_token {
    int version;                          /* CORE_TOKEN_VERSION */
    char shipment[CORE_TOKEN_CODE_MAX + 1];
    unsigned package;                     /* 0 = whole shipment (slip), else 1..count */
    unsigned count;                       /* 1..CORE_TOKEN_COUNT_MAX */
    char dest[CORE_TOKEN_CODE_MAX + 1];   /* destination community code */
};

enum core_token_verdict {
    CORE_TOKEN_GENUINE = 0, /* signed by our key and unchanged */
    CORE_TOKEN_ALTERED,     /* was signed by our key, then changed */
    CORE_TOKEN_FORGED,      /* well formed, but signed by some other key */
    CORE_TOKEN_MALFORMED    /* not an Ayni token at all (or cut short, or misread) */
};

/* Sign t with sk (libsodium's 64-byte Ed25519 secret key, whose last 32 bytes are
 * the public key); *out gets a new NUL-terminated token text, the caller's to free.
 * Returns 0, or AYNI_EINVAL (with nothing allocated) if t->version is not
 * CORE_TOKEN_VERSION, a code is empty, too long or has a character outside
 * [A-Z0-9._-], count is not 1..9999, or package is greater than count. */
int core_token_issue(const struct core_token *t, const unsigned char sk[64], char **out);

/* Check text[0..len-1] against the public key pk.  Needs no NUL and reads no byte
 * outside text[0..len-1]; allocates nothing.  Lower-case letters and one trailing
 * CR, LF or CR LF are accepted; anything else that is not exactly a token text is
 * MALFORMED.  When out is not NULL it always gets written: the fields for GENUINE;
 * the decoded but UNTRUSTED fields for ALTERED and FORGED (for showing what the
 * code claims, never for acting on it); all zero for MALFORMED. */
enum core_token_verdict core_token_verify(const char *text, size_t len,
                                          const unsigned char pk[32],
                                          struct core_token *out);

/* The same verdict, for the issuer, who holds the secret key sk (libsodium's 64 bytes, the
 * public key in the last 32): a genuine token is checked by signing its payload again and
 * comparing, about three times faster than core_token_verify (aynid, on every scan). */
enum core_token_verdict core_token_verify_issued(const char *text, size_t len,
                                                 const unsigned char sk[64],
                                                 struct core_token *out);

/* A short message for v in this thread's language (lang.h), e.g. for the scanner to
 * print.  Static storage; never NULL. */
const char *core_token_verdict_message(enum core_token_verdict v);

/* The key id tokens carry for pk: the first 4 bytes of BLAKE2b-256(pk). */
void core_token_key_id(const unsigned char pk[32], unsigned char id[CORE_TOKEN_KEYID_LEN]);

#endif
