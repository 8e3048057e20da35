/* signkey.h: the core's Ed25519 signing key pair, kept as two text files in a folder.
 *
 * The first load creates the folder (mode 0700) and a new key pair in it: sign.key,
 * the secret seed (mode 0600), and sign.pub, the public key; later loads read them.
 * The formats are in docs/TOKENS.md.  Nothing here ever logs or prints key material;
 * error messages name files, never their contents.
 */
#ifndef AYNI_SIGNKEY_H
#define AYNI_SIGNKEY_H

#include <stdbool.h>
#include <stddef.h>

/* Load (creating on first use) the key pair in dir into pk and sk (libsodium's
 * 64-byte secret key form).  A missing sign.pub is written again from sign.key; a
 * missing sign.key is created only if sign.pub is missing too, so a lost secret
 * key is never silently replaced.  Returns 0, or fills err (if not NULL) with a
 * one-line message naming the file and saying what to do, clears pk and sk, and
 * returns AYNI_EIO when a file or the folder cannot be read or written or sign.key
 * is readable or writable by group or others, AYNI_EINVAL when a file is malformed
 * or sign.pub does not match sign.key, or AYNI_EINTERNAL if libsodium cannot start. */
int core_signkey_load(const char *dir, unsigned char pk[32], unsigned char sk[64],
                      char *err, size_t errlen);

/* The same for the core's CURVE key pair (ZeroMQ encryption; Curve25519), in curve.key
 * and curve.pub of dir.  Without create, a missing pair is AYNI_ENOTFOUND (nothing is
 * written). */
int core_curvekey_load(const char *dir, bool create, unsigned char pk[32], unsigned char sk[32],
                       char *err, size_t errlen);

/* pk as 64 lower-case hex digits and a NUL in out (for keys.public).  Returns 0. */
int core_signkey_public_hex(const unsigned char pk[32], char out[65]);

#endif
