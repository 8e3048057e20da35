/* provision.c: reading and writing provisioning files (see provision.h).  Never prints
 * key material; wipes the secret from what it frees. */
#include "provision.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "error.h"
#include "lang.h"
#include "mem.h"

static int
s_hex32(json_t *root, const char *key, unsigned char out[32])
{
    const char *hex = json_string_value(json_object_get(root, key));
    size_t n = 0;
    if (!hex || strlen(hex) != 64 || sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) != 0 ||
        n != 32)
        return -1;
    return 0;
}

static int
s_text(json_t *root, const char *key, char *out, size_t cap)
{
    const char *v = json_string_value(json_object_get(root, key));
    if (!v || !*v || strlen(v) >= cap)
        return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

int
proto_provision_load(const char *path, struct proto_provision *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, _("cannot open provisioning file '%s': %s"), path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return AYNI_EIO;
    }
    if (st.st_mode & 077) {
        close(fd);
        snprintf(err, errlen, _("provisioning file '%s' is readable by others and holds a "
                                "secret key: run chmod 600 '%s' (and ask whether someone "
                                "copied it)"),
                 path, path);
        return AYNI_EIO;
    }
    json_error_t jerr;
    json_t *root = json_loadfd(fd, 0, &jerr);
    close(fd);
    if (!root || json_integer_value(json_object_get(root, "ayni_provision")) != 1 ||
        s_text(root, "device", p->device, sizeof p->device) ||
        s_text(root, "role", p->role, sizeof p->role) ||
        s_text(root, "api", p->api, sizeof p->api) ||
        s_text(root, "events", p->events, sizeof p->events) ||
        s_hex32(root, "server_key", p->server_key) || s_hex32(root, "public_key", p->public_key) ||
        s_hex32(root, "secret_key", p->secret_key)) {
        json_decref(root);
        sodium_memzero(p, sizeof *p);
        snprintf(err, errlen, _("'%s' is not an Ayni provisioning file: ask the administrator "
                                "for a new one ('ayni-warehouse device add')"),
                 path);
        return AYNI_EINVAL;
    }
    json_decref(root); /* jansson frees the secret's hex text; it was never printed */
    return 0;
}

int
proto_provision_write(const char *path, const struct proto_provision *p, char *err, size_t errlen)
{
    char server[65], pub[65], sec[65];
    sodium_bin2hex(server, sizeof server, p->server_key, 32);
    sodium_bin2hex(pub, sizeof pub, p->public_key, 32);
    sodium_bin2hex(sec, sizeof sec, p->secret_key, 32);
    json_t *root = json_pack("{si ss ss ss ss ss ss ss}", "ayni_provision", 1, "device",
                             p->device, "role", p->role, "api", p->api, "events", p->events,
                             "server_key", server, "public_key", pub, "secret_key", sec);
    sodium_memzero(sec, sizeof sec);
    char *text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    int rc = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, errlen, _("cannot create provisioning file '%s': %s (choose another "
                                    "name; it is never overwritten)"),
                     path, strerror(errno));
        else
            snprintf(err, errlen, _("cannot create provisioning file '%s': %s"), path,
                     strerror(errno));
        rc = AYNI_EIO;
    } else {
        size_t len = strlen(text);
        bool ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
                  fsync(fd) == 0;
        if (close(fd) != 0 || !ok) {
            snprintf(err, errlen, _("cannot write provisioning file '%s': %s"), path,
                     strerror(errno));
            unlink(path);
            rc = AYNI_EIO;
        }
    }
    sodium_memzero(text, strlen(text));
    free(text);
    return rc;
}

void
proto_provision_keypair(struct proto_provision *p)
{
    if (sodium_init() < 0)
        abort();
    crypto_box_keypair(p->public_key, p->secret_key);
}
