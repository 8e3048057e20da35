/* sharelink.h: the token of a read-only share link (docs/PROTOCOL.md, share.create).
 *
 * "S1." + base64url(payload) + "." + base64url(Ed25519 signature over the payload's
 * bytes), base64url without padding (RFC 4648 section 5), the payload the compact JSON
 * {"id":…,"donor":…,"from":…,"to":…,"exp":<Unix seconds>}.  Signed with the core's key
 * (signkey.h), so that aynid alone makes links and anyone can check one with
 * keys.public.  Pure functions: no state, no I/O; whether a share is revoked or expired
 * is for the caller, which holds the clock and the ledger.
 */
#ifndef AYNI_SHARELINK_H
#define AYNI_SHARELINK_H

#include <stdint.h>

#define CORE_SHARELINK_PREFIX "S1."
#define CORE_SHARELINK_MAX 1024 /* the longest token text read; ours are about 250 */

struct core_sharelink {
    char id[17];     /* 16 characters of upper-case Base32 */
    char donor[41];  /* a donor code */
    char from[11];   /* YYYY-MM-DD, local days, both included */
    char to[11];
    int64_t exp;     /* Unix seconds */
};

/* What is wrong with a token text, first problem first. */
enum core_sharelink_verdict {
    CORE_SHARELINK_OK = 0,
    CORE_SHARELINK_PREFIX_BAD, /* does not start "S1.", or is too long */
    CORE_SHARELINK_ENCODING,   /* not two parts of strict base64url, or a signature not 64 bytes */
    CORE_SHARELINK_SIGNATURE,  /* not signed by this key over these bytes */
    CORE_SHARELINK_PAYLOAD,    /* signed, but not the payload's JSON form */
};

/* The token text of s signed with sk (libsodium's 64 bytes); the caller frees it. */
char *core_sharelink_issue(const struct core_sharelink *s, const unsigned char sk[64]);
/* Read and check text against pk: CORE_SHARELINK_OK and *out, or what is wrong (*out
 * is then cleared). */
enum core_sharelink_verdict core_sharelink_open(const char *text, const unsigned char pk[32],
                                                struct core_sharelink *out);

#endif
