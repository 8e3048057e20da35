/* wh_gateway.c: the fingerprint of a running ayni-web, read off its TLS handshake, for
 * a phone's enrolment sheet.  Asking the gateway itself (not a file) means the sheet
 * carries the certificate phones will really be shown, and that the address on the
 * sheet answers.  Nothing is verified here: the sheet is how a person verifies it. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "lang.h"
#include "url.h"
#include "wh.h"

#define S_WAIT_MS 5000

/* A TCP connection to host:port within S_WAIT_MS, or -1 with why in err. */
static int
s_connect(const char *host, unsigned port, char *err, size_t errlen)
{
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int g = getaddrinfo(host, service, &hints, &res);
    if (g) {
        snprintf(err, errlen, "%s", gai_strerror(g));
        return -1;
    }
    int fd = -1, e = ECONNREFUSED;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        if (errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (poll(&p, 1, S_WAIT_MS) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
                break;
            e = soerr ? soerr : ETIMEDOUT;
        } else {
            e = errno;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "%s", strerror(e));
    else
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

int
wh_gateway_fingerprint(const char *url, char hex[65], char *err, size_t errlen)
{
    char host[256];
    unsigned port = 0;
    if (!ayni_https_url(url, host, &port)) {
        snprintf(err, errlen, _("'%s' is not an address of ayni-web: write it as "
                                "https://HOST:PORT, e.g. https://192.168.1.20:8443"),
                 url);
        return WH_USAGE;
    }
    char why[256] = "";
    int fd = s_connect(host, port, why, sizeof why);
    if (fd < 0) {
        snprintf(err, errlen, _("cannot reach ayni-web at %s (%s): start it, or give the "
                                "address the phones use with --gateway"),
                 url, why);
        return WH_UNREACHABLE;
    }
    gnutls_session_t s = NULL;
    gnutls_certificate_credentials_t cred = NULL;
    int rc = gnutls_certificate_allocate_credentials(&cred);
    if (rc >= 0)
        rc = gnutls_init(&s, GNUTLS_CLIENT);
    if (rc >= 0)
        rc = gnutls_set_default_priority(s);
    if (rc >= 0)
        rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    if (rc >= 0) {
        gnutls_transport_set_int(s, fd);
        gnutls_handshake_set_timeout(s, S_WAIT_MS);
        do
            rc = gnutls_handshake(s);
        while (rc < 0 && !gnutls_error_is_fatal(rc));
    }
    unsigned n = 0;
    const gnutls_datum_t *chain = rc >= 0 ? gnutls_certificate_get_peers(s, &n) : NULL;
    unsigned char fp[32];
    size_t fplen = sizeof fp;
    int out = WH_OK;
    if (rc < 0 || !chain || n == 0 ||
        gnutls_fingerprint(GNUTLS_DIG_SHA256, &chain[0], fp, &fplen) < 0 || fplen != 32) {
        snprintf(err, errlen, _("%s answered, but not as ayni-web does (TLS: %s): check the "
                                "address and the port"),
                 url, rc < 0 ? gnutls_strerror(rc) : _("no certificate"));
        out = WH_UNREACHABLE;
    } else {
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02X", fp[i]);
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    if (s)
        gnutls_deinit(s);
    if (cred)
        gnutls_certificate_free_credentials(cred);
    close(fd);
    return out;
}
