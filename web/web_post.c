/* web_post.c: the POST of web_post.h.  The socket is non-blocking and every wait is a
 * poll(2) on it and on the stop descriptor, with what is left of the deadline, so that
 * ayni-web stops at once on SIGTERM even while a receiver is slow.  Name resolution
 * (getaddrinfo) is the one blocking step: it is bounded by the resolver's own time-out. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>

#include "lang.h"
#include "mem.h"
#include "web_post.h"

struct s_conn {
    int fd, stop_fd;
    long long deadline; /* ms, monotonic */
    gnutls_session_t tls;
    gnutls_certificate_credentials_t cred;
    char *err;
    size_t errlen;
};

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events: 0, or WEB_POST_FAILED (time-out, said) or
 * WEB_POST_STOPPED. */
static int
s_wait(struct s_conn *c, short events)
{
    for (;;) {
        long long left = c->deadline - s_now_ms();
        if (left <= 0) {
            snprintf(c->err, c->errlen, "%s", _("no answer in time"));
            return WEB_POST_FAILED;
        }
        struct pollfd p[2] = {{c->fd, events, 0}, {c->stop_fd, POLLIN, 0}};
        int n = poll(p, c->stop_fd >= 0 ? 2 : 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(c->err, c->errlen, "poll: %s", strerror(errno));
            return WEB_POST_FAILED;
        }
        if (c->stop_fd >= 0 && (p[1].revents & POLLIN))
            return WEB_POST_STOPPED;
        if (p[0].revents)
            return 0;
    }
}

/* Connect to one address, non-blocking, within the deadline. */
static int
s_connect_one(struct s_conn *c, const struct addrinfo *ai)
{
    c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   ai->ai_protocol);
    if (c->fd < 0) {
        snprintf(c->err, c->errlen, "socket: %s", strerror(errno));
        return WEB_POST_FAILED;
    }
    if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return 0;
    if (errno != EINPROGRESS) {
        snprintf(c->err, c->errlen, "connect: %s", strerror(errno));
        return WEB_POST_FAILED;
    }
    int rc = s_wait(c, POLLOUT);
    if (rc)
        return rc;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr) {
        snprintf(c->err, c->errlen, "connect: %s", strerror(soerr));
        return WEB_POST_FAILED;
    }
    return 0;
}

static int
s_connect(struct s_conn *c, const struct ayni_hook_url *u)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    char port[8];
    snprintf(port, sizeof port, "%u", u->port);
    int g = getaddrinfo(u->host, port, &hints, &res);
    if (g) {
        snprintf(c->err, c->errlen, _("cannot find host '%s': %s"), u->host, gai_strerror(g));
        return WEB_POST_FAILED;
    }
    int rc = WEB_POST_FAILED;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        if ((rc = s_connect_one(c, ai)) != WEB_POST_FAILED)
            break;
    }
    freeaddrinfo(res);
    return rc;
}

/* A GnuTLS call that may want to read or write again: wait for the socket and retry. */
static int
s_tls_again(struct s_conn *c, int r)
{
    if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED) {
        snprintf(c->err, c->errlen, "TLS: %s", gnutls_strerror(r));
        return WEB_POST_FAILED;
    }
    return s_wait(c, gnutls_record_get_direction(c->tls) ? POLLOUT : POLLIN);
}

static bool
s_is_address(const char *host)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* TLS over c->fd with the system's trust store, the certificate checked for u->host. */
static int
s_tls_start(struct s_conn *c, const struct ayni_hook_url *u)
{
    int r = gnutls_certificate_allocate_credentials(&c->cred);
    if (r == 0 && gnutls_certificate_set_x509_system_trust(c->cred) < 0)
        r = GNUTLS_E_FILE_ERROR;
    if (r == 0)
        r = gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
    if (r == 0)
        r = gnutls_set_default_priority(c->tls);
    if (r == 0)
        r = gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->cred);
    if (r == 0 && !s_is_address(u->host))
        r = gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, u->host, strlen(u->host));
    if (r) {
        snprintf(c->err, c->errlen, "TLS: %s", gnutls_strerror(r));
        return WEB_POST_FAILED;
    }
    gnutls_session_set_verify_cert(c->tls, u->host, 0);
    gnutls_transport_set_int(c->tls, c->fd);
    gnutls_handshake_set_timeout(c->tls, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
    while ((r = gnutls_handshake(c->tls)) < 0) {
        if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
            snprintf(c->err, c->errlen, _("TLS: the certificate of '%s' is not trusted"),
                     u->host);
            return WEB_POST_FAILED;
        }
        int rc = gnutls_error_is_fatal(r) ? (snprintf(c->err, c->errlen, "TLS: %s",
                                                      gnutls_strerror(r)),
                                             WEB_POST_FAILED)
                                          : s_tls_again(c, r);
        if (rc)
            return rc;
    }
    return 0;
}

static int
s_send(struct s_conn *c, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = c->tls ? gnutls_record_send(c->tls, p, n) : send(c->fd, p, n, MSG_NOSIGNAL);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        int rc = c->tls ? s_tls_again(c, (int)k)
               : (errno == EAGAIN || errno == EINTR) ? s_wait(c, POLLOUT)
               : (snprintf(c->err, c->errlen, "send: %s", strerror(errno)), WEB_POST_FAILED);
        if (rc)
            return rc;
    }
    return 0;
}

/* Read until the status line is in: "HTTP/1.x NNN ...". */
static int
s_status(struct s_conn *c, int *status)
{
    char buf[512];
    size_t have = 0;
    while (have < sizeof buf - 1 && !memchr(buf, '\n', have)) {
        ssize_t k = c->tls ? gnutls_record_recv(c->tls, buf + have, sizeof buf - 1 - have)
                           : recv(c->fd, buf + have, sizeof buf - 1 - have, 0);
        if (k == 0)
            break;
        if (k > 0) {
            have += (size_t)k;
            continue;
        }
        int rc = c->tls ? s_tls_again(c, (int)k)
               : (errno == EAGAIN || errno == EINTR) ? s_wait(c, POLLIN)
               : (snprintf(c->err, c->errlen, "recv: %s", strerror(errno)), WEB_POST_FAILED);
        if (rc)
            return rc;
    }
    buf[have] = '\0';
    int code = 0;
    if (sscanf(buf, "HTTP/1.%*1[01] %3d", &code) != 1 || code < 100 || code > 999) {
        snprintf(c->err, c->errlen, "%s",
                 have ? _("the answer is not HTTP") : _("the connection closed with no answer"));
        return WEB_POST_FAILED;
    }
    *status = code;
    return 0;
}

enum web_post_result
web_post(const struct ayni_hook_url *u, const char *headers, const char *body, size_t len,
         int timeout_ms, int stop_fd, int *status, char *err, size_t errlen)
{
    struct s_conn c = {.fd = -1, .stop_fd = stop_fd, .deadline = s_now_ms() + timeout_ms,
                       .err = err, .errlen = errlen};
    bool v6 = strchr(u->host, ':') != NULL, dflt = u->port == (u->tls ? 443u : 80u);
    char port[8] = "";
    if (!dflt)
        snprintf(port, sizeof port, ":%u", u->port);
    char *head = xasprintf("POST %s HTTP/1.1\r\nHost: %s%s%s%s\r\n%sContent-Length: %zu\r\n"
                           "Connection: close\r\n\r\n",
                           u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", port, headers, len);
    *status = 0;
    err[0] = '\0';
    int rc = s_connect(&c, u);
    if (rc == 0 && u->tls)
        rc = s_tls_start(&c, u);
    if (rc == 0)
        rc = s_send(&c, head, strlen(head));
    if (rc == 0)
        rc = s_send(&c, body, len);
    if (rc == 0)
        rc = s_status(&c, status);
    if (c.tls) {
        gnutls_bye(c.tls, GNUTLS_SHUT_WR); /* non-blocking: a courtesy, not awaited */
        gnutls_deinit(c.tls);
    }
    if (c.cred)
        gnutls_certificate_free_credentials(c.cred);
    if (c.fd >= 0)
        close(c.fd);
    free(head);
    return (enum web_post_result)rc;
}
