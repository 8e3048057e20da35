/* zap.c: answering ZAP requests (see zap.h).  Reads the devices table; writes nothing. */
#include "zap.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "error.h"

#define S_FRAMES 8

static void
s_reply(void *sock, const char *request_id, size_t idlen, const char *code, const char *text,
        const char *user)
{
    zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(sock, request_id, idlen, ZMQ_SNDMORE);
    zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
    zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(sock, "", 0, 0);
}

/* Who the key belongs to, if it may come in through domain; else why not. */
static const char *
s_decide(core_store_t *store, const char *domain, const unsigned char key[32], char name[101])
{
    char hex[65], role[16];
    bool enabled;
    sodium_bin2hex(hex, sizeof hex, key, 32);
    int rc = core_device_by_key(store, hex, name, role, &enabled);
    if (rc == AYNI_ENOTFOUND)
        return "unknown device key";
    if (rc)
        return "cannot read the devices";
    if (!enabled)
        return "device disabled";
    if (!strcmp(domain, CORE_ZAP_DOMAIN_EVENTS) && !strcmp(role, "scanner"))
        return "a scanner may not read the event stream";
    return NULL;
}

void
core_zap_answer(void *sock, core_store_t *store, char *refused, size_t len)
{
    zmq_msg_t f[S_FRAMES];
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < S_FRAMES) {
            zmq_msg_init(&f[n]);
            zmq_msg_move(&f[n++], &m);
        }
        zmq_msg_close(&m);
    }
    /* version, request id, domain, address, identity, mechanism, credentials */
    const char *why = "malformed request";
    char name[101] = "", domain[32] = "";
    if (n == 7 && zmq_msg_size(&f[5]) == 5 && !memcmp(zmq_msg_data(&f[5]), "CURVE", 5) &&
        zmq_msg_size(&f[6]) == 32) {
        snprintf(domain, sizeof domain, "%.*s", (int)zmq_msg_size(&f[2]),
                 (const char *)zmq_msg_data(&f[2]));
        why = s_decide(store, domain, zmq_msg_data(&f[6]), name);
    }
    const char *id = n > 1 ? zmq_msg_data(&f[1]) : "";
    size_t idlen = n > 1 ? zmq_msg_size(&f[1]) : 0;
    if (why)
        s_reply(sock, id, idlen, "400", why, "");
    else
        s_reply(sock, id, idlen, "200", "OK", name);
    if (refused)
        snprintf(refused, len, "%s", why ? why : "");
    for (int i = 0; i < n; i++)
        zmq_msg_close(&f[i]);
}
