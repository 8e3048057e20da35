/* web_tls.h: ayni-web's TLS certificate: a real one given with --cert/--key, or a
 * self-signed one made once in the state folder (GnuTLS).  No sockets here. */
#ifndef AYNI_WEB_TLS_H
#define AYNI_WEB_TLS_H

#include <stddef.h>

struct web_tls {
    char *cert_pem; /* owned */
    char *key_pem;  /* owned; zeroed on clear */
    char fingerprint[96]; /* SHA-256 of the DER certificate, "AB:CD:…" as browsers show */
    char made[512];  /* the certificate file made now, or "" */
};

/* Load cert_path and key_path; 0, or -1 with a message in err. */
int web_tls_load(struct web_tls *t, const char *cert_path, const char *key_path, char *err,
                 size_t errlen);
/* Load STATE/web.crt and STATE/web.key, making them first (ECDSA P-256, CN host, SAN
 * host, localhost and 127.0.0.1; the key mode 0600) when there are none.  0 or -1 with err. */
int web_tls_selfsigned(struct web_tls *t, const char *state, const char *host, char *err,
                       size_t errlen);
void web_tls_clear(struct web_tls *t);

#endif
