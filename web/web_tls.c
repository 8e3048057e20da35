/* web_tls.c: ayni-web's certificate and key (web_tls.h): loaded, or made self-signed with
 * GnuTLS on first start.  It must not log or print the key. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>

#include "lang.h"
#include "mem.h"
#include "web_tls.h"

/* The whole of a file as a string, or NULL with errno. */
static char *
s_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap && cap < (1u << 20))
            buf = xrealloc(buf, cap *= 2);
        else if (n + 1 == cap)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static int
s_fingerprint(struct web_tls *t, char *err, size_t errlen)
{
    gnutls_x509_crt_t crt;
    gnutls_datum_t pem = {(unsigned char *)t->cert_pem, (unsigned)strlen(t->cert_pem)};
    unsigned char fp[32];
    size_t fplen = sizeof fp;
    int rc = gnutls_x509_crt_init(&crt);
    if (rc == 0 && (rc = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM)) == 0)
        rc = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &fplen);
    gnutls_x509_crt_deinit(crt);
    if (rc < 0 || fplen != 32) {
        snprintf(err, errlen, _("the certificate is not a PEM X.509 certificate: %s"),
                 gnutls_strerror(rc));
        return -1;
    }
    for (size_t i = 0; i < 32; i++)
        snprintf(t->fingerprint + 3 * i, 4, i < 31 ? "%02X:" : "%02X", fp[i]);
    return 0;
}

int
web_tls_load(struct web_tls *t, const char *cert_path, const char *key_path, char *err,
             size_t errlen)
{
    t->cert_pem = s_read(cert_path);
    if (!t->cert_pem) {
        snprintf(err, errlen, _("cannot read the TLS file '%s': %s"), cert_path,
                 strerror(errno));
        return -1;
    }
    t->key_pem = s_read(key_path);
    if (!t->key_pem) {
        snprintf(err, errlen, _("cannot read the TLS file '%s': %s"), key_path,
                 strerror(errno));
        return -1;
    }
    return s_fingerprint(t, err, errlen);
}

/* Write text to path with mode; 0 or -1 with err. */
static int
s_write(const char *path, const char *text, mode_t mode, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    size_t n = strlen(text);
    if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) {
        snprintf(err, errlen, _("cannot write the TLS file '%s': %s"), path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return close(fd);
}

/* A new key and self-signed certificate for host, as PEM in t. */
static int
s_make(struct web_tls *t, const char *host)
{
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    gnutls_datum_t out = {NULL, 0};
    unsigned char serial[16];
    randombytes_buf(serial, sizeof serial);
    serial[0] &= 0x7f; /* a positive serial */
    time_t now = time(NULL);
    unsigned char ip[4] = {127, 0, 0, 1}, hostip[16];
    int rc = gnutls_x509_privkey_init(&key);
    rc = rc ? rc : gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                                GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
    rc = rc ? rc : gnutls_x509_crt_init(&crt);
    rc = rc ? rc : gnutls_x509_crt_set_version(crt, 3);
    rc = rc ? rc : gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
    rc = rc ? rc : gnutls_x509_crt_set_activation_time(crt, now - 3600);
    rc = rc ? rc : gnutls_x509_crt_set_expiration_time(crt, now + 825L * 86400);
    rc = rc ? rc : gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, host,
                                                 (unsigned)strlen(host));
    rc = rc ? rc : gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                 "Ayni", 4);
    rc = rc ? rc : gnutls_x509_crt_set_key(crt, key);
    rc = rc ? rc : gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
    rc = rc ? rc : gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
    rc = rc ? rc : gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
    rc = rc ? rc : gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                        GNUTLS_FSAN_APPEND);
    rc = rc ? rc : gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
                                                        GNUTLS_FSAN_APPEND);
    if (rc == 0 && inet_pton(AF_INET, host, hostip) == 1) {
        if (memcmp(hostip, ip, 4))
            rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, hostip, 4,
                                                      GNUTLS_FSAN_APPEND);
    } else if (rc == 0 && inet_pton(AF_INET6, host, hostip) == 1) {
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, hostip, 16,
                                                  GNUTLS_FSAN_APPEND);
    } else if (rc == 0 && strcmp(host, "localhost")) {
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host,
                                                  (unsigned)strlen(host), GNUTLS_FSAN_APPEND);
    }
    rc = rc ? rc : gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
    rc = rc ? rc : gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out);
    if (rc == 0) {
        t->cert_pem = xstrdup((const char *)out.data);
        gnutls_free(out.data);
        rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out);
    }
    if (rc == 0) {
        t->key_pem = xstrdup((const char *)out.data);
        gnutls_memset(out.data, 0, out.size);
        gnutls_free(out.data);
    }
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    return rc;
}

int
web_tls_selfsigned(struct web_tls *t, const char *state, const char *host, char *err,
                   size_t errlen)
{
    char *crt = xasprintf("%s/web.crt", state), *key = xasprintf("%s/web.key", state);
    int rc = 0;
    if (access(crt, F_OK) == 0 || access(key, F_OK) == 0) {
        rc = web_tls_load(t, crt, key, err, errlen);
        goto out;
    }
    if (mkdir(state, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, _("cannot make the state folder '%s': %s"), state, strerror(errno));
        rc = -1;
        goto out;
    }
    int g = s_make(t, host);
    if (g < 0) {
        snprintf(err, errlen, _("cannot make a certificate: %s"), gnutls_strerror(g));
        rc = -1;
        goto out;
    }
    if ((rc = s_write(key, t->key_pem, 0600, err, errlen)) == 0 &&
        (rc = s_write(crt, t->cert_pem, 0644, err, errlen)) == 0) {
        snprintf(t->made, sizeof t->made, "%s", crt);
        rc = s_fingerprint(t, err, errlen);
    }
out:
    free(crt);
    free(key);
    return rc;
}

void
web_tls_clear(struct web_tls *t)
{
    if (t->key_pem)
        sodium_memzero(t->key_pem, strlen(t->key_pem));
    free(t->key_pem);
    free(t->cert_pem);
    memset(t, 0, sizeof *t);
}
