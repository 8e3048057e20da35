/* provision.h: a device's provisioning file: who it is, where the core is, and the CURVE
 * keys it talks with.  Written by `aynid --init-admin` and `ayni-warehouse device add`,
 * read by ayni-warehouse (--provision) and `ayni-scan init --provision`.
 *
 * A JSON object, mode 0600, keys as 64 hex digits:
 *   {"ayni_provision":1,"device":…,"role":…,"api":…,"events":…,
 *    "server_key":…,"public_key":…,"secret_key":…}
 * The file holds a secret key: it is never created readable by others, and a file that
 * is readable by group or others is refused.
 */
#ifndef AYNI_PROVISION_H
#define AYNI_PROVISION_H

#include <stddef.h>

struct proto_provision {
    char device[101];
    char role[16];
    char api[256];
    char events[256];
    unsigned char server_key[32]; /* the core's CURVE public key */
    unsigned char public_key[32]; /* this device's */
    unsigned char secret_key[32];
};

/* 0, or AYNI_EIO / AYNI_EINVAL with a message naming the file and what to do. */
int proto_provision_load(const char *path, struct proto_provision *p, char *err, size_t errlen);
/* Create path (it must not exist) with mode 0600. */
int proto_provision_write(const char *path, const struct proto_provision *p, char *err,
                          size_t errlen);
/* A new CURVE key pair for a device. */
void proto_provision_keypair(struct proto_provision *p);

#endif
