/* test_signkey.c: the signing key files (core/lib/signkey.c): creation, reload and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mem.h"
#include "signkey.h"
#include "testutil.h"

struct fixture {
    char *tmp, *dir, *secret, *public;
    unsigned char pk[32], sk[64];
    char err[512];
};

static int
s_setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    umask(022);
    f->tmp = tu_tmpdir();
    f->dir = tu_path(f->tmp, "keys");
    f->secret = tu_path(f->dir, "sign.key");
    f->public = tu_path(f->dir, "sign.pub");
    if (core_signkey_load(f->dir, f->pk, f->sk, f->err, sizeof f->err) != 0)
        return -1;
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    struct fixture *f = *state;
    tu_rmtree(f->tmp);
    free(f->tmp);
    free(f->dir);
    free(f->secret);
    free(f->public);
    free(f);
    return 0;
}

static int
s_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (int)(st.st_mode & 07777);
}

/* Replace the contents of path, keeping its mode. */
static void
s_rewrite(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* Load again; returns its result, and checks a failure leaves no key and no secret. */
static int
s_reload(struct fixture *f, unsigned char pk[32], unsigned char sk[64])
{
    static const unsigned char zero[64];
    char seed_hex[65];
    f->err[0] = '\0';
    int rc = core_signkey_load(f->dir, pk, sk, f->err, sizeof f->err);
    if (rc != 0) {
        assert_memory_equal(sk, zero, 64);
        assert_memory_equal(pk, zero, 32);
        assert_true(strlen(f->err) > 0);
        sodium_bin2hex(seed_hex, sizeof seed_hex, f->sk, 32);
        seed_hex[16] = '\0';
        assert_null(strstr(f->err, seed_hex));
        print_message("refused: %s\n", f->err);
    }
    return rc;
}

static void
test_created(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(s_mode(f->dir), 0700);
    assert_int_equal(s_mode(f->secret), 0600);
    assert_int_equal(s_mode(f->public), 0644);

    DIR *d = opendir(f->dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 2); /* no temporary file left behind */

    char hex[65], *cmd = xasprintf("cat '%s'", f->public), *pub = tu_run(cmd, NULL);
    free(cmd);
    assert_int_equal(core_signkey_public_hex(f->pk, hex), 0);
    assert_int_equal(strlen(pub), 65);
    assert_memory_equal(pub, hex, 64);
    free(pub);
    assert_memory_equal(f->sk + 32, f->pk, 32);
}

static void
test_reload_same(void **state)
{
    struct fixture *f = *state;
    unsigned char pk[32], sk[64], sig[64];
    assert_int_equal(s_reload(f, pk, sk), 0);
    assert_memory_equal(pk, f->pk, 32);
    assert_memory_equal(sk, f->sk, 64);
    crypto_sign_detached(sig, NULL, (const unsigned char *)"x", 1, sk);
    assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)"x", 1, f->pk), 0);
}

static void
test_open_mode_refused(void **state)
{
    struct fixture *f = *state;
    unsigned char pk[32], sk[64];
    static const mode_t modes[] = {0644, 0640, 0604, 0620, 0602};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        assert_int_equal(chmod(f->secret, modes[i]), 0);
        assert_int_equal(s_reload(f, pk, sk), AYNI_EIO);
        assert_non_null(strstr(f->err, f->secret));
        assert_non_null(strstr(f->err, "chmod 600"));
    }
    assert_int_equal(chmod(f->secret, 0600), 0);
    assert_int_equal(s_reload(f, pk, sk), 0);
    assert_int_equal(chmod(f->secret, 0400), 0); /* read-only for the owner is fine */
    assert_int_equal(s_reload(f, pk, sk), 0);
}

static void
test_corrupt_refused(void **state)
{
    struct fixture *f = *state;
    unsigned char pk[32], sk[64];
    char good[66];
    sodium_bin2hex(good, 65, f->sk, 32);
    good[64] = '\n';
    good[65] = 'x'; /* a byte after the key's line */
    char *bad[] = {xstrdup(""), xstrdup("\n"), xstrndup(good, 63), xstrndup(good, 66),
                   xasprintf("%.64s \n", good), xasprintf("x%.63s\n", good),
                   xasprintf("%.64s\nmore\n", good), xasprintf("%.64s\n\n", good)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_rewrite(f->secret, bad[i], strlen(bad[i]));
        assert_int_equal(s_reload(f, pk, sk), AYNI_EINVAL);
        assert_non_null(strstr(f->err, f->secret));
        assert_non_null(strstr(f->err, "malformed"));
        free(bad[i]);
    }
    char crlf[67];
    memcpy(crlf, good, 64);
    memcpy(crlf + 64, "\r\n", 2);
    s_rewrite(f->secret, crlf, 66); /* edited on Windows: still fine */
    assert_int_equal(s_reload(f, pk, sk), 0);
    assert_memory_equal(sk, f->sk, 64);
}

static void
test_mismatch_refused(void **state)
{
    struct fixture *f = *state;
    unsigned char pk[32], sk[64], other_pk[32], other_sk[64];
    char hex[66];
    crypto_sign_keypair(other_pk, other_sk);
    core_signkey_public_hex(other_pk, hex);
    hex[64] = '\n';
    s_rewrite(f->public, hex, 65);
    assert_int_equal(s_reload(f, pk, sk), AYNI_EINVAL);
    assert_non_null(strstr(f->err, f->public));
    assert_non_null(strstr(f->err, "does not match"));

    /* Removing sign.pub, as the message says, has it written again from sign.key. */
    assert_int_equal(unlink(f->public), 0);
    assert_int_equal(s_reload(f, pk, sk), 0);
    assert_memory_equal(pk, f->pk, 32);
    assert_int_equal(s_mode(f->public), 0644);
}

static void
test_lost_secret_refused(void **state)
{
    struct fixture *f = *state;
    unsigned char pk[32], sk[64];
    assert_int_equal(unlink(f->secret), 0);
    assert_int_equal(s_reload(f, pk, sk), AYNI_EIO);
    assert_non_null(strstr(f->err, f->secret));
    assert_int_equal(access(f->secret, F_OK), -1); /* no new key was made */
    assert_int_equal(core_signkey_load(f->dir, pk, sk, NULL, 0), AYNI_EIO);
}

static void
test_bad_folder(void **state)
{
    struct fixture *f = *state;
    unsigned char pk[32], sk[64];
    char *dir = tu_path(f->tmp, "missing/keys");
    char err[256] = "";
    assert_int_equal(core_signkey_load(dir, pk, sk, err, sizeof err), AYNI_EIO);
    assert_non_null(strstr(err, dir));
    free(dir);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
    const struct CMUnitTest tests[] = {
        T(test_created),          T(test_reload_same),      T(test_open_mode_refused),
        T(test_corrupt_refused),  T(test_mismatch_refused), T(test_lost_secret_refused),
        T(test_bad_folder),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
