/* signkey.c: reading and creating the signing key files of signkey.h.
 *
 * Files are created whole or not at all (temporary file, fsync, link into place, so
 * an existing key is never overwritten), with their final mode from the start.
 * Must not print key material or leave copies of it in memory it frees.
 */
#include "signkey.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "lang.h"
#include "mem.h"

#define S_HEX_LEN 64 /* one 32-byte key */

struct s_files {
    const char *dir;
    char *secret; /* dir/NAME.key */
    char *public; /* dir/NAME.pub */
    char *err;
    size_t errlen;
};

static void __attribute__((format(printf, 2, 3)))
s_err(const struct s_files *f, const char *fmt, ...)
{
    if (!f->err || f->errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, f->errlen, fmt, ap);
    va_end(ap);
}

/* Open path for reading; refuses a secret key that others may read or change. */
static int
s_open(const struct s_files *f, const char *path, bool secret, int *fd)
{
    struct stat st;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        if (errno == ENOENT)
            return AYNI_ENOTFOUND;
        s_err(f, _("cannot open key file '%s': %s"), path, strerror(errno));
        return AYNI_EIO;
    }
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        s_err(f, _("key file '%s' is not a regular file: remove it or restore it from a "
                   "backup"),
              path);
        goto out_close;
    }
    if (secret && (st.st_mode & 0066)) {
        if (st.st_mode & 0044)
            s_err(f, _("key file '%s' is readable by others: run chmod 600 %s"), path, path);
        else
            s_err(f, _("key file '%s' is writable by others: run chmod 600 %s"), path, path);
        goto out_close;
    }
    return 0;
out_close:
    close(*fd);
    return AYNI_EIO;
}

/* Read up to cap bytes of fd into buf; their number, or -1. */
static ssize_t
s_read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    return (ssize_t)n;
}

/* One line of exactly 64 hex digits (LF or CR LF optional) into key. */
static bool
s_parse(const char *buf, size_t len, unsigned char key[32])
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    return len == S_HEX_LEN && sodium_hex2bin(key, 32, buf, len, NULL, &bin_len, &end) == 0 &&
           bin_len == 32 && end == buf + len;
}

/* Read the key in path.  AYNI_ENOTFOUND (no message) if the file does not exist. */
static int
s_read_key(const struct s_files *f, const char *path, bool secret, unsigned char key[32])
{
    char buf[S_HEX_LEN + 3]; /* room for CR LF and one byte too many */
    int fd;
    int rc = s_open(f, path, secret, &fd);
    if (rc != 0)
        return rc;
    ssize_t n = s_read_all(fd, buf, sizeof buf);
    close(fd);
    if (n < 0) {
        s_err(f, _("cannot read key file '%s': %s"), path, strerror(errno));
        rc = AYNI_EIO;
    } else if (!s_parse(buf, (size_t)n, key)) {
        s_err(f, _("key file '%s' is malformed (it must hold one line of 64 hex digits): "
                   "restore it from a backup"), path);
        rc = AYNI_EINVAL;
    }
    sodium_memzero(buf, sizeof buf);
    return rc;
}

static int
s_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Create tmp with mode (O_EXCL: it gets that mode from the start) holding line. */
static int
s_write_tmp(const char *tmp, const char *line, size_t len, mode_t mode)
{
    unlink(tmp); /* left by a crashed run with our pid */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    if (s_write_all(fd, line, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return close(fd);
}

static int
s_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Create path holding key as a hex line.  AYNI_EEXISTS (no message) if another
 * process created it first; link(), unlike rename(), never replaces a file. */
static int
s_write_key(const struct s_files *f, const char *path, const unsigned char key[32],
            mode_t mode)
{
    char line[S_HEX_LEN + 2];
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    int rc = 0;

    sodium_bin2hex(line, sizeof line, key, 32);
    line[S_HEX_LEN] = '\n';
    if (s_write_tmp(tmp, line, S_HEX_LEN + 1, mode) != 0)
        rc = AYNI_EIO;
    else if (link(tmp, path) != 0)
        rc = errno == EEXIST ? AYNI_EEXISTS : AYNI_EIO;
    else if (s_sync_dir(f->dir) != 0)
        rc = AYNI_EIO;
    if (rc == AYNI_EIO)
        s_err(f, _("cannot create key file '%s': %s"), path, strerror(errno));
    unlink(tmp);
    sodium_memzero(line, sizeof line);
    free(tmp);
    return rc;
}

/* Load the secret key file into seed, creating it if neither key file exists yet and
 * create is set. */
static int
s_load_secret(const struct s_files *f, bool create, unsigned char seed[32])
{
    int rc = s_read_key(f, f->secret, true, seed);
    if (rc != AYNI_ENOTFOUND)
        return rc;
    if (access(f->public, F_OK) == 0) {
        s_err(f, _("key file '%s' is missing but '%s' exists: restore it from a backup "
                   "(a new key would make every printed code fail to verify)"),
              f->secret, f->public);
        return AYNI_EIO;
    }
    if (!create) {
        s_err(f, _("no key file '%s'"), f->secret);
        return AYNI_ENOTFOUND;
    }
    randombytes_buf(seed, 32);
    rc = s_write_key(f, f->secret, seed, 0600);
    if (rc == AYNI_EEXISTS) /* another process won the race: use its key */
        rc = s_read_key(f, f->secret, true, seed);
    return rc;
}

/* Check sign.pub against pk, writing it from pk if it is missing. */
static int
s_check_public(const struct s_files *f, const unsigned char pk[32])
{
    unsigned char stored[32];
    int rc = s_read_key(f, f->public, false, stored);
    if (rc == AYNI_ENOTFOUND) {
        rc = s_write_key(f, f->public, pk, 0644);
        if (rc != AYNI_EEXISTS)
            return rc;
        rc = s_read_key(f, f->public, false, stored);
    }
    if (rc == 0 && memcmp(stored, pk, 32) != 0) {
        s_err(f, _("public key '%s' does not match secret key '%s': remove '%s' to have it "
                   "written again from the secret key"), f->public, f->secret, f->public);
        rc = AYNI_EINVAL;
    }
    return rc;
}

static int
s_make_dir(const struct s_files *f)
{
    if (mkdir(f->dir, 0700) == 0 || errno == EEXIST)
        return 0;
    s_err(f, _("cannot create key folder '%s': %s"), f->dir, strerror(errno));
    return AYNI_EIO;
}

/* Load (or create) the pair named name in dir; derive makes the public key (and the
 * full secret key, if any) from the 32 secret bytes. */
static int
s_load_pair(const char *dir, const char *name, bool create,
            void (*derive)(const unsigned char seed[32], unsigned char pk[32], void *sk),
            unsigned char pk[32], void *sk, size_t sklen, char *err, size_t errlen)
{
    assert(dir && pk && sk);
    struct s_files f = {dir, xasprintf("%s/%s.key", dir, name), xasprintf("%s/%s.pub", dir, name),
                        err, errlen};
    unsigned char seed[32];
    int rc = AYNI_EINTERNAL;

    if (sodium_init() < 0)
        s_err(&f, _("cannot start libsodium"));
    else if ((rc = s_make_dir(&f)) == 0 && (rc = s_load_secret(&f, create, seed)) == 0) {
        derive(seed, pk, sk);
        rc = s_check_public(&f, pk);
    }
    sodium_memzero(seed, sizeof seed);
    if (rc != 0) {
        sodium_memzero(pk, 32);
        sodium_memzero(sk, sklen);
    }
    free(f.secret);
    free(f.public);
    return rc;
}

static void
s_derive_sign(const unsigned char seed[32], unsigned char pk[32], void *sk)
{
    crypto_sign_seed_keypair(pk, sk, seed);
}

static void
s_derive_curve(const unsigned char secret[32], unsigned char pk[32], void *sk)
{
    memcpy(sk, secret, 32);
    crypto_scalarmult_base(pk, secret);
}

int
core_signkey_load(const char *dir, unsigned char pk[32], unsigned char sk[64], char *err,
                  size_t errlen)
{
    return s_load_pair(dir, "sign", true, s_derive_sign, pk, sk, 64, err, errlen);
}

int
core_curvekey_load(const char *dir, bool create, unsigned char pk[32], unsigned char sk[32],
                   char *err, size_t errlen)
{
    return s_load_pair(dir, "curve", create, s_derive_curve, pk, sk, 32, err, errlen);
}

int
core_signkey_public_hex(const unsigned char pk[32], char out[65])
{
    sodium_bin2hex(out, 65, pk, 32);
    return 0;
}
